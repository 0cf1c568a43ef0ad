"""The Export… menu: this view as an image, a PDF map or sheet, an HTML map, or data."""

from __future__ import annotations

import datetime as dt

import streamlit as st

from dashboard.data.dataset import Dataset
from dashboard.export import ASPECTS, ExportError, SnapshotSpec, mime_type, render
from dashboard.filters import Filters
from dashboard.summary import TITLE, view_subtitle
from dashboard.ui.session import Span

# (format, as the briefing sheet, button label), in the menu's order
EXPORTS = [
    ("png", False, "PNG image"),
    ("pdf", False, "PDF map"),
    ("pdf", True, "Briefing sheet (PDF)"),
    ("svg", False, "SVG image"),
    ("html", False, "Interactive HTML map"),
    ("csv", False, "CSV data"),
    ("geojson", False, "GeoJSON data"),
]


def export_menu(dataset: Dataset, shown, legs, f: Filters, span: Span) -> None:
    """Exports of this view, one click from the top of the page. The controls are built only
    while the menu is open, so a page that never exports does not pay for them."""
    menu = st.popover("Export…", key="export_open", on_change="rerun", width="stretch")
    if not menu.open:
        return
    with menu:
        title = st.text_input("Title", value=TITLE, key="export_title")
        c1, c2 = st.columns(2)
        aspect = c1.selectbox("Aspect", list(ASPECTS), key="export_aspect")
        width = c2.selectbox("Width (px)", [2400, 3600, 4800, 1600], key="export_width")
        subtitle = view_subtitle(f, span, shown, len(dataset.incidents), legs)
        spec = SnapshotSpec(title=title, subtitle=subtitle, aspect=aspect, width_px=width)
        stamp = dt.date.today().isoformat()
        for fmt, sheet, label in EXPORTS:

            def make(fmt=fmt, sheet=sheet) -> bytes:
                try:
                    return render(fmt, shown, legs, dataset.places, spec, sheet=sheet)
                except ExportError as exc:
                    return f"Export failed: {exc}".encode()

            name = f"escapee-crackdown-{stamp}{'-sheet' if sheet else ''}.{fmt}"
            st.download_button(
                label,
                data=make,
                file_name=name,
                mime=mime_type(fmt),
                key=f"dl_{fmt}_{sheet}",
                width="stretch",
            )
