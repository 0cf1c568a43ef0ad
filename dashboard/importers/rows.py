"""An imported row of ours and what every converter shares: where each cell came from,
and the few readings of dates and lists that ACLED, UCDP and tables have in common."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from dashboard.problems import Problem
from dashboard.vocab import INCIDENT_COLUMNS, INCIDENT_EXTRA_COLUMNS

OUR_COLUMNS: list[str] = INCIDENT_COLUMNS + INCIDENT_EXTRA_COLUMNS
# Targets a column may be mapped to: ours plus "date" (one day: start and end).
MAP_TARGETS: list[str] = [*OUR_COLUMNS, "date"]


@dataclass(slots=True)
class ImportRow:
    """One row of ours, with where it came from.

    ``origin`` (our column -> the file's column that gave it) is shared by every row with
    the same provenance, so a 100,000-row import does not hold 100,000 copies of it: change
    it only through ``set_origin``.
    """

    shown: str  # the file (and sheet or layer) as problems name it
    line: int
    values: dict[str, str]
    origin: dict[str, str] = field(default_factory=dict)  # our column -> their column
    code: str = ""  # the file's own type code (ACLED sub_event_type), for messages

    def where(self, column: str) -> str:
        """The column to name in a problem about our ``column``: theirs when one gave it."""
        return self.origin.get(column, column)

    def set_origin(self, column: str, their: str, cache: dict) -> None:
        """Record that ``their`` gave ``column``, sharing the new origin dict through
        ``cache`` with every other row that makes the same change."""
        if self.origin.get(column) == their:
            return
        key = (id(self.origin), column, their)
        hit = cache.get(key)
        if hit is None:
            hit = cache[key] = (self.origin, {**self.origin, column: their})
        self.origin = hit[1]


@dataclass
class Converted:
    rows: list[ImportRow]
    problems: list[Problem]  # per row (with line) and for the whole file (line None)
    family: str
    notes: list[str] = field(default_factory=list)


def parse_day(text: str) -> dt.date | None:
    text = text.strip()
    if len(text) >= 10 and text[4] == "-" and text[7] == "-":
        try:
            return dt.date.fromisoformat(text[:10])
        except ValueError:
            return None
    # ACLED's own forms (day first, as its codebook says); never used for other tables.
    for fmt in ("%d %B %Y", "%d-%B-%Y", "%d %b %Y", "%d-%b-%Y", "%d-%m-%Y", "%d/%m/%Y"):
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    return None


_ISO_TIME = re.compile(r"^(\d{4}-\d{2}-\d{2})[T ]\d{2}:\d{2}")


def iso_day(text: str) -> str:
    """A date-and-time (a spreadsheet's or KML's timestamp) as its day; anything else as is.
    Other date forms are left for the validator to report: 03/04/2024 is March or April
    depending on who typed it, so it is never guessed."""
    found = _ISO_TIME.match(text)
    return found.group(1) if found else text


def join_unique(*parts: str, sep: str = "; ") -> str:
    """The non-empty parts, stripped, each once, in order."""
    seen: list[str] = []
    for part in parts:
        part = part.strip()
        if part and part not in seen:
            seen.append(part)
    return sep.join(seen)
