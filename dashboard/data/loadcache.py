"""A large incidents file, checked once and kept as Parquet, so reopening it is quick.

Reading and checking a million-row incidents file takes seconds; reading back the checked
table from a Parquet file takes about one. ``check_incidents`` asks ``IncidentCache.open`` for
an entry before it reads a file of ``CACHE_MIN_BYTES`` or more; a smaller file (the curated
one) is read as always and never cached.

**What an entry holds.** The checked incidents exactly as ``check_incidents(...,
keep_valid=True)`` returns them (the rows without problems; the points are rebuilt from the
coordinates on reading) and every problem found, in order. Problems are cached too, so a file
with bad rows opens quickly in the app, and ``validate`` prints the same lines from the
cache as without it: the strict answer (nothing loaded when there is any error) is derived
from the cached one. A file with more than ``MAX_CACHED_PROBLEMS`` problems, or that cannot be
read as a table at all, is not cached (it is not a file anyone keeps working with).

**Where.** ``~/.cache/escapee-dashboard/incidents/`` (``DASHBOARD_CACHE_DIR`` moves the
folder, as for the gazetteer's index), one entry per incidents file: a changed file replaces
its entry, and only the ``MAX_ENTRIES`` most recently used are kept. An entry is written to a
temporary file in the same folder and renamed over the old one, so a crash leaves the old
entry or the new one; an entry that cannot be read (truncated, corrupt, from another version)
is ignored and rebuilt. A read-only cache folder only means the file is read every time.

``IncidentCache`` says what the key covers. ``stats`` counts what happened (``hit``, ``miss``,
``write``, ``unreadable``); ``last`` is the latest outcome (``hit``, ``miss``, or ``off`` for a
file that is not cached).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import logging
import os
import tempfile
import time
from collections import Counter
from collections.abc import Iterable
from dataclasses import astuple, dataclass
from pathlib import Path

import pandas as pd

from dashboard.data import tables
from dashboard.data.cells import FUTURE_DATE
from dashboard.problems import Problem

CACHE_MIN_BYTES = 5 * 1024 * 1024  # about 6,500 rows of our columns; the curated file is ~60 KB
MAX_CACHED_PROBLEMS = 10_000
MAX_ENTRIES = 8
# Entries are read a row group at a time: reading a whole million-row entry at once needs
# about twice its size in scratch memory, group by group a sixth of that (and no more time).
ROW_GROUP_ROWS = 128 * 1024
_FORMAT = 1
_META = b"escapee-dashboard-incidents"
_DATA_DIR = Path(__file__).resolve().parent
_REPO_DIR = _DATA_DIR.parents[1]

log = logging.getLogger(__name__)
stats: Counter[str] = Counter()
last = "off"


def cache_dir() -> Path:
    """The project's cache folder: ``~/.cache/escapee-dashboard`` (``DASHBOARD_CACHE_DIR``,
    else ``XDG_CACHE_HOME``, replaces ``~/.cache``)."""
    base = os.environ.get("DASHBOARD_CACHE_DIR") or os.environ.get("XDG_CACHE_HOME")
    root = Path(base) if base else Path.home() / ".cache"
    return root / "escapee-dashboard"


def _today() -> str:
    return dt.date.today().isoformat()


def _digest(parts: Iterable[str]) -> str:
    h = hashlib.sha256()
    for part in parts:
        h.update(part.encode("utf-8", "surrogatepass"))
        h.update(b"\x00")
    return h.hexdigest()


def _code_stamp() -> str:
    """The code, data and library versions a checked table depends on (see the key above)."""
    from importlib.metadata import version

    h = hashlib.sha256(str(_FORMAT).encode())
    for source in sorted(_DATA_DIR.glob("*.py")) + [_REPO_DIR / "dashboard" / "vocab.py"]:
        h.update(source.name.encode() + source.read_bytes())
    for basemap in sorted((_REPO_DIR / "geodata" / "basemap").glob("*")):
        st = basemap.stat()
        h.update(f"{basemap.name}:{st.st_size}:{st.st_mtime_ns};".encode())
    for package in ("pandas", "pyarrow", "geopandas", "shapely", "numpy"):
        h.update(f"{package}={version(package)};".encode())
    return h.hexdigest()


def _identity(path: Path) -> tuple[int, int, int]:
    st = path.stat()
    return st.st_size, st.st_mtime_ns, st.st_ino


@dataclass
class IncidentCache:
    """The cache entry for one incidents file, checked against one gazetteer and route list.

    An entry is used only when all of these match what it was made from:

    - the file: its resolved path, size, modification time (ns) and inode, and the SHA-256 of its
      whole content (read again at every open: about half a second per GB). A changed byte misses
      the cache even when the size and the modification time are the same;
    - what the rows are checked against: the gazetteer's place ids and the route ids (as given to
      ``check_incidents``), the code that reads and checks them (a digest of the source files of
      ``dashboard/data`` and ``dashboard/vocab.py``), the basemap files (size and modification
      time) and the versions of pandas, pyarrow, geopandas, shapely and numpy;
    - the day, only when a problem says a date is in the future: such a date may be valid
      tomorrow. A file without one stays valid (a date that is not in the future never will be).

    The file may change while it is being checked (a save in another process): the entry is then
    not written (its size, modification time and inode are compared after the check).
    """

    path: Path  # the cache entry
    source: Path  # the incidents file, resolved
    key: dict

    @classmethod
    def open(
        cls, incidents: Path | str, place_ids: Iterable[str] | None, route_ids: Iterable[str] | None
    ) -> IncidentCache | None:
        """The entry for ``incidents`` (whether or not it is there yet), or None when the file
        is too small to cache or cannot be read (its reader then says why)."""
        global last
        last = "off"
        try:
            source = Path(incidents).resolve()
            size, mtime_ns, inode = _identity(source)
            if not CACHE_MIN_BYTES <= size <= tables.MAX_FILE_BYTES or not source.is_file():
                return None  # small, or refused by the reader (which says why)
            with open(source, "rb") as f:
                content = hashlib.file_digest(f, "sha256").hexdigest()
            code = _code_stamp()
        except OSError:
            return None
        key = {
            "format": _FORMAT,
            "source": str(source),
            "size": size,
            "mtime_ns": mtime_ns,
            "inode": inode,
            "sha256": content,
            "places": None if place_ids is None else _digest(sorted(place_ids)),
            "routes": None if route_ids is None else _digest(sorted(route_ids)),
            "code": code,
        }
        name = f"{_digest([str(source)])[:24]}.parquet"
        return cls(cache_dir() / "incidents" / name, source, key)

    def load(self, shown: str):
        """``(incidents or None, problems)`` from the entry, or None when there is no usable
        entry (missing, made from something else, or unreadable: it will be rebuilt)."""
        global last
        import pyarrow.parquet as pq

        last = "miss"
        try:
            if not self.path.exists():
                stats["miss"] += 1
                return None
            parquet = pq.ParquetFile(self.path)
            meta = json.loads((parquet.schema_arrow.metadata or {})[_META])
            if meta["key"] != self.key:
                stats["miss"] += 1
                return None
            problems = [
                Problem(shown if path is None else path, line, column, message, severity)
                for path, line, column, message, severity in meta["problems"]
            ]
            if meta["day"] != _today() and any(p.message.endswith(FUTURE_DATE) for p in problems):
                stats["miss"] += 1
                return None
            incidents = None
            if meta["has_rows"]:
                incidents = _from_table(_read_groups(parquet), meta)
        except Exception as exc:  # noqa: BLE001 - a broken entry is rebuilt, never fatal
            log.info("ignoring the unreadable cache entry %s: %s", self.path, exc)
            stats["unreadable"] += 1
            stats["miss"] += 1
            return None
        stats["hit"] += 1
        last = "hit"
        with contextlib.suppress(OSError):
            os.utime(self.path)  # most recently used: kept when old entries are removed
        return incidents, problems

    def save(self, incidents, problems: list[Problem], shown: str) -> bool:
        """Write the entry (atomically), unless the file changed meanwhile or there are too
        many problems; whether it was written. Never raises for a cache it cannot write."""
        import pyarrow as pa
        import pyarrow.parquet as pq

        if len(problems) > MAX_CACHED_PROBLEMS:
            return False
        try:
            if _identity(self.source) != (
                self.key["size"],
                self.key["mtime_ns"],
                self.key["inode"],
            ):
                return False  # changed while it was read: this result may not be its content
        except OSError:
            return False
        meta = {
            "key": self.key,
            "day": _today(),
            "problems": [[None if p.path == shown else p.path, *astuple(p)[1:]] for p in problems],
            "has_rows": incidents is not None,
        }
        if incidents is not None:
            table, meta["columns"], meta["dtypes"], meta["crs"] = _to_table(incidents)
        else:
            table = pa.table({})
        table = table.replace_schema_metadata(
            {**(table.schema.metadata or {}), _META: json.dumps(meta).encode()}
        )
        tmp = None
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=self.path.parent, prefix=".", suffix=".tmp")
            os.close(fd)
            pq.write_table(table, tmp, compression="snappy", row_group_size=ROW_GROUP_ROWS)
            os.replace(tmp, self.path)
            tmp = None
        except Exception as exc:  # noqa: BLE001 - a full disk or a read-only home: no cache
            log.info("cannot write the cache entry %s: %s", self.path, exc)
            return False
        finally:
            if tmp is not None:
                Path(tmp).unlink(missing_ok=True)
        stats["write"] += 1
        _tidy(self.path.parent, keep=self.path)
        return True


def _read_groups(parquet):
    """The whole entry as one Arrow table, read a row group at a time (see ROW_GROUP_ROWS)."""
    import pyarrow as pa

    if parquet.num_row_groups <= 1:
        return parquet.read(use_threads=True)
    groups = [parquet.read_row_group(i, use_threads=True) for i in range(parquet.num_row_groups)]
    return pa.concat_tables(groups)


def _to_table(incidents):
    """The checked incidents as an Arrow table (without the points), with what rebuilds them."""
    import pyarrow as pa

    columns = [str(c) for c in incidents.columns]
    dtypes = {str(c): str(t) for c, t in incidents.dtypes.items() if c != "geometry"}
    frame = pd.DataFrame(incidents.drop(columns="geometry"))
    crs = incidents.crs.to_string() if incidents.crs is not None else None
    return pa.Table.from_pandas(frame, preserve_index=False), columns, dtypes, crs


def _from_table(table, meta: dict):
    """The incidents ``_to_table`` was given: the same columns, dtypes, index and points."""
    import geopandas as gpd

    frame = table.to_pandas()
    del table  # the caller's table was a temporary: its pieces go as one_chunk replaces them
    for column, dtype in meta["dtypes"].items():
        if str(frame[column].dtype) != dtype:
            frame[column] = frame[column].astype(dtype)
    points = gpd.points_from_xy(frame["longitude"], frame["latitude"])
    incidents = gpd.GeoDataFrame(frame, geometry=points, crs=meta["crs"])
    if list(incidents.columns) != meta["columns"]:
        incidents = incidents[meta["columns"]]
    return tables.one_chunk(incidents)


def _tidy(folder: Path, keep: Path) -> None:
    """Remove all but the ``MAX_ENTRIES`` most recently used entries, and temporary files a
    crashed writer left (older than an hour)."""
    try:
        entries = sorted(folder.glob("*.parquet"), key=lambda p: p.stat().st_mtime, reverse=True)
        for old in entries[MAX_ENTRIES:]:
            if old != keep:
                old.unlink(missing_ok=True)
        for tmp in folder.glob(".*.tmp"):
            if tmp.stat().st_mtime < time.time() - 3600:
                tmp.unlink(missing_ok=True)
    except OSError:
        pass
