"""From a file's own table to rows of ours: ACLED and UCDP GED by their codebooks, anything
else through a column mapping (proposed from the names, changed by the user).

Every row remembers where it came from (file, line) and which of the file's columns gave
each of our cells, so a problem found later by the validator is reported against the cell
the user can see. Nothing is filled in that the file does not say: a required field no
column gives must come from ``--set`` (or the app's mapping step), or every row is reported.
"""

from __future__ import annotations

import calendar
import datetime as dt
import hashlib
import re
from dataclasses import dataclass, field
from operator import itemgetter

from dashboard.importers import mappings
from dashboard.importers.base import SourceTable
from dashboard.problems import Problem
from dashboard.vocab import (
    CATEGORIES,
    INCIDENT_COLUMNS,
    INCIDENT_EXTRA_COLUMNS,
    INCIDENT_REQUIRED_CELLS,
)

OUR_COLUMNS: list[str] = INCIDENT_COLUMNS + INCIDENT_EXTRA_COLUMNS
# Targets a column may be mapped to: ours plus "date" (one day: start and end).
MAP_TARGETS: list[str] = [*OUR_COLUMNS, "date"]

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
UCDP_COLUMNS = [
    "id",
    "relid",
    "year",
    "active_year",
    "code_status",
    "type_of_violence",
    "conflict_dset_id",
    "conflict_new_id",
    "conflict_name",
    "dyad_dset_id",
    "dyad_new_id",
    "dyad_name",
    "side_a_dset_id",
    "side_a_new_id",
    "side_a",
    "side_b_dset_id",
    "side_b_new_id",
    "side_b",
    "number_of_sources",
    "source_article",
    "source_office",
    "source_date",
    "source_headline",
    "source_original",
    "where_prec",
    "where_coordinates",
    "where_description",
    "adm_1",
    "adm_2",
    "latitude",
    "longitude",
    "geom_wkt",
    "priogrid_gid",
    "country",
    "country_id",
    "region",
    "event_clarity",
    "date_prec",
    "date_start",
    "date_end",
    "deaths_a",
    "deaths_b",
    "deaths_civilians",
    "deaths_unknown",
    "best",
    "high",
    "low",
    "gwnoa",
    "gwnob",
]
UCDP_SIGNATURE = frozenset(
    {
        "id",
        "type_of_violence",
        "where_prec",
        "date_prec",
        "date_start",
        "date_end",
        "source_article",
    }
)
FAMILIES = ("acled", "ucdp", "table")


@dataclass(slots=True)
class ImportRow:
    """One row of ours, with where it came from.

    ``origin`` (our column -> the file's column that gave it) is shared by every row with
    the same provenance, so a 100,000-row import does not hold 100,000 copies of it: change
    it only through ``set_origin``.
    """

    shown: str  # the file (and sheet or layer) as problems name it
    line: int
    values: dict[str, str]
    origin: dict[str, str] = field(default_factory=dict)  # our column -> their column
    code: str = ""  # the file's own type code (ACLED sub_event_type), for messages

    def where(self, column: str) -> str:
        """The column to name in a problem about our ``column``: theirs when one gave it."""
        return self.origin.get(column, column)

    def set_origin(self, column: str, their: str, cache: dict) -> None:
        """Record that ``their`` gave ``column``, sharing the new origin dict through
        ``cache`` with every other row that makes the same change."""
        if self.origin.get(column) == their:
            return
        key = (id(self.origin), column, their)
        hit = cache.get(key)
        if hit is None:
            hit = cache[key] = (self.origin, {**self.origin, column: their})
        self.origin = hit[1]


@dataclass
class Converted:
    rows: list[ImportRow]
    problems: list[Problem]  # per row (with line) and for the whole file (line None)
    family: str
    notes: list[str] = field(default_factory=list)


def detect_family(columns: list[str]) -> str:
    """ "acled" or "ucdp" when the columns are that dataset's, else "table"."""
    have = {c.strip().lower() for c in columns}
    if have >= ACLED_SIGNATURE:
        return "acled"
    if have >= UCDP_SIGNATURE:
        return "ucdp"
    return "table"


def propose_mapping(columns: list[str]) -> dict[str, str]:
    """Their column -> our field, for the columns whose names say which field they are.

    Our own names match exactly (so our exports map onto themselves); then the aliases in
    ``mappings.COLUMN_ALIASES``. A field is given to the first column that claims it.
    """
    out: dict[str, str] = {}
    taken: set[str] = set()
    ours = {mappings.fold_column(c): c for c in MAP_TARGETS}
    for exact in (True, False):
        for col in columns:
            if col in out:
                continue
            folded = mappings.fold_column(col)
            target = ours.get(folded) if exact else mappings.COLUMN_ALIASES.get(folded)
            if target and target not in taken:
                out[col] = target
                taken.add(target)
    return out


def _parse_day(text: str) -> dt.date | None:
    text = text.strip()
    if len(text) >= 10 and text[4] == "-" and text[7] == "-":
        try:
            return dt.date.fromisoformat(text[:10])
        except ValueError:
            return None
    # ACLED's own forms (day first, as its codebook says); never used for other tables.
    for fmt in ("%d %B %Y", "%d-%B-%Y", "%d %b %Y", "%d-%b-%Y", "%d-%m-%Y", "%d/%m/%Y"):
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    return None


_ISO_TIME = re.compile(r"^(\d{4}-\d{2}-\d{2})[T ]\d{2}:\d{2}")


def _iso_day(text: str) -> str:
    """A date-and-time (a spreadsheet's or KML's timestamp) as its day; anything else as is.
    Other date forms are left for the validator to report: 03/04/2024 is March or April
    depending on who typed it, so it is never guessed."""
    found = _ISO_TIME.match(text)
    return found.group(1) if found else text


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


def _join(*parts: str, sep: str = "; ") -> str:
    seen: list[str] = []
    for part in parts:
        part = part.strip()
        if part and part not in seen:
            seen.append(part)
    return sep.join(seen)


def _columns(table: SourceTable, names: list[str]) -> tuple[dict[str, list[str]], dict[str, str]]:
    """The named columns (matched case-insensitively) as lists of stripped cells, all rows;
    a column the file lacks is all empty. Also: our lower-case name -> the file's name."""
    cols = {c.strip().lower(): c for c in table.columns}
    n = len(table.records)
    out: dict[str, list[str]] = {}
    for name in names:
        if name in cols:
            i = table.columns.index(cols[name])
            out[name] = list(map(str.strip, map(itemgetter(i), table.records)))
        else:
            out[name] = [""] * n
    return out, cols


def _shared(make):
    """``make`` with its results cached by argument, so equal results are one object."""
    cache: dict = {}

    def get(key):
        hit = cache.get(key)
        if hit is None:
            hit = cache[key] = make(key)
        return hit

    return get


def convert_acled(table: SourceTable) -> Converted:
    """ACLED rows as ours (see README "Importing" for each field).

    Works a column at a time with per-value caches (dates, countries): an ACLED extract
    repeats few distinct values, and a 100,000-row file must convert in about a second.
    """
    problems: list[Problem] = []
    c, cols = _columns(table, ACLED_USED)
    shown = table.shown

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
    for key in set(zip(c["event_date"], c["time_precision"], strict=True)):
        date_text, precision = key
        day = _parse_day(date_text)
        if day is None:
            windows[key] = f"not a date ACLED writes (YYYY-MM-DD): {date_text!r}"
        elif precision not in mappings.ACLED_TIME_PRECISION:
            windows[key] = f"must be 1, 2 or 3 (day, week, month), not {precision!r}"
        else:
            start, end, text, note = acled_window(day, precision)
            windows[key] = (start.isoformat(), end.isoformat(), text, note)
    countries: dict[tuple[str, str], str | None] = {}
    for key in set(zip(c["iso"], c["country"], strict=True)):
        countries[key] = mappings.country_from_numeric(key[0]) or mappings.country_code(key[1])
    # Values many rows share are made once (memory: a 100,000-row extract repeats them).
    actors = _shared(lambda parts: _join(*parts))
    outlet = _shared(lambda source: f"{source} (via ACLED)" if source else "")
    rows: list[ImportRow] = []
    for i, line in enumerate(table.lines):
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
    return Converted(rows, problems, "acled")


def acled_unmapped(row: ImportRow, record_type: str) -> Problem:
    return Problem(
        row.shown,
        row.line,
        row.where("category"),
        f"ACLED sub_event_type {record_type!r} has no category of ours "
        "(see dashboard/importers/mappings.py); give one with --set category=KEY",
    )


def convert_ucdp(table: SourceTable) -> Converted:
    """UCDP GED rows as ours (see README "Importing" for each field)."""
    rows: list[ImportRow] = []
    problems: list[Problem] = []
    cols = {c.strip().lower(): c for c in table.columns}
    index = {name: table.columns.index(col) for name, col in cols.items()}

    def get(record: list[str], name: str) -> str:
        i = index.get(name)
        return record[i].strip() if i is not None else ""

    origin = {
        "incident_id": cols.get("id", "id"),
        "date_start": cols.get("date_start", "date_start"),
        "date_end": cols.get("date_end", "date_end"),
        "date_text": cols.get("date_prec", "date_prec"),
        "category": cols.get("type_of_violence", "type_of_violence"),
        "actors": cols.get("side_a", "side_a"),
        "location": cols.get("where_coordinates", "where_coordinates"),
        "admin1": cols.get("adm_1", "adm_1"),
        "country": cols.get("country", "country"),
        "latitude": cols.get("latitude", "latitude"),
        "longitude": cols.get("longitude", "longitude"),
        "geo_precision": cols.get("where_prec", "where_prec"),
        "summary": cols.get("source_headline", "source_headline"),
        "source_quote": cols.get("source_headline", "source_headline"),
        "source_outlet": cols.get("source_office", "source_office"),
        "source_title": cols.get("source_headline", "source_headline"),
        "source_date": cols.get("source_date", "source_date"),
    }
    for record, line in zip(table.records, table.lines, strict=True):

        def bad(column: str, message: str, line: int = line) -> None:
            problems.append(Problem(table.shown, line, cols.get(column, column), message))

        event_id = get(record, "id")
        values = dict.fromkeys(OUR_COLUMNS, "")
        values["incident_id"] = f"UCDP-GED-{event_id}" if event_id else ""
        if not event_id:
            bad("id", "empty: UCDP's event id is needed to recognise the row later")
        start, end = _parse_day(get(record, "date_start")), _parse_day(get(record, "date_end"))
        prec = get(record, "date_prec")
        if start is None:
            bad("date_start", f"not a date: {get(record, 'date_start')!r}")
        if end is None:
            bad("date_end", f"not a date: {get(record, 'date_end')!r}")
        if start and end:
            values["date_start"], values["date_end"] = start.isoformat(), end.isoformat()
            span = start.isoformat() if start == end else f"{start} to {end}"
            how = mappings.UCDP_DATE_PREC.get(prec)
            values["date_text"] = f"{span} (UCDP GED" + (f", {how})" if how else ")")
            if prec and prec != "1":
                values["date_note"] = f"UCDP date_prec {prec}: {how or 'not a known code'}."
        violence = get(record, "type_of_violence")
        label, category = mappings.UCDP_TYPE_OF_VIOLENCE.get(violence, (violence, None))
        if category:
            values["category"] = category
        values["actors"] = _join(get(record, "side_a"), get(record, "side_b"))
        values["location"] = get(record, "where_coordinates")
        values["admin1"] = get(record, "adm_1")
        country = mappings.country_code(get(record, "country"))
        if country:
            values["country"] = country
        elif get(record, "country"):
            bad("country", f"unknown country {get(record, 'country')!r}")
        values["latitude"] = get(record, "latitude")
        values["longitude"] = get(record, "longitude")
        where = get(record, "where_prec")
        precision = mappings.UCDP_WHERE_PREC.get(where)
        if precision is not None:
            values["geo_precision"] = str(precision)
        elif where == "7":
            bad("where_prec", "7 (international waters or airspace) has no country: not importable")
        else:
            bad("where_prec", f"must be 1 to 7, not {where!r}")
        headline = get(record, "source_headline")
        deaths = get(record, "best")
        values["summary"] = _join(
            f"UCDP GED: {label}"
            + (f", {get(record, 'dyad_name')}" if get(record, "dyad_name") else ""),
            f"deaths (best estimate) {deaths}" if deaths else "",
            get(record, "where_description"),
            sep=". ",
        )
        values["source_quote"] = headline
        office = get(record, "source_office") or get(record, "source_original")
        values["source_outlet"] = f"{office} (via UCDP GED)" if office else "UCDP GED"
        values["source_title"] = headline or (f"[UCDP GED event {event_id}]" if event_id else "")
        source_day = _parse_day(get(record, "source_date"))
        if source_day is not None and ";" not in get(record, "source_date"):
            values["source_date"] = source_day.isoformat()
        values["confidence"] = "reported"
        values["internal_notes"] = _join(
            f"UCDP GED relid {get(record, 'relid')}" if get(record, "relid") else "",
            f"source_article {get(record, 'source_article')}"
            if get(record, "source_article")
            else "",
            f"source_original {get(record, 'source_original')}"
            if get(record, "source_original")
            else "",
            f"deaths low {get(record, 'low')} high {get(record, 'high')}"
            if get(record, "low") or get(record, "high")
            else "",
        )
        rows.append(ImportRow(table.shown, line, values, origin))
    return Converted(rows, problems, "ucdp")


def convert_table(table: SourceTable, mapping: dict[str, str]) -> Converted:
    """Any other table through ``mapping`` (their column -> our field or "date")."""
    problems: list[Problem] = []
    index = {col: i for i, col in enumerate(table.columns)}
    used = [(col, target) for col, target in mapping.items() if col in index and target]
    for col, target in mapping.items():
        if target and target not in MAP_TARGETS:
            problems.append(
                Problem(table.shown, None, col, f"cannot map to {target!r}: not a field of ours")
            )
    claimed: dict[str, str] = {}
    for col, target in used:
        if target in claimed:
            problems.append(
                Problem(
                    table.shown,
                    None,
                    col,
                    f"both {claimed[target]!r} and {col!r} are mapped to {target}",
                )
            )
        claimed.setdefault(target, col)
    used = [(c, t) for c, t in used if t in MAP_TARGETS and claimed.get(t) == c]
    rows: list[ImportRow] = []
    labels = {c.label.lower(): k for k, c in CATEGORIES.items()}
    base = {target: col for col, target in used}
    cache: dict = {}
    for record, line in zip(table.records, table.lines, strict=True):
        values = dict.fromkeys(OUR_COLUMNS, "")
        for col, target in used:
            values[target] = record[index[col]].strip()
        row = ImportRow(table.shown, line, values, base)
        for name in ("date_start", "date_end", "source_date"):
            values[name] = _iso_day(values[name])
        day = _iso_day(values.pop("date", ""))
        if "date" in base and day:
            for name in ("date_start", "date_end", "date_text"):
                if not values[name]:
                    values[name] = day
                    row.set_origin(name, base["date"], cache)
        cat = values["category"]
        if cat and cat not in CATEGORIES:
            values["category"] = labels.get(
                cat.lower(), cat.lower() if cat.lower() in CATEGORIES else cat
            )
        country = values["country"]
        if country and not (len(country) == 2 and country.isupper()):
            values["country"] = mappings.country_code(country) or country
        rows.append(row)
    unused = [c for c in table.columns if c not in dict(used)]
    notes = [f"not imported (no field of ours): {', '.join(unused)}"] if unused else []
    return Converted(rows, problems, "table", notes)


def derived_id(values: dict[str, str]) -> str:
    """A stable id from the row's content, so importing the same row again finds it."""
    digest = hashlib.sha1(usedforsecurity=False)
    for col in OUR_COLUMNS:
        if col not in ("incident_id", "internal_notes"):
            digest.update(col.encode() + b"\x1f" + values.get(col, "").encode() + b"\x1e")
    return f"IMP-{digest.hexdigest()[:12].upper()}"


def finish(converted: Converted, sets: dict[str, str], shown: str) -> Converted:
    """Fill what the file leaves empty from ``--set``, derive what can be derived (date_text
    from the dates, the country from the point, an id from the content), and report each
    required field that nothing gives (once, for the whole file)."""
    problems = list(converted.problems)
    for name in sets:
        if name not in OUR_COLUMNS:
            problems.append(Problem(shown, None, name, f"--set {name}=...: not a field of ours"))
    sets = {k: v for k, v in sets.items() if k in OUR_COLUMNS}
    need_country: list[ImportRow] = []
    cache: dict = {}
    for row in converted.rows:
        v = row.values
        for name, value in sets.items():
            if not v.get(name, "").strip():
                v[name] = value
                row.set_origin(name, f"--set {name}", cache)
        if not v["date_text"] and v["date_start"]:
            same = v["date_start"] == v["date_end"] or not v["date_end"]
            v["date_text"] = v["date_start"] if same else f"{v['date_start']} to {v['date_end']}"
            if "date_text" not in row.origin:
                row.set_origin("date_text", row.where("date_start"), cache)
        if not v["country"] and v["latitude"] and v["longitude"]:
            need_country.append(row)
    if need_country:
        _countries_from_points(need_country)
    if converted.family == "table":
        given = {t for r in converted.rows for t in r.origin}
        derivable = {"incident_id", "date_text", "country"}
        for name in INCIDENT_REQUIRED_CELLS:
            if name not in given and name not in derivable:
                problems.append(
                    Problem(
                        shown,
                        None,
                        name,
                        "no column gives this required field: map one of the file's columns "
                        f"to it (--map THEIR_COLUMN={name}) or give one value for every row "
                        f"(--set {name}=VALUE)",
                    )
                )
        for row in converted.rows:
            if not row.values["incident_id"]:
                row.values["incident_id"] = derived_id(row.values)
    elif converted.family == "acled":
        for row in converted.rows:
            if not row.values["category"]:
                problems.append(acled_unmapped(row, row.code))
    elif converted.family == "ucdp":
        for row in converted.rows:
            if not row.values["category"]:
                problems.append(
                    Problem(
                        row.shown,
                        row.line,
                        row.where("category"),
                        "UCDP type_of_violence has no category of ours (see "
                        "dashboard/importers/mappings.py); give one with --set category=KEY",
                    )
                )
    converted.problems = problems
    return converted


def _countries_from_points(rows: list[ImportRow]) -> None:
    """The basemap country each point lies in (points at sea or outside the map stay empty)."""
    import numpy as np
    import shapely

    from dashboard.basemap import countries

    lat = np.array([_float(r.values["latitude"]) for r in rows])
    lon = np.array([_float(r.values["longitude"]) for r in rows])
    ok = ~(np.isnan(lat) | np.isnan(lon))
    shapes = countries()
    shapes = shapes[shapes["iso_a2"].notna()]
    found = np.full(len(rows), None, dtype=object)
    for code, geom in zip(shapes["iso_a2"], shapes.geometry, strict=True):
        inside = np.zeros(len(rows), dtype=bool)
        inside[ok] = shapely.intersects_xy(geom, lon[ok], lat[ok])
        found[inside & (found == None)] = code  # noqa: E711 - elementwise
    cache: dict = {}
    for row, code in zip(rows, found, strict=True):
        if code:
            row.values["country"] = code
            row.set_origin("country", "country (from the point's position)", cache)


def _float(text: str) -> float:
    try:
        return float(text)
    except ValueError:
        return float("nan")
