"""Session state: where the data comes from, the widgets seeded from the URL, Reset and its
guard against stale reruns, and the date window stepped by Play.

Widget values map to a view through ``dashboard.urlstate`` and the window arithmetic lives in
``dashboard.timeline``; this module only reads and writes ``st.session_state``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import re
import sys
import time
from pathlib import Path

import streamlit as st

from dashboard import DEFAULT_INCIDENTS
from dashboard.data.dataset import Dataset
from dashboard.data.places import PLACES_PATH
from dashboard.data.routes import ROUTES_PATH
from dashboard.filters import Filters, data_window
from dashboard.i18n import Translator, translator
from dashboard.map.base import BASEMAPS
from dashboard.store import open_store
from dashboard.timeline import play_start_window, stepped_window
from dashboard.urlstate import (
    filter_widget_values,
    filters_from_widgets,
    parse_state,
    widget_values,
)

Span = tuple[dt.date, dt.date]


def data_paths() -> tuple[str, str, str]:
    """The incidents, routes and places files the app opens: ``-- --incidents PATH``
    (``--routes``, ``--places``), else DASHBOARD_INCIDENTS (_ROUTES, _PLACES), else the
    project's own. A journalist's own copy, or a test's, never touches the project's files."""
    parser = argparse.ArgumentParser(add_help=False)
    for name in ("incidents", "routes", "places"):
        parser.add_argument(f"--{name}")
    args, _ = parser.parse_known_args(sys.argv[1:])
    defaults = {"incidents": DEFAULT_INCIDENTS, "routes": ROUTES_PATH, "places": PLACES_PATH}
    return tuple(
        getattr(args, name) or os.environ.get(f"DASHBOARD_{name.upper()}") or str(default)
        for name, default in defaults.items()
    )


def file_stamp(path: str) -> tuple:
    """(path, mtime, size): changes when the file does, for cache keys."""
    try:
        s = Path(path).stat()
        return (path, s.st_mtime_ns, s.st_size)
    except OSError:
        return (path, None, None)


def current_store():
    """Where the data lives: the CSV files, or the newsroom database when
    DASHBOARD_DATABASE_URL is set (a cheap object; the data is cached per data version)."""
    return open_store(*data_paths())


def init_state(dataset: Dataset) -> None:
    """Seed widget state from the URL once per session; later runs own the state."""
    if st.session_state.get("_initialised") == dataset.incidents_path:
        return
    span = data_window(dataset.incidents)
    params = st.query_params.to_dict()
    state = parse_state(params, span)
    st.session_state.update(
        widget_values(state, span, BASEMAPS),
        playing=False,
        _initialised=dataset.incidents_path,
        _views=0,
    )
    # Play's step and speed are not in the link; seeded here rather than by the widgets'
    # defaults, so the language switch may set them (``keep_choices``).
    st.session_state.setdefault("play_step", "1 month")
    st.session_state.setdefault("play_speed", "normal")
    # A link that names a view reopens it; otherwise the map fits what the filters show.
    if "lat" in params and "lon" in params:
        request_view(center=state.center, zoom=state.zoom)
    else:
        st.session_state["_view_cmd"] = None


def request_view(**view) -> None:
    """Ask the map to look somewhere once: ``bounds=`` to fit, or ``center=`` and ``zoom=``."""
    st.session_state["_views"] = st.session_state.get("_views", 0) + 1
    st.session_state["_view_cmd"] = {"token": f"v{st.session_state['_views']}", **view}


# How long a reset is guarded against the browser's older values: the stale rerun comes
# within a second or two; a user retyping the very search they just cleared takes longer.
RESET_GUARD_S = 5.0


def reset_filters(span: Span) -> None:
    """Button callback: every filter back to showing everything."""
    state = st.session_state
    cleared = filter_widget_values(Filters(), span)
    # A rerun the browser sent before it had the cleared widgets (a map move reported while
    # Reset runs) carries their old values and would bring the search back: remember them.
    state["_reset_guard"] = {
        "run": state.get("_runs", 0) + 1,  # the number this reset's own run gets
        "at": time.monotonic(),
        "values": {k: (state[k], v) for k, v in cleared.items() if state.get(k) != v},
    }
    state.update(cleared, selected=None, playing=False)


def guard_reset() -> None:
    """Before any widget: undo a stale rerun's old filter values after a reset.

    The browser sends its requests in order: until one carries a cleared value, a value equal
    to the one Reset cleared is the browser's older copy. Once a later run sees any cleared
    value, the browser has the reset and every value is the user's again."""
    state = st.session_state
    state["_runs"] = run = state.get("_runs", 0) + 1
    guard = state.get("_reset_guard")
    if not guard:
        return
    values = guard["values"]
    acknowledged = run > guard["run"] and any(state.get(k) == new for k, (_, new) in values.items())
    if acknowledged or time.monotonic() - guard["at"] > RESET_GUARD_S:
        state["_reset_guard"] = None
        return
    for name, (old, new) in values.items():
        if state.get(name) == old:
            state[name] = new  # sent before the browser knew: the reset stands


def current_language() -> str:
    """The session's interface language (the sidebar's switch, seeded from ``?lang=``)."""
    return translator(st.session_state.get("lang") or st.query_params.get("lang")).lang


def current_translator() -> Translator:
    """The session's translator: every word the app shows goes through it."""
    return translator(current_language())


# Widgets whose options are shown translated: the browser sends back the shown label, so a
# label sent in the old language would match no option in the new one and be dropped.
TRANSLATED_CHOICES = (
    "categories",
    "actors",
    "countries",
    "admin1",
    "confidence",
    "play_step",
    "play_speed",
    "basemap",
    "story",
)


# ... and the editor's and importer's, whose keys carry a form prefix or a number.
TRANSLATED_CHOICE_KEYS = re.compile(
    r"ed_mode|ed_(add|edit)_(category|confidence|geo_precision|route_id|new_place_kind)"
    r"|ed_leg_(mode|status)_\d+|.+-set-(category|confidence|geo_precision)|.+-map-\d+-.*"
    r"|.+-layer"
)


def keep_choices() -> None:
    """Language switch callback: store each translated widget's value (its keys, read through
    the old language's labels) as its own state, so the new labels show the same choices."""
    state = st.session_state
    state["_lang_switched"] = True  # the map frame's words follow from now on (map_panel)
    for key in list(state.keys()):
        if key in TRANSLATED_CHOICES or TRANSLATED_CHOICE_KEYS.fullmatch(str(key)):
            state[key] = state[key]


def current_filters(span: Span) -> Filters:
    """The filters the widgets' keyed state shows."""
    return filters_from_widgets(st.session_state, span)


def step_window(span: Span, days: int) -> None:
    """Move the window by ``days`` keeping its width; stop playing at the end.

    Called only before the slider exists in a run (from a button callback, or at the top of
    a run while playing): Streamlit refuses changes to a widget's state after it is drawn.
    """
    window, at_end = stepped_window(st.session_state["window"], span, days)
    st.session_state["window"] = window
    if at_end:
        st.session_state["playing"] = False


def start_playing(span: Span, days: int) -> None:
    """Button callback: play from the window shown (see ``timeline.play_start_window``)."""
    window = play_start_window(st.session_state["window"], span, days)
    if window != st.session_state["window"]:
        st.session_state["window"] = window
    st.session_state["playing"] = True


def pause() -> None:
    """Button callback: stop playing."""
    st.session_state["playing"] = False
