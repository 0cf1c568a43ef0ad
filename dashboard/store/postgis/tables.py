"""The three tables as the store sees them: their columns, how a row is keyed and named in
messages, cell text in and out, and a database refusal worded as a problem."""

from __future__ import annotations

import json

from dashboard.problems import Problem
from dashboard.store.base import KEY_COLUMNS, Change, Rejected
from dashboard.vocab import INCIDENT_COLUMNS, INCIDENT_EXTRA_COLUMNS, PLACE_COLUMNS, ROUTE_COLUMNS

# Every column each table keeps as cell text, in the default file order.
COLUMNS: dict[str, list[str]] = {
    "incidents": INCIDENT_COLUMNS + INCIDENT_EXTRA_COLUMNS,
    "routes": ROUTE_COLUMNS,
    "places": PLACE_COLUMNS,
}


NEW_ROW = {"incidents": "new incident", "routes": "new route leg", "places": "new place"}


NEW_ROWS = {"incidents": "new incidents", "routes": "new route legs", "places": "new places"}


def sql_str(text: str) -> str:
    """Text as the inside of an SQL string literal."""
    return text.replace("'", "''")


def key_where(table: str) -> str:
    """The WHERE condition picking one row by its key (a route leg by route and leg)."""
    if table == "routes":
        return "route_id = :k AND leg = :leg"
    return f"{KEY_COLUMNS[table]} = :k"


def key_params(table: str, key: str) -> dict[str, str]:
    """The parameters of ``key_where`` for a key as the history names it."""
    if table == "routes":
        rid, _, leg = key.rpartition("#")
        return {"k": rid, "leg": leg}
    return {"k": key}


def row_key(table: str, cells: dict[str, str]) -> str:
    """How the history names a row: its id, or ``ROUTE#LEG`` for a route leg."""
    if table == "routes":
        return f"{cells.get('route_id', '').strip()}#{cells.get('leg', '').strip()}"
    return cells.get(KEY_COLUMNS[table], "").strip()


def cell_text(value) -> str:
    """A JSON value as cell text: None is empty; numbers as written."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def json_or_none(value: dict | None) -> str | None:
    """A history cell as JSON text (None stays NULL)."""
    return None if value is None else json.dumps(value, ensure_ascii=False)


def change_from_row(row) -> Change:
    """One history row as a ``Change``."""
    change_id, at, author, action, table, key, before, after, note = row
    return Change(str(change_id), at, author, action, table, key, before, after, note or "")


def unknown_columns(rows: list[dict[str, str]], header: list[str], shown: str) -> list[Problem]:
    """A problem for every cell naming a column the table does not have."""
    return [
        Problem(shown, None if len(rows) == 1 else i + 1, col, "unknown column")
        for i, row in enumerate(rows)
        for col in row
        if col not in header
    ]


def rejected_by_database(exc: BaseException, shown: str) -> Rejected:
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
