"""A text description of an exported map for readers who cannot see it: what it shows (its
title), how many incidents of each category, the date window they fall in and the places
named on it, in the export's language.

One text for every carrier: the PNG's iTXt "Description", the SVG's ``<title>``/``<desc>``,
the PDF's Subject, the HTML map's description, ``--alt-text`` and the app's copy box.
"""

from __future__ import annotations

import geopandas as gpd
import pandas as pd

from dashboard.i18n import DEFAULT_LANGUAGE, N_, translator
from dashboard.placenames import place_label
from dashboard.vague.areas import AREA_KINDS
from dashboard.vocab import CATEGORIES

#: At most this many places are named; the rest are counted ("and 4 more").
PLACES_NAMED = 12
#: How the exports write a day in a description ("12 Mar 2019", "2019년 3월 12일").
DAY_PATTERN = N_("d MMM y")


def alt_text(
    incidents: pd.DataFrame,
    routes: pd.DataFrame,
    places: gpd.GeoDataFrame,
    title: str,
    *,
    lang: str = DEFAULT_LANGUAGE,
) -> str:
    """The description of a map of exactly these rows, in ``lang`` (data text such as place
    names in the gazetteer's spelling for that language where it has one)."""
    t = translator(lang)
    sentences = [title.strip().rstrip(".") + "."] if title.strip() else []
    what = t.gettext(
        "A map of {incidents} and {legs}",
        incidents=t.ngettext("{n} incident", "{n} incidents", len(incidents)),
        legs=t.ngettext("{n} route leg", "{n} route legs", len(routes)),
    )
    window = date_window(incidents, lang=lang)
    sentences.append(f"{what}{t.gettext(', ')}{window}." if window else f"{what}.")
    if len(incidents):
        counts = incidents["category"].value_counts()
        parts = [
            t.gettext("{label} {n}", label=t.gettext(cat.label), n=t.number(int(counts[key])))
            for key, cat in CATEGORIES.items()
            if key in counts
        ]
        sentences.append(t.gettext("By category: {counts}.", counts=t.gettext(", ").join(parts)))
    names = named_places(incidents, routes, places, lang=lang)
    if names:
        listed = t.gettext(", ").join(names[:PLACES_NAMED])
        if len(names) > PLACES_NAMED:
            listed = t.gettext(
                "{names} and {n} more", names=listed, n=t.number(len(names) - PLACES_NAMED)
            )
        sentences.append(t.gettext("Places named on the map: {names}.", names=listed))
    return " ".join(sentences)


def date_window(incidents: pd.DataFrame, *, lang: str = DEFAULT_LANGUAGE) -> str:
    """The days the shown incidents fall in ("from 12 Mar 2019 to 4 Jun 2024"), and how many
    have no stated year; empty when nothing is shown."""
    t = translator(lang)
    if not len(incidents):
        return ""
    dated = incidents.dropna(subset=["date_start"])
    undated = len(incidents) - len(dated)
    words = ""
    if len(dated):
        ends = dated["date_end"].fillna(dated["date_start"])
        pattern = t.gettext(DAY_PATTERN)
        words = t.gettext(
            "from {start} to {end}",
            start=t.date(dated["date_start"].min().date(), pattern),
            end=t.date(ends.max().date(), pattern),
        )
    if undated:
        more = t.ngettext("{n} with no stated year", "{n} with no stated year", undated)
        words = t.gettext("{window} ({undated})", window=words, undated=more) if words else more
    return words


def named_places(
    incidents: pd.DataFrame,
    routes: pd.DataFrame,
    places: gpd.GeoDataFrame,
    *,
    lang: str = DEFAULT_LANGUAGE,
) -> list[str]:
    """The places the map labels (incidents' places and route ends, not whole countries or
    provinces), most incidents first, in ``lang``'s script where the gazetteer has it."""
    ids = incidents.get("place_id", pd.Series(dtype=str)).dropna()
    counts: dict[str, int] = {str(k): int(v) for k, v in ids.value_counts().items()}
    for col in ("from_place", "to_place"):
        for pid in routes.get(col, pd.Series(dtype=str)).dropna():
            counts.setdefault(pid, 0)
    names = []
    for pid, _n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])):
        if pid not in places.index or places.at[pid, "kind"] in AREA_KINDS:
            continue
        names.append(place_label(places.loc[pid], lang=lang))
    return list(dict.fromkeys(names))
