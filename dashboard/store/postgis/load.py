"""Whole files in and out: replacing the tables with validated CSV files (COPY, indexes
rebuilt once) and dumping them back exactly as they were loaded."""

from __future__ import annotations

import json
import time
from pathlib import Path

from dashboard.problems import Problem, errors
from dashboard.store.base import KEY_COLUMNS, StoreError
from dashboard.store.postgis.csvio import atomic_csv, csv_layout
from dashboard.store.postgis.query import Reader
from dashboard.store.postgis.tables import COLUMNS, sql_str
from dashboard.vocab import INCIDENT_EXTRA_COLUMNS


class Loader(Reader):
    """Bulk load and dump of the three tables."""

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

        from dashboard.data.dataset import check_dataset

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
                header, bom, newline = csv_layout(paths[table])
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
                obj = ", ".join(f"'{sql_str(c)}', \"{c}\"" for c in known)
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
        from dashboard.data.tables import read_table

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
                written[table] = atomic_csv(path, header, result, bom=bom, newline=newline)
        return written


class _FallBack(Exception):
    """The fast COPY path does not apply; take the row-by-row one."""


def _ewkt(geom) -> str | None:
    return None if geom is None else f"SRID=4326;{geom.wkt}"
