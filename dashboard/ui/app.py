"""Streamlit shell over the dashboard core: ``streamlit run dashboard/ui/app.py``.

Open other files with ``-- --incidents PATH`` (``--routes``, ``--places``; or
DASHBOARD_INCIDENTS, DASHBOARD_ROUTES, DASHBOARD_PLACES).
All state a journalist sets (filters, window, selection, map view, basemap) lives in
the URL, so a pasted link reopens the same view.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

import altair as alt  # noqa: E402
import pandas as pd  # noqa: E402
import streamlit as st  # noqa: E402
import streamlit.components.v1 as components  # noqa: E402
from streamlit_folium import st_folium  # noqa: E402

from dashboard import DEFAULT_INCIDENTS  # noqa: E402
from dashboard.dataset import Dataset  # noqa: E402
from dashboard.export import ASPECTS, ExportError, SnapshotSpec, mime_type, render  # noqa: E402
from dashboard.filters import (  # noqa: E402
    Filters,
    about_line,
    count_line,
    country_names,
    data_window,
    describe,
    filter_incidents,
    monthly_counts,
    routes_for,
    view_subtitle,
)
from dashboard.htmlsafe import esc  # noqa: E402
from dashboard.incidents import effective_end  # noqa: E402
from dashboard.mapview import (  # noqa: E402
    BASEMAPS,
    PRESENTATION_MAX_ZOOM,
    base_map,
    citation_html,
    date_window_text,
    incident_popup_html,
    map_layers,
    marker_svg,
    result_bounds,
)
from dashboard.places import PLACES_PATH  # noqa: E402
from dashboard.problems import Problem, errors  # noqa: E402
from dashboard.routes import ROUTES_PATH  # noqa: E402
from dashboard.store import open_store  # noqa: E402
from dashboard.stories import STORIES_PATH, Story, check_stories, date_order_steps  # noqa: E402
from dashboard.ui import auth, storedata  # noqa: E402
from dashboard.ui.editor import editing_enabled, editor_panel  # noqa: E402
from dashboard.ui.importer import import_panel  # noqa: E402
from dashboard.urlstate import ViewState, parse_state, state_params  # noqa: E402
from dashboard.vague.areas import incident_area  # noqa: E402
from dashboard.vocab import (  # noqa: E402
    ACTOR_GROUPS,
    CATEGORIES,
    CONFIDENCE,
    OTHER_ACTOR,
    PRECISIONS,
)

STATIC_APP = Path(__file__).resolve().parents[1] / "static" / "app"
PLAY_STEPS = {"1 week": 7, "1 month": 30, "3 months": 91, "1 year": 365}
PLAY_SPEEDS = {"slow": 2.5, "normal": 1.2, "fast": 0.5}
TIMELINE_DETAIL_LIMIT = 500  # above this the timeline shows monthly counts


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


def _stamp(path: str) -> tuple:
    try:
        s = Path(path).stat()
        return (path, s.st_mtime_ns, s.st_size)
    except OSError:
        return (path, None, None)


def static_text(name: str) -> str:
    return (STATIC_APP / name).read_text(encoding="utf-8")


def current_store():
    """Where the data lives: the CSV files, or the newsroom database when
    DASHBOARD_DATABASE_URL is set (a cheap object; the data is cached per data version)."""
    return open_store(*data_paths())


def may_edit() -> bool:
    """Editing: once editor accounts exist (a shared app) only for a signed-in editor;
    before that only on a journalist's own machine, switched on with DASHBOARD_EDITING=1 or
    --editing. Viewing is always open."""
    if auth.editor_accounts():
        return auth.can_edit()
    return editing_enabled()


def init_state(dataset: Dataset) -> None:
    """Seed widget state from the URL once per session; later runs own the state."""
    if st.session_state.get("_initialised") == dataset.incidents_path:
        return
    span = data_window(dataset.incidents)
    params = st.query_params.to_dict()
    state = parse_state(params, span)
    st.session_state.update(
        window=(state.filters.start or span[0], state.filters.end or span[1]),
        undated=state.filters.include_undated,
        categories=sorted(state.filters.categories & set(CATEGORIES)),
        actors=sorted(state.filters.actors),
        countries=sorted(state.filters.countries),
        admin1=sorted(state.filters.admin1),
        confidence=sorted(state.filters.confidence & set(CONFIDENCE)),
        text=state.filters.text,
        basemap=state.basemap if state.basemap in BASEMAPS else "offline",
        selected=state.selected,
        view=(state.center, state.zoom),
        playing=False,
        briefing=state.briefing,
        story=state.story or "",
        step=state.step,
        _initialised=dataset.incidents_path,
        _views=0,
    )
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


def reset_filters(span: tuple[dt.date, dt.date]) -> None:
    state = st.session_state
    cleared = dict(
        window=span,
        undated=True,
        categories=[],
        actors=[],
        countries=[],
        admin1=[],
        confidence=[],
        text="",
    )
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


def current_filters(span: tuple[dt.date, dt.date]) -> Filters:
    start, end = st.session_state["window"]
    full = (start, end) == span
    return Filters(
        start=None if full else start,
        end=None if full else end,
        include_undated=st.session_state["undated"],
        categories=frozenset(st.session_state["categories"]),
        actors=frozenset(st.session_state["actors"]),
        countries=frozenset(st.session_state["countries"]),
        admin1=frozenset(st.session_state["admin1"]),
        confidence=frozenset(st.session_state["confidence"]),
        text=st.session_state["text"],
    )


def step_window(span: tuple[dt.date, dt.date], days: int) -> None:
    """Move the window by ``days`` keeping its width; stop playing at the end.

    Called only before the slider exists in a run (from a button callback, or at the top of
    a run while playing): Streamlit refuses changes to a widget's state after it is drawn.
    """
    start, end = st.session_state["window"]
    width = end - start
    if width >= span[1] - span[0]:  # the whole span: step through it one step at a time
        width = dt.timedelta(days=abs(days))
        start = span[0] if days > 0 else span[1] - width
        st.session_state["window"] = (start, min(start + width, span[1]))
        return
    new_start = min(max(span[0], start + dt.timedelta(days=days)), span[1] - width)
    st.session_state["window"] = (new_start, new_start + width)
    if new_start + width >= span[1]:
        st.session_state["playing"] = False


def start_playing(span: tuple[dt.date, dt.date], days: int) -> None:
    """Play from the window shown: the whole span starts one step wide at its beginning, and
    a window already at the end starts again from the beginning."""
    start, end = st.session_state["window"]
    width = end - start
    if width >= span[1] - span[0]:
        step_window(span, days)
    elif end >= span[1]:
        st.session_state["window"] = (span[0], span[0] + width)
    st.session_state["playing"] = True


def sidebar(dataset: Dataset, span: tuple[dt.date, dt.date]) -> None:
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
        on_click=(lambda: st.session_state.update(playing=False)) if playing else start_playing,
        args=() if playing else (span, days),
        width="stretch",
        type="primary" if playing else "secondary",
    )
    b1, b3 = sb.columns(2)
    b1.button("◀ Step back", on_click=step_window, args=(span, -days), width="stretch")
    b3.button("Step on ▶", on_click=step_window, args=(span, days), width="stretch")

    sb.header("Map")
    sb.radio("Basemap", list(BASEMAPS), key="basemap", format_func=BASEMAPS.get)

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


def timeline(
    inc: pd.DataFrame, shown: pd.DataFrame, window: tuple[dt.date, dt.date]
) -> alt.Chart | None:
    """Incidents over time; one mark per incident when few, monthly counts when many.

    Above TIMELINE_DETAIL_LIMIT the browser gets ``monthly_counts`` (at most one row per month
    and category) instead of every incident: at 100,000 that was ~97,000 rows per rerun.
    """
    dated = inc.loc[inc["date_start"].notna(), ["incident_id", "category", "date_start"]]
    if dated.empty:
        return None
    labels = {key: c.label for key, c in CATEGORIES.items()}
    domain = [c.label for c in CATEGORIES.values()]
    colours = [c.colour for c in CATEGORIES.values()]
    colour = alt.Color("label:N", scale=alt.Scale(domain=domain, range=colours), title="Category")
    band = (
        alt.Chart(
            pd.DataFrame({"start": [pd.Timestamp(window[0])], "end": [pd.Timestamp(window[1])]})
        )
        .mark_rect(color="#f2d13c", opacity=0.25)
        .encode(x="start:T", x2="end:T")
    )
    if len(dated) <= TIMELINE_DETAIL_LIMIT:
        detail = pd.DataFrame(
            inc.loc[dated.index, ["incident_id", "date_start", "date_end", "date_text", "location"]]
        )
        # An end the source does not state (issue 12) runs to the window's end, not beyond.
        detail["date_end"] = effective_end(
            detail, max(pd.Timestamp(window[1]), detail["date_start"].max())
        )
        detail["label"] = dated["category"].map(labels)
        detail["shown"] = dated.index.isin(shown.index)
        base = alt.Chart(detail).encode(
            y=alt.Y("label:N", title=None, sort=domain),
            color=colour,
            opacity=alt.condition("datum.shown", alt.value(1.0), alt.value(0.25)),
            tooltip=["incident_id", "date_text", "location", "label"],
        )
        marks = base.mark_rule(strokeWidth=6).encode(
            x=alt.X("date_start:T", title=None), x2="date_end:T"
        ) + base.mark_point(filled=True, size=60).encode(x="date_start:T")
        height = 28 * detail["label"].nunique() + 40
    else:
        months = monthly_counts(inc, pd.Series(inc.index.isin(shown.index), index=inc.index))
        months["status"] = months["shown"].map({True: "shown", False: "filtered out"})
        marks = (
            alt.Chart(months)
            .mark_bar()
            .encode(
                x=alt.X("month:T", title=None, timeUnit="yearmonth"),
                y=alt.Y("sum(n):Q", title="Incidents per month"),
                color=colour,
                opacity=alt.condition("datum.shown", alt.value(1.0), alt.value(0.25)),
                order=alt.Order("shown:N", sort="descending"),
                tooltip=[
                    alt.Tooltip("month:T", timeUnit="yearmonth", title="Month"),
                    "label",
                    "status",
                    alt.Tooltip("sum(n):Q", title="Incidents"),
                ],
            )
        )
        height = 200
    return (band + marks).properties(height=height).configure_axisY(labelLimit=220)


def record_panel(dataset: Dataset, incident_id: str | None) -> None:
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


@st.cache_resource(max_entries=8)
def _stories(stamp: tuple, version: str, _dataset: Dataset) -> dict[str, Story]:
    """Keyed on the stories file's stamp and the data version: hashing every incident id on
    each rerun cost seconds at 100k."""
    legs = set(zip(_dataset.routes["route_id"], _dataset.routes["leg"], strict=True))
    stories, _ = check_stories(set(_dataset.incidents["incident_id"]), legs)
    return stories


def load_stories(dataset: Dataset) -> dict[str, Story]:
    """Stories whose incidents are all in the loaded data (others are left out)."""
    return _stories(_stamp(str(STORIES_PATH)), st.session_state.get("_data_version", ""), dataset)


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


def briefing_steps(dataset: Dataset, shown: pd.DataFrame, legs: pd.DataFrame, f: Filters, span):
    """The steps to present, their incidents and legs, the title and the intro."""
    stories = load_stories(dataset)
    story = stories.get(st.session_state.get("story") or "")
    if story is None:
        return (
            date_order_steps(shown),
            shown,
            legs,
            "Crackdown on North Korean escapees",
            (describe(f, span, int(shown["date_start"].isna().sum()))),
        )
    steps = story.steps
    ids = [s.incident_id for s in steps]
    incidents = dataset.incidents[dataset.incidents["incident_id"].isin(ids)]
    story_legs = {(s.route_id, s.leg) for s in steps if s.route_id}
    route_legs = dataset.routes[
        [
            (r, leg) in story_legs
            for r, leg in zip(dataset.routes["route_id"], dataset.routes["leg"], strict=True)
        ]
    ]
    return steps, incidents, route_legs, story.title, story.intro


def briefing_view(
    dataset: Dataset, shown: pd.DataFrame, legs: pd.DataFrame, f: Filters, span
) -> None:
    """Presentation: large type, one incident at a time, Previous / Next / Exit at the top and
    the arrow keys and Esc to step and leave."""
    st.html(f"<style>{static_text('briefing.css')}</style>")
    steps, incidents, route_legs, title, what = briefing_steps(dataset, shown, legs, f, span)
    n = len(steps)
    i = min(max(int(st.session_state.get("step") or 0), 0), max(n - 1, 0))
    st.session_state["step"] = i
    head, b1, b2, b3 = st.columns([6, 1.1, 1.1, 1.2], vertical_alignment="bottom")
    head.html(
        f"<div class='brief-title'><span class='where-in'>Step {i + 1 if n else 0} of {n}</span>"
        f"<h1>{esc(title)}</h1><p class='what'>{esc(what)}</p></div>"
    )
    b1.button(
        "◀ Previous",
        disabled=i == 0 or n == 0,
        width="stretch",
        on_click=lambda: st.session_state.update(step=i - 1),
    )
    b2.button(
        "Next ▶",
        disabled=i >= n - 1,
        width="stretch",
        type="primary",
        on_click=lambda: st.session_state.update(step=i + 1),
    )
    b3.button(
        "Exit briefing", width="stretch", on_click=lambda: st.session_state.update(briefing=False)
    )
    components.html(f"<script>{static_text('keys.js')}</script>", height=0)
    if n == 0:
        st.info("Nothing to present: no incidents match the current filters.")
        return
    step = steps[i]
    row = dataset.incidents[dataset.incidents["incident_id"] == step.incident_id].iloc[0]
    area = incident_area(row, dataset.places)
    if area is not None:  # drawn as its country, province or border: show all of it
        w, s, e, n_ = area[2].bounds
    else:
        pad = max(0.3, PRECISIONS[int(row["geo_precision"])].radius_km / 111.32)
        (s, w), (n_, e) = (
            (row["latitude"] - pad, row["longitude"] - pad),
            (row["latitude"] + pad, row["longitude"] + pad),
        )
    if step.route_id:
        leg_rows = route_legs[
            (route_legs["route_id"] == step.route_id) & (route_legs["leg"] == step.leg)
        ]
        if len(leg_rows):
            lx0, ly0, lx1, ly1 = leg_rows.total_bounds
            s, w, n_, e = min(s, ly0), min(w, lx0), max(n_, ly1), max(e, lx1)
    map_col, card_col = st.columns([2.3, 1])
    with map_col:
        show_map(
            "brief_map",
            {
                "incidents": incidents,
                "routes": route_legs,
                "places": dataset.places,
                "selected": step.incident_id,
                "highlight_leg": (step.route_id, step.leg) if step.route_id else None,
                "view": {
                    "token": f"step-{st.session_state.get('story')}-{i}",
                    "bounds": [[s, w], [n_, e]],
                    "maxZoom": PRESENTATION_MAX_ZOOM,
                },
            },
            presentation=True,
            returned=[],
        )
    cat = CATEGORIES[row["category"]]
    precision = PRECISIONS[int(row["geo_precision"])]
    approx = " (approximate)" if precision.level >= 2 else ""
    unconfirmed = (
        "<span class='unconfirmed'>Unconfirmed</span> "
        if row["confidence"] == "unconfirmed"
        else ""
    )
    with card_col:
        st.html(
            f"<div class='brief-card' data-incident='{esc(row['incident_id'])}' style='--cat:{cat.colour}'>"
            f"<div class='cat'>{marker_svg(row['category'], 18)} {esc(cat.label)} · {esc(row['incident_id'])}</div>"
            f"<div class='when'>{unconfirmed}{esc(row['date_text'])}</div>"
            f"<div class='place'>{esc(date_window_text(row))}<br>{esc(row['location'])}{approx}</div>"
            f"<div class='summary'>{esc(row['summary'])}</div>"
            f"<div class='cite'>{citation_html(row)}</div></div>"
        )
        st.html(
            "<p class='brief-hint'>Keys: <kbd>→</kbd> next, <kbd>←</kbd> previous, "
            "<kbd>Esc</kbd> leave briefing.</p>"
        )


EXPORTS = [
    ("png", False, "PNG image"),
    ("pdf", False, "PDF map"),
    ("pdf", True, "Briefing sheet (PDF)"),
    ("svg", False, "SVG image"),
    ("html", False, "Interactive HTML map"),
    ("csv", False, "CSV data"),
    ("geojson", False, "GeoJSON data"),
]


def export_menu(dataset: Dataset, shown, legs, f: Filters, span) -> None:
    """Exports of this view, one click from the top of the page. The controls are built only
    while the menu is open, so a page that never exports does not pay for them."""
    menu = st.popover("Export…", key="export_open", on_change="rerun", width="stretch")
    if not menu.open:
        return
    with menu:
        title = st.text_input(
            "Title", value="Crackdown on North Korean escapees", key="export_title"
        )
        c1, c2 = st.columns(2)
        aspect = c1.selectbox("Aspect", list(ASPECTS), key="export_aspect")
        width = c2.selectbox("Width (px)", [2400, 3600, 4800, 1600], key="export_width")
        subtitle = view_subtitle(f, span, shown, len(dataset.incidents), legs)
        spec = SnapshotSpec(title=title, subtitle=subtitle, aspect=aspect, width_px=width)
        stamp = dt.date.today().isoformat()
        for fmt, sheet, label in EXPORTS:

            def make(fmt=fmt, sheet=sheet) -> bytes:
                try:
                    return render(fmt, shown, legs, dataset.places, spec, sheet=sheet)
                except ExportError as exc:
                    return f"Export failed: {exc}".encode()

            name = f"escapee-crackdown-{stamp}{'-sheet' if sheet else ''}.{fmt}"
            st.download_button(
                label,
                data=make,
                file_name=name,
                mime=mime_type(fmt),
                key=f"dl_{fmt}_{sheet}",
                width="stretch",
            )


def selection_from_widgets(shown: pd.DataFrame, places) -> None:
    """Take a map click or a table row chosen since the last run, before anything is drawn,
    so the map and the record panel show the new selection in this same run."""
    clicked = (st.session_state.get("map") or {}).get("last_object_clicked_popup")
    if clicked and clicked != st.session_state.get("_last_click"):
        st.session_state["_last_click"] = clicked
        iid = clicked.rsplit("#", 1)[0]
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


def explore_view(dataset: Dataset, shown, legs, f: Filters, span) -> None:
    st.html(f"<style>{static_text('explore.css')}</style>")
    st.html(
        "<div class='page-head'><h1>Crackdown on North Korean escapees</h1>"
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
            returned=["last_object_clicked_popup", "center", "zoom"],
        )
    if result and result.get("center") and result.get("zoom") is not None:
        st.session_state["view"] = (
            (round(result["center"]["lat"], 4), round(result["center"]["lng"], 4)),
            round(float(result["zoom"]), 2),
        )
    with panel_col:
        st.subheader("Incident record")
        record_panel(dataset, selected)

    chart = timeline(dataset.incidents, shown, st.session_state["window"])
    if chart is not None:
        st.altair_chart(chart, width="stretch")
    if undated:
        st.caption(f"{undated} shown incident(s) have no stated year and are not on the timeline.")

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


def problems_banner(dataset: Dataset | None, problems: list[Problem], stale: bool) -> None:
    """Rows that were not loaded, each with its problem, and a way to load the file again."""
    rejected = dataset.rejected if dataset is not None and not stale else errors(problems)
    if not rejected:
        return
    if dataset is not None and not stale:
        head = (
            f"{dataset.rows_rejected} of {dataset.rows_in_file} rows not loaded from "
            f"{dataset.incidents_path}: the map shows the other {len(dataset.incidents)}."
        )
    else:
        head = "The incidents file could not be loaded."
        if stale:
            last = st.session_state.get(storedata.LAST_GOOD_KEY)
            head += f" Showing the last good data, loaded at {last[2]}." if last else ""
    box = st.container(border=True)
    box.error(head, icon="⚠️")
    listing = "\n".join(str(p) for p in rejected[:200])
    more = f"\n… and {len(rejected) - 200} more" if len(rejected) > 200 else ""
    box.code(listing + more, language=None, wrap_lines=True)
    c1, c2 = box.columns([1, 4], vertical_alignment="center")
    c1.button("Reload the file", key="reload", on_click=storedata.reload)
    c2.caption("Fix the rows in the file, save it, then reload (or just keep working).")


def data_desk(store, dataset: Dataset) -> None:
    """Adding, editing and importing incidents, for those who may (``may_edit``)."""
    if not may_edit():
        return
    st.subheader("Add, edit or import incidents")
    editor = auth.current_editor()
    if editor:  # a signed-in editor's changes carry their account name in the history
        st.session_state["ed_author"] = editor
    editor_panel(store, dataset, enabled=True)
    with st.expander("Import incidents from a file (spreadsheet, ACLED, UCDP, GeoJSON, KML)"):
        if import_panel(store, editing=True):
            storedata.reload()
            st.rerun()


def main() -> None:
    st.set_page_config(
        page_title="Crackdown on North Korean escapees", page_icon="🗺️", layout="wide"
    )
    store = current_store()
    dataset, problems, stale, outage, version = storedata.load_current(store)
    storedata.show_outage(outage)
    if dataset is None:
        st.html("<h1>Crackdown on North Korean escapees</h1>")
        problems_banner(None, problems, stale)
        st.stop()
    dataset = auth.visible_dataset(dataset, version)  # internal notes for editors only
    st.session_state["_data_version"] = version
    problems_banner(dataset, problems, stale)
    notes = [str(p) for p in problems if p.severity == "warning"]
    if notes:
        with st.expander(f"{len(notes)} warning(s) about the data files"):
            st.code("\n".join(notes), language=None, wrap_lines=True)

    init_state(dataset)
    guard_reset()
    span = data_window(dataset.incidents)
    if st.session_state.pop("_tick", False) and st.session_state["playing"]:
        step_window(span, PLAY_STEPS[st.session_state.get("play_step", "1 month")])
    f = current_filters(span)  # the widgets' keyed state, set before this run started
    shown = filter_incidents(dataset.incidents, f)
    legs = routes_for(dataset.routes, shown)
    if st.session_state["briefing"]:
        briefing_view(dataset, shown, legs, f, span)
    else:
        explore_view(dataset, shown, legs, f, span)
        data_desk(store, dataset)
    # After the main view, so the browser gets the map first and the sidebar's widgets load
    # while it draws. Always rendered (hidden in briefing) so widget state survives.
    sidebar(dataset, span)
    with st.sidebar:
        auth.sign_in_panel()

    st.query_params.from_dict(
        state_params(
            ViewState(
                filters=f,
                basemap=st.session_state["basemap"],
                selected=st.session_state.get("selected"),
                center=st.session_state["view"][0],
                zoom=st.session_state["view"][1],
                briefing=st.session_state["briefing"],
                story=st.session_state.get("story") or None,
                step=st.session_state.get("step") or 0,
            ),
            span,
        )
    )

    if st.session_state["playing"] and not st.session_state["briefing"]:
        time.sleep(PLAY_SPEEDS[st.session_state["play_speed"]])
        st.session_state["_tick"] = True
        st.rerun()


main()
