"""Parsers for single cells: each returns (value, None) or (None, what is wrong)."""

from __future__ import annotations

import datetime as dt
import math
import re
from urllib.parse import urlparse

_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
EARLIEST_DATE = dt.date(1945, 8, 15)
FUTURE_DATE = "is in the future"  # how the message about a date after today ends


def parse_date(text: str) -> tuple[dt.date | None, str | None]:
    text = text.strip()
    if not _ISO_DATE.match(text):
        return None, f"not a date in YYYY-MM-DD form: {text!r}"
    try:
        value = dt.date.fromisoformat(text)
    except ValueError:
        return None, f"impossible date: {text!r}"
    if value < EARLIEST_DATE:
        return None, f"date {text} is before 1945, outside this project's scope"
    if value > dt.date.today():
        return None, f"date {text} {FUTURE_DATE}"
    return value, None


def parse_float(text: str, low: float, high: float) -> tuple[float | None, str | None]:
    try:
        value = float(text.strip())
    except ValueError:
        return None, f"not a number: {text!r}"
    if not math.isfinite(value):
        return None, f"not a finite number: {text!r}"
    if not low <= value <= high:
        return None, f"{value:g} is out of range ({low:g} to {high:g})"
    return value, None


def parse_int(text: str, low: int, high: int) -> tuple[int | None, str | None]:
    text = text.strip()
    if not re.fullmatch(r"[+-]?\d+", text):
        return None, f"not a whole number: {text!r}"
    value = int(text)
    if not low <= value <= high:
        return None, f"{value} is out of range ({low} to {high})"
    return value, None


def parse_url(text: str) -> tuple[str | None, str | None]:
    text = text.strip()
    parsed = urlparse(text)
    if parsed.scheme not in ("http", "https") or not parsed.netloc:
        return None, f"not an http(s) link: {text!r}"
    return text, None


def parse_list(text: str) -> list[str]:
    """Pipe-separated values, as used for ids and alternative names."""
    return [part.strip() for part in text.split("|") if part.strip()]
