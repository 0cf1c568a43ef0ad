"""The map frame: drawn once per session and basemap, then fed only layers and view requests;
and what a map click or a table row selects.

The frame is built in the language it was first shown in; after a language switch the layers
carry the new words (``MapWords``), so switching never reloads the map.
"""

from __future__ import annotations

import folium
import numpy as np
import pandas as pd
import streamlit as st
from branca.element import MacroElement
from jinja2 import Template
from streamlit_folium import st_folium

from dashboard.i18n import translator
from dashboard.map.base import base_map
from dashboard.map.click import CLICK_FIELD, clicked_aggregate, clicked_incident_id
from dashboard.map.layers import MapData, map_data, map_layers
from dashboard.map.legend import legend_html
from dashboard.map.scripts import json_for_script
from dashboard.map.view import result_bounds
from dashboard.ui.auth import can_edit
from dashboard.ui.session import current_language, request_view
from dashboard.ui.styles import static_text
from dashboard.vague.areas import incident_area


class MapWords(MacroElement):
    """The base map's words in another language (``static/app/map_words.js``): the legend,
    its fold button, the zoom and full-screen buttons. Sent with the layers."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        {{ this.script_text() }}
        {% endmacro %}
        """
    )

    def __init__(self, lang: str):
        super().__init__()
        self._name = "MapWords"
        self.lang = lang

    def script_text(self) -> str:
        t = translator(self.lang)
        words = {
            "lang": t.lang,
            "legendHtml": legend_html(lang=t.lang),
            # as base_map's MapBehaviour and Fullscreen word them
            "behaviour": {
                "legend": t.gettext("Legend"),
                "hideLegend": t.gettext("Hide legend"),
                "zoomIn": t.gettext("Zoom in"),
                "zoomOut": t.gettext("Zoom out"),
            },
            "fullScreen": t.gettext("Full Screen"),
        }
        return (
            static_text("map_words.js") + f"\nwindow.escapeeMapWords({json_for_script(words)});\n"
        )


def mounted_language(key: str, basemap: str, lang: str) -> str:
    """The language the map frame for ``key`` and ``basemap`` was first built in this
    session: rebuilt in another, the frame would reload."""
    mounted = st.session_state.setdefault("_map_lang", {})
    return mounted.setdefault(f"{key}:{basemap}", lang)


@st.cache_resource(max_entries=4, show_spinner=False)
def _map_data(
    version: str,
    editor: bool,
    signature: tuple,
    lang: str,
    _incidents,
    _routes,
    _places,
    _pyramid_of=None,
) -> MapData:
    """``map_data`` once per data version, result and language, for every session: a new
    reader at the same filters, or a click that changes no result, draws from it."""
    return map_data(_incidents, _routes, _places, lang=lang, pyramid_of=_pyramid_of)


def show_map(
    key: str,
    layers_for: dict,
    *,
    presentation: bool,
    returned: list[str],
) -> dict | None:
    """The map, mounted once per session and basemap: each run sends only its layers (and
    any view request), so filters, selections, briefing steps and language switches never
    reload or blank it."""
    lang = current_language()
    basemap = st.session_state["basemap"]
    base_lang = mounted_language(key, basemap, lang)
    base = base_map(basemap_name=basemap, presentation=presentation, lang=base_lang)
    data = _map_data(
        str(st.session_state.get("_data_version", "")),
        can_edit(),  # an editor's rows carry columns a viewer's do not
        result_signature(layers_for["incidents"], layers_for["routes"]),
        lang,
        layers_for["incidents"],
        layers_for["routes"],
        layers_for["places"],
        layers_for.get("pyramid_of"),
    )
    layers = map_layers(presentation=presentation, lang=lang, data=data, **layers_for)
    if lang != base_lang or st.session_state.get("_lang_switched"):
        # (switched back, the frame still shows the other language's words: send them too)
        words = folium.FeatureGroup(name="Words", show=True, control=False)
        MapWords(lang).add_to(words)
        layers.insert(0, words)
    with st.container(key="main_map"):  # the page's stylesheet sizes this frame to the screen
        return st_folium(
            base,
            key=key,
            height=560,
            use_container_width=True,
            feature_group_to_add=layers,
            returned_objects=returned,
        )


def selection_from_widgets(shown: pd.DataFrame, places) -> None:
    """Take a map click or a table row chosen since the last run, before anything is drawn,
    so the map and the record panel show the new selection in this same run."""
    clicked = (st.session_state.get("map") or {}).get(CLICK_FIELD)
    if clicked and clicked != st.session_state.get("_last_click"):
        st.session_state["_last_click"] = clicked
        group = clicked_aggregate(clicked)
        if group is not None:  # an aggregate that splits no further: list its incidents
            st.session_state["selected_group"] = group
            st.session_state["selected"] = None
        else:
            iid = clicked_incident_id(clicked)
            if iid in set(shown["incident_id"]):
                st.session_state["selected"] = iid
                st.session_state["selected_group"] = None
    listed = st.session_state.get("group_table")
    picked = list(listed.selection.rows) if listed is not None and listed.selection else []
    if picked:  # a row of an aggregate's list (explore_view.group_panel)
        ids = st.session_state.get("_group_ids") or []
        iid = ids[picked[0]] if picked[0] < len(ids) else None
        if iid and iid != st.session_state.get("_last_group_row"):
            st.session_state["_last_group_row"] = iid
            st.session_state["selected"] = iid
    elif listed is not None:
        st.session_state["_last_group_row"] = None
    table = st.session_state.get("table")
    rows = list(table.selection.rows) if table is not None and table.selection else []
    if rows:
        ids = st.session_state.get("_table_ids") or []
        iid = ids[rows[0]] if rows[0] < len(ids) else None
        if iid and iid != st.session_state.get("_last_row"):
            st.session_state["_last_row"] = iid
            st.session_state["selected"] = iid
            st.session_state["selected_group"] = None
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


def result_signature(shown: pd.DataFrame, legs: pd.DataFrame) -> tuple:
    """What identifies a result, cheaply: its size, two sums over its rows' index labels
    (unique in the loaded data; wrapping 64-bit) and its legs. A tuple of a million ids took
    half a second a rerun, hashing them a third of one; this takes milliseconds."""
    if pd.api.types.is_integer_dtype(shown.index):
        rows = np.asarray(shown.index, dtype=np.int64).astype(np.uint64)
    else:  # labelled otherwise: by its ids
        rows = pd.util.hash_pandas_object(shown["incident_id"], index=False).to_numpy()
    with np.errstate(over="ignore"):
        mixed = rows * np.uint64(0x9E3779B97F4A7C15)
        return (
            len(rows),
            int(rows.sum()),
            int((mixed ^ (mixed >> np.uint64(29))).sum()),
            tuple(legs.index),
        )


def view_request(shown: pd.DataFrame, legs: pd.DataFrame, places) -> dict | None:
    """Fit the map to the result whenever the result changes (not while playing: the view
    would jump at every step), and keep any other request until the next change."""
    signature = result_signature(shown, legs)
    if st.session_state.get("_result") != signature:
        first = "_result" not in st.session_state
        st.session_state["_result"] = signature
        if not (first and st.session_state.get("_view_cmd")) and not st.session_state["playing"]:
            request_view(bounds=result_bounds(shown, legs, places))
    return st.session_state.get("_view_cmd")
