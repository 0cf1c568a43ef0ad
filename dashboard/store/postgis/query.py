"""Reading the store: rows as cell text, the dataset through the project's validator, ids
for a viewer's filter (answered by the database's indexes), the history, and the validation
every write runs first."""

from __future__ import annotations

import dataclasses
import hashlib
import os
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from dashboard.problems import Problem, errors
from dashboard.store.base import Change, NotFound, Rejected
from dashboard.store.postgis.connect import Connection
from dashboard.store.postgis.csvio import csv_cell, write_plain_csv
from dashboard.store.postgis.tables import (
    COLUMNS,
    NEW_ROW,
    NEW_ROWS,
    cell_text,
    change_from_row,
    key_params,
    key_where,
    sql_str,
    unknown_columns,
)

if TYPE_CHECKING:  # pragma: no cover
    from dashboard.data.dataset import Dataset

# The validated gazetteer per database URL and places stamp (the app makes a store per rerun).
_PLACES_CACHE: dict[str, tuple[str, object]] = {}


def filter_where(
    *,
    start: str | None = None,
    end: str | None = None,
    include_undated: bool = True,
    categories: list[str] | None = None,
    bbox: tuple[float, float, float, float] | None = None,
) -> tuple[list[str], dict]:
    """The conditions (to be joined by AND) and parameters of ``filter_query``: shared with
    the map's pyramid (``pyramid.py``), so both select the same incidents."""
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
    return where, params


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
    where, params = filter_where(
        start=start, end=end, include_undated=include_undated, categories=categories, bbox=bbox
    )
    sql = "SELECT incident_id FROM incidents"
    if where:
        sql += " WHERE " + " AND ".join(where)
    return sql + " ORDER BY position", params


class Reader(Connection):
    """What every store reads, and the checks every write runs first."""

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
        cols = [f'"{c}"' if c in known else f"coalesce(extra->>'{sql_str(c)}', '')" for c in header]
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
        where = key_where(table)
        sql = self._select(table, header).replace(" ORDER BY position", f" WHERE {where}")
        if lock:
            sql += " FOR UPDATE"
        row = con.execute(sa.text(sql), key_params(table, key)).first()
        return dict(zip(header, row, strict=True)) if row is not None else None

    def _write_csv_files(self, folder: Path) -> tuple[dict[str, Path], str, np.ndarray]:
        """The three tables as CSV files in ``folder`` (COPY: fast even at 100,000 rows),
        read in one snapshot so they agree with each other; with them, that snapshot's data
        version and each incident row's ``position``, which tie the loaded rows to what the
        database computes for them (``pyramid``)."""
        with self._tx() as con:
            con.exec_driver_sql("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
            paths = {
                table: self._copy_out(con, table, folder / f"{table}.csv")
                for table in ("places", "incidents", "routes")
            }
            version = con.exec_driver_sql("SELECT data_version FROM dashboard_meta").scalar_one()
            raw = con.connection.driver_connection
            with (
                raw.cursor() as cur,
                cur.copy(
                    "COPY (SELECT position FROM incidents ORDER BY position) TO STDOUT"
                ) as copy,
            ):
                text = b"".join(bytes(chunk) for chunk in copy)
            positions = np.array(text.split(), dtype=np.int64)
            return paths, f"pg:{self.where}:{version}", positions

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
        rows = [{k: cell_text(v) for k, v in r.items()} for r in rows]
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
            out.write((",".join(csv_cell(h) for h in header) + "\n").encode())
            with cur.copy(f"COPY ({select}) TO STDOUT WITH (FORMAT csv)") as copy:
                for chunk in copy:
                    out.write(chunk)
        return path

    def load(self, keep_valid: bool = False) -> tuple[Dataset | None, list[Problem]]:
        """The dataset through the same validator as files, so it is exactly what the
        files would give; problems name the database table and row."""
        from dashboard.data.dataset import check_dataset

        with tempfile.TemporaryDirectory(prefix="dashboard-db-") as tmp:
            paths, version, positions = self._write_csv_files(Path(tmp))
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
            dataset.store_version = version
            if len(positions) == len(dataset.incidents):  # every row loaded: row i is positions[i]
                dataset.store_positions = positions
        return dataset, problems

    def pyramid(
        self,
        *,
        start: str | None = None,
        end: str | None = None,
        include_undated: bool = True,
        categories: list[str] | None = None,
        bbox: tuple[float, float, float, float] | None = None,
        budget: int | None = None,
    ):
        """The map's zoom pyramid of the point incidents ``filter_ids`` would select,
        computed by the database (``pyramid.sql_pyramid``): a ``SqlPyramid`` whose version
        is ``data_version``'s, read in the same snapshot."""
        from dashboard.aggregate import FEATURE_BUDGET
        from dashboard.store.postgis.pyramid import sql_pyramid

        with self._tx() as con:
            con.exec_driver_sql("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
            result = sql_pyramid(
                con,
                where_key=self.url,
                places=self._places(con),
                start=start,
                end=end,
                include_undated=include_undated,
                categories=categories,
                bbox=bbox,
                budget=FEATURE_BUDGET if budget is None else budget,
            )
        return dataclasses.replace(result, version=f"pg:{self.where}:{result.version}")

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
        return [change_from_row(r) for r in rows]

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
        return change_from_row(row)

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

    def _places(self, con):
        """The validated gazetteer from the database (cached while the places are unchanged)."""
        import sqlalchemy as sa

        from dashboard.data.places import check_places

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
            path = write_plain_csv(Path(tmp) / "places.csv", header, rows)
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

        from dashboard.data.incidents import check_incidents

        shown = NEW_ROW["incidents"] if len(rows) == 1 else NEW_ROWS["incidents"]
        found = unknown_columns(rows, header, shown)
        places = self._places(con)
        route_ids = {r[0] for r in con.execute(sa.text("SELECT DISTINCT route_id FROM routes"))}
        with tempfile.TemporaryDirectory(prefix="dashboard-db-") as tmp:
            path = write_plain_csv(
                Path(tmp) / "new.csv", header, [[r.get(h, "") for h in header] for r in rows]
            )
            _, problems = check_incidents(path, places, route_ids)
        for p in errors(problems):
            line = None if len(rows) == 1 or p.line is None else p.line - 1
            found.append(dataclasses.replace(p, path=shown, line=line))
        if found:
            raise Rejected(found)
