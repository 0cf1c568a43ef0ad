"""The sidebar: filters, Play through time, basemap and briefing choice.

Every widget is keyed; its value lives in ``st.session_state`` under that key, which
``session.init_state`` seeds from the URL and ``app`` writes back to it.
"""

from __future__ import annotations

import streamlit as st

from dashboard.data.dataset import Dataset
from dashboard.filters import country_names
from dashboard.map.base import BASEMAPS
from dashboard.ui.briefing_view import load_stories
from dashboard.ui.session import Span, pause, reset_filters, start_playing, step_window
from dashboard.vocab import ACTOR_GROUPS, CATEGORIES, CONFIDENCE

PLAY_STEPS = {"1 week": 7, "1 month": 30, "3 months": 91, "1 year": 365}
PLAY_SPEEDS = {"slow": 2.5, "normal": 1.2, "fast": 0.5}


def sidebar(dataset: Dataset, span: Span) -> None:
    """All the sidebar's sections, in order."""
    filter_widgets(dataset, span)
    play_widgets(span)
    st.sidebar.header("Map")
    st.sidebar.radio("Basemap", list(BASEMAPS), key="basemap", format_func=BASEMAPS.get)
    briefing_widgets(dataset)


def filter_widgets(dataset: Dataset, span: Span) -> None:
    """Date window, undated, category, actor, country, province, confidence, search, Reset."""
    inc = dataset.incidents
    sb = st.sidebar
    sb.header("Filters")
    if span[0] < span[1]:
        sb.slider(
            "Date window", min_value=span[0], max_value=span[1], key="window", format="YYYY-MM-DD"
        )
    undated_n = int(inc["date_start"].isna().sum())
    sb.checkbox(f"Include incidents with no stated year ({undated_n})", key="undated")
    sb.multiselect(
        "Category",
        list(CATEGORIES),
        key="categories",
        format_func=lambda k: CATEGORIES[k].label,
        placeholder="All categories",
    )
    present = sorted(
        {g for groups in inc["actor_groups"] for g in groups},
        key=lambda g: list(ACTOR_GROUPS).index(g) if g in ACTOR_GROUPS else 99,
    )
    sb.multiselect("Actor", present, key="actors", placeholder="All actors")
    names = country_names()
    sb.multiselect(
        "Country",
        sorted(inc["country"].unique()),
        key="countries",
        format_func=lambda k: f"{names.get(k, k)} ({k})",
        placeholder="All countries",
    )
    provinces = sorted(p for p in inc["admin1"].unique() if p)
    sb.multiselect("Province / region", provinces, key="admin1", placeholder="All provinces")
    sb.multiselect("Confidence", list(CONFIDENCE), key="confidence", placeholder="Any confidence")
    sb.text_input(
        "Search summaries and places", key="text", placeholder="e.g. Pukchong, 북청, Air Koryo"
    )
    sb.button("Reset filters", on_click=reset_filters, args=(span,), width="stretch")


def play_widgets(span: Span) -> None:
    """Step size, speed, Play / Pause and the two step buttons."""
    sb = st.sidebar
    sb.header("Play through time")
    cols = sb.columns(2)
    cols[0].selectbox("Step", list(PLAY_STEPS), index=1, key="play_step")
    cols[1].selectbox("Speed", list(PLAY_SPEEDS), index=1, key="play_speed")
    days = PLAY_STEPS[st.session_state["play_step"]]
    # Play / Pause is one button (one key) whose label changes, so a rerun never shows both.
    playing = st.session_state["playing"]
    sb.button(
        "⏸ Pause" if playing else "▶ Play",
        key="play_toggle",
        on_click=pause if playing else start_playing,
        args=() if playing else (span, days),
        width="stretch",
        type="primary" if playing else "secondary",
    )
    b1, b3 = sb.columns(2)
    b1.button("◀ Step back", on_click=step_window, args=(span, -days), width="stretch")
    b3.button("Step on ▶", on_click=step_window, args=(span, days), width="stretch")


def briefing_widgets(dataset: Dataset) -> None:
    """The story to present and the button that starts briefing mode."""
    sb = st.sidebar
    sb.header("Briefing")
    stories = load_stories(dataset)
    if st.session_state.get("story") not in stories:  # a link naming no (loaded) story
        st.session_state["story"] = ""
    sb.selectbox(
        "Story",
        ["", *stories],  # "" rather than None: None shows Streamlit's "Choose an option"
        key="story",
        format_func=lambda k: stories[k].title if k else "Filtered incidents, in date order",
    )
    sb.button(
        "Start briefing mode",
        on_click=lambda: st.session_state.update(briefing=True, step=0),
        type="primary",
        width="stretch",
    )
