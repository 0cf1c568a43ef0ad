"""The words that say what a view shows: the count line, the selection, export subtitles,
the about line and the CLI's dataset summary.

Built here once so the app, the command line and the exports say the same thing in the
same words; plain functions over the frames the filters return.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from dashboard.data.dataset import Dataset
from dashboard.filters import Filters
from dashboard.i18n import DEFAULT_LANGUAGE, N_, Translator, translator
from dashboard.placenames import country_label
from dashboard.vocab import CATEGORIES, PRECISIONS

#: The dashboard's name: page title, heading, briefing title and the exports' default title
#: (in English; ``title`` gives it in the reader's language).
TITLE = N_("Crackdown on North Korean escapees")


def title(*, lang: str = DEFAULT_LANGUAGE) -> str:
    """The dashboard's name in the reader's language."""
    return translator(lang).gettext(TITLE)


def day_text(day: dt.date, *, lang: str = DEFAULT_LANGUAGE) -> str:
    """A day as the views write it: "01 Mar 2014" in English (the format the app always used;
    CLDR's British English would write "Sept"), the locale's long date elsewhere
    ("2014년 3월 1일")."""
    t = translator(lang)
    return f"{day:%d %b %Y}" if t.lang == DEFAULT_LANGUAGE else t.date(day, "long")


def describe(
    f: Filters,
    window: tuple[dt.date, dt.date] | None = None,
    undated_shown: int = 0,
    *,
    lang: str = DEFAULT_LANGUAGE,
) -> str:
    """The selection in words, for titles, captions and export subtitles.

    ``undated_shown`` is how many of the shown incidents have no stated year: a date window
    does not apply to them, so the words say they are included rather than count them silently.
    """
    t = translator(lang)
    parts = []
    start, end = f.start, f.end
    if start or end:
        s = day_text(start, lang=t.lang) if start else t.gettext("the beginning")
        e = day_text(end, lang=t.lang) if end else t.gettext("now")
        dates = t.gettext("{start} to {end}", start=s, end=e)
        if undated_shown:
            dates = t.ngettext(
                "{dates}, plus {n} incident with no stated year",
                "{dates}, plus {n} incidents with no stated year",
                undated_shown,
                dates=dates,
            )
        parts.append(dates)
    elif window:
        parts.append(
            t.gettext(
                "{start} to {end}",
                start=day_text(window[0], lang=t.lang),
                end=day_text(window[1], lang=t.lang),
            )
        )
    if f.categories:
        parts.append(
            ", ".join(t.gettext(CATEGORIES[c].label) for c in CATEGORIES if c in f.categories)
        )
    if f.actors:
        names = ", ".join(sorted(t.gettext(a) for a in f.actors))
        parts.append(t.gettext("actors: {names}", names=names))
    if f.countries:
        names = ", ".join(sorted(country_label(c, lang=t.lang) for c in f.countries))
        parts.append(t.gettext("in {countries}", countries=names))
    if f.admin1:
        parts.append(t.gettext("provinces: {names}", names=", ".join(sorted(f.admin1))))
    if f.confidence:
        levels = ", ".join(sorted(_confidence_word(c, t) for c in f.confidence))
        parts.append(t.gettext("confidence: {levels}", levels=levels))
    if f.text.strip():
        parts.append(t.gettext('matching "{text}"', text=f.text.strip()))
    if not f.include_undated:
        parts.append(t.gettext("dated incidents only"))
    return "; ".join(parts) if parts else t.gettext("all incidents")


# The confidence levels by name, as a selection lists them ("confidence: reported").
_CONFIDENCE_WORDS = {
    "confirmed": N_("confirmed"),
    "reported": N_("reported"),
    "unconfirmed": N_("unconfirmed"),
}


def confidence_name(key: str, *, lang: str = DEFAULT_LANGUAGE) -> str:
    """A confidence level's name ("reported"; "보도됨"), as selections and popups give it."""
    return translator(lang).gettext(_CONFIDENCE_WORDS[key]) if key in _CONFIDENCE_WORDS else key


def _confidence_word(key: str, t: Translator) -> str:
    return confidence_name(key, lang=t.lang)


def _n_of_total(t: Translator, shown: int, total: int) -> str:
    """ "7 of 18 incidents" (the noun agrees with the total, as English says it)."""
    return t.ngettext(
        "{shown} of {n} incident", "{shown} of {n} incidents", total, shown=t.number(shown)
    )


def count_line(
    shown: pd.DataFrame,
    total: int,
    legs: pd.DataFrame | None = None,
    total_legs: int = 0,
    *,
    lang: str = DEFAULT_LANGUAGE,
) -> str:
    """ "7 of 18 incidents (4 with no stated year), 3 of 8 route legs": the app's count, the
    CLI's and the exports' subtitles say it with these words."""
    t = translator(lang)
    undated = int(shown["date_start"].isna().sum())
    line = _n_of_total(t, len(shown), total)
    if undated:
        line = t.gettext(
            "{count} ({undated} with no stated year)", count=line, undated=t.number(undated)
        )
    if legs is not None:
        line = t.ngettext(
            "{count}, {shown} of {n} route leg",
            "{count}, {shown} of {n} route legs",
            total_legs,
            count=line,
            shown=t.number(len(legs)),
        )
    return line


def view_subtitle(
    f: Filters,
    span: tuple[dt.date, dt.date],
    shown: pd.DataFrame,
    total: int,
    legs: pd.DataFrame,
    *,
    lang: str = DEFAULT_LANGUAGE,
) -> str:
    """The subtitle of an exported view: the selection in words, then what it counts."""
    t = translator(lang)
    undated = int(shown["date_start"].isna().sum())
    return t.gettext(
        "{selection} · {count}, {legs}",
        selection=describe(f, span, undated, lang=t.lang),
        count=_n_of_total(t, len(shown), total),
        legs=t.ngettext("{n} route leg", "{n} route legs", len(legs)),
    )


def about_line(incidents: pd.DataFrame, *, lang: str = DEFAULT_LANGUAGE) -> str:
    """One line saying what the data is and where it comes from, for the top of the app."""
    t = translator(lang)
    outlets = [str(o) for o in pd.unique(incidents["source_outlet"])]  # in order of appearance
    # distinct (outlet, title) pairs, by hashing each column once (not a million row pairs)
    outlet_codes, outlet_names = pd.factorize(incidents["source_outlet"])
    title_codes, _ = pd.factorize(incidents["source_title"])
    articles = np.unique(title_codes.astype(np.int64) * (len(outlet_names) + 1) + outlet_codes)
    dated = incidents["date_start"].dropna()
    years = ""
    if len(dated):
        first, last = dated.min().year, incidents["date_end"].max().year
        years = f", {first}" if first == last else f", {first}–{last}"
    shown = ", ".join(outlets[:5])
    if len(outlets) > 5:
        shown = t.gettext("{names} and {n} more", names=shown, n=t.number(len(outlets) - 5))
    return t.gettext(
        "{incidents} from {articles} ({outlets}){years}; each record quotes its source.",
        incidents=t.ngettext("{n} incident", "{n} incidents", len(incidents)),
        articles=t.ngettext("{n} news article", "{n} news articles", len(articles)),
        outlets=shown,
        years=years,
    )


def totals_line(incidents: int, legs: int, *, lang: str = DEFAULT_LANGUAGE) -> str:
    """ "12 incidents, 3 route legs": the exported map's corner note and the CLI's
    report of what an export holds."""
    t = translator(lang)
    return t.gettext(
        "{incidents}, {legs}",
        incidents=t.ngettext("{n} incident", "{n} incidents", incidents),
        legs=t.ngettext("{n} route leg", "{n} route legs", legs),
    )


def summary_lines(dataset: Dataset, *, lang: str = DEFAULT_LANGUAGE) -> list[str]:
    """A short human summary of a loaded dataset (``python -m dashboard validate``)."""
    t = translator(lang)
    inc = dataset.incidents
    dated = inc[["date_start", "date_end"]].dropna(subset=["date_start"])  # not every column
    lines = [
        t.gettext(
            "{path}: {incidents}, {legs} in {routes}, {places}",
            path=dataset.incidents_path,
            incidents=t.ngettext("{n} incident", "{n} incidents", len(inc)),
            legs=t.ngettext("{n} route leg", "{n} route legs", len(dataset.routes)),
            routes=t.ngettext("{n} route", "{n} routes", dataset.routes["route_id"].nunique()),
            places=t.ngettext("{n} place", "{n} places", len(dataset.places)),
        )
    ]
    if len(dated):
        line = t.gettext(
            "  dates: {start} to {end}",
            start=f"{dated['date_start'].min():%Y-%m-%d}",
            end=f"{dated['date_end'].max():%Y-%m-%d}",
        )
        if len(dated) < len(inc):
            line = t.gettext(
                "{count} ({undated} with no stated year)",
                count=line,
                undated=t.number(len(inc) - len(dated)),
            )
        lines.append(line)
    counts = inc["category"].value_counts()
    lines.append(
        t.gettext(
            "  categories: {counts}",
            counts=", ".join(
                f"{t.gettext(CATEGORIES[k].label)} {t.number(counts[k])}"
                for k in CATEGORIES
                if k in counts
            ),
        )
    )
    precision = inc["geo_precision"].value_counts()
    lines.append(
        t.gettext(
            "  places: {counts}",
            counts=", ".join(
                f"{_lower(t.gettext(PRECISIONS[k].label), t)} {t.number(precision[k])}"
                for k in PRECISIONS
                if k in precision
            ),
        )
    )
    lines.append(
        t.gettext(
            "  countries: {counts}",
            counts=", ".join(
                f"{k} {t.number(v)}" for k, v in inc["country"].value_counts().items()
            ),
        )
    )
    return lines


def _lower(label: str, t: Translator) -> str:
    """A label inside a sentence: lower case where the language has case."""
    return label.lower() if t.lang == DEFAULT_LANGUAGE else label


def date_window_text(row: pd.Series, *, lang: str = DEFAULT_LANGUAGE) -> str:
    """One incident's date window in words ("12 Mar 2019 – 14 Mar 2019"), as the map's popups,
    the app's cards and the briefing sheet say it."""
    t = translator(lang)
    if pd.isna(row["date_start"]):
        return t.gettext("year not stated")
    start, end = row["date_start"], row["date_end"]
    if pd.isna(end):
        return t.gettext("from {start} (end not stated)", start=day_text(start, lang=t.lang))
    if start == end:
        return day_text(start, lang=t.lang)
    return t.gettext(
        "{start} – {end}", start=day_text(start, lang=t.lang), end=day_text(end, lang=t.lang)
    )
