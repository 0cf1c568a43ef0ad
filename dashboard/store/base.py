"""The store interface: how the app, the CLI and importers change the data.

Every backend (CSV files beside the repository, or PostGIS for a newsroom) keeps the same
promises: nothing invalid is written (``Rejected`` carries the validator's own messages),
nobody's save is lost (a lock plus a compare-and-swap on the row: ``Conflict`` shows both
versions), and every change is kept in a history that can be browsed and restored.

Rows are dicts of the CSV's column names to cell text, exactly as in incidents.csv,
geodata/places.csv and geodata/routes.csv. This module is plain Python (no Streamlit).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import uuid
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Protocol, runtime_checkable

from dashboard.problems import Problem

if TYPE_CHECKING:  # pragma: no cover
    from dashboard.data.dataset import Dataset

# Actions a Change may record.
ACTIONS = ("add", "edit", "withdraw", "restore", "import")
# Tables a Change may name.
TABLES = ("incidents", "places", "routes")
# The column that identifies a row of each table (routes: "route_id#leg").
KEY_COLUMNS = {"incidents": "incident_id", "places": "place_id", "routes": "route_id"}
DATABASE_URL_ENV = "DASHBOARD_DATABASE_URL"


class StoreError(Exception):
    """Base class of everything a store refuses to do."""


class Conflict(StoreError):
    """Someone saved this row first: ``theirs`` is what is stored now, ``mine`` what this
    save would have written. Nothing was written; the user decides which to keep."""

    def __init__(self, key: str, mine: dict[str, str], theirs: dict[str, str] | None, message: str):
        self.key = key
        self.mine = dict(mine)
        self.theirs = dict(theirs) if theirs is not None else None
        self.message = message
        super().__init__(message)

    def differing_columns(self) -> list[str]:
        """Columns whose text differs between the two versions, in the row's order."""
        theirs = self.theirs or {}
        cols = list(dict.fromkeys([*self.mine, *theirs]))
        return [c for c in cols if self.mine.get(c, "") != theirs.get(c, "")]


class Rejected(StoreError):
    """The rows failed validation; nothing was written. Messages are the validator's."""

    def __init__(self, problems: list[Problem]):
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


class NotFound(StoreError):
    """The row or change named does not exist (it may have been withdrawn)."""


def utc_now() -> str:
    """The current time as ISO 8601 UTC to the second, e.g. 2026-11-30T21:30:00Z."""
    return dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def default_author() -> str:
    """Who is saving when nobody said: the OS user (editing is for one's own machine)."""
    for var in ("DASHBOARD_AUTHOR", "USER", "LOGNAME"):
        if os.environ.get(var):
            return os.environ[var]
    return "unknown"


@dataclass(frozen=True)
class Change:
    """One change to one row, as kept in the history.

    ``before``/``after`` are None when the row did not exist before (add) or does not exist
    after (withdraw); then the other one is the whole row. When both exist (edit, restore)
    they hold only the cells that changed (plus the key column), so an entry is the size of
    the change, not of the row or the file. A whole row may leave out its empty cells.
    """

    change_id: str
    at: str  # ISO 8601 UTC
    author: str
    action: str  # one of ACTIONS
    table: str  # one of TABLES
    key: str
    before: dict[str, str] | None
    after: dict[str, str] | None
    note: str = ""  # e.g. why an incident was withdrawn

    @staticmethod
    def new(
        action: str,
        table: str,
        key: str,
        before: dict[str, str] | None,
        after: dict[str, str] | None,
        *,
        author: str,
        note: str = "",
    ) -> Change:
        return Change(uuid.uuid4().hex, utc_now(), author, action, table, key, before, after, note)

    def to_json(self) -> str:
        # The same JSON as json.dumps(asdict(self)), without asdict's deep copy of both rows
        # (which made a 100,000-row import spend minutes here).
        data = {name: getattr(self, name) for name in _CHANGE_FIELDS}
        return _ENCODER.encode(data)  # one encoder: json.dumps with options makes one a call

    @staticmethod
    def from_json(text: str) -> Change:
        data = json.loads(text)
        return Change(**{k: data.get(k, "" if k == "note" else None) for k in _CHANGE_FIELDS})


_CHANGE_FIELDS = [f for f in Change.__dataclass_fields__]
_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))
_TEXT = json.encoder.encode_basestring  # the encoder's own string quoting (C), no ASCII escapes


def added_rows_json(
    keys: list[str],
    rows: Iterable[Sequence[str]],
    columns: list[str],
    *,
    at: str,
    author: str,
    action: str,
    table: str,
    note: str = "",
) -> Iterator[str]:
    """``Change(...).to_json()`` of each added row (``before`` None, ``after`` the row without
    its empty cells, the first column always kept), for rows given as cell lists in
    ``columns`` order (one per key; they may be made as they are read).

    Byte for byte what ``to_json`` writes, but with every part the rows share encoded once:
    a 100,000-row import writes 100,000 of these, and building a dict and a Change per row
    cost seconds. Change ids are random 128-bit hex, as ``uuid4().hex`` is.
    """
    quoted = [_TEXT(c) + ":" for c in columns]
    fixed = (
        f',"at":{_TEXT(at)},"author":{_TEXT(author)},"action":{_TEXT(action)},'
        f'"table":{_TEXT(table)},"key":'
    )
    tail = f'}},"note":{_TEXT(note)}}}'
    first, rest = quoted[0], ["," + q for q in quoted[1:]]
    randoms = os.urandom(16 * len(keys)).hex()
    for i, (key, cells) in enumerate(zip(keys, rows, strict=True)):
        kept = "".join([q + _TEXT(v) for q, v in zip(rest, cells[1:], strict=True) if v])
        after = first + _TEXT(cells[0]) + kept
        yield (
            f'{{"change_id":"{randoms[32 * i : 32 * i + 32]}"{fixed}{_TEXT(key)},'
            f'"before":null,"after":{{{after}{tail}'
        )


def diff_cells(
    before: dict[str, str], after: dict[str, str], key_column: str
) -> tuple[dict[str, str], dict[str, str]]:
    """The cells that differ, as (before, after) dicts that both also carry the key."""
    cols = [c for c in dict.fromkeys([*before, *after]) if before.get(c, "") != after.get(c, "")]
    b = {key_column: before.get(key_column, ""), **{c: before.get(c, "") for c in cols}}
    a = {key_column: after.get(key_column, ""), **{c: after.get(c, "") for c in cols}}
    return b, a


@runtime_checkable
class Store(Protocol):
    """What every backend offers. Methods raise Rejected, Conflict or NotFound; they never
    write part of a change."""

    def data_version(self) -> str:
        """Changes whenever any data changes: a cache key for the loaded Dataset."""
        ...

    def load(self, keep_valid: bool = False) -> tuple[Dataset | None, list[Problem]]:
        """The cross-checked dataset (or None) and every problem, like check_dataset; with
        ``keep_valid`` rows with problems are left out and listed instead (the app)."""
        ...

    def get_incident(self, incident_id: str) -> dict[str, str] | None:
        """The stored row as cell text, or None (unknown or withdrawn)."""
        ...

    def add_incidents(
        self, rows: list[dict[str, str]], *, author: str, action: str = "add"
    ) -> list[str]:
        """Validate and append the rows, all or none; returns their ids."""
        ...

    def update_incident(
        self, incident_id: str, row: dict[str, str], *, base: dict[str, str], author: str
    ) -> None:
        """Replace the row. ``base`` is the row as the editor loaded it: Conflict if the
        stored row differs from it (someone saved first)."""
        ...

    def withdraw_incident(
        self, incident_id: str, *, base: dict[str, str], author: str, reason: str
    ) -> None:
        """Take the incident off the map; it stays in the history and can be restored."""
        ...

    def history(self, incident_id: str | None = None, *, table: str = "incidents") -> list[Change]:
        """Changes, oldest first: to one row (its key) or to the whole table."""
        ...

    def version_after(self, change_id: str) -> dict[str, str] | None:
        """The whole row as it was right after that change (None if it removed it)."""
        ...

    def restore(self, change_id: str, *, author: str) -> None:
        """Make the row what it was right after that change (for a withdrawal: what it
        was just before it), recorded as a new 'restore' change."""
        ...

    def add_place(self, row: dict[str, str], *, author: str) -> str:
        """Validate and append one gazetteer row; returns its place_id."""
        ...

    def add_route_legs(self, rows: list[dict[str, str]], *, author: str) -> None:
        """Validate and append route legs (geometry computed when empty, never typed)."""
        ...


def open_store(
    incidents: Path | str | None = None,
    routes: Path | str | None = None,
    places: Path | str | None = None,
    database_url: str | None = None,
) -> Store:
    """The PostGIS store when a database URL is given or DASHBOARD_DATABASE_URL is set,
    else the CSV store over the given files (default: the curated ones)."""
    url = database_url or os.environ.get(DATABASE_URL_ENV)
    if url:
        from dashboard.store.postgis import PostgisStore  # helper 15's backend

        return PostgisStore(url)
    from dashboard.store.csvstore import CsvStore

    return CsvStore(incidents, routes, places)
