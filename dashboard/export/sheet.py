"""The A4 briefing sheet (PDF): the map with its legend, then every incident of the
selection with its whole summary, its confidence and its citation."""

from __future__ import annotations

import datetime as dt
import io
import textwrap

import geopandas as gpd
import matplotlib
import matplotlib.pyplot as plt
import pandas as pd
from matplotlib.backends.backend_pdf import PdfPages

from dashboard.export.extent import fitted_extent
from dashboard.export.legend import legend_handles
from dashboard.export.mapdraw import draw_with_inset, north_arrow, scale_bar
from dashboard.export.spec import credit_line
from dashboard.summary import date_window_text
from dashboard.vocab import (
    CATEGORIES,
    CONFIDENCE,
    INK_FAINT,
    INK_MUTED,
    INK_SECONDARY,
    UNCONFIRMED_TEXT,
)

SHEET_SIZE = (8.27, 11.69)  # A4 portrait, inches


_LINE = 1.38  # line height as a multiple of the font size


def _sheet_entry(row: pd.Series, wrap: int) -> list[tuple[str, dict]]:
    """One incident as lines of (text, style): heading, the whole summary, confidence, source."""
    cat = CATEGORIES[row["category"]]
    published = (
        f"{row['source_date']:%d %b %Y}" if pd.notna(row["source_date"]) else "date not stated"
    )
    head = f"{row['date_text']} ({date_window_text(row)}) · {row['location']} · {cat.label}"
    confidence = f"Confidence: {row['confidence']} ({CONFIDENCE[row['confidence']]})"
    wrapped = lambda text, width=wrap - 10: textwrap.wrap(  # noqa: E731
        " ".join(str(text).split()), width, break_long_words=False, break_on_hyphens=False
    )
    lines = [(t, {"fontsize": 7, "fontweight": "bold"}) for t in wrapped(head)]
    lines += [(t, {"fontsize": 7}) for t in wrapped(row["summary"], wrap)]
    style = {
        "fontsize": 6.6,
        "color": UNCONFIRMED_TEXT if row["confidence"] == "unconfirmed" else INK_SECONDARY,
    }
    if row["confidence"] == "unconfirmed":
        style["fontweight"] = "bold"
    lines += [(t, style) for t in wrapped(confidence)]
    cite = f"{row['source_outlet']}, “{row['source_title']}”, {published}"
    lines += [(t, {"fontsize": 6.3, "color": INK_FAINT, "style": "italic"}) for t in wrapped(cite)]
    return lines


def briefing_sheet(
    incidents: gpd.GeoDataFrame,
    routes: gpd.GeoDataFrame,
    places: gpd.GeoDataFrame,
    title: str,
    subtitle: str,
    made: dt.date | None = None,
) -> bytes:
    """An A4 PDF briefing: the map with its legend beside it (covering nothing), then every
    incident of the selection in date order with its whole summary, its confidence stated and
    its citation, continuing on further pages as needed."""
    width_in, height_in = SHEET_SIZE
    left, right, bottom = 0.07, 0.95, 0.045
    pages: list[plt.Figure] = []
    fig = plt.figure(figsize=SHEET_SIZE, dpi=150)
    pages.append(fig)
    fig.text(left, 0.965, title, fontsize=16, fontweight="bold", va="top")
    for k, line in enumerate(textwrap.wrap(subtitle, 110)[:3]):
        fig.text(left, 0.937 - k * 0.014, line, fontsize=9.5, va="top", color=INK_SECONDARY)
    ax = fig.add_axes((left, 0.50, 0.64, 0.40))
    extent = fitted_extent(incidents, routes, (0.64 * width_in) / (0.40 * height_in), places)
    rect = draw_with_inset(ax, incidents, routes, places, extent, 0.6)
    scale_bar(ax, extent, 6, rect)
    north_arrow(ax, extent, 6)
    handles = legend_handles(incidents, routes, places)
    if handles:
        fig.legend(
            handles=handles,
            loc="upper left",
            bbox_to_anchor=(left + 0.655, 0.90),
            fontsize=5.6,
            frameon=False,
            title="Legend",
            title_fontsize=6.5,
            alignment="left",
            borderaxespad=0,
            handlelength=2.2,
        )
    ordered = incidents.sort_values(["date_start", "incident_id"], na_position="last")
    y = 0.475
    fig.text(
        left,
        y,
        f"Incidents shown ({len(ordered)})",
        fontsize=10,
        fontweight="bold",
        va="top",
    )
    y -= 0.022
    text_left = left + 0.075
    wrap = 122
    for _, row in ordered.iterrows():
        lines = _sheet_entry(row, wrap)
        need = sum(st["fontsize"] * _LINE for _, st in lines) / 72 / height_in + 0.008
        if y - need < bottom + 0.02:
            fig.text(
                right,
                bottom - 0.02,
                "continued overleaf",
                fontsize=6.5,
                ha="right",
                color=INK_FAINT,
            )
            fig = plt.figure(figsize=SHEET_SIZE, dpi=150)
            pages.append(fig)
            fig.text(left, 0.965, f"{title} (continued)", fontsize=11, fontweight="bold", va="top")
            y = 0.94
        cat = CATEGORIES[row["category"]]
        fig.text(
            left,
            y,
            str(row["incident_id"]),
            fontsize=7,
            fontweight="bold",
            va="top",
            color=cat.colour,
        )
        for text, style in lines:
            fig.text(text_left, y, text, va="top", **style)
            y -= style["fontsize"] * _LINE / 72 / height_in
        y -= 0.008
    for n, page in enumerate(pages, 1):
        page.text(left, bottom - 0.02, credit_line(incidents, made), fontsize=6.5, color=INK_MUTED)
        if len(pages) > 1:
            page.text(
                right, 0.975, f"page {n} of {len(pages)}", fontsize=6.5, ha="right", color=INK_FAINT
            )
    buf = io.BytesIO()
    with (
        matplotlib.rc_context({"pdf.fonttype": 42}),
        PdfPages(buf, metadata={"Title": title}) as pdf,
    ):
        for page in pages:
            pdf.savefig(page)
            plt.close(page)
    return buf.getvalue()
