"""The newsroom store: incidents, routes and places in PostgreSQL with PostGIS.

Same promises as the CSV store (dashboard/store/base.py): the project's own validator runs
before every write and its messages come back in ``Rejected``; an edit is a compare-and-swap
on the row the editor loaded (a row lock plus a version column), so a stale save gets
``Conflict`` with both versions; every change is a row in ``history`` written in the same
transaction as the change; and ``data_version`` is a counter bumped in that transaction too,
so every app process sees every other's saves at its next interaction.

A database that cannot be reached, or has no schema yet, raises ``DatabaseUnavailable``
with one line naming the host and database, never the password.
"""

from __future__ import annotations

import contextlib
import csv
import dataclasses
import hashlib
import io
import json
import os
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from dashboard.places import PLACE_COLUMNS
from dashboard.problems import Problem, errors
from dashboard.routes import ROUTE_COLUMNS
from dashboard.store.base import (
    KEY_COLUMNS,
    Change,
    Conflict,
    NotFound,
    Rejected,
    StoreError,
    diff_cells,
)
from dashboard.vocab import INCIDENT_COLUMNS, INCIDENT_EXTRA_COLUMNS

if TYPE_CHECKING:  # pragma: no cover
    import sqlalchemy as sa

    from dashboard.dataset import Dataset

# Every column each table keeps as cell text, in the default file order.
COLUMNS: dict[str, list[str]] = {
    "incidents": INCIDENT_COLUMNS + INCIDENT_EXTRA_COLUMNS,
    "routes": ROUTE_COLUMNS,
    "places": PLACE_COLUMNS,
}
NEW_ROW = {"incidents": "new incident", "routes": "new route leg", "places": "new place"}
NEW_ROWS = {"incidents": "new incidents", "routes": "new route legs", "places": "new places"}


class DatabaseUnavailable(StoreError):
    """The database cannot be used (unreachable, refused, no schema). One line for users."""


def engine_url(url: str) -> sa.URL:
    """The SQLAlchemy URL for ``url`` with the psycopg 3 driver (plain postgresql:// works)."""
    import sqlalchemy as sa

    try:
        parsed = sa.make_url(url)
    except sa.exc.ArgumentError:
        raise DatabaseUnavailable(
            "DASHBOARD_DATABASE_URL is not a database URL "
            "(expected postgresql://USER:PASSWORD@HOST:PORT/DATABASE)"
        ) from None
    if parsed.drivername in ("postgresql", "postgres", "postgis"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    if not parsed.drivername.startswith("postgresql"):
        raise DatabaseUnavailable(
            f"DASHBOARD_DATABASE_URL must be a postgresql:// URL, not {parsed.drivername}://"
        )
    return parsed


def describe_url(url: str) -> str:
    """'database NAME on HOST:PORT': what to tell a user, never the password."""
    try:
        parsed = engine_url(url)
    except DatabaseUnavailable:
        return "the database named by DASHBOARD_DATABASE_URL"
    host = parsed.host or parsed.query.get("host") or "localhost"
    return f"database {parsed.database or '(none)'!r} on {host}:{parsed.port or 5432}"


_ENGINES: dict[str, object] = {}
# The validated gazetteer per database URL and places stamp (the app makes a store per rerun).
_PLACES_CACHE: dict[str, tuple[str, object]] = {}
_ENGINES_LOCK = threading.Lock()


def _engine(url: str):
    """One connection pool per URL and process (the app calls the store on every rerun)."""
    import sqlalchemy as sa

    with _ENGINES_LOCK:
        engine = _ENGINES.get(url)
        if engine is None:
            engine = sa.create_engine(
                engine_url(url),
                pool_pre_ping=True,
                pool_size=5,
                max_overflow=5,
                connect_args={"connect_timeout": 5, "application_name": "dashboard"},
            )
            _ENGINES[url] = engine
        return engine


def _reason(exc: BaseException, password: str | None) -> str:
    """The driver's own words about what went wrong, on one line, without the password."""
    orig = getattr(exc, "orig", None) or exc
    text = " ".join(str(orig).split())
    for prefix in ("connection failed: ", "(psycopg.OperationalError) "):
        text = text.removeprefix(prefix)
    if password:
        text = text.replace(password, "***")
    return text[:300]


class PostgisStore:
    """The Store of dashboard/store/base.py over one PostgreSQL database with PostGIS."""

    def __init__(self, url: str):
        self.url = url
        self.where = describe_url(url)
        self._password = None
        with contextlib.suppress(DatabaseUnavailable):
            self._password = engine_url(url).password

    # --- connections ---------------------------------------------------------------------

    def close(self) -> None:
        """Close this process's connections to the database (they reopen when needed)."""
        with _ENGINES_LOCK:
            engine = _ENGINES.pop(self.url, None)
        if engine is not None:
            engine.dispose()

    @contextlib.contextmanager
    def _tx(self) -> Iterator[sa.Connection]:
        """A transaction; database trouble becomes one clear DatabaseUnavailable line."""
        import sqlalchemy as sa

        try:
            engine = _engine(self.url)
            with engine.begin() as con:
                yield con
        except sa.exc.ProgrammingError as exc:
            if "UndefinedTable" in type(getattr(exc, "orig", exc)).__name__:
                raise DatabaseUnavailable(
                    f"{self.where} has no dashboard tables yet: run `python -m dashboard db init`"
                ) from None
            raise
        except (sa.exc.OperationalError, sa.exc.InterfaceError) as exc:
            raise DatabaseUnavailable(
                f"cannot use the {self.where}: {_reason(exc, self._password)}"
            ) from None

    def init(self) -> list[str]:
        """Create or upgrade the schema (idempotent); the migrations applied now."""
        from dashboard.store.migrations import migrate

        with self._tx():  # reachability first, for a clear message
            pass
        import sqlalchemy as sa

        try:
            return migrate(_engine(self.url))
        except (sa.exc.OperationalError, sa.exc.InterfaceError) as exc:
            raise DatabaseUnavailable(
                f"cannot use the {self.where}: {_reason(exc, self._password)}"
            ) from None
        except sa.exc.ProgrammingError as exc:
            raise DatabaseUnavailable(
                f"cannot create the tables in the {self.where}: {_reason(exc, self._password)}"
            ) from None

    # --- reading -------------------------------------------------------------------------

    def data_version(self) -> str:
        import sqlalchemy as sa

        with self._tx() as con:
            n = con.execute(sa.text("SELECT data_version FROM dashboard_meta")).scalar_one()
        return f"pg:{self.where}:{n}"

    def header(self, table: str, con=None) -> list[str]:
        """The table's columns in its file's order (unknown columns of the file included)."""
        import sqlalchemy as sa

        if con is None:
            with self._tx() as con:
                return self.header(table, con)
        found = con.execute(
            sa.text("SELECT header FROM csv_layout WHERE table_name = :t"), {"t": table}
        ).scalar_one_or_none()
        return list(found) if found else list(COLUMNS[table])

    def _select(self, table: str, header: list[str]) -> str:
        """SQL for the table's rows as cell text in ``header`` order, in file order."""
        known = set(COLUMNS[table])
        cols = [
            f'"{c}"' if c in known else f"coalesce(extra->>'{_sql_str(c)}', '')" for c in header
        ]
        return f"SELECT {', '.join(cols)} FROM {table} ORDER BY position"  # noqa: S608 - fixed identifiers, escaped literals

    def rows(self, table: str) -> tuple[list[str], list[tuple[str, ...]]]:
        """The header and every row of a table as cell text, in order."""
        import sqlalchemy as sa

        with self._tx() as con:
            header = self.header(table, con)
            return header, [tuple(r) for r in con.execute(sa.text(self._select(table, header)))]

    def get_incident(self, incident_id: str) -> dict[str, str] | None:
        with self._tx() as con:
            return self._get(con, "incidents", incident_id)

    def _get(self, con, table: str, key: str, lock: bool = False) -> dict[str, str] | None:
        import sqlalchemy as sa

        header = self.header(table, con)
        where = _key_where(table)
        sql = self._select(table, header).replace(" ORDER BY position", f" WHERE {where}")
        if lock:
            sql += " FOR UPDATE"
        row = con.execute(sa.text(sql), _key_params(table, key)).first()
        return dict(zip(header, row, strict=True)) if row is not None else None

    def _write_csv_files(self, folder: Path) -> dict[str, Path]:
        """The three tables as CSV files in ``folder`` (COPY: fast even at 100,000 rows),
        read in one snapshot so they agree with each other."""
        with self._tx() as con:
            con.exec_driver_sql("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
            return {
                table: self._copy_out(con, table, folder / f"{table}.csv")
                for table in ("places", "incidents", "routes")
            }

    def write_table_csv(self, table: str, path: Path) -> Path:
        """One table as a CSV file for reading (e.g. the gazetteer for the place finder)."""
        with self._tx() as con:
            return self._copy_out(con, table, path)

    @property
    def places_path(self) -> Path:
        """The gazetteer as a CSV file, for code that reads places from a file (the place
        finder, the editor): rewritten only when the places table changes."""
        import sqlalchemy as sa

        with self._tx() as con:
            stamp = con.execute(
                sa.text(
                    "SELECT count(*), coalesce(max(position), 0), coalesce(sum(version), 0)"
                    " FROM places"
                )
            ).one()
            folder = Path(tempfile.gettempdir()) / f"dashboard-db-{os.getuid()}"
            folder.mkdir(mode=0o700, exist_ok=True)
            key = hashlib.sha256(repr((self.where, tuple(stamp))).encode()).hexdigest()[:16]
            path = folder / f"places-{key}.csv"
            if not path.exists():
                tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
                self._copy_out(con, "places", tmp)
                os.replace(tmp, path)
        return path

    def validate_incidents(
        self, rows: list[dict[str, str]], header: list[str] | None = None
    ) -> list[Problem]:
        """What saving the rows would be refused for, in the validator's words (nothing is
        written): for live checks in a form."""
        rows = [{k: _text(v) for k, v in r.items()} for r in rows]
        with self._tx() as con:
            try:
                self._validate_incidents(con, rows, header or self.header("incidents", con))
            except Rejected as exc:
                return exc.problems
        return []

    def _copy_out(self, con, table: str, path: Path) -> Path:
        header = self.header(table, con)
        select = self._select(table, header)
        raw = con.connection.driver_connection
        with open(path, "wb") as out, raw.cursor() as cur:
            out.write((",".join(_csv_cell(h) for h in header) + "\n").encode())
            with cur.copy(f"COPY ({select}) TO STDOUT WITH (FORMAT csv)") as copy:
                for chunk in copy:
                    out.write(chunk)
        return path

    def load(self, keep_valid: bool = False) -> tuple[Dataset | None, list[Problem]]:
        """The dataset through the same validator as files, so it is exactly what the
        files would give; problems name the database table and row."""
        from dashboard.dataset import check_dataset

        with tempfile.TemporaryDirectory(prefix="dashboard-db-") as tmp:
            paths = self._write_csv_files(Path(tmp))
            dataset, problems = check_dataset(
                paths["incidents"], paths["routes"], paths["places"], keep_valid=keep_valid
            )
        names = {str(p): f"{t} ({self.where})" for t, p in paths.items()}
        problems = [dataclasses.replace(p, path=names.get(p.path, p.path)) for p in problems]
        if dataset is not None:
            dataset.incidents_path = names[str(paths["incidents"])]
            dataset.warnings = problems
            dataset.rejected = [
                dataclasses.replace(p, path=names.get(p.path, p.path)) for p in dataset.rejected
            ]
        return dataset, problems

    def filter_ids(
        self,
        *,
        start: str | None = None,
        end: str | None = None,
        include_undated: bool = True,
        categories: list[str] | None = None,
        bbox: tuple[float, float, float, float] | None = None,
    ) -> list[str]:
        """Ids of the incidents in a date window, categories and box, in file order, found
        by the database with its indexes on window and geometry: what a viewer's filter asks."""
        sql, params = filter_query(
            start=start, end=end, include_undated=include_undated, categories=categories, bbox=bbox
        )
        with self._tx() as con:
            return [r[0] for r in con.exec_driver_sql(sql, params)]

    # --- history -------------------------------------------------------------------------

    def history(self, incident_id: str | None = None, *, table: str = "incidents") -> list[Change]:
        import sqlalchemy as sa

        sql = (
            "SELECT change_id, to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'),"
            " author, action, table_name, key, before, after, note FROM history"
            " WHERE table_name = :t"
        )
        params: dict[str, str] = {"t": table}
        if incident_id is not None:
            sql += " AND key = :k"
            params["k"] = incident_id
        with self._tx() as con:
            rows = con.execute(sa.text(sql + " ORDER BY change_id"), params).all()
        return [_change(r) for r in rows]

    def change(self, change_id: str, *, table: str | None = None) -> Change:
        import sqlalchemy as sa

        if not str(change_id).isdigit():
            raise NotFound(f"no change {change_id!r} in the history")
        with self._tx() as con:
            row = con.execute(
                sa.text(
                    "SELECT change_id, to_char(at AT TIME ZONE 'UTC',"
                    ' \'YYYY-MM-DD"T"HH24:MI:SS"Z"\'), author, action, table_name, key,'
                    " before, after, note FROM history WHERE change_id = :c"
                ),
                {"c": int(change_id)},
            ).first()
        if row is None:
            raise NotFound(f"no change {change_id!r} in the history")
        return _change(row)

    def version_after(self, change_id: str) -> dict[str, str] | None:
        """The whole row right after the change, replayed from the row's first change
        (adds and imports hold the whole row, edits the cells they changed)."""
        target = self.change(change_id)
        state: dict[str, str] | None = None
        for change in self.history(target.key, table=target.table):
            if change.after is None:
                state = None
            elif change.before is None or state is None:
                state = dict(change.after)
            else:
                state = {**state, **change.after}
            if change.change_id == target.change_id:
                break
        return state

    # --- validation ----------------------------------------------------------------------

    def _places(self, con):
        """The validated gazetteer from the database (cached while the places are unchanged)."""
        import sqlalchemy as sa

        from dashboard.places import check_places

        version = str(
            con.execute(
                sa.text(
                    "SELECT count(*), coalesce(max(position), 0), coalesce(sum(version), 0)"
                    " FROM places"
                )
            ).one()
        )  # changes only when the gazetteer does, not at every save of an incident
        cached = _PLACES_CACHE.get(self.url)
        if cached and cached[0] == version:
            return cached[1]
        header = self.header("places", con)
        rows = [tuple(r) for r in con.execute(sa.text(self._select("places", header)))]
        with tempfile.TemporaryDirectory(prefix="dashboard-db-") as tmp:
            path = _write_plain_csv(Path(tmp) / "places.csv", header, rows)
            places, problems = check_places(path)
        if places is None:
            raise Rejected(
                [dataclasses.replace(p, path=f"places ({self.where})") for p in errors(problems)]
            )
        _PLACES_CACHE[self.url] = (version, places)
        return places

    def _validate_incidents(self, con, rows: list[dict[str, str]], header: list[str]) -> None:
        """Raise Rejected with the validator's messages for the rows, or return."""
        import sqlalchemy as sa

        from dashboard.incidents import check_incidents

        shown = NEW_ROW["incidents"] if len(rows) == 1 else NEW_ROWS["incidents"]
        found = _unknown_columns(rows, header, shown)
        places = self._places(con)
        route_ids = {r[0] for r in con.execute(sa.text("SELECT DISTINCT route_id FROM routes"))}
        with tempfile.TemporaryDirectory(prefix="dashboard-db-") as tmp:
            path = _write_plain_csv(
                Path(tmp) / "new.csv", header, [[r.get(h, "") for h in header] for r in rows]
            )
            _, problems = check_incidents(path, places, route_ids)
        for p in errors(problems):
            line = None if len(rows) == 1 or p.line is None else p.line - 1
            found.append(dataclasses.replace(p, path=shown, line=line))
        if found:
            raise Rejected(found)

    # --- writing -------------------------------------------------------------------------

    def _bump(self, con) -> None:
        import sqlalchemy as sa

        con.execute(sa.text("UPDATE dashboard_meta SET data_version = data_version + 1"))

    def _log(self, con, change: dict) -> None:
        import sqlalchemy as sa

        con.execute(
            sa.text(
                "INSERT INTO history (author, action, table_name, key, before, after, note)"
                " VALUES (:author, :action, :table, :key,"
                " CAST(:before AS jsonb), CAST(:after AS jsonb), :note)"
            ),
            {
                **change,
                "before": _json(change["before"]),
                "after": _json(change["after"]),
                "note": change.get("note", ""),
            },
        )

    def _insert(self, con, table: str, header: list[str], rows: list[dict[str, str]]) -> None:
        import sqlalchemy as sa

        known = [c for c in header if c in COLUMNS[table]]
        extra = [c for c in header if c not in COLUMNS[table]]
        cols = ", ".join(f'"{c}"' for c in known) + ", extra"
        values = ", ".join(f":c{i}" for i in range(len(known))) + ", CAST(:extra AS jsonb)"
        params = [
            {
                **{f"c{i}": row.get(c, "") for i, c in enumerate(known)},
                "extra": json.dumps({c: row.get(c, "") for c in extra}, ensure_ascii=False),
            }
            for row in rows
        ]
        if table == "routes":
            cols += ", geom"
            values += ", ST_GeomFromText(:geom, 4326)"
            for p, row in zip(params, rows, strict=True):
                p["geom"] = row.get("geometry", "") or None
        con.execute(sa.text(f"INSERT INTO {table} ({cols}) VALUES ({values})"), params)  # noqa: S608

    def add_incidents(
        self, rows: list[dict[str, str]], *, author: str, action: str = "add", note: str = ""
    ) -> list[str]:
        import sqlalchemy as sa

        rows = [{k: _text(v) for k, v in r.items()} for r in rows]
        if not rows:
            return []
        shown = NEW_ROW["incidents"] if len(rows) == 1 else NEW_ROWS["incidents"]
        with self._tx() as con:
            header = self.header("incidents", con)
            ids = [r.get("incident_id", "").strip() for r in rows]
            taken = {
                r[0]: r[1]
                for r in con.execute(
                    sa.text(
                        "SELECT incident_id, position FROM incidents WHERE incident_id = ANY(:ids)"
                    ),
                    {"ids": [i for i in ids if i]},
                )
            }
            dupes = [
                Problem(
                    shown,
                    None if len(rows) == 1 else i + 1,
                    "incident_id",
                    f"duplicate id {iid!r} (already in the {self.where})",
                )
                for i, iid in enumerate(ids)
                if iid in taken
            ]
            try:
                self._validate_incidents(con, rows, header)
            except Rejected as exc:
                raise Rejected(dupes + exc.problems) from None
            if dupes:
                raise Rejected(dupes)
            full = [{h: r.get(h, "") for h in header} for r in rows]
            try:
                with con.begin_nested():
                    self._insert(con, "incidents", header, full)
            except sa.exc.IntegrityError as exc:
                raise _rejected_by_database(exc, shown) from None
            for iid, row in zip(ids, full, strict=True):
                self._log(
                    con,
                    {
                        "author": author,
                        "action": action,
                        "table": "incidents",
                        "key": iid,
                        "before": None,
                        "after": row,
                        "note": note,
                    },
                )
            self._bump(con)
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
        if target.table != "incidents":
            raise NotFound("only incidents can be restored here")
        version = self.version_after(change_id)
        if version is None:  # the change removed the row: bring back what it removed
            version = dict(target.before or {})
        if not version:
            raise NotFound(f"change {change_id} holds no version to restore")
        note = f"restored the version of {target.action} {change_id} ({target.at})"
        current = self.get_incident(target.key)
        if current is None:
            self.add_incidents([version], author=author, action="restore", note=note)
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
        """Edit (row) or withdraw (None) one incident: compare-and-swap on ``base``."""
        import sqlalchemy as sa

        mine = row if row is not None else {}
        with self._tx() as con:
            header = self.header("incidents", con)
            current = self._get(con, "incidents", incident_id, lock=True)
            if current is None:
                raise Conflict(
                    incident_id,
                    mine,
                    None,
                    f"{incident_id} is no longer in the {self.where}: someone withdrew it. "
                    "Nothing was saved.",
                )
            if row is not None and all(
                current[h] == row.get(h, current[h]) for h in header
            ):  # already saved exactly so (by this editor or another)
                return
            if any(current[h] != _text(base.get(h, "")) for h in header):
                raise Conflict(
                    incident_id,
                    mine,
                    current,
                    f"someone saved {incident_id} after you opened it. Nothing was saved: "
                    "compare your version with theirs and save again.",
                )
            version = con.execute(
                sa.text("SELECT version FROM incidents WHERE incident_id = :k"),
                {"k": incident_id},
            ).scalar_one()
            if row is not None:
                full = {h: row.get(h, current[h]) for h in header}
                if full["incident_id"].strip() != incident_id:
                    raise Rejected(
                        [
                            Problem(
                                NEW_ROW["incidents"],
                                None,
                                "incident_id",
                                "an incident's id cannot be changed (withdraw it and add a new one)",
                            )
                        ]
                    )
                self._validate_incidents(con, [full], header)
                known = [c for c in header if c in COLUMNS["incidents"] and c != "incident_id"]
                extra = {c: full[c] for c in header if c not in COLUMNS["incidents"]}
                sets = ", ".join(f'"{c}" = :c{i}' for i, c in enumerate(known))
                params = {f"c{i}": full[c] for i, c in enumerate(known)}
                try:
                    with con.begin_nested():
                        done = con.execute(
                            sa.text(
                                f"UPDATE incidents SET {sets}, extra = CAST(:extra AS jsonb),"  # noqa: S608
                                " version = version + 1 WHERE incident_id = :k AND version = :v"
                            ),
                            {**params, "extra": json.dumps(extra), "k": incident_id, "v": version},
                        ).rowcount
                except sa.exc.IntegrityError as exc:
                    raise _rejected_by_database(exc, NEW_ROW["incidents"]) from None
                before, after = diff_cells(current, full, "incident_id")
            else:
                legs = [
                    (r[0], r[1])
                    for r in con.execute(
                        sa.text(
                            "SELECT route_id, leg FROM routes WHERE :k = ANY("
                            "SELECT btrim(x) FROM unnest(string_to_array(incident_ids, '|')) x)"
                            " ORDER BY position"
                        ),
                        {"k": incident_id},
                    )
                ]
                if legs:
                    raise Rejected(
                        [
                            Problem(
                                f"routes ({self.where})",
                                None,
                                "incident_ids",
                                f"route {rid} leg {leg} names {incident_id}: remove it from the "
                                "route first, then withdraw the incident",
                            )
                            for rid, leg in legs
                        ]
                    )
                done = con.execute(
                    sa.text("DELETE FROM incidents WHERE incident_id = :k AND version = :v"),
                    {"k": incident_id, "v": version},
                ).rowcount
                before, after = current, None
            if done != 1:  # cannot happen under the row lock; never write blind
                raise Conflict(incident_id, mine, current, "the row changed while saving")
            self._log(
                con,
                {
                    "author": author,
                    "action": action,
                    "table": "incidents",
                    "key": incident_id,
                    "before": before,
                    "after": after,
                    "note": note,
                },
            )
            self._bump(con)

    def add_place(self, row: dict[str, str], *, author: str) -> str:
        from dashboard.places import check_places

        row = {k: _text(v) for k, v in row.items()}
        self._append_small("places", [row], lambda path, con: check_places(path), author)
        return row.get("place_id", "").strip()

    def add_route_legs(self, rows: list[dict[str, str]], *, author: str) -> None:
        import sqlalchemy as sa

        from dashboard.routes import check_routes

        rows = [{k: _text(v) for k, v in r.items()} for r in rows]

        def check(path, con):
            places = self._places(con)
            ids = {r[0] for r in con.execute(sa.text("SELECT incident_id FROM incidents"))}
            return check_routes(path, places, ids, "error")

        with self._tx() as con:
            places = self._places(con)
        for row in rows:
            if not row.get("geometry", "").strip():
                row["geometry"] = _leg_geometry_wkt(row, places)
                if not row.get("approximate"):
                    row["approximate"] = "true"
        self._append_small("routes", rows, check, author)

    def _append_small(self, table: str, rows: list[dict[str, str]], check, author: str) -> None:
        """Validate the small table with the rows appended (the whole file, as the
        validator sees it), then insert them: for places and route legs."""
        import sqlalchemy as sa

        if not rows:
            return
        with self._tx() as con:
            con.execute(sa.text(f"LOCK TABLE {table} IN SHARE ROW EXCLUSIVE MODE"))
            header = self.header(table, con)
            shown = NEW_ROW[table] if len(rows) == 1 else NEW_ROWS[table]
            unknown = _unknown_columns(rows, header, shown)
            if unknown:
                raise Rejected(unknown)
            old = [tuple(r) for r in con.execute(sa.text(self._select(table, header)))]
            full = [{h: r.get(h, "") for h in header} for r in rows]
            with tempfile.TemporaryDirectory(prefix="dashboard-db-") as tmp:
                path = _write_plain_csv(
                    Path(tmp) / f"{table}.csv", header, old + [tuple(r.values()) for r in full]
                )
                _, problems = check(path, con)
            first_new = len(old) + 2
            bad = [
                dataclasses.replace(p, path=shown, line=None)
                if p.line is not None and p.line >= first_new
                else dataclasses.replace(p, path=f"{table} ({self.where})")
                for p in errors(problems)
            ]
            if bad:
                raise Rejected(bad)
            try:
                with con.begin_nested():
                    self._insert(con, table, header, full)
            except sa.exc.IntegrityError as exc:
                raise _rejected_by_database(exc, shown) from None
            for r in full:
                self._log(
                    con,
                    {
                        "author": author,
                        "action": "add",
                        "table": table,
                        "key": _row_key(table, r),
                        "before": None,
                        "after": r,
                    },
                )
            self._bump(con)

    # --- whole files ---------------------------------------------------------------------

    def load_files(
        self,
        incidents: Path | str,
        routes: Path | str,
        places: Path | str,
        *,
        author: str,
    ) -> tuple[dict[str, int] | None, list[Problem]]:
        """Replace the three tables with the files, after the project's validator passed
        them; every row loaded is an 'import' in the history. Returns (counts, problems);
        counts is None and nothing is written when any file has an error.

        One transaction: readers see the old data or the new, never a mix. The cells go in
        as the file's own text (PostgreSQL's COPY reads the file when it can; else row by
        row), and the indexes are rebuilt once at the end rather than row by row.
        ``self.load_timings`` keeps how long each step took."""
        import sqlalchemy as sa

        from dashboard.dataset import check_dataset

        timings: dict[str, float | bool] = {}
        self.load_timings = timings
        clock = time.perf_counter()
        dataset, problems = check_dataset(incidents, routes, places)
        timings["validate_s"] = time.perf_counter() - clock
        if dataset is None or errors(problems):
            return None, problems
        sizes = {
            "places": len(dataset.places),
            "incidents": len(dataset.incidents),
            "routes": len(dataset.routes),
        }
        legs = dataset.routes.set_index(["route_id", "leg"]).geometry
        paths = {"places": Path(places), "incidents": Path(incidents), "routes": Path(routes)}
        with self._tx() as con:
            clock = time.perf_counter()
            con.exec_driver_sql("LOCK TABLE places, incidents, routes IN EXCLUSIVE MODE")
            con.exec_driver_sql("TRUNCATE routes, incidents, places")
            indexes = con.execute(
                sa.text(
                    "SELECT indexname, indexdef FROM pg_indexes"
                    " WHERE schemaname = current_schema()"
                    " AND tablename IN ('incidents', 'routes', 'places')"
                    " AND indexname NOT LIKE '%\\_pkey'"
                )
            ).all()
            for name, _ in indexes:
                con.exec_driver_sql(f'DROP INDEX "{name}"')
            timings["clear_s"] = time.perf_counter() - clock
            counts = {}
            for table in ("places", "incidents", "routes"):
                clock = time.perf_counter()
                header, bom, newline = _layout(paths[table])
                con.exec_driver_sql(
                    "INSERT INTO csv_layout (table_name, header, bom, newline)"
                    " VALUES (%s, %s::jsonb, %s, %s) ON CONFLICT (table_name) DO UPDATE"
                    " SET header = EXCLUDED.header, bom = EXCLUDED.bom,"
                    " newline = EXCLUDED.newline",
                    (table, json.dumps(header, ensure_ascii=False), bom, newline),
                )
                known = [c for c in header if c in COLUMNS[table]]
                done = False
                if table != "routes" and len(known) == len(header):
                    done = self._copy_file(con, table, paths[table], known, sizes[table])
                timings[f"copy_{table}_fast"] = done
                if not done:
                    self._copy_rows(con, table, paths[table], header, legs)
                counts[table] = sizes[table]
                timings[f"copy_{table}_s"] = time.perf_counter() - clock
                clock = time.perf_counter()
                key = KEY_COLUMNS[table]
                key_sql = f"{key} || '#' || leg" if table == "routes" else key
                obj = ", ".join(f"'{_sql_str(c)}', \"{c}\"" for c in known)
                con.exec_driver_sql(
                    "INSERT INTO history (author, action, table_name, key, before, after)"  # noqa: S608
                    f" SELECT %s, 'import', %s, {key_sql}, NULL,"
                    f" jsonb_build_object({obj}) || extra FROM {table}",  # no sort: one row per key
                    (author, table),
                )
                timings[f"history_{table}_s"] = time.perf_counter() - clock
            clock = time.perf_counter()
            for _, definition in indexes:
                con.exec_driver_sql(definition)
            con.exec_driver_sql("ANALYZE places; ANALYZE incidents; ANALYZE routes")
            timings["indexes_s"] = time.perf_counter() - clock
            self._bump(con)
        return counts, problems

    def _copy_file(self, con, table: str, path: Path, columns: list[str], expected: int) -> bool:
        """COPY the file's bytes straight in (the fast path). False, with nothing kept, when
        PostgreSQL reads the file differently from the validator (then rows are sent one by
        one): a different row count, or a row it refuses."""
        import psycopg

        raw_con = con.connection.driver_connection
        try:
            with con.begin_nested(), raw_con.cursor() as cur:
                # Emptied in this subtransaction, so COPY can FREEZE: the rows are visible
                # to everyone at once and index-only scans work without waiting for VACUUM.
                cur.execute(f"TRUNCATE {table}")
                quoted = ", ".join(f'"{c}"' for c in columns)
                sql = (
                    f"COPY {table} ({quoted}) FROM STDIN WITH (FORMAT csv, HEADER true,"
                    f" ENCODING 'UTF8', FREEZE true, FORCE_NOT_NULL ({quoted}))"
                )
                with open(path, "rb") as f, cur.copy(sql) as copy:
                    first = f.read(1 << 20)
                    copy.write(first.removeprefix(b"\xef\xbb\xbf"))
                    while chunk := f.read(1 << 20):
                        copy.write(chunk)
                if cur.rowcount != expected:
                    raise _FallBack
        except (_FallBack, psycopg.Error):
            return False
        return True

    def _copy_rows(self, con, table: str, path: Path, header: list[str], legs) -> None:
        """Send the rows as the project's CSV reader reads them (unknown columns go to
        ``extra``; route legs get their line as drawn)."""
        from dashboard.tables import read_table

        optional = INCIDENT_EXTRA_COLUMNS if table == "incidents" else []
        frame, _ = read_table(path, [c for c in COLUMNS[table] if c not in optional])
        known = [c for c in header if c in COLUMNS[table]]
        extra = [c for c in header if c not in COLUMNS[table]]
        cols = [*known, "extra"] + (["geom"] if table == "routes" else [])
        raw_con = con.connection.driver_connection
        with (
            raw_con.cursor() as cur,
            cur.copy(f"COPY {table} ({', '.join(cols)}) FROM STDIN") as copy,
        ):
            values = [frame[c].tolist() for c in known]
            extras = [frame[c].tolist() for c in extra]
            if table == "routes":
                keys = zip(frame["route_id"], frame["leg"], strict=True)
                geoms = [_ewkt(legs.get((rid, int(leg)))) for rid, leg in keys]
            for i in range(len(frame)):
                record = [v[i] for v in values]
                record.append(
                    json.dumps(
                        {c: e[i] for c, e in zip(extra, extras, strict=True)}, ensure_ascii=False
                    )
                )
                if table == "routes":
                    record.append(geoms[i])  # the leg as drawn (straight when none is stored)
                copy.write_row(record)

    def dump(self, out_dir: Path | str, *, force: bool = False) -> dict[str, Path]:
        """Write incidents.csv, routes.csv and places.csv into ``out_dir``, as they were
        loaded (same header, quoting, BOM and line ends): atomic, never half a file."""
        import sqlalchemy as sa

        folder = Path(out_dir)
        if not folder.is_dir():
            raise StoreError(f"{folder} is not a folder")
        targets = {t: folder / f"{t}.csv" for t in ("incidents", "routes", "places")}
        existing = [str(p) for p in targets.values() if p.exists()]
        if existing and not force:
            raise StoreError(f"{', '.join(existing)} already exist(s); add --force to overwrite")
        written = {}
        with self._tx() as con:
            for table, path in targets.items():
                header = self.header(table, con)
                layout = con.execute(
                    sa.text("SELECT bom, newline FROM csv_layout WHERE table_name = :t"),
                    {"t": table},
                ).first()
                bom, newline = tuple(layout) if layout else (False, "\n")
                result = con.execution_options(stream_results=True, max_row_buffer=5000).execute(
                    sa.text(self._select(table, header))
                )
                written[table] = _atomic_csv(path, header, result, bom=bom, newline=newline)
        return written


# --- helpers -----------------------------------------------------------------------------


def filter_query(
    *,
    start: str | None = None,
    end: str | None = None,
    include_undated: bool = True,
    categories: list[str] | None = None,
    bbox: tuple[float, float, float, float] | None = None,
) -> tuple[str, dict]:
    """SQL and parameters selecting incident_id for the filters the app offers: incidents
    whose own window overlaps [start, end] (undated ones optionally), of the categories,
    inside the box (lon_min, lat_min, lon_max, lat_max). Placeholders are the driver's
    (``%(name)s``: run it with ``exec_driver_sql``); two covering indexes answer it without
    reading the table."""
    where, params = [], {}
    window = []
    if start:
        # an open end ("since mid-May", end not stated) runs on to today
        window.append(
            "(window_end >= CAST(%(start)s AS date)"
            " OR (window_end IS NULL AND window_start IS NOT NULL))"
        )
        params["start"] = start
    if end:
        window.append("window_start <= CAST(%(end)s AS date)")
        params["end"] = end
    if window:
        dated = " AND ".join(window)
        where.append(f"(({dated}) OR window_start IS NULL)" if include_undated else dated)
    elif not include_undated:
        where.append("window_start IS NOT NULL")
    if categories:
        where.append("category = ANY(%(cats)s)")
        params["cats"] = list(categories)
    if bbox:
        where.append("geom && ST_MakeEnvelope(%(x0)s, %(y0)s, %(x1)s, %(y1)s, 4326)")
        params.update(zip(("x0", "y0", "x1", "y1"), bbox, strict=True))
    sql = "SELECT incident_id FROM incidents"
    if where:
        sql += " WHERE " + " AND ".join(where)
    return sql + " ORDER BY position", params


def _sql_str(text: str) -> str:
    return text.replace("'", "''")


def _key_where(table: str) -> str:
    if table == "routes":
        return "route_id = :k AND leg = :leg"
    return f"{KEY_COLUMNS[table]} = :k"


def _key_params(table: str, key: str) -> dict[str, str]:
    if table == "routes":
        rid, _, leg = key.rpartition("#")
        return {"k": rid, "leg": leg}
    return {"k": key}


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


def _json(value: dict | None) -> str | None:
    return None if value is None else json.dumps(value, ensure_ascii=False)


def _change(row) -> Change:
    change_id, at, author, action, table, key, before, after, note = row
    return Change(str(change_id), at, author, action, table, key, before, after, note or "")


def _unknown_columns(rows: list[dict[str, str]], header: list[str], shown: str) -> list[Problem]:
    return [
        Problem(shown, None if len(rows) == 1 else i + 1, col, "unknown column")
        for i, row in enumerate(rows)
        for col in row
        if col not in header
    ]


def _rejected_by_database(exc: BaseException, shown: str) -> Rejected:
    """A row the validator passed but a database constraint refused (e.g. an id another
    editor added a moment ago): the constraint's own words, as a problem."""
    orig = getattr(exc, "orig", exc)
    diag = getattr(orig, "diag", None)
    column = getattr(diag, "column_name", None) if diag else None
    detail = getattr(diag, "message_detail", None) if diag else None
    message = " ".join(str(orig).split("\n")[0].split())
    if detail:
        message += f" ({detail})"
    return Rejected([Problem(shown, None, column, f"refused by the database: {message}")])


def _csv_cell(text: str) -> str:
    buf = io.StringIO()
    csv.writer(buf, lineterminator="").writerow([text])
    return buf.getvalue()


def _write_plain_csv(path: Path, header: list[str], rows) -> Path:
    with open(path, "w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)
    return path


def _atomic_csv(path: Path, header: list[str], rows, *, bom: bool, newline: str) -> Path:
    """Write a CSV file through a temporary file in the same folder (fsync, os.replace)."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with open(tmp, "w", newline="", encoding="utf-8-sig" if bom else "utf-8") as f:
            writer = csv.writer(f, lineterminator=newline)
            writer.writerow(header)
            writer.writerows(rows)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    fd = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
    return path


class _FallBack(Exception):
    """The fast COPY path does not apply; take the row-by-row one."""


def _layout(path: Path) -> tuple[list[str], bool, str]:
    """A CSV file's header (stripped names), whether it starts with a BOM, its line end."""
    with open(path, "rb") as f:
        head = f.read(1 << 16)
        while b"\n" not in head:
            more = f.read(1 << 16)
            if not more:
                break
            head += more
    first = head.split(b"\n", 1)[0]
    text = first.decode("utf-8-sig").rstrip("\r")
    header = [h.strip() for h in next(csv.reader(io.StringIO(text)), [])]
    return header, head.startswith(b"\xef\xbb\xbf"), _newline(head)


def _newline(raw: bytes) -> str:
    end = raw.find(b"\n")
    return "\r\n" if end > 0 and raw[end - 1 : end] == b"\r" else "\n"


def _ewkt(geom) -> str | None:
    return None if geom is None else f"SRID=4326;{geom.wkt}"


def _leg_geometry_wkt(row: dict[str, str], places) -> str:
    """A leg's line from its places when none is given (the CSV store's rule, when
    present there; else a straight line)."""
    try:
        from dashboard.store.csvstore import leg_geometry_wkt

        return leg_geometry_wkt(row, places)
    except ImportError:  # pragma: no cover - until the CSV store is merged
        a, b = row.get("from_place", ""), row.get("to_place", "")
        if a not in places.index or b not in places.index:
            return ""
        p, q = places.geometry[a], places.geometry[b]
        return f"LINESTRING ({p.x:.5f} {p.y:.5f}, {q.x:.5f} {q.y:.5f})"
