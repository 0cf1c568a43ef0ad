"""Streamlit shell over the dashboard core: ``streamlit run dashboard/ui/app.py``.

Open other files with ``-- --incidents PATH`` (``--routes``, ``--places``; or
DASHBOARD_INCIDENTS, DASHBOARD_ROUTES, DASHBOARD_PLACES).
All state a journalist sets (filters, window, selection, map view, basemap) lives in
the URL, so a pasted link reopens the same view.

Each run: load the data, seed the widgets from the URL (first run only), select what the
filters show, draw the explore page or the briefing, then the sidebar, then write the view
back to the URL. The parts live in the sibling modules of ``dashboard.ui``.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

import streamlit as st  # noqa: E402

from dashboard.filters import data_window, filter_incidents, routes_for  # noqa: E402
from dashboard.htmlsafe import esc  # noqa: E402
from dashboard.summary import title  # noqa: E402
from dashboard.ui import auth, storedata  # noqa: E402
from dashboard.ui.briefing_view import briefing_view  # noqa: E402
from dashboard.ui.data_desk import data_desk, data_warnings, problems_banner  # noqa: E402
from dashboard.ui.explore_view import explore_view  # noqa: E402
from dashboard.ui.session import (  # noqa: E402
    current_filters,
    current_language,
    current_store,
    guard_reset,
    init_state,
    step_window,
)
from dashboard.ui.sidebar import PLAY_SPEEDS, PLAY_STEPS, sidebar  # noqa: E402
from dashboard.urlstate import state_params, view_from_widgets  # noqa: E402


def main() -> None:
    lang = current_language()
    st.set_page_config(page_title=title(lang=lang), page_icon="🗺️", layout="wide")
    store = current_store()
    dataset, problems, stale, outage, version = storedata.load_current(store)
    storedata.show_outage(outage)
    if dataset is None:
        st.html(f"<h1>{esc(title(lang=lang))}</h1>")
        problems_banner(None, problems, stale)
        st.stop()
    dataset = auth.visible_dataset(dataset, version)  # internal notes for editors only
    st.session_state["_data_version"] = version
    problems_banner(dataset, problems, stale)
    data_warnings(problems)

    init_state(dataset)
    guard_reset()
    span = data_window(dataset.incidents)
    if st.session_state.pop("_tick", False) and st.session_state["playing"]:
        step_window(span, PLAY_STEPS[st.session_state.get("play_step", "1 month")])
    f = current_filters(span)  # the widgets' keyed state, set before this run started
    # (newsroom mode: the database starts on the map's aggregates while this run filters)
    briefing = st.session_state["briefing"]
    pyramid_of = None if briefing else storedata.map_pyramid(store, dataset, f)
    shown = filter_incidents(dataset.incidents, f)
    legs = routes_for(dataset.routes, shown)
    if briefing:
        briefing_view(dataset, shown, legs, f, span)
    else:
        explore_view(dataset, shown, legs, f, span, pyramid_of=pyramid_of)
        data_desk(store, dataset)
    # After the main view, so the browser gets the map first and the sidebar's widgets load
    # while it draws. Always rendered (hidden in briefing) so widget state survives.
    sidebar(dataset, span)
    with st.sidebar:
        auth.sign_in_panel()

    st.query_params.from_dict(state_params(view_from_widgets(st.session_state, f), span))

    if st.session_state["playing"] and not st.session_state["briefing"]:
        time.sleep(PLAY_SPEEDS[st.session_state["play_speed"]])
        st.session_state["_tick"] = True
        st.rerun()


main()
