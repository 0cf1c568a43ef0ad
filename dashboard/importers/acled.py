"""ACLED extracts as rows of ours, by ACLED's codebook (see README "Importing").

Recognised by its columns; ``event_date`` with ``time_precision`` becomes a date window
that contains the date, types map to our categories through ``mappings`` (a type with no
mapping is reported, never guessed), and ``event_id_cnty`` is kept as our id so that a
re-import recognises its rows.
"""

from __future__ import annotations

import calendar
import datetime as dt
from operator import itemgetter

from dashboard.importers import mappings
from dashboard.importers.base import SourceTable
from dashboard.importers.rows import Converted, ImportRow, join_unique, parse_day
from dashboard.problems import Problem

ACLED_COLUMNS = [
    "event_id_cnty",
    "event_date",
    "year",
    "time_precision",
    "disorder_type",
    "event_type",
    "sub_event_type",
    "actor1",
    "assoc_actor_1",
    "inter1",
    "actor2",
    "assoc_actor_2",
    "inter2",
    "interaction",
    "civilian_targeting",
    "iso",
    "region",
    "country",
    "admin1",
    "admin2",
    "admin3",
    "location",
    "latitude",
    "longitude",
    "geo_precision",
    "source",
    "source_scale",
    "notes",
    "fatalities",
    "tags",
    "timestamp",
]
# The columns the conversion reads (the others are ACLED's codes for its own analyses).
ACLED_USED = [
    "event_id_cnty",
    "event_date",
    "time_precision",
    "event_type",
    "sub_event_type",
    "actor1",
    "assoc_actor_1",
    "actor2",
    "assoc_actor_2",
    "iso",
    "country",
    "admin1",
    "location",
    "latitude",
    "longitude",
    "geo_precision",
    "source",
    "source_scale",
    "notes",
    "fatalities",
    "tags",
    "timestamp",
]
# The columns that identify an ACLED file (older and newer exports all carry these).
ACLED_SIGNATURE = frozenset(
    {"event_id_cnty", "event_date", "time_precision", "event_type", "sub_event_type", "notes"}
)


def _today() -> dt.date:
    return dt.date.today()


def acled_window(day: dt.date, precision: str) -> tuple[dt.date, dt.date, str, str]:
    """(start, end, date_text, date_note) for an ACLED event_date and time_precision.

    1: the day. 2: ACLED knows the week, not the day; the week holding ``day`` lies within
    six days either side of it, so that window contains it wherever in the week ``day`` was
    put. 3: the calendar month holding ``day``. A window is never extended into the future.
    """
    iso = day.isoformat()
    if precision == "1":
        return day, day, f"{iso} (ACLED)", ""
    if precision == "2":
        start, end = day - dt.timedelta(days=6), day + dt.timedelta(days=6)
        note = (
            "ACLED time_precision 2: the event happened in the week containing "
            f"{iso}, day not known; the window holds every week that contains that date."
        )
        text = f"the week of {iso} (ACLED, day not known)"
    else:
        start = day.replace(day=1)
        end = day.replace(day=calendar.monthrange(day.year, day.month)[1])
        note = f"ACLED time_precision 3: the event happened in {day:%B %Y}, day not known."
        text = f"{day:%B %Y} (ACLED, day not known)"
    today = _today()
    if end > today:
        end = max(today, day)
        note += " The window stops at today."
    return start, end, text, note


def _columns(
    table: SourceTable, records: list[list[str]], names: list[str]
) -> dict[str, list[str]]:
    """The named columns (matched case-insensitively) of ``records`` (some of the table's)
    as lists of stripped cells; a column the file lacks is all empty."""
    cols = {c.strip().lower(): c for c in table.columns}
    n = len(records)
    out: dict[str, list[str]] = {}
    for name in names:
        if name in cols:
            i = table.columns.index(cols[name])
            out[name] = list(map(str.strip, map(itemgetter(i), records)))
        else:
            out[name] = [""] * n
    return out


def _window(date_text: str, precision: str) -> tuple[str, str, str, str] | str:
    """``acled_window`` as text for an event_date and time_precision, or what is wrong."""
    day = parse_day(date_text)
    if day is None:
        return f"not a date ACLED writes (YYYY-MM-DD): {date_text!r}"
    if precision not in mappings.ACLED_TIME_PRECISION:
        return f"must be 1, 2 or 3 (day, week, month), not {precision!r}"
    start, end, text, note = acled_window(day, precision)
    return (start.isoformat(), end.isoformat(), text, note)


# Rows converted per part: the columns of a part are made, used and dropped (with
# ``release``, the part's records too), so a large file is never held twice.
CONVERT_ROWS = 20_000


def _shared(make):
    """``make`` with its results cached by argument, so equal results are one object."""
    cache: dict = {}

    def get(key):
        hit = cache.get(key)
        if hit is None:
            hit = cache[key] = make(key)
        return hit

    return get


def convert_acled(table: SourceTable, *, release: bool = False) -> Converted:
    """ACLED rows as ours (see README "Importing" for each field).

    Works a column at a time with per-value caches (dates, countries): an ACLED extract
    repeats few distinct values, and a 100,000-row file must convert in about a second.
    The columns are made ``CONVERT_ROWS`` rows at a time; with ``release`` (the caller
    drops the table afterwards) each part's records are let go once converted, and the
    table is left without records.
    """
    problems: list[Problem] = []
    shown = table.shown
    cols = {c.strip().lower(): c for c in table.columns}

    def their(name: str) -> str:
        return cols.get(name, name)

    origin = {
        "incident_id": their("event_id_cnty"),
        "date_start": their("event_date"),
        "date_end": their("event_date"),
        "date_text": their("event_date"),
        "date_note": their("time_precision"),
        "category": their("sub_event_type"),
        "actors": their("actor1"),
        "location": their("location"),
        "admin1": their("admin1"),
        "country": their("country"),
        "latitude": their("latitude"),
        "longitude": their("longitude"),
        "geo_precision": their("geo_precision"),
        "summary": their("notes"),
        "source_quote": their("notes"),
        "source_outlet": their("source"),
        "source_title": their("event_id_cnty"),
    }
    windows: dict[tuple[str, str], tuple[str, str, str, str] | str] = {}
    countries: dict[tuple[str, str], str | None] = {}
    # Values many rows share are made once (memory: a 100,000-row extract repeats them).
    actors = _shared(lambda parts: join_unique(*parts))
    outlet = _shared(lambda source: f"{source} (via ACLED)" if source else "")
    rows: list[ImportRow] = []
    records = table.records
    for first in range(0, len(records), CONVERT_ROWS):
        part = records[first : first + CONVERT_ROWS]
        if release:
            records[first : first + len(part)] = [None] * len(part)  # type: ignore[list-item]
        c = _columns(table, part, ACLED_USED)
        del part
        for key in set(zip(c["event_date"], c["time_precision"], strict=True)) - windows.keys():
            windows[key] = _window(*key)
        for key in set(zip(c["iso"], c["country"], strict=True)) - countries.keys():
            countries[key] = mappings.country_from_numeric(key[0]) or mappings.country_code(key[1])
        for i, line in enumerate(table.lines[first : first + CONVERT_ROWS]):
            event_id = c["event_id_cnty"][i]
            if not event_id:
                problems.append(
                    Problem(
                        shown,
                        line,
                        their("event_id_cnty"),
                        "empty: ACLED's event id is needed to recognise the row later",
                    )
                )
            window = windows[(c["event_date"][i], c["time_precision"][i])]
            if isinstance(window, str):
                column = "event_date" if window.startswith("not a date") else "time_precision"
                problems.append(Problem(shown, line, their(column), window))
                window = ("", "", "", "")
            country = countries[(c["iso"][i], c["country"][i])]
            if not country and c["country"][i]:
                problems.append(
                    Problem(shown, line, their("country"), f"unknown country {c['country'][i]!r}")
                )
            geo = c["geo_precision"][i]
            precision = mappings.ACLED_GEO_PRECISION.get(geo)
            if precision is None:
                problems.append(
                    Problem(shown, line, their("geo_precision"), f"must be 1, 2 or 3, not {geo!r}")
                )
            sub, event_type = c["sub_event_type"][i], c["event_type"][i]
            notes, source = c["notes"][i], c["source"][i]
            extra = [
                f"ACLED {event_type}: {sub}" if event_type or sub else "",
                *(
                    f"{name} {c[name][i]}"
                    for name in ("fatalities", "source_scale", "tags", "timestamp")
                    if c[name][i]
                ),
            ]
            values = {
                "incident_id": f"ACLED-{event_id}" if event_id else "",
                "date_start": window[0],
                "date_end": window[1],
                "date_text": window[2],
                "category": mappings.ACLED_SUB_EVENT_CATEGORIES.get(sub) or "",
                "actors": actors(
                    (c["actor1"][i], c["assoc_actor_1"][i], c["actor2"][i], c["assoc_actor_2"][i])
                ),
                "people_count": "",
                "location": c["location"][i],
                "admin1": c["admin1"][i],
                "country": country or "",
                "latitude": c["latitude"][i],
                "longitude": c["longitude"][i],
                "geo_precision": str(precision) if precision else "",
                "route_id": "",
                "summary": notes,
                "source_quote": notes,
                "source_outlet": outlet(source),
                "source_title": f"[ACLED event {event_id}]" if event_id else "",
                "source_date": "",
                "source_url": "",
                "confidence": "reported",
                "place_id": "",
                "date_note": window[3],
                "internal_notes": "; ".join(x for x in extra if x),
            }
            rows.append(ImportRow(shown, line, values, origin, sub))
    if release:
        records.clear()
    return Converted(rows, problems, "acled")


def acled_unmapped(row: ImportRow, record_type: str) -> Problem:
    return Problem(
        row.shown,
        row.line,
        row.where("category"),
        f"ACLED sub_event_type {record_type!r} has no category of ours "
        "(see dashboard/importers/mappings.py); give one with --set category=KEY",
    )
