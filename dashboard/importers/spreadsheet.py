"""Spreadsheets (XLSX through openpyxl, ODS through odfpy), read with pandas' readers.

Typed cells come back as the text a person would have typed (dates as YYYY-MM-DD, 3.0 as
3), and every record keeps the row number the spreadsheet shows, blank rows included, so
a problem points at the right row even below a gap.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

from dashboard.importers.base import SourceTable, UnreadableFile, cell_text
from dashboard.importers.delimited import read_bytes, table_from_records
from dashboard.problems import Problem

ENGINES = {"xlsx": "openpyxl", "ods": "odf"}


def sheet_names(path: Path | str, kind: str) -> list[str]:
    """The sheets of a workbook, in order."""
    import pandas as pd

    shown = str(path)
    read_bytes(path, "spreadsheet")
    try:
        with pd.ExcelFile(path, engine=ENGINES[kind]) as book:
            return [str(name) for name in book.sheet_names]
    except (ValueError, OSError, KeyError, zipfile.BadZipFile) as exc:
        raise UnreadableFile(
            [Problem(shown, None, None, f"not a readable {kind.upper()} workbook: {exc}")]
        ) from exc


def read_spreadsheet(path: Path | str, kind: str, sheet: str | None = None) -> SourceTable:
    """One sheet (the first unless ``sheet`` names another) as a SourceTable.

    The header is the first non-blank row; problems name the file and, when the workbook
    has more than one sheet, the sheet: ``book.xlsx[사건]:5: location: ...``.
    """
    import pandas as pd

    shown = str(path)
    names = sheet_names(path, kind)
    if not names:
        raise UnreadableFile([Problem(shown, None, None, "the workbook has no sheets")])
    if sheet is None:
        sheet = names[0]
    elif sheet not in names:
        raise UnreadableFile(
            [
                Problem(
                    shown,
                    None,
                    None,
                    f"no sheet named {sheet!r} (the sheets are: {', '.join(names)})",
                )
            ]
        )
    where = f"{shown}[{sheet}]" if len(names) > 1 else shown
    try:
        frame = pd.read_excel(
            path, sheet_name=sheet, header=None, dtype=object, engine=ENGINES[kind]
        )
    except (ValueError, OSError, KeyError, zipfile.BadZipFile) as exc:
        raise UnreadableFile([Problem(where, None, None, f"sheet cannot be read: {exc}")]) from exc
    records = [[cell_text(v) for v in row] for row in frame.itertuples(index=False, name=None)]
    start = 0
    while start < len(records) and not any(c.strip() for c in records[start]):
        start += 1
    if start == len(records):
        raise UnreadableFile([Problem(where, None, None, "the sheet is empty")])
    notes = [
        f"sheet {sheet!r}" + (f" of {len(names)}: {', '.join(names)}" if len(names) > 1 else "")
    ]
    if start:
        notes.append(f"header found on row {start + 1}")
    return table_from_records(
        where, records[start:], kind, notes, first_line=start + 1, pad_short=True
    )
