"""Briefing mode on screen: large type, one incident at a time, Previous / Next / Exit at the
top and the arrow keys and Esc to step and leave.

Which steps and where the map looks come from ``dashboard.briefing``; this module draws them.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st
import streamlit.components.v1 as components

from dashboard.briefing import briefing_plan, clamped_step, step_bounds, step_leg
from dashboard.data.dataset import Dataset
from dashboard.data.stories import STORIES_PATH, Story, check_stories
from dashboard.filters import Filters
from dashboard.htmlsafe import esc
from dashboard.i18n import Translator
from dashboard.map.popups import citation_html
from dashboard.map.symbols import marker_svg
from dashboard.map.view import PRESENTATION_MAX_ZOOM
from dashboard.summary import date_window_text
from dashboard.ui.map_panel import show_map
from dashboard.ui.session import Span, current_translator, file_stamp
from dashboard.ui.styles import frame_page, script_tag, style_tag
from dashboard.vocab import CATEGORIES, PRECISIONS


@st.cache_resource(max_entries=8)
def _stories(stamp: tuple, version: str, _dataset: Dataset) -> dict[str, Story]:
    """Keyed on the stories file's stamp and the data version: hashing every incident id on
    each rerun cost seconds at 100k."""
    legs = set(zip(_dataset.routes["route_id"], _dataset.routes["leg"], strict=True))
    stories, _ = check_stories(_dataset.incidents["incident_id"], legs)
    return stories


def load_stories(dataset: Dataset) -> dict[str, Story]:
    """Stories whose incidents are all in the loaded data (others are left out)."""
    return _stories(
        file_stamp(str(STORIES_PATH)), st.session_state.get("_data_version", ""), dataset
    )


def briefing_view(
    dataset: Dataset, shown: pd.DataFrame, legs: pd.DataFrame, f: Filters, span: Span
) -> None:
    """The briefing page: the head with its buttons, then the step's map and card."""
    st.html(style_tag("briefing.css"))
    t = current_translator()
    story = load_stories(dataset).get(st.session_state.get("story") or "")
    plan = briefing_plan(
        story, dataset.incidents, dataset.routes, shown, legs, f, span, lang=t.lang
    )
    n = len(plan.steps)
    i = clamped_step(st.session_state.get("step"), n)
    st.session_state["step"] = i
    head, b1, b2, b3 = st.columns([6, 1.1, 1.1, 1.2], vertical_alignment="bottom")
    head.html(
        "<div class='brief-title'><span class='where-in'>"
        + esc(t.gettext("Step {i} of {n}", i=t.number(i + 1 if n else 0), n=t.number(n)))
        + "</span>"
        f"<h1>{esc(plan.title)}</h1><p class='what'>{esc(plan.intro)}</p></div>"
    )
    b1.button(
        t.gettext("◀ Previous"),
        key="brief_previous",
        disabled=i == 0 or n == 0,
        width="stretch",
        on_click=lambda: st.session_state.update(step=i - 1),
    )
    b2.button(
        t.gettext("Next ▶"),
        key="brief_next",
        disabled=i >= n - 1,
        width="stretch",
        type="primary",
        on_click=lambda: st.session_state.update(step=i + 1),
    )
    b3.button(
        t.gettext("Exit briefing"),
        key="brief_exit",
        width="stretch",
        on_click=lambda: st.session_state.update(briefing=False),
    )
    components.html(
        frame_page(script_tag("keys.js"), title=t.gettext("Briefing keys"), lang=t.lang),
        height=0,
    )
    if n == 0:
        st.info(t.gettext("Nothing to present: no incidents match the current filters."))
        return
    step = plan.steps[i]
    row = dataset.incidents[dataset.incidents["incident_id"] == step.incident_id].iloc[0]
    bounds = step_bounds(row, dataset.places, step_leg(plan.route_legs, step))
    map_col, card_col = st.columns([2.3, 1])
    with map_col:
        show_map(
            "brief_map",
            {
                "incidents": plan.incidents,
                "routes": plan.route_legs,
                "places": dataset.places,
                "selected": step.incident_id,
                "highlight_leg": (step.route_id, step.leg) if step.route_id else None,
                "view": {
                    "token": f"step-{st.session_state.get('story')}-{i}",
                    "bounds": bounds,
                    "maxZoom": PRESENTATION_MAX_ZOOM,
                },
            },
            presentation=True,
            returned=[],
        )
    with card_col:
        st.html(brief_card_html(row, t))
        st.html(
            "<p class='brief-hint'>"
            + t.gettext(
                "Keys: {right} next, {left} previous, {esc} leave briefing.",
                right="<kbd>→</kbd>",
                left="<kbd>←</kbd>",
                esc="<kbd>Esc</kbd>",
            )
            + "</p>"
        )


def brief_card_html(row: pd.Series, t: Translator | None = None) -> str:
    """The step's incident in large type: category, date, place, summary and citation (the
    summary, place and date as the source gave them; the words around them in ``t``'s
    language)."""
    t = t or current_translator()
    cat = CATEGORIES[row["category"]]
    precision = PRECISIONS[int(row["geo_precision"])]
    approx = " " + t.gettext("(approximate)") if precision.level >= 2 else ""
    unconfirmed = (
        f"<span class='unconfirmed'>{esc(t.gettext('Unconfirmed'))}</span> "
        if row["confidence"] == "unconfirmed"
        else ""
    )
    return (
        f"<div class='brief-card' data-incident='{esc(row['incident_id'])}' style='--cat:{cat.colour}'>"
        f"<div class='cat'>{marker_svg(row['category'], 18)} {esc(t.gettext(cat.label))} · {esc(row['incident_id'])}</div>"
        f"<div class='when'>{unconfirmed}{esc(row['date_text'])}</div>"
        f"<div class='place'>{esc(date_window_text(row, lang=t.lang))}<br>{esc(row['location'])}{esc(approx)}</div>"
        f"<div class='summary'>{esc(row['summary'])}</div>"
        f"<div class='cite'>{citation_html(row, lang=t.lang)}</div></div>"
    )
