"""Changing one record of a hand-edited CSV file without disturbing any other byte.

A save rewrites the file through a temporary file in the same folder (fsync, os.replace,
fsync of the folder), so a crash leaves the old file or the new one, never half of each.
Untouched records are copied byte for byte (kernel-side where it can), so the file keeps
its quoting, line endings and order and a git diff shows only the rows that changed.
Writers serialise on an flock'd lock file beside the data file.
"""

from __future__ import annotations

import contextlib
import csv
import fcntl
import glob
import io
import itertools
import mmap
import os
import re
import secrets
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

_QUOTE = 34


def lock_path(path: Path) -> Path:
    """The lock file beside ``path`` (hidden, ignored by git)."""
    return path.with_name(f".{path.name}.lock")


@contextlib.contextmanager
def locked(path: Path) -> Iterator[None]:
    """Hold the exclusive lock of ``path`` (blocks until other writers are done)."""
    fd = os.open(lock_path(path), os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)


def fsync_dir(folder: Path) -> None:
    """Make a rename or a new file in ``folder`` durable."""
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


# A part of the new file: bytes to write, or a byte range (start, end) of the old file.
Part = bytes | tuple[int, int]


def atomic_write(path: Path, parts: Iterable[Part], old_fd: int | None = None) -> None:
    """Write the new content of ``path`` as a whole or not at all.

    Ranges are copied from ``old_fd`` (the open old file) with copy_file_range, so a
    one-row change to a large file never passes its other rows through Python. ``parts``
    may be a generator (a bulk import's rows formatted a piece at a time): each piece is
    written and dropped before the next is made, so the new rows are never all in memory
    as text.
    """
    folder = path.parent
    _remove_stale_temp_files(path)
    tmp = folder / f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp"
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
    try:
        try:
            if old_fd is not None:
                os.fchmod(fd, os.fstat(old_fd).st_mode & 0o7777)
            for part in parts:
                if isinstance(part, bytes):
                    view = memoryview(part)
                    while view:
                        view = view[os.write(fd, view) :]
                else:
                    _copy_range(old_fd, fd, *part)
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise
    fsync_dir(folder)


def _remove_stale_temp_files(path: Path) -> None:
    """Temp files left by a save that was killed (its process is gone); call under the lock."""
    for tmp in path.parent.glob(f".{glob.escape(path.name)}.*.tmp"):
        pid = tmp.name[len(path.name) + 2 :].split(".")[0]
        if not pid.isdigit() or int(pid) == os.getpid():
            continue
        try:
            os.kill(int(pid), 0)
        except ProcessLookupError:
            with contextlib.suppress(OSError):
                tmp.unlink()
        except PermissionError:
            pass  # another user's live process


def _copy_range(src: int | None, dst: int, start: int, end: int) -> None:
    assert src is not None, "a byte range needs the old file"
    offset = start
    while offset < end:
        try:
            n = os.copy_file_range(src, dst, end - offset, offset)
        except OSError:  # e.g. across file systems: fall back to read/write
            n = 0
        if n == 0:
            chunk = os.pread(src, min(end - offset, 1 << 22), offset)
            if not chunk:
                raise OSError(f"file shrank while copying (at byte {offset})")
            os.write(dst, chunk)
            n = len(chunk)
        offset += n


def append_line(path: Path, line: str) -> None:
    """Append one line durably (the history); a torn last line from a crash is closed first."""
    fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_APPEND, 0o644)
    try:
        size = os.fstat(fd).st_size
        prefix = b""
        if size and os.pread(fd, 1, size - 1) != b"\n":
            prefix = b"\n"
        data = prefix + line.encode("utf-8") + b"\n"
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view) :]
        os.fsync(fd)
    finally:
        os.close(fd)
    if size == 0:
        fsync_dir(path.parent)


def append_bytes(path: Path, pieces: Iterable[bytes]) -> None:
    """Append whole lines given as bytes (each piece ends with a line ending) durably with
    one fsync (the history of a bulk import), after a line ending if the file lacks one;
    written in 1 MB pieces."""
    fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_APPEND, 0o644)
    try:
        size = os.fstat(fd).st_size
        buf = bytearray(b"\n" if size and os.pread(fd, 1, size - 1) != b"\n" else b"")
        for piece in pieces:
            buf += piece
            if len(buf) >= 1 << 20:
                _write_all(fd, bytes(buf))  # a copy: no view may pin buf while it is cleared
                buf.clear()
        _write_all(fd, bytes(buf))
        os.fsync(fd)
    finally:
        os.close(fd)
    if size == 0:
        fsync_dir(path.parent)


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]


@dataclass(frozen=True)
class Record:
    start: int  # byte offset of the record's first byte
    end: int  # byte offset just past its line ending
    line: int  # the line a spreadsheet shows (header = 1)
    cells: dict[str, str]


class CsvBytes:
    """An open CSV file as bytes: its header, dialect details and records by key."""

    def __init__(self, path: Path):
        self.path = path
        self.fd = os.open(path, os.O_RDONLY)
        self.size = os.fstat(self.fd).st_size
        self.buf: bytes | mmap.mmap = (
            mmap.mmap(self.fd, self.size, prot=mmap.PROT_READ) if self.size else b""
        )
        self.bom = self.buf[:3] == b"\xef\xbb\xbf"
        header_end = self._record_end(0)
        raw_header = self.buf[:header_end]
        text = raw_header.decode("utf-8-sig")
        self.header = [h.strip() for h in next(csv.reader(io.StringIO(text, newline="")), [])]
        self.header_end = header_end
        self.newline = "\r\n" if raw_header.endswith(b"\r\n") else "\n"
        self.ends_with_newline = self.size == 0 or self.buf[self.size - 1 : self.size] == b"\n"

    def close(self) -> None:
        if isinstance(self.buf, mmap.mmap):
            self.buf.close()
        os.close(self.fd)

    def __enter__(self) -> CsvBytes:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def _record_end(self, start: int) -> int:
        """Just past the line ending that ends the record starting at ``start``."""
        pos = start
        quotes = 0
        while True:
            nl = self.buf.find(b"\n", pos)
            if nl == -1:
                return self.size
            quotes += self.buf[pos:nl].count(b'"')
            if quotes % 2 == 0:
                return nl + 1
            pos = nl + 1

    def _count(self, byte: int, pos: int) -> int:
        """How many times ``byte`` occurs before ``pos`` (vectorised over the mapping)."""
        import numpy as np

        arr = np.frombuffer(self.buf, dtype=np.uint8, count=pos)
        return int(np.count_nonzero(arr == byte))

    def _outside_quotes(self, pos: int) -> bool:
        return self._count(_QUOTE, pos) % 2 == 0

    def parse(self, start: int, end: int) -> list[str]:
        text = bytes(self.buf[start:end]).decode("utf-8")
        return next(csv.reader(io.StringIO(text, newline=""), strict=True), [])

    def find(self, key: str, column: int = 0) -> Record | None:
        """The record whose ``column`` cell (stripped) is ``key``, or None."""
        if column != 0:
            for rec in self.records():
                if rec.cells.get(self.header[column], "").strip() == key:
                    return rec
            return None
        pattern = re.compile(rb'\n[ \t]*"?[ \t]*' + re.escape(key.encode()) + rb'[ \t]*"?[ \t]*,')
        for match in pattern.finditer(self.buf, max(self.header_end - 1, 0)):
            start = match.start() + 1
            if not self._outside_quotes(start):
                continue
            end = self._record_end(start)
            cells = self.parse(start, end)
            if cells and cells[0].strip() == key:
                line = self._count(10, start) + 1
                return Record(start, end, line, self._cells(cells))
        return None

    def first_cells(self) -> set[str]:
        """Every first cell at a line start (a superset of the ids: lines inside quoted
        cells may add some); enough to rule ids out quickly."""
        found = re.findall(
            rb'\n[ \t]*"?([^,\n"]*?)"?[ \t]*,', self.buf[max(self.header_end - 1, 0) :]
        )
        return {f.decode("utf-8", "replace").strip() for f in found}

    def records(self) -> Iterator[Record]:
        """Every data record with its byte span (for small files)."""
        pos, line = self.header_end, 2
        while pos < self.size:
            end = self._record_end(pos)
            raw = self.buf[pos:end]
            if raw.strip():
                yield Record(pos, end, line, self._cells(self.parse(pos, end)))
            line += raw.count(b"\n")
            pos = end

    def _cells(self, cells: list[str]) -> dict[str, str]:
        return {h: (cells[i] if i < len(cells) else "") for i, h in enumerate(self.header)}

    def format(self, row: dict[str, str]) -> bytes:
        """One record in this file's dialect (comma, minimal quoting, its line ending)."""
        return self.format_cells([[row.get(h, "") for h in self.header]])

    def format_cells(self, rows: Sequence[Sequence[str]]) -> bytes:
        """Records given as cell lists in this file's column order, in its dialect."""
        return b"".join(self.cell_pieces(rows))

    def cell_pieces(self, rows: Iterable[Sequence[str]]) -> Iterator[bytes]:
        """``format_cells`` a piece of ``WRITE_ROWS`` records at a time (joined, the same
        bytes): a bulk import's rows are written without their whole text in memory."""
        return _pieces(rows, self.newline)

    def lead(self) -> bytes:
        """What must precede an appended record (a line ending if the file lacks one)."""
        return b"" if self.ends_with_newline else self.newline.encode()


def format_new_file(header: list[str], rows: Sequence[Sequence[str]]) -> bytes:
    """A whole new file: the header, then rows given as cell lists in its order."""
    return b"".join(new_file_pieces(header, rows))


def new_file_pieces(header: list[str], rows: Iterable[Sequence[str]]) -> Iterator[bytes]:
    """``format_new_file`` a piece of ``WRITE_ROWS`` records at a time (for ``atomic_write``)."""
    yield from _pieces(itertools.chain([header], rows), "\n")


# Records formatted per piece of a bulk write: about 6 MB of text for an import's rows.
WRITE_ROWS = 10_000


def _pieces(rows: Iterable[Sequence[str]], newline: str) -> Iterator[bytes]:
    """Rows as CSV in ``newline``'s dialect (comma, minimal quoting), UTF-8, in pieces of
    ``WRITE_ROWS`` records; nothing for no rows."""
    rows = iter(rows)
    while batch := list(itertools.islice(rows, WRITE_ROWS)):
        out = io.StringIO()
        csv.writer(out, lineterminator=newline).writerows(batch)
        yield out.getvalue().encode("utf-8")
