"""A large batch of new incidents (an import's 100,000 rows) without copies of it: the
rows checked a part at a time, and their cells in the file's order made as the writer and
the history read them."""

from __future__ import annotations

import itertools
import operator
from collections.abc import Iterator, Sequence

from dashboard.problems import Problem
from dashboard.store.base import added_rows_json
from dashboard.vocab import INCIDENT_EXTRA_COLUMNS

# New rows validated per table: bounds the validator's memory (its table and parsed copies).
VALIDATE_ROWS = 20_000


def check_rows(
    shown: str, header: list[str], rows: list[dict[str, str]], places, route_ids
) -> list[Problem]:
    """Every problem the incidents validator finds in ``rows`` as lines 2, 3, ... of a file
    with ``header`` (warnings too), checked ``VALIDATE_ROWS`` rows at a time: the problems,
    and their order, are those of one table (the table's own first, then the validator's;
    the duplicate-id check is carried from part to part)."""
    from dashboard.data.incidents import check_incident_table
    from dashboard.data.tables import table_from_rows

    read: list[Problem] = []
    checked: list[Problem] = []
    seen: dict[str, int] = {}
    checked_rows = False
    for start in range(0, max(len(rows), 1), VALIDATE_ROWS):
        part = rows[start : start + VALIDATE_ROWS]
        table, problems = table_from_rows(
            shown, header, part, INCIDENT_EXTRA_COLUMNS, first_line=start + 2
        )
        n = len(problems)
        # A part whose rows are all empty (skipped) has nothing to check, as in one table.
        if len(table) or (start + VALIDATE_ROWS >= len(rows) and not checked_rows):
            checked_rows = checked_rows or len(table) > 0
            _, problems = check_incident_table(
                table, shown, problems, places, route_ids, seen_ids=seen
            )
        del table
        read += problems[:n]
        checked += problems[n:]
    return read + checked


def cells_in_order(rows: list[dict[str, str]], header: list[str]) -> Iterator[Sequence[str]]:
    """Each row's cells in ``header`` order (a missing cell is empty), made as they are
    asked for; rows that have every column, as an import's do, are read by one C-level
    getter."""
    if len(header) < 2:  # (one key would make the getter return a cell, not a tuple)
        yield from ([row.get(h, "") for h in header] for row in rows)
        return
    get = operator.itemgetter(*header)
    for row in rows:
        try:
            yield get(row)
        except KeyError:
            yield [row.get(h, "") for h in header]


def history_bytes(
    ids: list[str],
    rows: list[dict[str, str]],
    header: list[str],
    at: str,
    author: str,
    action: str,
    note: str,
) -> Iterator[bytes]:
    """The history lines of a batch of added incidents, in pieces of about 1 MB."""
    lines = added_rows_json(
        ids,
        cells_in_order(rows, header),
        header,
        at=at,
        author=author,
        action=action,
        table="incidents",
        note=note,
    )
    while batch := list(itertools.islice(lines, 1000)):
        yield "".join([line + "\n" for line in batch]).encode("utf-8")
