"""Delimited text (CSV, TSV, semicolon files from European Excel) in whatever encoding.

Spreadsheet programs save CSV in the machine's legacy encoding (CP949 on Korean Windows)
and with the locale's delimiter, so both are detected instead of demanded; what was
decided is said in the table's notes, and ``encoding``/``delimiter`` override it.
"""

from __future__ import annotations

import codecs
import csv
import io
import itertools
from collections.abc import Iterable, Iterator
from pathlib import Path

from dashboard.data.tables import MAX_CELL_CHARS, too_large
from dashboard.importers.base import SourceTable, UnreadableFile
from dashboard.problems import Problem

DELIMITERS = [",", ";", "\t", "|"]
# Imports decode the whole file in Python (to detect its encoding and delimiter), which takes
# several times its size in memory: they keep the limit the incidents file had before it grew.
MAX_IMPORT_BYTES = 512 * 1024 * 1024
_DELIMITER_NAMES = {",": "comma", ";": "semicolon", "\t": "tab", "|": "pipe"}
# Tried in order after the byte-order marks; the first that decodes the whole file wins.
ENCODINGS = ["utf-8", "cp949", "cp1252"]
_ENCODING_NAMES = {
    "utf-8": "UTF-8",
    "utf-8-sig": "UTF-8 with BOM",
    "utf-16": "UTF-16",
    "cp949": "CP949 (Korean Windows, EUC-KR)",
    "cp1252": "Windows-1252 (Western European)",
}


def read_bytes(path: Path | str, what: str = "file") -> bytes:
    """The file's bytes, or UnreadableFile naming why not."""
    shown = str(path)
    p = Path(path)
    try:
        if not p.exists():
            raise UnreadableFile([Problem(shown, None, None, "file not found")])
        if p.is_dir():
            raise UnreadableFile([Problem(shown, None, None, f"is a folder, not a {what}")])
        size = p.stat().st_size
        if size > MAX_IMPORT_BYTES:
            raise UnreadableFile([too_large(shown, size, MAX_IMPORT_BYTES)])
        raw = p.read_bytes()
    except OSError as exc:
        raise UnreadableFile(
            [Problem(shown, None, None, f"cannot be read: {exc.strerror or exc}")]
        ) from exc
    if not raw.strip():
        raise UnreadableFile([Problem(shown, None, None, "file is empty")])
    return raw


def _decodes(raw: bytes, encoding: str) -> UnicodeDecodeError | None:
    """Whether ``raw`` is valid in ``encoding``, checked in chunks (no copy of the text)."""
    decoder = codecs.getincrementaldecoder(encoding)()
    chunk = 1 << 20
    for i in range(0, len(raw), chunk):
        try:
            decoder.decode(raw[i : i + chunk], final=i + chunk >= len(raw))
        except UnicodeDecodeError as exc:
            return UnicodeDecodeError(exc.encoding, raw, i + exc.start, i + exc.end, exc.reason)
    return None


def detect_encoding(shown: str, raw: bytes, encoding: str | None = None) -> str:
    """The encoding to read ``raw`` with: byte-order marks first, then UTF-8, CP949,
    Windows-1252; or UnreadableFile when none fits."""
    if encoding:
        try:
            err = _decodes(raw, encoding)
        except LookupError as exc:
            raise UnreadableFile(
                [Problem(shown, None, None, f"unknown encoding {encoding!r}")]
            ) from exc
        if err is not None:
            line = raw[: err.start].count(b"\n") + 1
            raise UnreadableFile(
                [Problem(shown, line, None, f"cannot be read as {encoding}: {err.reason}")]
            )
        return encoding
    if raw.startswith(codecs.BOM_UTF8):
        err = _decodes(raw, "utf-8-sig")
        if err is not None:
            line = raw[: err.start].count(b"\n") + 1
            raise UnreadableFile(
                [Problem(shown, line, None, "starts with a UTF-8 mark but is not UTF-8 text")]
            )
        return "utf-8-sig"
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        if _decodes(raw, "utf-16") is not None:
            raise UnreadableFile(
                [Problem(shown, None, None, "starts with a UTF-16 mark but is not UTF-16 text")]
            )
        return "utf-16"
    if b"\x00" in raw[:65536]:
        raise UnreadableFile(
            [Problem(shown, None, None, "not a text file (it contains binary data)")]
        )
    for name in ENCODINGS:
        if _decodes(raw, name) is None:
            return name
    raise UnreadableFile(
        [
            Problem(
                shown,
                None,
                None,
                "the text encoding is not UTF-8, CP949 or Windows-1252; "
                "save the file as UTF-8 CSV or give --encoding",
            )
        ]
    )


def sniff_delimiter(text: str) -> str:
    """The delimiter that splits the first lines into the most columns, consistently."""
    sample = text[:65536]
    best, best_score = ",", (0, 0)
    for delim in DELIMITERS:
        try:
            records = []
            for record in csv.reader(io.StringIO(sample, newline=""), delimiter=delim):
                records.append(len(record))
                if len(records) >= 20:
                    break
        except csv.Error:
            continue
        if not records or records[0] < 2:
            continue
        # Rows (the last may be cut by the sample) that have as many cells as the header.
        body = records[1:-1] if len(records) > 2 else records[1:]
        agree = sum(1 for n in body if n == records[0])
        score = (agree * 1000 // max(len(body), 1), records[0])
        if score > best_score:
            best, best_score = delim, score
    return best


def read_delimited(
    path: Path | str,
    *,
    encoding: str | None = None,
    delimiter: str | None = None,
    shown: str | None = None,
) -> SourceTable:
    """Every record of a delimited text file, cells as text, lines as a spreadsheet shows."""
    shown = shown or str(path)
    raw = read_bytes(path, "text file")
    used = detect_encoding(shown, raw, encoding)
    sample = raw[: 1 << 16].decode(used, errors="ignore")
    delim = delimiter or sniff_delimiter(sample)
    notes = [
        f"read as {_ENCODING_NAMES.get(used, used)} text, "
        f"{_DELIMITER_NAMES.get(delim, repr(delim))}-separated"
    ]
    # Decoded as it is parsed: the whole text is never held as one string beside the bytes.
    stream = io.TextIOWrapper(io.BytesIO(raw), encoding=used, newline="")
    reader = csv.reader(stream, delimiter=delim, strict=True)
    try:
        records = list(shared_cells(reader))
    except csv.Error as exc:
        # line_num counts text lines read; a quote left open runs to the end of the file.
        raise UnreadableFile(
            [
                Problem(
                    shown,
                    reader.line_num or None,
                    None,
                    f"not valid delimited text: {exc} (a quote opened and never closed?)"
                    if "end of data" in str(exc)
                    else f"not valid delimited text: {exc}",
                )
            ]
        ) from exc
    finally:
        stream.close()
        del raw
    return table_from_records(shown, records, "csv", notes)


# Records read per batch by shared_cells, and the distinct values a column may have before
# its cache is started again each batch: ids, free text and coordinates, where sharing saves
# little (as in any column whose values are more than half distinct), stay bounded.
SHARE_BATCH = 10_000
SHARE_DISTINCT = 1 << 16


def shared_cells(records: Iterable[list[str]]) -> Iterator[list[str]]:
    """The records as read, with the cells a column repeats (its types, actors, countries,
    dates, empties) made one string object per column value: the same text, a fraction of
    the memory (an ACLED extract repeats most of its 31 columns; 100,000 rows held about
    100 MB of copies). One C-level map per record, no loop per cell; a record whose length
    differs from the header's (reported later) is left as read."""
    records = iter(records)
    header = next(records, None)
    if header is None:
        return
    yield header
    width = len(header)
    caches: list[dict[str, str]] = [{} for _ in header]
    setdefault = dict.setdefault
    seen = 0
    while batch := list(itertools.islice(records, SHARE_BATCH)):
        for record in batch:
            if len(record) == width:
                record[:] = map(setdefault, caches, record, record)
        yield from batch
        seen += len(batch)
        for cache in caches:
            if len(cache) > min(SHARE_DISTINCT, seen // 2):  # mostly distinct: bounded
                cache.clear()


def table_from_records(
    shown: str,
    records: list[list[str]],
    kind: str,
    notes: list[str] | None = None,
    first_line: int = 1,
    pad_short: bool = False,
) -> SourceTable:
    """A SourceTable from raw records whose first is the header (shared with spreadsheets).

    Blank records are skipped with a warning; records with too many cells are reported;
    short records are reported too, or padded with ``pad_short`` (spreadsheets and geodata
    have no "short rows": their empty trailing cells are simply absent).
    """
    problems: list[Problem] = []
    if not records or not any(str(c).strip() for c in records[0]):
        raise UnreadableFile(
            [Problem(shown, first_line, None, "the first line must be the header row")]
        )
    header = [str(h).strip() for h in records[0]]
    while header and not header[-1]:
        header.pop()
    seen: dict[str, int] = {}
    for i, name in enumerate(header):
        if not name:
            problems.append(Problem(shown, first_line, f"column {i + 1}", "header cell is empty"))
        elif name in seen:
            problems.append(
                Problem(
                    shown,
                    first_line,
                    name,
                    f"column appears twice (columns {seen[name] + 1} and {i + 1})",
                )
            )
        seen.setdefault(name, i)
    if problems:
        raise UnreadableFile(problems)
    width = len(header)
    kept: list[list[str]] = []
    lines: list[int] = []
    for offset, record in enumerate(records[1:], start=first_line + 1):
        if not any(record) or not "".join(record).strip():
            if any(record):
                problems.append(Problem(shown, offset, None, "empty row skipped", "warning"))
            continue
        if len(record) > width:
            if any(cell.strip() for cell in record[width:]):
                problems.append(
                    Problem(
                        shown,
                        offset,
                        None,
                        f"row has {len(record)} cells but the header has {width}",
                    )
                )
                continue
            record = record[:width]
        elif len(record) < width:
            if not pad_short:
                problems.append(
                    Problem(
                        shown,
                        offset,
                        None,
                        f"row has {len(record)} cells but the header has {width}",
                    )
                )
                continue
            record = record + [""] * (width - len(record))
        if max(map(len, record), default=0) <= MAX_CELL_CHARS:
            kept.append(record)
            lines.append(offset)
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
        kept.append(record)
        lines.append(offset)
    return SourceTable(shown, header, kept, lines, kind, problems, list(notes or []))
