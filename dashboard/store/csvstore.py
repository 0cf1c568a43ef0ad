"""The CSV store: incidents.csv and the geodata files, changed safely in place.

Each save takes the file's lock, checks the row against what the editor started from
(compare-and-swap), validates the new rows with the project's own validator (same
messages as ``python -m dashboard validate``), writes the file atomically with every
other row's bytes unchanged, then appends the change to a history file beside the data
(``incidents.history.jsonl``: one JSON line per change, holding only what changed).
A withdrawn incident is removed from the CSV (so it leaves the map) and kept in the
history, from which any version can be restored.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import itertools
import json
import os
from pathlib import Path

from dashboard import DEFAULT_INCIDENTS
from dashboard.data.cells import parse_list
from dashboard.geodesy import leg_geometry_wkt
from dashboard.problems import Problem, errors
from dashboard.store.background import Background
from dashboard.store.base import (
    KEY_COLUMNS,
    Change,
    Conflict,
    NotFound,
    Rejected,
    diff_cells,
    utc_now,
)
from dashboard.store.bulk import cells_in_order, check_rows, history_bytes
from dashboard.store.csvfile import (
    CsvBytes,
    append_bytes,
    append_line,
    atomic_write,
    locked,
    new_file_pieces,
)
from dashboard.vocab import INCIDENT_COLUMNS, INCIDENT_EXTRA_COLUMNS

NEW_INCIDENT = "new incident"
NEW_INCIDENTS = "new incidents"


def history_path(path: Path) -> Path:
    """incidents.csv -> incidents.history.jsonl, in the same folder."""
    return path.with_name(f"{path.stem}.history.jsonl")


class CsvStore:
    """The Store protocol over three CSV files (see dashboard.store.base.Store)."""

    def __init__(
        self,
        incidents: Path | str | None = None,
        routes: Path | str | None = None,
        places: Path | str | None = None,
    ):
        from dashboard.data.places import PLACES_PATH
        from dashboard.data.routes import ROUTES_PATH

        self.incidents_path = Path(incidents or DEFAULT_INCIDENTS)
        self.routes_path = Path(routes or ROUTES_PATH)
        self.places_path = Path(places or PLACES_PATH)
        self._ids: tuple[tuple, set[str]] | None = None  # (file stamp, ids) of incidents
        self._routes: tuple[tuple | None, set[str] | None] | None = None

    # --- reading -------------------------------------------------------------------------

    def _paths(self, table: str) -> Path:
        return {
            "incidents": self.incidents_path,
            "routes": self.routes_path,
            "places": self.places_path,
        }[table]

    def data_version(self) -> str:
        """A digest of the files' identities (inode, size, mtime): cheap, and a save always
        changes it (os.replace gives the file a new inode)."""
        digest = hashlib.sha256()
        for table in ("incidents", "routes", "places"):
            for path in (self._paths(table), history_path(self._paths(table))):
                try:
                    st = path.stat()
                    digest.update(f"{path}:{st.st_ino}:{st.st_size}:{st.st_mtime_ns};".encode())
                except OSError:
                    digest.update(f"{path}:missing;".encode())
        return digest.hexdigest()[:16]

    def load(self, keep_valid: bool = False):
        from dashboard.data.dataset import check_dataset

        return check_dataset(
            self.incidents_path, self.routes_path, self.places_path, keep_valid=keep_valid
        )

    def get_incident(self, incident_id: str) -> dict[str, str] | None:
        if not self.incidents_path.exists():
            return None
        with CsvBytes(self.incidents_path) as f:
            rec = f.find(incident_id)
            return rec.cells if rec else None

    def history(self, incident_id: str | None = None, *, table: str = "incidents") -> list[Change]:
        """Changes, oldest first. A line torn by a crash is skipped (it changed nothing:
        the data file is written before its history line)."""
        path = history_path(self._paths(table))
        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return []
        out = []
        for line in text.splitlines():
            if not line.strip():
                continue
            try:
                change = Change.from_json(line)
            except (json.JSONDecodeError, TypeError):
                continue
            if incident_id is None or change.key == incident_id:
                out.append(change)
        return out

    def change(self, change_id: str, *, table: str | None = None) -> Change:
        for t in [table] if table else ["incidents", "places", "routes"]:
            for c in self.history(table=t):
                if c.change_id == change_id:
                    return c
        raise NotFound(f"no change {change_id!r} in the history")

    def version_after(self, change_id: str) -> dict[str, str] | None:
        """The whole row right after the change, found by undoing later changes, newest
        first, from the row as stored now (edits keep only changed cells)."""
        target = self.change(change_id)
        changes = self.history(target.key, table=target.table)
        index = next(i for i, c in enumerate(changes) if c.change_id == change_id)
        state = self._current(target.table, target.key)
        for change in reversed(changes[index + 1 :]):
            if change.before is None:
                state = None
            elif change.after is None or state is None:
                state = _full(change.before, target.table)
            else:
                state = {**state, **change.before}
        return state

    def _current(self, table: str, key: str) -> dict[str, str] | None:
        if table == "incidents":
            return self.get_incident(key)
        path = self._paths(table)
        with CsvBytes(path) as f:
            for rec in f.records():
                if _row_key(table, rec.cells) == key:
                    return rec.cells
        return None

    # --- validation ------------------------------------------------------------------------

    def _places(self):
        from dashboard.data.places import load_places

        return load_places(self.places_path)

    def _route_ids(self) -> set[str] | None:
        """The route ids incidents may name (read again only when the routes file changes)."""
        from dashboard.data.routes import ROUTE_COLUMNS
        from dashboard.data.tables import read_table

        try:
            st = self.routes_path.stat()
            stamp = (st.st_ino, st.st_size, st.st_mtime_ns)
        except OSError:
            stamp = None
        if stamp is None or self._routes is None or self._routes[0] != stamp:
            table, _ = read_table(self.routes_path, ROUTE_COLUMNS)
            ids = set(table["route_id"]) if table is not None else None
            self._routes = (stamp, ids)
        return self._routes[1]

    def validate_incidents(
        self, rows: list[dict[str, str]], header: list[str] | None = None
    ) -> list[Problem]:
        """Problems with the rows as the validator words them; each names the column and,
        for a batch, the row's number in it (path 'new incident(s)')."""
        header = header or INCIDENT_COLUMNS + INCIDENT_EXTRA_COLUMNS
        shown = NEW_INCIDENT if len(rows) == 1 else NEW_INCIDENTS
        found: list[Problem] = []
        known = set(INCIDENT_COLUMNS) | set(INCIDENT_EXTRA_COLUMNS)
        not_in_file = known - set(header)
        for i, row in enumerate(rows):
            odd = row.keys() - known
            absent = row.keys() & not_in_file
            if not (odd or absent):
                continue  # the usual case, found without a loop over the cells
            line = None if len(rows) == 1 else i + 1
            for col in row:
                if col in odd:
                    found.append(Problem(shown, line, col, "unknown column"))
                elif col in absent and str(row[col]).strip():
                    found.append(
                        Problem(
                            shown,
                            line,
                            col,
                            f"the file {self.incidents_path} has no {col} column; "
                            "add it to the header first",
                        )
                    )
        try:
            places = self._places()
        except Exception as exc:  # noqa: BLE001 - a broken gazetteer is reported, not raised
            return [*found, Problem(str(self.places_path), None, None, f"cannot be loaded: {exc}")]
        missing = [c for c in INCIDENT_COLUMNS if c not in header]
        if missing:  # a file whose header lacks a column cannot take rows (validate says so)
            where = str(self.incidents_path)
            return [*found, *(Problem(where, 1, c, "missing required column") for c in missing)]
        # The rows as the file would hold them (text cells, lines 2, 3, ...), checked by the
        # file's own validator without a round trip through a temporary file (in parts).
        problems = check_rows(shown, header, rows, places, self._route_ids())
        for p in errors(problems):
            line = None if len(rows) == 1 or p.line is None else p.line - 1
            found.append(dataclasses.replace(p, path=shown, line=line))
        return found

    def _check_new_ids(self, f: CsvBytes | None, rows: list[dict[str, str]]) -> list[Problem]:
        if f is None:
            return []
        shown = NEW_INCIDENT if len(rows) == 1 else NEW_INCIDENTS
        ids = [str(r.get("incident_id", "")).strip() for r in rows]
        maybe = self._known_ids(f)
        out = []
        for i, iid in enumerate(ids):
            if not iid or (maybe is not None and iid not in maybe):
                continue
            rec = f.find(iid)
            if rec is not None:
                out.append(
                    Problem(
                        shown,
                        None if len(rows) == 1 else i + 1,
                        "incident_id",
                        f"duplicate id {iid!r} (first at line {rec.line} of {self.incidents_path})",
                    )
                )
        return out

    def _known_ids(self, f: CsvBytes) -> set[str]:
        """A superset of the file's ids, read once per file version and kept up to date by
        this store's own saves, so adding to a large file does not rescan it each time."""
        stamp = _stamp(f.fd)
        if self._ids is None or self._ids[0] != stamp:
            self._ids = (stamp, f.first_cells())
        return self._ids[1]

    def _remember_ids(self, ids: list[str]) -> None:
        """After this store's own append: the cached ids plus the new ones, for the new file."""
        if self._ids is None:
            return
        try:
            fd = os.open(self.incidents_path, os.O_RDONLY)
        except OSError:
            self._ids = None
            return
        try:
            self._ids = (_stamp(fd), self._ids[1] | set(ids))
        finally:
            os.close(fd)

    # --- writing incidents ---------------------------------------------------------------

    def add_incidents(
        self, rows: list[dict[str, str]], *, author: str, action: str = "add"
    ) -> list[str]:
        return self._add(rows, author=author, action=action)

    def _add(
        self, rows: list[dict[str, str]], *, author: str, action: str, note: str = ""
    ) -> list[str]:
        # Rows of text are used as given (a bulk import passes 100,000: no second copy).
        rows = [
            r if set(map(type, r.values())) <= {str} else {k: _text(v) for k, v in r.items()}
            for r in rows
        ]
        if not rows:
            return []
        path = self.incidents_path
        with locked(path):
            f = CsvBytes(path) if path.exists() and path.stat().st_size else None
            history = None
            try:
                header = f.header if f else INCIDENT_COLUMNS + INCIDENT_EXTRA_COLUMNS
                # Each row's cells in the file's column order, made a piece at a time by the
                # writer and by the history (never all held: 1,000,000 rows' were 250 MB); a
                # large batch's history lines are made on the other core while the rows are
                # checked and written (every change gets the batch's time).
                ids = [row.get("incident_id", "").strip() for row in rows]
                lines = functools.partial(
                    history_bytes, ids, rows, header, utc_now(), author, action, note
                )
                history = Background(lines) if len(rows) >= BACKGROUND_ROWS else None
                problems = self._check_new_ids(f, rows) + self.validate_incidents(rows, header)
                if problems:
                    raise Rejected(problems)
                # Written a piece at a time: the new rows' text is never whole in memory.
                cells = cells_in_order(rows, header)
                if f is None:
                    atomic_write(path, new_file_pieces(header, cells))
                else:
                    known = self._ids if self._ids and self._ids[0] == _stamp(f.fd) else None
                    parts = itertools.chain([(0, f.size), f.lead()], f.cell_pieces(cells))
                    atomic_write(path, parts, f.fd)
                    if known:
                        self._remember_ids(ids)
            except BaseException:
                if history:
                    history.cancel()
                raise
            finally:
                if f:
                    f.close()
            # One append and one fsync for the whole batch (a bulk import adds 100,000).
            append_bytes(history_path(path), history.result() if history else lines())
        return ids

    def update_incident(
        self, incident_id: str, row: dict[str, str], *, base: dict[str, str], author: str
    ) -> None:
        row = {k: _text(v) for k, v in row.items()}
        self._replace(incident_id, row, base=base, author=author, action="edit")

    def withdraw_incident(
        self, incident_id: str, *, base: dict[str, str], author: str, reason: str
    ) -> None:
        self._replace(incident_id, None, base=base, author=author, action="withdraw", note=reason)

    def restore(self, change_id: str, *, author: str) -> None:
        target = self.change(change_id)
        version = self.version_after(change_id)
        if version is None:  # the change removed the row: bring back what it removed
            version = _full(target.before, target.table) or {}
        if not version:
            raise NotFound(f"change {change_id} holds no version to restore")
        note = f"restored the version of {target.action} {change_id} ({target.at})"
        if target.table != "incidents":
            raise NotFound("only incidents can be restored here")
        current = self.get_incident(target.key)
        if current is None:
            self._add([version], author=author, action="restore", note=note)
            return
        self._replace(target.key, version, base=current, author=author, action="restore", note=note)

    def _replace(
        self,
        incident_id: str,
        row: dict[str, str] | None,
        *,
        base: dict[str, str],
        author: str,
        action: str,
        note: str = "",
    ) -> None:
        """Edit (row) or withdraw (None) one incident, compare-and-swap on ``base``."""
        path = self.incidents_path
        with locked(path), CsvBytes(path) as f:
            rec = f.find(incident_id)
            mine = row if row is not None else {}
            if rec is None:
                raise Conflict(
                    incident_id,
                    mine,
                    None,
                    f"{incident_id} is no longer in {path}: someone withdrew it or changed "
                    "its id. Nothing was saved.",
                )
            current = rec.cells
            if row is not None and all(
                current.get(h, "") == row.get(h, current.get(h, "")) for h in f.header
            ):
                return  # already saved exactly so (by this editor or another): nothing to do
            if any(current.get(h, "") != _text(base.get(h, "")) for h in f.header):
                raise Conflict(
                    incident_id,
                    mine,
                    current,
                    f"someone saved {incident_id} after you opened it. Nothing was saved: "
                    "compare your version with theirs and save again.",
                )
            if row is not None:
                full = {h: row.get(h, current.get(h, "")) for h in f.header}
                if full["incident_id"].strip() != incident_id:
                    raise Rejected(
                        [
                            Problem(
                                NEW_INCIDENT,
                                None,
                                "incident_id",
                                "an incident's id cannot be changed (withdraw it and add a new one)",
                            )
                        ]
                    )
                problems = self.validate_incidents([full], f.header)
                if problems:
                    raise Rejected(problems)
                if full == current:
                    return
                parts = [(0, rec.start), f.format(full), (rec.end, f.size)]
                before, after = diff_cells(current, full, "incident_id")
            else:
                legs = self._legs_naming(incident_id)
                if legs:
                    raise Rejected(
                        [
                            Problem(
                                str(self.routes_path),
                                line,
                                "incident_ids",
                                f"route {rid} leg {leg} names {incident_id}: remove it from the "
                                "route first, then withdraw the incident",
                            )
                            for line, rid, leg in legs
                        ]
                    )
                parts = [(0, rec.start), (rec.end, f.size)]
                before, after = current, None
            known = self._ids if self._ids and self._ids[0] == _stamp(f.fd) else None
            atomic_write(path, parts, f.fd)
            if known:  # an edit keeps the ids; a withdrawal leaves one out (kept: a superset)
                self._remember_ids([])
            self._log(
                Change.new(
                    action, "incidents", incident_id, before, after, author=author, note=note
                )
            )

    def _legs_naming(self, incident_id: str) -> list[tuple[int, str, str]]:
        if not self.routes_path.exists():
            return []
        with CsvBytes(self.routes_path) as f:
            return [
                (rec.line, rec.cells.get("route_id", ""), rec.cells.get("leg", ""))
                for rec in f.records()
                if incident_id in parse_list(rec.cells.get("incident_ids", ""))
            ]

    def _log(self, change: Change) -> None:
        """Append the change; a whole row (add, withdraw) is kept without its empty cells."""
        if change.before is None or change.after is None:
            change = dataclasses.replace(
                change, before=_compact(change.before), after=_compact(change.after)
            )
        append_line(history_path(self._paths(change.table)), change.to_json())

    # --- places and routes (small files: the whole new file is validated) ----------------

    def add_place(self, row: dict[str, str], *, author: str) -> str:
        from dashboard.data.places import check_places

        row = {k: _text(v) for k, v in row.items()}
        self._append_small("places", [row], check_places, author)
        return row.get("place_id", "").strip()

    def add_route_legs(self, rows: list[dict[str, str]], *, author: str) -> None:
        from dashboard.data.routes import check_routes
        from dashboard.data.tables import read_table

        rows = [{k: _text(v) for k, v in r.items()} for r in rows]
        places = self._places()
        for row in rows:
            if not row.get("geometry", "").strip():
                row["geometry"] = leg_geometry_wkt(row, places)
                row.setdefault("approximate", "true")
                if not row["approximate"]:
                    row["approximate"] = "true"
        table, _ = read_table(self.incidents_path, INCIDENT_COLUMNS, INCIDENT_EXTRA_COLUMNS)
        ids = set(table["incident_id"]) if table is not None else set()

        def check(path):
            return check_routes(path, places, ids, "error")

        self._append_small("routes", rows, check, author)

    def _append_small(self, table: str, rows: list[dict[str, str]], check, author: str) -> None:
        path = self._paths(table)
        with locked(path), CsvBytes(path) as f:
            unknown = [
                Problem(f"new {table[:-1]}", None, c, "unknown column")
                for r in rows
                for c in r
                if c not in f.header
            ]
            if unknown:
                raise Rejected(unknown)
            new = [f.format(r) for r in rows]
            content = bytes(f.buf[: f.size]) + f.lead() + b"".join(new)
            tmp = path.with_name(f".validate-{os.getpid()}-{path.name}")
            tmp.write_bytes(content)
            try:
                _, problems = check(tmp)
            finally:
                tmp.unlink(missing_ok=True)
            first_new = len(list(f.records())) + 2
            bad = [
                dataclasses.replace(p, path=f"new {table[:-1]}", line=None)
                if p.line is not None and p.line >= first_new
                else dataclasses.replace(p, path=str(path))
                for p in errors(problems)
            ]
            if bad:
                raise Rejected(bad)
            atomic_write(path, [(0, f.size), f.lead(), *new], f.fd)
            for r in rows:
                full = {h: r.get(h, "") for h in f.header}
                self._log(
                    Change.new("add", table, _row_key(table, full), None, full, author=author)
                )


# A batch this large builds its history lines on the other core (see store/background.py).
BACKGROUND_ROWS = 5_000


def _stamp(fd: int) -> tuple:
    st = os.fstat(fd)
    return (st.st_ino, st.st_size, st.st_mtime_ns)


def _compact(row: dict[str, str] | None) -> dict[str, str] | None:
    if row is None:
        return None
    return {k: v for i, (k, v) in enumerate(row.items()) if v or i == 0}


def _full(row: dict[str, str] | None, table: str) -> dict[str, str] | None:
    """A row from the history with its empty cells back, in the table's column order."""
    if row is None:
        return None
    from dashboard.vocab import PLACE_COLUMNS, ROUTE_COLUMNS

    columns = {
        "incidents": INCIDENT_COLUMNS + INCIDENT_EXTRA_COLUMNS,
        "places": PLACE_COLUMNS,
        "routes": ROUTE_COLUMNS,
    }[table]
    return {**{c: row.get(c, "") for c in columns}, **row}


def _row_key(table: str, cells: dict[str, str]) -> str:
    if table == "routes":
        return f"{cells.get('route_id', '').strip()}#{cells.get('leg', '').strip()}"
    return cells.get(KEY_COLUMNS[table], "").strip()


def _text(value) -> str:
    """A JSON value as cell text: None is empty; numbers as written."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)
