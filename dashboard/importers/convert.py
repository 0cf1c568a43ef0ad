"""From a file's own table to rows of ours: ACLED and UCDP GED by their codebooks (modules
``acled`` and ``ucdp``; recognised here by their columns), anything else through a column
mapping (proposed from the names, changed by the user).

Every row remembers where it came from (file, line) and which of the file's columns gave
each of our cells, so a problem found later by the validator is reported against the cell
the user can see. Nothing is filled in that the file does not say: a required field no
column gives must come from ``--set`` (or the app's mapping step), or every row is reported.
"""

from __future__ import annotations

import hashlib

from dashboard.importers import mappings
from dashboard.importers.acled import ACLED_SIGNATURE, acled_unmapped
from dashboard.importers.base import SourceTable
from dashboard.importers.rows import MAP_TARGETS, OUR_COLUMNS, Converted, ImportRow, iso_day
from dashboard.importers.ucdp import UCDP_SIGNATURE
from dashboard.problems import Problem
from dashboard.vocab import CATEGORIES, INCIDENT_REQUIRED_CELLS

FAMILIES = ("acled", "ucdp", "table")


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
            values[name] = iso_day(values[name])
        day = iso_day(values.pop("date", ""))
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

    from dashboard.data.basemap import countries

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
