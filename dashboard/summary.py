"""The words that say what a view shows: the count line, the selection, export subtitles,
the about line and the CLI's dataset summary.

Built here once so the app, the command line and the exports say the same thing in the
same words; plain functions over the frames the filters return.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from dashboard.data.dataset import Dataset
from dashboard.filters import Filters, country_names
from dashboard.vocab import CATEGORIES, PRECISIONS

#: The dashboard's name: page title, heading, briefing title and the exports' default title.
TITLE = "Crackdown on North Korean escapees"


def describe(
    f: Filters, window: tuple[dt.date, dt.date] | None = None, undated_shown: int = 0
) -> str:
    """The selection in words, for titles, captions and export subtitles.

    ``undated_shown`` is how many of the shown incidents have no stated year: a date window
    does not apply to them, so the words say they are included rather than count them silently.
    """
    parts = []
    start, end = f.start, f.end
    if start or end:
        s = f"{start:%d %b %Y}" if start else "the beginning"
        e = f"{end:%d %b %Y}" if end else "now"
        parts.append(f"{s} to {e}")
        if undated_shown:
            parts[-1] += f", plus {_incidents(undated_shown)} with no stated year"
    elif window:
        parts.append(f"{window[0]:%d %b %Y} to {window[1]:%d %b %Y}")
    if f.categories:
        parts.append(", ".join(CATEGORIES[c].label for c in CATEGORIES if c in f.categories))
    if f.actors:
        parts.append("actors: " + ", ".join(sorted(f.actors)))
    if f.countries:
        names = country_names()
        parts.append("in " + ", ".join(sorted(names.get(c, c) for c in f.countries)))
    if f.admin1:
        parts.append("provinces: " + ", ".join(sorted(f.admin1)))
    if f.confidence:
        parts.append("confidence: " + ", ".join(sorted(f.confidence)))
    if f.text.strip():
        parts.append(f'matching "{f.text.strip()}"')
    if not f.include_undated:
        parts.append("dated incidents only")
    return "; ".join(parts) if parts else "all incidents"


def _incidents(n: int) -> str:
    return f"{n:,} incident{'s' if n != 1 else ''}"


def count_line(
    shown: pd.DataFrame, total: int, legs: pd.DataFrame | None = None, total_legs: int = 0
) -> str:
    """ "7 of 18 incidents (4 with no stated year), 3 of 8 route legs": the app's count, the
    CLI's and the exports' subtitles say it with these words."""
    undated = int(shown["date_start"].isna().sum())
    line = f"{len(shown):,} of {_incidents(total)}"
    if undated:
        line += f" ({undated:,} with no stated year)"
    if legs is not None:
        line += f", {len(legs):,} of {total_legs:,} route leg{'s' if total_legs != 1 else ''}"
    return line


def view_subtitle(
    f: Filters,
    span: tuple[dt.date, dt.date],
    shown: pd.DataFrame,
    total: int,
    legs: pd.DataFrame,
) -> str:
    """The subtitle of an exported view: the selection in words, then what it counts."""
    undated = int(shown["date_start"].isna().sum())
    return (
        f"{describe(f, span, undated)} · {len(shown):,} of {_incidents(total)}, "
        f"{len(legs):,} route leg{'s' if len(legs) != 1 else ''}"
    )


def about_line(incidents: pd.DataFrame) -> str:
    """One line saying what the data is and where it comes from, for the top of the app."""
    outlets = list(dict.fromkeys(incidents["source_outlet"]))
    articles = incidents[["source_outlet", "source_title"]].drop_duplicates()
    dated = incidents["date_start"].dropna()
    years = ""
    if len(dated):
        first, last = dated.min().year, incidents["date_end"].max().year
        years = f", {first}" if first == last else f", {first}–{last}"
    shown = ", ".join(outlets[:5]) + (f" and {len(outlets) - 5} more" if len(outlets) > 5 else "")
    return (
        f"{_incidents(len(incidents))} from {len(articles):,} news "
        f"article{'s' if len(articles) != 1 else ''} ({shown}){years}; "
        "each record quotes its source."
    )


def totals_line(incidents: int, legs: int) -> str:
    """ "12 incidents, 3 route legs": the exported map's corner note and the CLI's
    report of what an export holds."""
    return f"{incidents} incidents, {legs} route legs"


def summary_lines(dataset: Dataset) -> list[str]:
    """A short human summary of a loaded dataset (``python -m dashboard validate``)."""
    inc = dataset.incidents
    dated = inc.dropna(subset=["date_start"])
    lines = [
        f"{dataset.incidents_path}: {len(inc)} incidents, {len(dataset.routes)} route legs "
        f"in {dataset.routes['route_id'].nunique()} routes, {len(dataset.places)} places"
    ]
    if len(dated):
        lines.append(
            f"  dates: {dated['date_start'].min():%Y-%m-%d} to {dated['date_end'].max():%Y-%m-%d}"
            + (f" ({len(inc) - len(dated)} with no stated year)" if len(dated) < len(inc) else "")
        )
    counts = inc["category"].value_counts()
    lines.append(
        "  categories: "
        + ", ".join(f"{CATEGORIES[k].label} {counts[k]}" for k in CATEGORIES if k in counts)
    )
    precision = inc["geo_precision"].value_counts()
    lines.append(
        "  places: "
        + ", ".join(
            f"{PRECISIONS[k].label.lower()} {precision[k]}" for k in PRECISIONS if k in precision
        )
    )
    lines.append(
        "  countries: " + ", ".join(f"{k} {v}" for k, v in inc["country"].value_counts().items())
    )
    return lines


def date_window_text(row: pd.Series) -> str:
    """One incident's date window in words ("12 Mar 2019 – 14 Mar 2019"), as the map's popups,
    the app's cards and the briefing sheet say it."""
    if pd.isna(row["date_start"]):
        return "year not stated"
    start, end = row["date_start"], row["date_end"]
    if pd.isna(end):
        return f"from {start:%d %b %Y} (end not stated)"
    if start == end:
        return f"{start:%d %b %Y}"
    return f"{start:%d %b %Y} – {end:%d %b %Y}"
