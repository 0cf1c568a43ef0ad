"""The shared checks: each problem once, in row order, then in the file's declared order."""

from __future__ import annotations

import pandas as pd

from dashboard.data.cells import parse_int
from dashboard.data.checks import Checks


def _table(rows: list[dict[str, str]]) -> pd.DataFrame:
    table = pd.DataFrame(rows, dtype=object)
    table.index = pd.RangeIndex(2, len(rows) + 2, name="line")  # header = line 1
    return table


def test_problems_come_in_row_order_then_in_the_declared_order():
    table = _table(
        [
            {"id": "a", "kind": "town", "n": "3"},
            {"id": "a", "kind": "castle", "n": "x"},
            {"id": " ", "kind": "", "n": ""},
        ]
    )
    checks = Checks(table, "f.csv", ["required:id", "required:kind", "duplicate", "kind", "n"])
    n = checks.parsed("n", lambda text: parse_int(text, 1, 9))
    checks.vocabulary("kind", ["town", "city"])
    checks.duplicates("id")
    checks.required(["id", "kind"])
    assert [str(p) for p in checks.problems()] == [
        "f.csv:3: id: duplicate id 'a' (first at line 2)",
        "f.csv:3: kind: unknown kind 'castle' (expected one of town, city)",
        "f.csv:3: n: not a whole number: 'x'",
        "f.csv:4: id: empty required cell",
        "f.csv:4: kind: empty required cell",
    ]
    assert list(n) == [3, None, None]


def test_known_ids_and_filed_problems():
    table = _table([{"place": "p1"}, {"place": "nowhere"}, {"place": ""}])
    checks = Checks(table, "f.csv", ["place"])
    checks.known("place", {"p1"}, lambda pid: f"unknown place {pid!r}", severity="warning")
    (problem,) = checks.problems()
    assert str(problem) == "f.csv:3: place: warning: unknown place 'nowhere'"
    assert problem.severity == "warning"
