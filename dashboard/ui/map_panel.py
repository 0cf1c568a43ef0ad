"""The map frame: drawn once per session and basemap, then fed only layers and view requests;
and what a map click or a table row selects.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st
from streamlit_folium import st_folium

from dashboard.map.base import base_map
from dashboard.map.click import CLICK_FIELD, clicked_incident_id
from dashboard.map.layers import map_layers
from dashboard.map.view import result_bounds
from dashboard.ui.session import request_view
from dashboard.vague.areas import incident_area


def show_map(
    key: str,
    layers_for: dict,
    *,
    presentation: bool,
    returned: list[str],
) -> dict | None:
    """The map, mounted once per session and basemap: each run sends only its layers (and
    any view request), so filters, selections and briefing steps never reload or blank it."""
    base = base_map(basemap_name=st.session_state["basemap"], presentation=presentation)
    with st.container(key="main_map"):  # the page's stylesheet sizes this frame to the screen
        return st_folium(
            base,
            key=key,
            height=560,
            use_container_width=True,
            feature_group_to_add=map_layers(presentation=presentation, **layers_for),
            returned_objects=returned,
        )


def selection_from_widgets(shown: pd.DataFrame, places) -> None:
    """Take a map click or a table row chosen since the last run, before anything is drawn,
    so the map and the record panel show the new selection in this same run."""
    clicked = (st.session_state.get("map") or {}).get(CLICK_FIELD)
    if clicked and clicked != st.session_state.get("_last_click"):
        st.session_state["_last_click"] = clicked
        iid = clicked_incident_id(clicked)
        if iid in set(shown["incident_id"]):
            st.session_state["selected"] = iid
    table = st.session_state.get("table")
    rows = list(table.selection.rows) if table is not None and table.selection else []
    if rows:
        ids = st.session_state.get("_table_ids") or []
        iid = ids[rows[0]] if rows[0] < len(ids) else None
        if iid and iid != st.session_state.get("_last_row"):
            st.session_state["_last_row"] = iid
            st.session_state["selected"] = iid
            row = shown[shown["incident_id"] == iid]
            area = incident_area(row.iloc[0], places) if len(row) else None
            if area is not None:  # drawn as its country, province or border: show all of it
                w, s, e, n = area[2].bounds
                request_view(bounds=[[s, w], [n, e]])
            elif len(row):
                request_view(
                    center=[float(row.iloc[0]["latitude"]), float(row.iloc[0]["longitude"])],
                    zoom=7,
                )
    elif table is not None:
        st.session_state["_last_row"] = None


def view_request(shown: pd.DataFrame, legs: pd.DataFrame, places) -> dict | None:
    """Fit the map to the result whenever the result changes (not while playing: the view
    would jump at every step), and keep any other request until the next change."""
    signature = (tuple(shown["incident_id"]), tuple(legs.index))
    if st.session_state.get("_result") != signature:
        first = "_result" not in st.session_state
        st.session_state["_result"] = signature
        if not (first and st.session_state.get("_view_cmd")) and not st.session_state["playing"]:
            request_view(bounds=result_bounds(shown, legs, places))
    return st.session_state.get("_view_cmd")
