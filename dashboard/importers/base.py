"""What every reader hands on: a table of the file's own columns, cells as text, with lines.

Readers (delimited text, spreadsheets, geodata) only turn a file into a ``SourceTable``;
mapping its columns onto ours happens afterwards (``dashboard.importers.mapping``), so the
app can show the file's own columns in its mapping step before anything is decided.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field

from dashboard.problems import Problem


@dataclass
class SourceTable:
    """One table read from a file: its header and its records, every cell as text.

    ``lines[i]`` is where record ``i`` sits as a spreadsheet shows it (header = 1); for
    geodata, whose features have no lines, it is the feature's number plus one, which is
    where the feature shows in a table view of the layer. ``shown`` names the file (and the
    sheet or layer when there is more than one) in problems.
    """

    shown: str
    columns: list[str]
    records: list[list[str]]
    lines: list[int]
    kind: str  # the reader's format: csv, xlsx, ods, geojson, kml, kmz, gpkg
    problems: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # what the reader decided (encoding, ...)

    def rows(self) -> list[dict[str, str]]:
        """Records as dicts of column name -> cell text."""
        return [dict(zip(self.columns, record, strict=True)) for record in self.records]


class UnreadableFile(Exception):
    """A file that cannot be read at all; carries the problems that say why."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


def cell_text(value: object) -> str:
    """A typed cell (spreadsheet, GeoPackage, JSON) as the text a person would type.

    Whole floats lose their ".0" (Excel stores 3 as 3.0); other floats keep the shortest text
    that reads back as the same number; midnight datetimes are dates.
    """
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isnan(value):
            return ""
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return repr(value)
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0) and value.tzinfo is None:
            return value.date().isoformat()
        return value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dt.time):
        return value.isoformat()
    try:  # numpy and pandas scalars
        import pandas as pd

        if pd.isna(value):
            return ""
        if isinstance(value, pd.Timestamp):
            return cell_text(value.to_pydatetime())
        if hasattr(value, "item"):
            return cell_text(value.item())
    except (TypeError, ValueError):
        pass
    return str(value)
