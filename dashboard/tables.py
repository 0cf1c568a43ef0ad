"""Reading CSV files that people edit by hand, without losing or mangling anything.

Files are read, never written. Everything comes back as strings indexed by the line
number a spreadsheet shows (header = line 1), so later checks can point at a cell.
Typing happens in the validators, which can then report every bad cell at once.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pandas as pd

from dashboard.problems import Problem

MAX_FILE_BYTES = 512 * 1024 * 1024
MAX_CELL_CHARS = 20_000
_SNIFF_DELIMITERS = [";", "\t", "|"]


def read_text(path: Path | str) -> tuple[str | None, list[Problem]]:
    """The file's text as UTF-8 (a BOM is fine), or the reason it cannot be read."""
    shown = str(path)
    p = Path(path)
    try:
        if not p.exists():
            return None, [Problem(shown, None, None, "file not found")]
        if p.is_dir():
            return None, [Problem(shown, None, None, "is a folder, not a CSV file")]
        size = p.stat().st_size
        if size > MAX_FILE_BYTES:
            return None, [
                Problem(
                    shown,
                    None,
                    None,
                    f"file is {size / 1e6:,.0f} MB; the limit is {MAX_FILE_BYTES / 1e6:,.0f} MB",
                )
            ]
        raw = p.read_bytes()
    except OSError as exc:
        return None, [Problem(shown, None, None, f"cannot be read: {exc.strerror or exc}")]
    if not raw.strip():
        return None, [Problem(shown, None, None, "file is empty")]
    if b"\x00" in raw[:65536]:
        return None, [Problem(shown, None, None, "not a CSV text file (it contains binary data)")]
    try:
        return raw.decode("utf-8-sig"), []
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        hint = ""
        try:
            raw.decode("cp949")
            hint = " It looks like legacy Korean encoding (CP949/EUC-KR)."
        except UnicodeDecodeError:
            pass
        return None, [
            Problem(
                shown,
                line,
                None,
                f"not UTF-8 text (byte 0x{raw[exc.start]:02x}).{hint} "
                "Save the file as UTF-8 CSV and load it again.",
            )
        ]


def read_table(
    path: Path | str, columns: list[str], optional: list[str] = ()
) -> tuple[pd.DataFrame | None, list[Problem]]:
    """Rows as strings indexed by spreadsheet line, or the problems that prevent it.

    ``columns`` must all be present; ``optional`` are known but may be absent (they
    are added empty). Unknown extra columns are kept and reported as warnings.
    """
    shown = str(path)
    text, problems = read_text(path)
    if text is None:
        return None, problems
    try:
        records = list(csv.reader(io.StringIO(text, newline=""), strict=True))
    except csv.Error as exc:
        return None, [Problem(shown, None, None, f"not a valid CSV file: {exc}")]
    if not records or not any(cell.strip() for cell in records[0]):
        return None, [Problem(shown, 1, None, "the first line must be the header row")]
    header = [h.strip() for h in records[0]]
    if len(header) == 1 and not set(columns) & set(header):
        for delim in _SNIFF_DELIMITERS:
            if delim in records[0][0]:
                name = {"\t": "tab", ";": "semicolon", "|": "pipe"}[delim]
                return None, [
                    Problem(
                        shown,
                        1,
                        None,
                        f"the header has a single column; the file seems to use {name} "
                        "as its delimiter. Save it as comma-separated CSV.",
                    )
                ]
    seen: dict[str, int] = {}
    for i, name in enumerate(header):
        if name in seen:
            problems.append(
                Problem(
                    shown, 1, name, f"column appears twice (columns {seen[name] + 1} and {i + 1})"
                )
            )
        seen.setdefault(name, i)
        if not name:
            problems.append(Problem(shown, 1, f"column {i + 1}", "header cell is empty"))
    for name in columns:
        if name not in seen:
            problems.append(Problem(shown, 1, name, "missing required column"))
    known = set(columns) | set(optional)
    for name in header:
        if name and name not in known:
            problems.append(
                Problem(shown, 1, name, "unknown column; it is kept but not used", "warning")
            )
    if any(p.severity == "error" for p in problems):
        return None, problems

    rows: list[list[str]] = []
    lines: list[int] = []
    for offset, record in enumerate(records[1:], start=2):
        if not any(cell.strip() for cell in record):
            problems.append(Problem(shown, offset, None, "empty row skipped", "warning"))
            continue
        if len(record) != len(header):
            problems.append(
                Problem(
                    shown,
                    offset,
                    None,
                    f"row has {len(record)} cells but the header has {len(header)}",
                )
            )
            continue
        for name, cell in zip(header, record, strict=True):
            if len(cell) > MAX_CELL_CHARS:
                problems.append(
                    Problem(
                        shown,
                        offset,
                        name,
                        f"cell has {len(cell):,} characters; the limit is {MAX_CELL_CHARS:,}",
                    )
                )
        rows.append(record)
        lines.append(offset)
    if not rows and not problems:
        problems.append(Problem(shown, None, None, "has a header but no data rows"))
    frame = pd.DataFrame(rows, columns=header, index=pd.Index(lines, name="line"), dtype=object)
    frame = frame.loc[:, ~frame.columns.duplicated()]
    for name in optional:
        if name not in frame.columns:
            frame[name] = ""
    frame = frame.fillna("").astype(str)
    return frame, problems
