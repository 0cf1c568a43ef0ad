"""Changing rows: adding, editing, withdrawing and restoring incidents (compare-and-swap on
the row the editor loaded), adding places and route legs, each change logged in the history
in the same transaction."""

from __future__ import annotations

import dataclasses
import json
import tempfile
from pathlib import Path

from dashboard.geodesy import leg_geometry_wkt
from dashboard.problems import Problem, errors
from dashboard.store.base import Conflict, NotFound, Rejected, diff_cells
from dashboard.store.postgis.csvio import write_plain_csv
from dashboard.store.postgis.query import Reader
from dashboard.store.postgis.tables import (
    COLUMNS,
    NEW_ROW,
    NEW_ROWS,
    cell_text,
    json_or_none,
    rejected_by_database,
    row_key,
    unknown_columns,
)


class Editor(Reader):
    """Every edit the store offers: validated first, logged, and the data version bumped."""

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
                "before": json_or_none(change["before"]),
                "after": json_or_none(change["after"]),
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

        rows = [{k: cell_text(v) for k, v in r.items()} for r in rows]
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
                raise rejected_by_database(exc, shown) from None
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
        row = {k: cell_text(v) for k, v in row.items()}
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
            if any(current[h] != cell_text(base.get(h, "")) for h in header):
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
                    raise rejected_by_database(exc, NEW_ROW["incidents"]) from None
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
        from dashboard.data.places import check_places

        row = {k: cell_text(v) for k, v in row.items()}
        self._append_small("places", [row], lambda path, con: check_places(path), author)
        return row.get("place_id", "").strip()

    def add_route_legs(self, rows: list[dict[str, str]], *, author: str) -> None:
        import sqlalchemy as sa

        from dashboard.data.routes import check_routes

        rows = [{k: cell_text(v) for k, v in r.items()} for r in rows]

        def check(path, con):
            places = self._places(con)
            ids = {r[0] for r in con.execute(sa.text("SELECT incident_id FROM incidents"))}
            return check_routes(path, places, ids, "error")

        with self._tx() as con:
            places = self._places(con)
        for row in rows:
            if not row.get("geometry", "").strip():
                row["geometry"] = leg_geometry_wkt(row, places)
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
            unknown = unknown_columns(rows, header, shown)
            if unknown:
                raise Rejected(unknown)
            old = [tuple(r) for r in con.execute(sa.text(self._select(table, header)))]
            full = [{h: r.get(h, "") for h in header} for r in rows]
            with tempfile.TemporaryDirectory(prefix="dashboard-db-") as tmp:
                path = write_plain_csv(
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
                raise rejected_by_database(exc, shown) from None
            for r in full:
                self._log(
                    con,
                    {
                        "author": author,
                        "action": "add",
                        "table": table,
                        "key": row_key(table, r),
                        "before": None,
                        "after": r,
                    },
                )
            self._bump(con)
