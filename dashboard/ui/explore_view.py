"""The explore page: heading and count, the map with the incident record beside it, the
timeline and the table of filtered incidents."""

from __future__ import annotations

import numpy as np
import pandas as pd
import streamlit as st

from dashboard.aggregate import members
from dashboard.data.dataset import Dataset
from dashboard.filters import Filters
from dashboard.htmlsafe import esc
from dashboard.i18n import N_, Translator
from dashboard.map.aggregates import nearest_place
from dashboard.map.click import CLICK_FIELD
from dashboard.map.popups import incident_popup_html
from dashboard.summary import about_line, count_line, describe, title
from dashboard.timeline import timeline_chart
from dashboard.ui import auth
from dashboard.ui.clip_menu import clip_menu
from dashboard.ui.export_menu import export_menu
from dashboard.ui.map_panel import selection_from_widgets, show_map, view_request
from dashboard.ui.session import Span, current_translator
from dashboard.ui.styles import style_tag
from dashboard.vague.areas import POINT, drawn_as
from dashboard.vocab import CATEGORIES, CONFIDENCE_NAMES, OTHER_ACTOR

DRAWN_ONCE = "_explore_drawn_once"  # this session has had its first run of the explore page
TABLE_ROWS = 1_000  # rows of the filtered-incidents table sent to the browser (5,000 were 1 MB)
TABLE_COLUMNS = {
    "incident_id": N_("ID"),
    "date_text": N_("Date (source's words)"),
    "category": N_("Category"),
    "location": N_("Place"),
    "source_outlet": N_("Source"),
    "confidence": N_("Confidence"),
    "actors": N_("Actors"),
    "country": N_("Country"),
}


@st.cache_resource(max_entries=16)
def _about(version: str, lang: str, _incidents: pd.DataFrame) -> str:
    """``about_line`` once per data version and language (at a million incidents counting
    the articles took a second a rerun)."""
    return about_line(_incidents, lang=lang)


def _version() -> str:
    return str(st.session_state.get("_data_version", ""))


def explore_view(dataset: Dataset, shown, legs, f: Filters, span: Span, *, pyramid_of=None) -> None:
    """The whole explore page, top to bottom. ``pyramid_of``: where the map gets a large
    view's zoom levels, when not from the rows (``storedata.map_pyramid``)."""
    st.html(style_tag("explore.css"))
    t = current_translator()
    lang = t.lang
    st.html(
        f"<div class='page-head'><h1>{esc(title(lang=lang))}</h1>"
        f"<p class='about-data'>{esc(_about(_version(), lang, dataset.incidents))}</p></div>"
    )
    undated = int(shown["date_start"].isna().sum())
    # The two menus side by side, not stacked: a second row would push the map's foot (its
    # legend button) below the fold at 1366×768.
    count, export_col, clip_col = st.columns([4, 1, 1], vertical_alignment="center")
    count.html(
        f"<p class='view-count'><b>{esc(count_line(shown, len(dataset.incidents), legs, len(dataset.routes), lang=lang))}</b>"
        f" <span class='what'>· {esc(describe(f, span, undated, lang=lang))}</span></p>"
    )
    with export_col:
        export_menu(dataset, shown, legs, f, span)
    with clip_col:
        clip_menu(dataset, shown, f, span, lang=lang)

    selection_from_widgets(shown, dataset.places)
    selected = st.session_state.get("selected")
    map_col, panel_col = st.columns([2, 1])
    with map_col:
        if shown.empty:
            st.info(
                t.gettext(
                    "No incidents match these filters. Widen the date window or clear a filter."
                )
            )
        result = show_map(
            "map",
            {
                "incidents": shown,
                "routes": legs,
                "places": dataset.places,
                "selected": selected,
                "view": view_request(shown, legs, dataset.places),
                "pyramid_of": pyramid_of,
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
        st.subheader(t.gettext("Incident record"))
        group = st.session_state.get("selected_group")
        if group is not None and not selected:
            group_panel(shown, dataset.places, group, t)
        else:
            record_panel(dataset, selected, t)

    if not st.session_state.get(DRAWN_ONCE):
        # A session's first run draws the map and what is above the fold; the timeline and
        # the table come with the next run, which the map's first report (its centre and
        # zoom) starts at once. Their scripts (Vega, the data grid: 2 MB) no longer hold up
        # the map's on a first visit (10,000 incidents: 3.2 s to 2.6 s to a drawn map).
        st.session_state[DRAWN_ONCE] = True
        return
    chart = timeline_chart(dataset.incidents, shown, st.session_state["window"], lang=lang)
    if chart is not None:
        st.altair_chart(chart, width="stretch")
    if undated:
        st.caption(
            t.ngettext(
                "{n} shown incident has no stated year and is not on the timeline.",
                "{n} shown incidents have no stated year and are not on the timeline.",
                undated,
            )
        )

    incident_table(shown, t)


def record_panel(dataset: Dataset, incident_id: str | None, t: Translator) -> None:
    """The selected incident's sourced record, or how to select one."""
    if not incident_id:
        st.caption(
            t.gettext(
                "Click an incident on the map, or choose a row in the table, to read its "
                "sourced record here."
            )
        )
        return
    match = dataset.incidents[dataset.incidents["incident_id"] == incident_id]
    if match.empty:
        st.caption(t.gettext("The selected incident is not in the current data."))
        return
    st.html(f"<div class='record-panel'>{incident_popup_html(match.iloc[0], lang=t.lang)}</div>")
    auth.internal_notes(match.iloc[0])
    st.button(
        t.gettext("Clear selection"),
        key="clear_selection",
        on_click=lambda: st.session_state.update(selected=None),
    )


def group_panel(shown, places, group: tuple[int, int, int], t: Translator) -> None:
    """The incidents an aggregate on the map stands for (one that splits no further): how
    many, of which categories, and a list to choose one from (``map_panel`` selects it)."""
    zoom, cx, cy = group
    points = shown[drawn_as(shown, places) == POINT]
    rows = members(points, zoom, cx, cy)
    if rows.empty:
        st.caption(t.gettext("No incident of the current view is at that spot any more."))
        st.session_state["selected_group"] = None
        return
    lon = rows["longitude"].to_numpy(dtype=float).mean()
    lat = rows["latitude"].to_numpy(dtype=float).mean()
    near, names = nearest_place(np.array([lon]), np.array([lat]), places, lang=t.lang)
    n = t.number(len(rows))
    head = (
        t.gettext("{n} incidents around {place}", n=n, place=names[near[0]])
        if near[0] >= 0
        else t.gettext("{n} incidents here", n=n)
    )
    counts = rows["category"].value_counts()
    parts = [f"{t.gettext(CATEGORIES[k].label)} {t.number(int(v))}" for k, v in counts.items()]
    st.html(
        f"<div class='group-panel'><p class='group-head'><b>{esc(head)}</b></p>"
        f"<p class='group-cats'>{esc(' · '.join(parts))}</p></div>"
    )
    st.caption(t.gettext("Choose one to read its sourced record."))
    first_rows_note(len(rows), t)
    table = pd.DataFrame(
        rows[["incident_id", "date_text", "category", "location"]].head(TABLE_ROWS)
    )
    table["category"] = table["category"].map(
        {k: t.gettext(c.label) for k, c in CATEGORIES.items()}
    )
    st.session_state["_group_ids"] = list(table["incident_id"])
    st.dataframe(
        table.rename(columns={k: t.gettext(TABLE_COLUMNS[k]) for k in table.columns}),
        hide_index=True,
        width="stretch",
        height=300,
        on_select="rerun",
        selection_mode="single-row",
        key="group_table",
    )
    st.button(
        t.gettext("Clear selection"),
        key="clear_group",
        on_click=lambda: st.session_state.update(selected_group=None),
    )


def first_rows_note(total: int, t: Translator) -> None:
    """Under a table that shows only its first ``TABLE_ROWS`` of ``total`` rows, says so and
    where the rest are."""
    if total > TABLE_ROWS:
        st.caption(
            t.gettext(
                "The first {shown} of {total} filtered incidents. Narrow the filters, or "
                "export the CSV for all of them.",
                shown=t.number(TABLE_ROWS),
                total=t.number(total),
            )
        )


def incident_table(shown: pd.DataFrame, t: Translator) -> None:
    """The filtered incidents as a table; choosing a row selects it (``map_panel``). The
    headers, categories and confidence are in ``t``'s language; the data text is not. Only
    the first ``TABLE_ROWS`` rows travel to the browser (a million rows would be a hundred
    megabytes a rerun, and nobody scrolls them): the caption says so and where the rest is."""
    st.subheader(t.gettext("Filtered incidents"))
    first_rows_note(len(shown), t)
    table = pd.DataFrame(shown[list(TABLE_COLUMNS)].head(TABLE_ROWS))
    categories = {k: t.gettext(c.label) for k, c in CATEGORIES.items()}
    confidence = {k: t.gettext(v) for k, v in CONFIDENCE_NAMES.items()}
    table["category"] = table["category"].map(categories)
    table["confidence"] = table["confidence"].map(confidence).fillna(table["confidence"])
    table["actors"] = table["actors"].replace("", t.gettext(OTHER_ACTOR))
    st.session_state["_table_ids"] = list(table["incident_id"])
    st.dataframe(
        table.rename(columns={k: t.gettext(v) for k, v in TABLE_COLUMNS.items()}),
        hide_index=True,
        width="stretch",
        on_select="rerun",
        selection_mode="single-row",
        key="table",
    )
