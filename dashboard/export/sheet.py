"""The A4 briefing sheet (PDF): the map with its legend, then every incident of the
selection with its whole summary, its confidence and its citation. The sheet's own words are
in the export's language; the incidents' text (summaries, places as written, outlets, titles)
stays as the sources wrote it."""

from __future__ import annotations

import datetime as dt
import io

import geopandas as gpd
import matplotlib
import matplotlib.pyplot as plt
import pandas as pd
from matplotlib.backends.backend_pdf import PdfPages

from dashboard.export.alttext import alt_text
from dashboard.export.extent import fitted_extent
from dashboard.export.fonts import font_rc
from dashboard.export.legend import LEGEND_TITLE, legend_handles
from dashboard.export.mapdraw import draw_with_inset, north_arrow, scale_bar
from dashboard.export.spec import DAY_PATTERN, credit_line
from dashboard.export.wrap import wrap_to_width
from dashboard.i18n import DEFAULT_LANGUAGE, Translator, translator
from dashboard.summary import confidence_name, date_window_text
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


def _sheet_entry(row: pd.Series, width_pt: float, t: Translator) -> list[tuple[str, dict]]:
    """One incident as lines of (text, style): heading, the whole summary, confidence, source,
    each wrapped to ``width_pt`` as the export font sets it."""
    cat = CATEGORIES[row["category"]]
    published = (
        t.date(row["source_date"].date(), t.gettext(DAY_PATTERN))
        if pd.notna(row["source_date"])
        else t.gettext("date not stated")
    )
    head = f"{row['date_text']} ({date_window_text(row, lang=t.lang)}) · {row['location']} · {t.gettext(cat.label)}"
    level = row["confidence"]
    confidence = t.gettext(
        "Confidence: {level} ({meaning})",
        level=confidence_name(level, lang=t.lang),
        meaning=t.gettext(CONFIDENCE[level]),
    )

    def wrapped(text: str, size: float, bold: bool = False) -> list[str]:
        return wrap_to_width(text, width_pt, size, bold)

    lines = [(line, {"fontsize": 7, "fontweight": "bold"}) for line in wrapped(head, 7, True)]
    lines += [(line, {"fontsize": 7}) for line in wrapped(row["summary"], 7)]
    style = {
        "fontsize": 6.6,
        "color": UNCONFIRMED_TEXT if row["confidence"] == "unconfirmed" else INK_SECONDARY,
    }
    if row["confidence"] == "unconfirmed":
        style["fontweight"] = "bold"
    lines += [(line, style) for line in wrapped(confidence, 6.6, level == "unconfirmed")]
    cite = f"{row['source_outlet']}, “{row['source_title']}”, {published}"
    cite_style = {"fontsize": 6.3, "color": INK_FAINT, "style": "italic"}
    lines += [(line, cite_style) for line in wrapped(cite, 6.3)]
    return lines


def briefing_sheet(
    incidents: gpd.GeoDataFrame,
    routes: gpd.GeoDataFrame,
    places: gpd.GeoDataFrame,
    title: str,
    subtitle: str,
    made: dt.date | None = None,
    *,
    lang: str = DEFAULT_LANGUAGE,
) -> bytes:
    """An A4 PDF briefing: the map with its legend beside it (covering nothing), then every
    incident of the selection in date order with its whole summary, its confidence stated and
    its citation, continuing on further pages as needed. Its text description is the PDF's
    Subject."""
    with matplotlib.rc_context(font_rc()):
        pages = _sheet_pages(incidents, routes, places, title, subtitle, made, translator(lang))
        described = alt_text(incidents, routes, places, title, lang=lang)
        buf = io.BytesIO()
        with PdfPages(buf, metadata={"Title": title, "Subject": described}) as pdf:
            for page in pages:
                pdf.savefig(page)
                plt.close(page)
    return buf.getvalue()


def _sheet_pages(incidents, routes, places, title, subtitle, made, t: Translator):
    width_in, height_in = SHEET_SIZE
    left, right, bottom = 0.07, 0.95, 0.045
    pages: list[plt.Figure] = []
    fig = plt.figure(figsize=SHEET_SIZE, dpi=150)
    pages.append(fig)
    fig.text(left, 0.965, title, fontsize=16, fontweight="bold", va="top")
    sub_pt = (right - left) * width_in * 72
    for k, line in enumerate(wrap_to_width(subtitle, sub_pt, 9.5, max_lines=3)):
        fig.text(left, 0.937 - k * 0.014, line, fontsize=9.5, va="top", color=INK_SECONDARY)
    ax = fig.add_axes((left, 0.50, 0.64, 0.40))
    extent = fitted_extent(incidents, routes, (0.64 * width_in) / (0.40 * height_in), places)
    rect = draw_with_inset(ax, incidents, routes, places, extent, 0.6, lang=t.lang)
    scale_bar(ax, extent, 6, rect, lang=t.lang)
    north_arrow(ax, extent, 6, lang=t.lang)
    handles = legend_handles(incidents, routes, places, lang=t.lang, fontsize=5.6)
    if handles:
        fig.legend(
            handles=handles,
            loc="upper left",
            bbox_to_anchor=(left + 0.655, 0.90),
            fontsize=5.6,
            frameon=False,
            title=t.gettext(LEGEND_TITLE),
            title_fontsize=6.5,
            alignment="left",
            borderaxespad=0,
            handlelength=2.2,
            markerscale=0.7,  # symbols sized for the snapshot's 8.5 pt rows overlapped here
        )
    ordered = incidents.sort_values(["date_start", "incident_id"], na_position="last")
    y = 0.475
    fig.text(
        left,
        y,
        t.gettext("Incidents shown ({n})", n=t.number(len(ordered))),
        fontsize=10,
        fontweight="bold",
        va="top",
    )
    y -= 0.022
    text_left = left + 0.075
    entry_pt = (right - text_left) * width_in * 72
    for _, row in ordered.iterrows():
        lines = _sheet_entry(row, entry_pt, t)
        need = sum(st["fontsize"] * _LINE for _, st in lines) / 72 / height_in + 0.008
        if y - need < bottom + 0.02:
            fig.text(
                right,
                bottom - 0.02,
                t.gettext("continued overleaf"),
                fontsize=6.5,
                ha="right",
                color=INK_FAINT,
            )
            fig = plt.figure(figsize=SHEET_SIZE, dpi=150)
            pages.append(fig)
            fig.text(
                left,
                0.965,
                t.gettext("{title} (continued)", title=title),
                fontsize=11,
                fontweight="bold",
                va="top",
            )
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
    credit = credit_line(incidents, made, lang=t.lang)
    credit_lines = wrap_to_width(credit, (right - left - 0.2) * width_in * 72, 6.5, max_lines=2)
    for n, page in enumerate(pages, 1):
        page.text(
            left,
            bottom - 0.02,
            "\n".join(credit_lines),
            fontsize=6.5,
            color=INK_MUTED,
            va="bottom" if len(credit_lines) > 1 else "baseline",
        )
        if len(pages) > 1:
            page.text(
                right,
                0.975,
                t.gettext("page {n} of {total}", n=t.number(n), total=t.number(len(pages))),
                fontsize=6.5,
                ha="right",
                color=INK_FAINT,
            )
    return pages
