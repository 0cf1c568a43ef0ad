"""An import from start to end: read, map, validate, skip what is already there, save.

The CLI (``python -m dashboard import``) and the app's importer both call ``plan_import``
(everything up to the decision, writes nothing) and then ``commit_import`` (one
``add_incidents(..., action="import")`` on the store: all valid rows or none).
"""

from __future__ import annotations

import dataclasses
import math
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from dashboard.importers.acled import convert_acled
from dashboard.importers.base import SourceTable, UnreadableFile
from dashboard.importers.convert import convert_table, detect_family, finish, propose_mapping
from dashboard.importers.delimited import read_delimited
from dashboard.importers.geo import read_geojson, read_ogr
from dashboard.importers.rows import OUR_COLUMNS, Converted, ImportRow
from dashboard.importers.spreadsheet import read_spreadsheet
from dashboard.importers.ucdp import convert_ucdp
from dashboard.problems import Problem, errors

FORMATS = ("auto", "csv", "xlsx", "ods", "acled", "ucdp", "geojson", "kml", "kmz", "gpkg")
_EXTENSIONS = {
    ".csv": "csv",
    ".tsv": "csv",
    ".tab": "csv",
    ".txt": "csv",
    ".xlsx": "xlsx",
    ".xlsm": "xlsx",
    ".ods": "ods",
    ".geojson": "geojson",
    ".json": "geojson",
    ".kml": "kml",
    ".kmz": "kmz",
    ".gpkg": "gpkg",
}


def file_kind(path: Path | str) -> str:
    """The reader a file needs, from its extension or, failing that, its first bytes."""
    p = Path(path)
    kind = _EXTENSIONS.get(p.suffix.lower())
    if kind:
        return kind
    try:
        with open(p, "rb") as f:
            head = f.read(512)
    except OSError:
        return "csv"  # the reader gives the message
    if head.startswith(b"SQLite format 3"):
        return "gpkg"
    if head.startswith(b"PK"):
        try:
            with zipfile.ZipFile(p) as z:
                names = set(z.namelist())
        except (zipfile.BadZipFile, OSError):
            return "xlsx"
        if "[Content_Types].xml" in names:
            return "xlsx"
        if "mimetype" in names and "content.xml" in names:
            return "ods"
        return "kmz"
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if text.startswith(b"{"):
        return "geojson"
    if text.startswith(b"<"):
        return "kml"
    return "csv"


def read_tables(
    path: Path | str, fmt: str = "auto", *, layer: str | None = None, encoding: str | None = None
) -> list[SourceTable]:
    """The file's tables (one, or one per KML/GeoPackage layer); UnreadableFile if none."""
    kind = file_kind(path) if fmt in ("auto", "acled", "ucdp") else fmt
    if kind in ("geojson", "kml", "kmz", "gpkg") and fmt in ("acled", "ucdp"):
        kind = "csv"
    if kind == "csv":
        return [read_delimited(path, encoding=encoding)]
    if kind in ("xlsx", "ods"):
        return [read_spreadsheet(path, kind, layer)]
    if kind == "geojson":
        return read_geojson(path)
    return read_ogr(path, kind, layer)


@dataclass
class ImportPlan:
    """What an import would do; nothing has been written."""

    path: str
    family: str  # acled, ucdp or table
    columns: list[str]  # the file's own columns (all tables)
    mapping: dict[str, str]  # their column -> our field (table family)
    rows: list[ImportRow]  # every converted row, in file order
    problems: list[Problem]  # every problem, sorted by place in the file
    notes: list[str]
    new: list[ImportRow] = field(default_factory=list)  # valid and not yet stored
    present: list[ImportRow] = field(default_factory=list)  # already stored (same id)
    rejected: int = 0  # rows not imported because of an error
    unreadable: bool = False  # the file could not be read at all

    @property
    def fatal(self) -> bool:
        """A problem with the whole file: nothing can be imported."""
        return self.unreadable or any(p.line is None for p in errors(self.problems))

    def summary(self, imported: int | None = None) -> str:
        n = len(self.new) if imported is None else imported
        return f"{n} imported, {len(self.present)} already present, {self.rejected} rejected"


def plan_import(
    path: Path | str,
    store,
    *,
    fmt: str = "auto",
    mapping: dict[str, str] | None = None,
    sets: dict[str, str] | None = None,
    layer: str | None = None,
    encoding: str | None = None,
    tables: list[SourceTable] | None = None,
    validate: bool = True,
) -> ImportPlan:
    """Read, map and validate ``path`` against what ``store`` holds; writes nothing.

    ``mapping`` (their column -> our field, "" to leave a column out) changes the proposed
    mapping; ``sets`` gives a value for a field wherever the file leaves it empty.
    ``validate=False`` leaves the validator to the store, which runs it anyway when the rows
    are saved (``commit_import`` then sorts out the rows it rejects): one validation instead
    of two for a large import. Previews and dry runs validate here.
    """
    shown = str(path)
    sets = dict(sets or {})
    own = tables is None  # read here, so no one else holds them: let go of them as converted
    try:
        tables = (
            tables if tables is not None else read_tables(path, fmt, layer=layer, encoding=encoding)
        )
    except UnreadableFile as exc:
        return ImportPlan(
            shown, "table", [], {}, [], sorted(exc.problems, key=_order), [], unreadable=True
        )
    columns = list(dict.fromkeys(c for t in tables for c in t.columns))
    family = fmt if fmt in ("acled", "ucdp") else detect_family(columns)
    problems: list[Problem] = [p for t in tables for p in t.problems]
    notes: list[str] = [n for t in tables for n in t.notes]
    proposed = propose_mapping(columns) if family == "table" else {}
    for their, ours in (mapping or {}).items():
        if their not in columns:
            problems.append(
                Problem(shown, None, their, f"--map {their}=...: the file has no such column")
            )
        proposed[their] = ours
    proposed = {k: v for k, v in proposed.items() if v}
    rows: list[ImportRow] = []
    for table in tables:
        if family == "acled":
            converted = convert_acled(table, release=own and not mapping)
        elif family == "ucdp":
            converted = convert_ucdp(table)
        else:
            converted = convert_table(table, proposed)
        if family != "table" and mapping:
            _override(converted, table, mapping)
        converted = finish(converted, sets, table.shown)
        problems += converted.problems
        notes += converted.notes
        rows += converted.rows
    if family in ("acled", "ucdp"):
        notes.insert(0, f"recognised as {'an ACLED' if family == 'acled' else 'a UCDP GED'} export")
    del tables  # the file's cells are no longer needed (a large file should not stay twice)
    plan = ImportPlan(shown, family, columns, proposed, rows, problems, list(dict.fromkeys(notes)))
    if not plan.fatal:
        found, repeats = _duplicates(rows)
        plan.problems += found
        bad = _bad_lines(plan.problems)
        candidates = [r for r in rows if (r.shown, r.line) not in bad]
        if validate:
            plan.problems += validate_rows(candidates, store)
        bad = _bad_lines(plan.problems)
        valid = [r for r in rows if (r.shown, r.line) not in bad and id(r) not in repeats]
        plan.present += [r for r in rows if id(r) in repeats]
        stored = existing_rows(store, [r.values["incident_id"] for r in valid])
        for row in valid:
            before = stored.get(row.values["incident_id"])
            if before is None:
                plan.new.append(row)
            else:
                plan.present.append(row)
                differ = _differences(row.values, before)
                if differ:
                    plan.problems.append(
                        Problem(
                            row.shown,
                            row.line,
                            row.where("incident_id"),
                            f"{row.values['incident_id']} is already stored with a different "
                            f"{', '.join(differ)}; left unchanged (edit it in the app to update it)",
                            "warning",
                        )
                    )
    plan.problems = sorted(dict.fromkeys(plan.problems), key=_order)  # one "date" cell
    # fills date_start and date_end: its problem is said once
    bad = _bad_lines(plan.problems)
    if plan.fatal:
        plan.rejected = len(rows) + len(
            {k for k in bad if k not in {(r.shown, r.line) for r in rows}}
        )
    else:
        plan.rejected = len(bad)
    return plan


def commit_import(plan: ImportPlan, store, *, author: str) -> list[str]:
    """Save the plan's new rows in one store call (all or none); returns their ids.

    When the store's validator rejects some rows (a plan made with ``validate=False``),
    those rows are moved to the plan's problems and rejected count, and the others are
    saved with one more call. Raises the store's Rejected (problems pointing back into the
    file) when it refuses for another reason, or Conflict.
    """
    if plan.fatal or not plan.new:
        return []
    from dashboard.store.base import Rejected

    for attempt in range(2):
        try:
            return store.add_incidents([r.values for r in plan.new], author=author, action="import")
        except Rejected as exc:
            located = [_locate(p, plan.new) for p in exc.problems]
            at_rows = {i for i, p in enumerate(exc.problems) if _row_index(p, plan.new) is not None}
            if attempt or len(at_rows) != len(located) or not errors(located):
                raise Rejected(located) from None
            bad = {_row_index(p, plan.new) for p in exc.problems}
            plan.problems = sorted(dict.fromkeys(plan.problems + located), key=_order)
            plan.rejected += len(bad)
            plan.new = [r for i, r in enumerate(plan.new) if i not in bad]
            if not plan.new:
                return []
    return []  # pragma: no cover - the loop returns or raises


def _row_index(problem: Problem, rows: list[ImportRow]) -> int | None:
    """Which of ``rows`` a store problem is about (its line counts the batch from 1)."""
    if (
        problem.line is not None
        and problem.path.startswith("new incident")
        and 0 < problem.line <= len(rows)
    ):
        return problem.line - 1
    if problem.path.startswith("new incident") and problem.line is None and len(rows) == 1:
        return 0
    return None


def _locate(problem: Problem, rows: list[ImportRow]) -> Problem:
    """A store problem about new row N put back at that row's place in the file."""
    i = _row_index(problem, rows)
    if i is None:
        return problem
    row = rows[i]
    return dataclasses.replace(
        problem, path=row.shown, line=row.line, column=row.where(problem.column or "")
    )


def _override(converted: Converted, table: SourceTable, mapping: dict[str, str]) -> None:
    """--map on an ACLED/UCDP file: the named column replaces the converted field."""
    index = {c: i for i, c in enumerate(table.columns)}
    cache: dict = {}
    for row, record in zip(converted.rows, table.records, strict=True):
        for their, ours in mapping.items():
            if their in index and ours in row.values:
                row.values[ours] = record[index[their]].strip()
                row.set_origin(ours, their, cache)


def _order(p: Problem):
    return (p.path, p.line or 0, p.severity != "error")


def _bad_lines(problems: list[Problem]) -> set[tuple[str, int]]:
    return {(p.path, p.line) for p in errors(problems) if p.line is not None}


def _duplicates(rows: list[ImportRow]) -> tuple[list[Problem], set[int]]:
    """Ids given twice in the file: an identical row is imported once (warning), a
    different row with the same id is an error. Returns the problems and the repeats."""
    first: dict[str, ImportRow] = {}
    out: list[Problem] = []
    repeats: set[int] = set()
    for row in rows:
        iid = row.values["incident_id"].strip()
        if not iid:
            continue
        seen = first.get(iid)
        if seen is None:
            first[iid] = row
            continue
        where = f"line {seen.line}" if seen.shown == row.shown else f"{seen.shown}:{seen.line}"
        if seen.values == row.values:
            repeats.add(id(row))
            out.append(
                Problem(row.shown, row.line, None, f"repeats {where}; imported once", "warning")
            )
        else:
            out.append(
                Problem(
                    row.shown,
                    row.line,
                    row.where("incident_id"),
                    f"the id {iid!r} is also given at {where}, with different content",
                )
            )
    return out, repeats


def _data_paths(store) -> tuple[Path | None, Path | None]:
    from dashboard.data.places import PLACES_PATH
    from dashboard.data.routes import ROUTES_PATH

    return (
        Path(getattr(store, "places_path", None) or PLACES_PATH),
        Path(getattr(store, "routes_path", None) or ROUTES_PATH),
    )


VALIDATE_CHUNK = 20_000  # rows per validator run: bounds its memory on large imports


def validate_rows(rows: list[ImportRow], store) -> list[Problem]:
    """The project's validator over the rows (in tables of ``VALIDATE_CHUNK`` rows;
    every check but the duplicate id, done before, is about one row), each problem put back
    at the row's place in its file and named by the file's own column."""
    if not rows:
        return []
    from dashboard.data.places import load_places
    from dashboard.data.tables import read_table
    from dashboard.vocab import ROUTE_COLUMNS

    places_path, routes_path = _data_paths(store)
    places = load_places(places_path)
    routes, _ = read_table(routes_path, ROUTE_COLUMNS)
    route_ids = set(routes["route_id"]) if routes is not None else None
    out: list[Problem] = []
    for first in range(0, len(rows), VALIDATE_CHUNK):
        out += _validate_chunk(rows[first : first + VALIDATE_CHUNK], places, route_ids)
    return out


def _validate_chunk(rows: list[ImportRow], places, route_ids) -> list[Problem]:
    from dashboard.data.incidents import check_incident_table
    from dashboard.data.tables import table_from_rows
    from dashboard.vocab import INCIDENT_EXTRA_COLUMNS

    shown = "(import check)"
    values = [r.values for r in rows]
    table, problems = table_from_rows(shown, OUR_COLUMNS, values, INCIDENT_EXTRA_COLUMNS)
    _, problems = check_incident_table(table, shown, problems, places, route_ids)
    out = []
    for p in problems:
        if p.line is None or not 2 <= p.line < len(rows) + 2:
            if p.severity == "error":
                out.append(p)
            continue
        row = rows[p.line - 2]
        out.append(
            dataclasses.replace(p, path=row.shown, line=row.line, column=row.where(p.column or ""))
        )
    return out


def existing_rows(store, ids: list[str]) -> dict[str, dict[str, str]]:
    """The stored rows (as text) whose ids are among ``ids``; a missing file holds none."""
    wanted = {i for i in ids if i}
    if not wanted:
        return {}
    path = getattr(store, "incidents_path", None)
    if path is not None:
        from dashboard.data.tables import read_table
        from dashboard.vocab import INCIDENT_COLUMNS, INCIDENT_EXTRA_COLUMNS

        path = Path(path)
        if not path.exists() or path.stat().st_size == 0:
            return {}
        table, _ = read_table(path, INCIDENT_COLUMNS, INCIDENT_EXTRA_COLUMNS)
        if table is None:
            return {}  # the store refuses to save into a broken file and says why
        hit = table[table["incident_id"].str.strip().isin(wanted)]
        return {r["incident_id"].strip(): r for r in hit.to_dict("records")}
    out = {}
    for iid in wanted:
        row = store.get_incident(iid)
        if row is not None:
            out[iid] = row
    return out


_COMPARED = (
    "category",
    "date_start",
    "date_end",
    "latitude",
    "longitude",
    "geo_precision",
    "summary",
    "source_quote",
)


def _differences(mine: dict[str, str], stored: dict[str, str]) -> list[str]:
    out = []
    for col in _COMPARED:
        a, b = str(mine.get(col, "")).strip(), str(stored.get(col, "")).strip()
        if a == b:
            continue
        try:
            if math.isclose(float(a), float(b), rel_tol=0, abs_tol=1e-9):
                continue
        except ValueError:
            pass
        out.append(col)
    return out
