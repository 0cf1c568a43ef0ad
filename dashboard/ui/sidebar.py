"""The sidebar: language, filters, Play through time, basemap and briefing choice.

Every widget is keyed; its value lives in ``st.session_state`` under that key, which
``session.init_state`` seeds from the URL and ``app`` writes back to it. Widgets that offer
translated labels store language-independent keys (``format_func`` shows the words).
"""

from __future__ import annotations

import streamlit as st
import streamlit.components.v1 as components

from dashboard.data.dataset import Dataset
from dashboard.filters import actor_groups, country_names
from dashboard.htmlsafe import esc
from dashboard.i18n import LANGUAGE_LABEL, LANGUAGES, N_, Translator
from dashboard.map.base import BASEMAPS
from dashboard.ui.briefing_view import load_stories
from dashboard.ui.session import (
    Span,
    current_translator,
    keep_choices,
    pause,
    reset_filters,
    start_playing,
    step_window,
)
from dashboard.ui.styles import frame_page, static_text
from dashboard.vocab import ACTOR_GROUPS, CATEGORIES, CONFIDENCE_NAMES

# Keys (what the URL and session keep) and the words shown for them.
PLAY_STEPS = {"1 week": 7, "1 month": 30, "3 months": 91, "1 year": 365}
PLAY_STEP_LABELS = {
    "1 week": N_("1 week"),
    "1 month": N_("1 month"),
    "3 months": N_("3 months"),
    "1 year": N_("1 year"),
}
PLAY_SPEEDS = {"slow": 2.5, "normal": 1.2, "fast": 0.5}
PLAY_SPEED_LABELS = {"slow": N_("slow"), "normal": N_("normal"), "fast": N_("fast")}


def sidebar(dataset: Dataset, span: Span) -> None:
    """All the sidebar's sections, in order."""
    t = current_translator()
    language_switch(t)
    filter_widgets(dataset, span, t)
    play_widgets(span, t)
    st.sidebar.header(t.gettext("Map"))
    st.sidebar.radio(
        t.gettext("Basemap"),
        list(BASEMAPS),
        key="basemap",
        format_func=lambda k: t.gettext(BASEMAPS[k]),
    )
    briefing_widgets(dataset, t)


def language_switch(t: Translator) -> None:
    """The interface language, each offered in its own name; the page's ``<html lang>``
    follows it (``static/app/lang.js``)."""
    st.sidebar.selectbox(
        t.gettext(LANGUAGE_LABEL),
        list(LANGUAGES),
        key="lang",
        format_func=LANGUAGES.get,
        on_change=keep_choices,
    )
    with st.sidebar:
        script = f"<script data-lang='{esc(t.lang)}'>{static_text('lang.js')}</script>"
        components.html(frame_page(script, title=t.gettext("Page language"), lang=t.lang), height=0)


def filter_widgets(dataset: Dataset, span: Span, t: Translator) -> None:
    """Date window, undated, category, actor, country, province, confidence, search, Reset."""
    inc = dataset.incidents
    sb = st.sidebar
    sb.header(t.gettext("Filters"))
    if span[0] < span[1]:
        sb.slider(
            t.gettext("Date window"),
            min_value=span[0],
            max_value=span[1],
            key="window",
            format="YYYY-MM-DD",
        )
    undated_n = int(inc["date_start"].isna().sum())
    sb.checkbox(
        t.gettext("Include incidents with no stated year ({n})", n=t.number(undated_n)),
        key="undated",
    )
    sb.multiselect(
        t.gettext("Category"),
        list(CATEGORIES),
        key="categories",
        format_func=lambda k: t.gettext(CATEGORIES[k].label),
        placeholder=t.gettext("All categories"),
    )
    present = sorted(
        {g for actors in inc["actors"].unique() for g in actor_groups(actors)},
        key=lambda g: list(ACTOR_GROUPS).index(g) if g in ACTOR_GROUPS else 99,
    )
    sb.multiselect(
        t.gettext("Actor"),
        present,
        key="actors",
        format_func=t.gettext,
        placeholder=t.gettext("All actors"),
    )
    names = country_names(lang=t.lang)
    sb.multiselect(
        t.gettext("Country"),
        sorted(inc["country"].unique()),
        key="countries",
        format_func=lambda k: f"{names.get(k, k)} ({k})",
        placeholder=t.gettext("All countries"),
    )
    provinces = sorted(p for p in inc["admin1"].unique() if p)
    sb.multiselect(
        t.gettext("Province / region"),
        provinces,
        key="admin1",
        placeholder=t.gettext("All provinces"),
    )
    sb.multiselect(
        t.gettext("Confidence"),
        list(CONFIDENCE_NAMES),
        key="confidence",
        format_func=lambda k: t.gettext(CONFIDENCE_NAMES[k]),
        placeholder=t.gettext("Any confidence"),
    )
    sb.text_input(
        t.gettext("Search summaries and places"),
        key="text",
        placeholder=t.gettext("e.g. Pukchong, 북청, Air Koryo"),
    )
    sb.button(
        t.gettext("Reset filters"),
        key="reset_filters",
        on_click=reset_filters,
        args=(span,),
        width="stretch",
    )


def play_widgets(span: Span, t: Translator) -> None:
    """Step size, speed, Play / Pause and the two step buttons."""
    sb = st.sidebar
    sb.header(t.gettext("Play through time"))
    cols = sb.columns(2)
    cols[0].selectbox(
        t.gettext("Step"),
        list(PLAY_STEPS),
        key="play_step",
        format_func=lambda k: t.gettext(PLAY_STEP_LABELS[k]),
    )
    cols[1].selectbox(
        t.gettext("Speed"),
        list(PLAY_SPEEDS),
        key="play_speed",
        format_func=lambda k: t.gettext(PLAY_SPEED_LABELS[k]),
    )
    days = PLAY_STEPS[st.session_state["play_step"]]
    # Play / Pause is one button (one key) whose label changes, so a rerun never shows both.
    playing = st.session_state["playing"]
    sb.button(
        t.gettext("⏸ Pause") if playing else t.gettext("▶ Play"),
        key="play_toggle",
        on_click=pause if playing else start_playing,
        args=() if playing else (span, days),
        width="stretch",
        type="primary" if playing else "secondary",
    )
    b1, b3 = sb.columns(2)
    b1.button(
        t.gettext("◀ Step back"),
        key="step_back",
        on_click=step_window,
        args=(span, -days),
        width="stretch",
    )
    b3.button(
        t.gettext("Step on ▶"),
        key="step_on",
        on_click=step_window,
        args=(span, days),
        width="stretch",
    )


def briefing_widgets(dataset: Dataset, t: Translator) -> None:
    """The story to present and the button that starts briefing mode."""
    sb = st.sidebar
    sb.header(t.gettext("Briefing"))
    stories = load_stories(dataset)
    if st.session_state.get("story") not in stories:  # a link naming no (loaded) story
        st.session_state["story"] = ""
    sb.selectbox(
        t.gettext("Story"),
        ["", *stories],  # "" rather than None: None shows Streamlit's "Choose an option"
        key="story",
        format_func=lambda k: (
            stories[k].title if k else t.gettext("Filtered incidents, in date order")
        ),
    )
    sb.button(
        t.gettext("Start briefing mode"),
        key="start_briefing",
        on_click=lambda: st.session_state.update(briefing=True, step=0),
        type="primary",
        width="stretch",
    )
