"""What an export request is (format, aspect, size) and what every export states: the
public columns and the credit line."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd

from dashboard.i18n import DEFAULT_LANGUAGE, N_, translator
from dashboard.vocab import DERIVED_COLUMNS, EXPORT_ASPECTS, EXPORT_FORMATS, INTERNAL_COLUMNS

FORMATS = EXPORT_FORMATS
ASPECTS = EXPORT_ASPECTS
BASEMAP_CREDIT = N_("Basemap: Natural Earth (public domain)")
#: How the exports write a day, as a CLDR pattern per language ("01 Dec 2026", "2026년 12월 1일").
DAY_PATTERN = N_("dd MMM y")


class ExportError(Exception):
    """A user-facing problem with an export request (bad path, bad option)."""


@dataclass(frozen=True)
class SnapshotSpec:
    """What a snapshot shows around the map: its title and subtitle, page shape and size."""

    title: str
    subtitle: str
    aspect: str = "16:9"
    width_px: int = 2400
    dpi: int = 200
    extent: tuple[float, float, float, float] | None = None  # lon_min, lat_min, lon_max, lat_max
    lang: str = "en"  # the language of every word the export adds (dashboard.i18n.LANGUAGES)


def public_columns(frame: pd.DataFrame) -> list[str]:
    """Columns that may leave the project: not internal, not derived."""
    return [c for c in frame.columns if c not in INTERNAL_COLUMNS and c not in DERIVED_COLUMNS]


def credit_line(
    incidents: pd.DataFrame, made: dt.date | None = None, *, lang: str = DEFAULT_LANGUAGE
) -> str:
    """Who the incidents shown come from (outlet names as the sources write them), the
    basemap's credit, and the day it was made, in ``lang``."""
    t = translator(lang)
    outlets = sorted(incidents["source_outlet"].dropna().unique()) if len(incidents) else []
    made = made or dt.date.today()
    sources = (
        t.gettext("Sources: {outlets}", outlets=", ".join(outlets))
        if outlets
        else t.gettext("Sources: none shown")
    )
    day = t.date(made, t.gettext(DAY_PATTERN))
    return t.gettext(
        "{sources}. {basemap}. Made {day}.",
        sources=sources,
        basemap=t.gettext(BASEMAP_CREDIT),
        day=day,
    )
