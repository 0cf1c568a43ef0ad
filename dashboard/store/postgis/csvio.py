"""CSV files the store writes and reads outside pandas: a plain file for the validator, an
atomic file as loaded (BOM and line ends kept), and a file's own layout."""

from __future__ import annotations

import csv
import io
import os
from pathlib import Path


def csv_cell(text: str) -> str:
    """One cell as CSV writes it (quoted when it must be), for a header line."""
    buf = io.StringIO()
    csv.writer(buf, lineterminator="").writerow([text])
    return buf.getvalue()


def write_plain_csv(path: Path, header: list[str], rows) -> Path:
    """A UTF-8 CSV file the validator reads as it reads the project's files."""
    with open(path, "w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)
    return path


def atomic_csv(path: Path, header: list[str], rows, *, bom: bool, newline: str) -> Path:
    """Write a CSV file through a temporary file in the same folder (fsync, os.replace)."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with open(tmp, "w", newline="", encoding="utf-8-sig" if bom else "utf-8") as f:
            writer = csv.writer(f, lineterminator=newline)
            writer.writerow(header)
            writer.writerows(rows)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    fd = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
    return path


def csv_layout(path: Path) -> tuple[list[str], bool, str]:
    """A CSV file's header (stripped names), whether it starts with a BOM, its line end."""
    with open(path, "rb") as f:
        head = f.read(1 << 16)
        while b"\n" not in head:
            more = f.read(1 << 16)
            if not more:
                break
            head += more
    first = head.split(b"\n", 1)[0]
    text = first.decode("utf-8-sig").rstrip("\r")
    header = [h.strip() for h in next(csv.reader(io.StringIO(text)), [])]
    return header, head.startswith(b"\xef\xbb\xbf"), _newline(head)


def _newline(raw: bytes) -> str:
    end = raw.find(b"\n")
    return "\r\n" if end > 0 and raw[end - 1 : end] == b"\r" else "\n"
