"""The explore page: heading and count, the map with the incident record beside it, the
timeline and the table of filtered incidents."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard.data.dataset import Dataset
from dashboard.filters import Filters
from dashboard.htmlsafe import esc
from dashboard.map.click import CLICK_FIELD
from dashboard.map.popups import incident_popup_html
from dashboard.summary import TITLE, about_line, count_line, describe
from dashboard.timeline import timeline_chart
from dashboard.ui import auth
from dashboard.ui.clip_menu import clip_menu
from dashboard.ui.export_menu import export_menu
from dashboard.ui.map_panel import selection_from_widgets, show_map, view_request
from dashboard.ui.session import Span
from dashboard.ui.styles import style_tag
from dashboard.vocab import CATEGORIES, OTHER_ACTOR

TABLE_COLUMNS = {
    "incident_id": "ID",
    "date_text": "Date (source's words)",
    "category": "Category",
    "location": "Place",
    "source_outlet": "Source",
    "confidence": "Confidence",
    "actors": "Actors",
    "country": "Country",
}


def explore_view(dataset: Dataset, shown, legs, f: Filters, span: Span) -> None:
    """The whole explore page, top to bottom."""
    st.html(style_tag("explore.css"))
    st.html(
        f"<div class='page-head'><h1>{esc(TITLE)}</h1>"
        f"<p class='about-data'>{esc(about_line(dataset.incidents))}</p></div>"
    )
    undated = int(shown["date_start"].isna().sum())
    count, menu = st.columns([5, 1], vertical_alignment="center")
    count.html(
        f"<p class='view-count'><b>{esc(count_line(shown, len(dataset.incidents), legs, len(dataset.routes)))}</b>"
        f" <span class='what'>· {esc(describe(f, span, undated))}</span></p>"
    )
    with menu:
        export_menu(dataset, shown, legs, f, span)
        clip_menu(dataset, shown, f, span)

    selection_from_widgets(shown, dataset.places)
    selected = st.session_state.get("selected")
    map_col, panel_col = st.columns([2, 1])
    with map_col:
        if shown.empty:
            st.info("No incidents match these filters. Widen the date window or clear a filter.")
        result = show_map(
            "map",
            {
                "incidents": shown,
                "routes": legs,
                "places": dataset.places,
                "selected": selected,
                "view": view_request(shown, legs, dataset.places),
            },
            presentation=False,
            returned=[CLICK_FIELD, "center", "zoom"],
        )
    if result and result.get("center") and result.get("zoom") is not None:
        st.session_state["view"] = (
            (round(result["center"]["lat"], 4), round(result["center"]["lng"], 4)),
            round(float(result["zoom"]), 2),
        )
    with panel_col:
        st.subheader("Incident record")
        record_panel(dataset, selected)

    chart = timeline_chart(dataset.incidents, shown, st.session_state["window"])
    if chart is not None:
        st.altair_chart(chart, width="stretch")
    if undated:
        st.caption(f"{undated} shown incident(s) have no stated year and are not on the timeline.")

    incident_table(shown)


def record_panel(dataset: Dataset, incident_id: str | None) -> None:
    """The selected incident's sourced record, or how to select one."""
    if not incident_id:
        st.caption(
            "Click an incident on the map, or choose a row in the table, to read its sourced "
            "record here."
        )
        return
    match = dataset.incidents[dataset.incidents["incident_id"] == incident_id]
    if match.empty:
        st.caption("The selected incident is not in the current data.")
        return
    st.html(f"<div class='record-panel'>{incident_popup_html(match.iloc[0])}</div>")
    auth.internal_notes(match.iloc[0])
    st.button("Clear selection", on_click=lambda: st.session_state.update(selected=None))


def incident_table(shown: pd.DataFrame) -> None:
    """The filtered incidents as a table; choosing a row selects it (``map_panel``)."""
    st.subheader("Filtered incidents")
    table = pd.DataFrame(shown[list(TABLE_COLUMNS)])
    table["category"] = table["category"].map(lambda k: CATEGORIES[k].label)
    table["actors"] = table["actors"].replace("", OTHER_ACTOR)
    st.session_state["_table_ids"] = list(table["incident_id"])
    st.dataframe(
        table.rename(columns=TABLE_COLUMNS),
        hide_index=True,
        width="stretch",
        on_select="rerun",
        selection_mode="single-row",
        key="table",
    )
