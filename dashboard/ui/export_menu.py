"""The Export… menu: this view as an image, a PDF map or sheet, an HTML map, or data, in the
session's language, with the view's text description offered for copying."""

from __future__ import annotations

import datetime as dt

import streamlit as st

from dashboard.data.dataset import Dataset
from dashboard.export import ASPECTS, ExportError, SnapshotSpec, alt_text, mime_type, render
from dashboard.filters import Filters
from dashboard.i18n import N_, translator
from dashboard.summary import title as default_title
from dashboard.summary import view_subtitle
from dashboard.ui.session import Span, current_language

# (format, as the briefing sheet, button label), in the menu's order
EXPORTS = [
    ("png", False, N_("PNG image")),
    ("pdf", False, N_("PDF map")),
    ("pdf", True, N_("Briefing sheet (PDF)")),
    ("svg", False, N_("SVG image")),
    ("html", False, N_("Interactive HTML map")),
    ("csv", False, N_("CSV data")),
    ("geojson", False, N_("GeoJSON data")),
]


def export_menu(
    dataset: Dataset, shown, legs, f: Filters, span: Span, lang: str | None = None
) -> None:
    """Exports of this view, one click from the top of the page. The controls are built only
    while the menu is open, so a page that never exports does not pay for them. Every export
    is in the session's language (``lang`` when given)."""
    t = translator(lang or current_language())
    menu = st.popover(t.gettext("Export…"), key="export_open", on_change="rerun", width="stretch")
    if not menu.open:
        return
    with menu:
        # one title field per language, so switching language offers the title in it
        title = st.text_input(
            t.gettext("Title"), value=default_title(lang=t.lang), key=f"export_title_{t.lang}"
        )
        c1, c2 = st.columns(2)
        aspect = c1.selectbox(t.gettext("Aspect"), list(ASPECTS), key="export_aspect")
        width = c2.selectbox(t.gettext("Width (px)"), [2400, 3600, 4800, 1600], key="export_width")
        subtitle = view_subtitle(f, span, shown, len(dataset.incidents), legs, lang=t.lang)
        spec = SnapshotSpec(
            title=title, subtitle=subtitle, aspect=aspect, width_px=width, lang=t.lang
        )
        stamp = dt.date.today().isoformat()
        for fmt, sheet, label in EXPORTS:

            def make(fmt=fmt, sheet=sheet) -> bytes:
                try:
                    return render(fmt, shown, legs, dataset.places, spec, sheet=sheet)
                except ExportError as exc:
                    return t.gettext("Export failed: {error}", error=str(exc)).encode()

            name = f"escapee-crackdown-{stamp}{'-sheet' if sheet else ''}.{fmt}"
            st.download_button(
                t.gettext(label),
                data=make,
                file_name=name,
                mime=mime_type(fmt),
                key=f"dl_{fmt}_{sheet}",
                width="stretch",
            )
        with st.expander(t.gettext("Text description"), key="export_alt_text"):
            st.caption(
                t.gettext(
                    "What the exported map shows, in words, for readers who cannot see it "
                    "(alt text). The images and the PDF carry it too."
                )
            )
            st.code(
                alt_text(shown, legs, dataset.places, title, lang=t.lang),
                language=None,
                wrap_lines=True,
            )
