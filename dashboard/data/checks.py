"""The checks every data file shares, run a column at a time.

Each file's validator (incidents, places, routes, stories) reads its table with
``tables.read_table`` (text cells indexed by the line a spreadsheet shows), then asks a
``Checks`` for what it needs: required cells, duplicate ids, words from a vocabulary, cells
parsed by ``cells`` (each distinct text once), ids that must exist elsewhere. A check looks
at a whole column at once; problems still come out in row order and, within a row, in the
order the file's validator declares its checks, each as ``PATH:LINE: COLUMN: message``.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable

import numpy as np
import pandas as pd

from dashboard.data.tables import is_blank, stripped
from dashboard.problems import Problem

Parse = Callable[[str], tuple[object, str | None]]


class Checks:
    """Problems about one table, kept in row order and, within a row, in ``order``."""

    def __init__(self, table: pd.DataFrame, shown: str, order: Iterable[str]) -> None:
        self.table = table
        self.shown = shown
        self.lines = table.index.to_numpy()
        self._rank = {check: i for i, check in enumerate(order)}
        self._found: list[tuple[int, int, Problem]] = []
        self._blank: dict[str, np.ndarray] = {}

    def report(
        self, i: int, check: str, column: str, message: str, severity: str = "error"
    ) -> None:
        """A problem with row ``i`` (a position, not a line), filed under ``check``."""
        line = int(self.lines[i])
        problem = Problem(self.shown, line, column, message, severity)
        self._found.append((line, self._rank[check], problem))

    def file(self, i: int, check: str, problem: Problem) -> None:
        """A problem a row-by-row helper made about row ``i``, filed under ``check``."""
        self._found.append((int(self.lines[i]), self._rank[check], problem))

    def problems(self) -> list[Problem]:
        """Every problem reported, in row order, then in the declared order of checks."""
        return [p for _, _, p in sorted(self._found, key=lambda item: item[:2])]

    def blank(self, column: str) -> np.ndarray:
        """Which cells of ``column`` are empty or spaces only (worked out once per column)."""
        if column not in self._blank:
            self._blank[column] = is_blank(self.table[column])
        return self._blank[column]

    def required(self, columns: Iterable[str]) -> None:
        """ "empty required cell" for each empty cell of ``columns`` (check "required:COL")."""
        for column in columns:
            for i in np.flatnonzero(self.blank(column)):
                self.report(i, f"required:{column}", column, "empty required cell")

    def duplicates(
        self, column: str, check: str = "duplicate", seen: dict[str, int] | None = None
    ) -> None:
        """Every repeat of an id, naming the line where it first appears.

        ``seen`` carries the check across the parts of one table checked one after another
        (a large batch of new rows): the ids of the earlier parts with their first lines,
        whose repeats here are reported too; this part's new ids are added to it."""
        ids = stripped(self.table[column])
        filled = ~self.blank(column)
        repeated = ids.duplicated(keep="first").to_numpy() & filled
        earlier = seen or {}
        if earlier:
            repeated |= np.fromiter(map(earlier.__contains__, ids), bool, len(ids)) & filled
        if repeated.any():
            first: dict[str, int] = {}
            for i in np.flatnonzero(ids.isin(set(ids[repeated])).to_numpy() & filled):
                value = ids.iloc[i]
                line = earlier.get(value, first.get(value))
                if line is not None:
                    message = f"duplicate id {value!r} (first at line {line})"
                    self.report(i, check, column, message)
                else:
                    first[value] = int(self.lines[i])
        if seen is not None:
            new = filled & ~repeated
            seen.update(zip(ids[new].tolist(), self.lines[new].tolist(), strict=True))

    def vocabulary(
        self, column: str, allowed: Collection[str], what: str | None = None
    ) -> np.ndarray:
        """ "unknown WHAT 'x' (expected one of ...)" for each non-empty cell not in
        ``allowed`` (check named like the column); returns which cells were bad."""
        values = self.table[column]
        bad = (values != "").to_numpy() & ~values.isin(list(allowed)).to_numpy()
        choices = ", ".join(allowed)
        for i in np.flatnonzero(bad):
            message = f"unknown {what or column} {values.iloc[i]!r} (expected one of {choices})"
            self.report(i, column, column, message)
        return bad

    def known(
        self,
        column: str,
        ids: Collection[str],
        message: Callable[[str], str],
        severity: str = "error",
        where: np.ndarray | None = None,
    ) -> None:
        """``message(value)`` for each non-empty cell (among ``where``) that is not one of
        ``ids``: a place, route or incident that must exist elsewhere."""
        values = self.table[column]
        bad = ~self.blank(column) & ~values.isin(list(ids)).to_numpy()
        if where is not None:
            bad &= where
        for i in np.flatnonzero(bad):
            self.report(i, column, column, message(values.iloc[i]), severity)

    def parsed(
        self,
        column: str,
        parse: Parse,
        where: np.ndarray | None = None,
        check: str | None = None,
        suffix: str = "",
    ) -> np.ndarray:
        """``parse`` applied to the non-empty cells of ``column`` (among ``where``), once per
        distinct text, as an object array with None elsewhere; each error is reported (check
        named like the column unless given) with ``suffix``."""
        values = self.table[column]
        keep = ~self.blank(column) if where is None else where
        return parse_each(values, keep, parse, self, check or column, column, suffix)


def parse_each(
    values: pd.Series,
    where: np.ndarray,
    parse: Parse,
    checks: Checks | None = None,
    check: str = "",
    column: str = "",
    suffix: str = "",
) -> np.ndarray:
    """``parse`` applied to the cells ``where`` is true (once per distinct text), as an object
    array with None elsewhere; each error is reported to ``checks`` with ``suffix``."""
    out = np.full(len(values), None, dtype=object)
    rows = np.flatnonzero(where)
    if not len(rows):
        return out
    codes, uniques = pd.factorize(values.iloc[rows])
    results = [parse(text) for text in uniques]
    parsed = np.empty(len(results), dtype=object)
    parsed[:] = [value for value, _ in results]
    out[rows] = parsed[codes]
    if checks is not None:
        failed = np.array([err is not None for _, err in results], dtype=bool)
        for j in np.flatnonzero(failed[codes]):
            checks.report(rows[j], check, column, results[codes[j]][1] + suffix)
    return out
