"""Streamlit shell over the dashboard core: ``streamlit run dashboard/app.py``.

Open another incidents file with ``-- --incidents PATH`` (or DASHBOARD_INCIDENTS).
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

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import altair as alt  # noqa: E402
import pandas as pd  # noqa: E402
import streamlit as st  # noqa: E402
import streamlit.components.v1 as components  # noqa: E402
from streamlit_folium import st_folium  # noqa: E402

from dashboard import DEFAULT_INCIDENTS  # noqa: E402
from dashboard.dataset import Dataset, check_dataset  # noqa: E402
from dashboard.export import ASPECTS, ExportError, SnapshotSpec, mime_type, render  # noqa: E402
from dashboard.filters import (  # noqa: E402
    Filters,
    country_names,
    data_window,
    describe,
    filter_incidents,
    monthly_counts,
    prepare,
    routes_for,
)
from dashboard.htmlsafe import esc  # noqa: E402
from dashboard.incidents import effective_end  # noqa: E402
from dashboard.mapview import (  # noqa: E402
    BASEMAPS,
    build_map,
    citation_html,
    date_window_text,
    incident_popup_html,
    view_for,
)
from dashboard.places import PLACES_PATH  # noqa: E402
from dashboard.problems import Problem, errors  # noqa: E402
from dashboard.routes import ROUTES_PATH  # noqa: E402
from dashboard.stories import Story, check_stories, date_order_steps  # noqa: E402
from dashboard.urlstate import DEFAULT_VIEW, ViewState, parse_state, state_params  # noqa: E402
from dashboard.vocab import (  # noqa: E402
    ACTOR_GROUPS,
    CATEGORIES,
    CONFIDENCE,
    OTHER_ACTOR,
    PRECISIONS,
)

PLAY_STEPS = {"1 week": 7, "1 month": 30, "3 months": 91, "1 year": 365}
PLAY_SPEEDS = {"slow": 2.5, "normal": 1.2, "fast": 0.5}
TIMELINE_DETAIL_LIMIT = 500  # above this the timeline shows monthly counts


def incidents_path() -> str:
    parser = argparse.ArgumentParser(add_help=False)
    parser.add_argument("--incidents")
    args, _ = parser.parse_known_args(sys.argv[1:])
    return args.incidents or os.environ.get("DASHBOARD_INCIDENTS") or str(DEFAULT_INCIDENTS)


def _stamp(path: str) -> tuple:
    try:
        s = Path(path).stat()
        return (path, s.st_mtime_ns, s.st_size)
    except OSError:
        return (path, None, None)


@st.cache_resource(show_spinner="Loading incidents…", max_entries=8)
def _load(stamps: tuple) -> tuple[Dataset | None, list[Problem]]:
    """Load once per file version: the key changes when any file's mtime or size does."""
    inc, routes, places = (s[0] for s in stamps)
    dataset, problems = check_dataset(inc, routes, places)
    if dataset is not None:
        dataset.incidents = prepare(dataset.incidents, dataset.places)
    return dataset, problems


def load_current() -> tuple[Dataset | None, list[Problem], bool]:
    """The dataset to show, its problems, and whether it is a stale last-good copy."""
    stamps = tuple(_stamp(p) for p in (incidents_path(), str(ROUTES_PATH), str(PLACES_PATH)))
    dataset, problems = _load(stamps)
    if dataset is not None:
        st.session_state["last_good"] = (dataset, time.strftime("%H:%M:%S"))
        return dataset, problems, False
    last = st.session_state.get("last_good")
    if last is not None:
        return last[0], problems, True
    return None, problems, False


def init_state(dataset: Dataset) -> None:
    """Seed widget state from the URL once per session; later runs own the state."""
    if st.session_state.get("_initialised") == dataset.incidents_path:
        return
    span = data_window(dataset.incidents)
    state = parse_state(st.query_params.to_dict(), span)
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
        story=state.story,
        step=state.step,
        _initialised=dataset.incidents_path,
    )


def reset_filters(span: tuple[dt.date, dt.date]) -> None:
    st.session_state.update(
        window=span,
        undated=True,
        categories=[],
        actors=[],
        countries=[],
        admin1=[],
        confidence=[],
        text="",
        selected=None,
        playing=False,
    )


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
    """Move the window by ``days`` keeping its width; stop playing at the end."""
    start, end = st.session_state["window"]
    width = end - start
    new_start = min(max(span[0], start + dt.timedelta(days=days)), span[1] - width)
    st.session_state["window"] = (new_start, new_start + width)
    if new_start + width >= span[1]:
        st.session_state["playing"] = False


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
    b1, b2, b3 = sb.columns(3)
    b1.button("◀ Step", on_click=step_window, args=(span, -days), width="stretch")
    if st.session_state["playing"]:
        b2.button(
            "■ Stop",
            on_click=lambda: st.session_state.update(playing=False),
            width="stretch",
        )
    else:
        b2.button(
            "▶ Play",
            on_click=lambda: st.session_state.update(playing=True),
            width="stretch",
        )
    b3.button("Step ▶", on_click=step_window, args=(span, days), width="stretch")

    sb.header("Map")
    sb.radio("Basemap", list(BASEMAPS), key="basemap", format_func=BASEMAPS.get)

    sb.header("Briefing")
    stories = load_stories(dataset)
    options = [None, *stories]
    sb.selectbox(
        "Story",
        options,
        key="story",
        format_func=lambda k: (
            "Filtered incidents, in date order" if k is None else stories[k].title
        ),
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
    st.subheader("Incident record")
    if not incident_id:
        st.caption(
            "Click an incident on the map, or choose a row in the table, to see its sourced record."
        )
        return
    match = dataset.incidents[dataset.incidents["incident_id"] == incident_id]
    if match.empty:
        st.caption("The selected incident is not in the current data.")
        return
    st.html(f"<div class='record-panel'>{incident_popup_html(match.iloc[0])}</div>")
    if st.button("Clear selection"):
        st.session_state["selected"] = None
        st.rerun()


@st.cache_resource(max_entries=8)
def _stories(stamp: tuple, data_stamp: tuple, _dataset: Dataset) -> dict[str, Story]:
    """Keyed on file stamps: hashing every incident id on each rerun cost seconds at 100k."""
    legs = set(zip(_dataset.routes["route_id"], _dataset.routes["leg"], strict=True))
    stories, _ = check_stories(set(_dataset.incidents["incident_id"]), legs)
    return stories


def load_stories(dataset: Dataset) -> dict[str, Story]:
    """Stories whose incidents are all in the loaded data (others are left out)."""
    from dashboard.stories import STORIES_PATH

    data_stamp = tuple(_stamp(p) for p in (dataset.incidents_path, str(ROUTES_PATH)))
    return _stories(_stamp(str(STORIES_PATH)), data_stamp, dataset)


BRIEFING_CSS = """
<style>
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"], header[data-testid="stHeader"],
[data-testid="stToolbar"], [data-testid="stDecoration"], footer { display: none !important; }
.block-container, [data-testid="stMainBlockContainer"] { padding-top: 1rem !important; max-width: 100% !important; }
.stApp { background: #ffffff; color: #111; }
.brief-title { border-bottom: 3px solid #111; padding-bottom: .4rem; margin-bottom: .3rem; }
.brief-title h1 { font-size: 2.3rem; line-height: 1.15; margin: 0; color: #111; }
.brief-title .what { font-size: 1.25rem; color: #333; margin: .2rem 0 0; }
.brief-title .where-in { font-size: 1.1rem; color: #555; float: right; }
.brief-card { font-size: 1.3rem; line-height: 1.45; color: #111; border-left: 8px solid var(--cat);
  padding: .2rem 0 .2rem 1rem; }
.brief-card .cat { font-weight: 700; text-transform: uppercase; letter-spacing: .04em; color: var(--cat);
  font-size: 1.05rem; }
.brief-card .when { font-size: 1.5rem; font-weight: 700; margin: .3rem 0; }
.brief-card .place { font-size: 1.2rem; color: #333; }
.brief-card .summary { margin: .7rem 0; }
.brief-card .cite { font-size: 1rem; color: #444; }
.stButton button p { font-size: 1.2rem; }
</style>
"""

KEYS_JS = """
<script>
// Install the listener in the app page itself (not this helper iframe), once, so it keeps
// working when Streamlit replaces the iframe on a rerun.
const doc = window.parent.document;
if (!doc.getElementById("briefing-keys")) {
  const script = doc.createElement("script");
  script.id = "briefing-keys";
  script.textContent = `
    document.addEventListener("keydown", (e) => {
      if (!document.querySelector(".brief-title")) return;
      if (["INPUT", "TEXTAREA", "SELECT"].includes(e.target.tagName)) return;
      const want = e.key === "ArrowRight" ? "Next" : e.key === "ArrowLeft" ? "Previous" : null;
      if (!want) return;
      const button = [...document.querySelectorAll("button")].find((b) => b.innerText.includes(want));
      if (button && !button.disabled) { button.click(); e.preventDefault(); }
    });`;
  doc.head.appendChild(script);
}
</script>
"""


def briefing_view(
    dataset: Dataset, shown: pd.DataFrame, legs: pd.DataFrame, f: Filters, span
) -> None:
    """Presentation: no controls but Previous/Next, large type, one incident at a time."""
    st.html(BRIEFING_CSS)
    stories = load_stories(dataset)
    story = stories.get(st.session_state.get("story") or "")
    if story is not None:
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
        title, what = story.title, story.intro
    else:
        steps = date_order_steps(shown)
        incidents, route_legs = shown, legs
        title, what = "Crackdown on North Korean escapees", describe(f, span)
    n = len(steps)
    i = min(max(int(st.session_state.get("step") or 0), 0), max(n - 1, 0))
    st.session_state["step"] = i
    st.html(
        f"<div class='brief-title'><span class='where-in'>Step {i + 1 if n else 0} of {n}</span>"
        f"<h1>{esc(title)}</h1><p class='what'>{esc(what)}</p></div>"
    )
    if n == 0:
        st.info("Nothing to present: no incidents match the current filters.")
        st.button("Exit briefing", on_click=lambda: st.session_state.update(briefing=False))
        return
    step = steps[i]
    row = dataset.incidents[dataset.incidents["incident_id"] == step.incident_id].iloc[0]
    level = int(row["geo_precision"])
    pad = max(0.3, PRECISIONS[level].radius_km / 111.32)
    minx, miny, maxx, maxy = (
        row["longitude"] - pad,
        row["latitude"] - pad,
        row["longitude"] + pad,
        row["latitude"] + pad,
    )
    if step.route_id:
        leg_rows = route_legs[
            (route_legs["route_id"] == step.route_id) & (route_legs["leg"] == step.leg)
        ]
        if len(leg_rows):
            lx0, ly0, lx1, ly1 = leg_rows.total_bounds
            minx, miny, maxx, maxy = min(minx, lx0), min(miny, ly0), max(maxx, lx1), max(maxy, ly1)
    (clat, clon), step_zoom = view_for((minx, miny, maxx, maxy))
    map_col, card_col = st.columns([2.3, 1])
    with map_col:
        m = build_map(
            incidents,
            route_legs,
            dataset.places,
            basemap_name=st.session_state["basemap"],
            center=DEFAULT_VIEW[0],
            zoom=DEFAULT_VIEW[1],
            selected=step.incident_id,
            highlight_leg=(step.route_id, step.leg) if step.route_id else None,
            presentation=True,
        )
        st_folium(
            m,
            height=640,
            use_container_width=True,
            center=(clat, clon),
            zoom=step_zoom,
            returned_objects=[],
            key="brief_map",
        )
    cat = CATEGORIES[row["category"]]
    precision = PRECISIONS[int(row["geo_precision"])]
    approx = " (approximate)" if precision.level >= 2 else ""
    with card_col:
        st.html(
            f"<div class='brief-card' data-incident='{esc(row['incident_id'])}' style='--cat:{cat.colour}'>"
            f"<div class='cat'>{esc(cat.label)} · {esc(row['incident_id'])}</div>"
            f"<div class='when'>{esc(row['date_text'])}</div>"
            f"<div class='place'>{esc(date_window_text(row))}<br>{esc(row['location'])}{approx}</div>"
            f"<div class='summary'>{esc(row['summary'])}</div>"
            f"<div class='cite'>{citation_html(row)}</div></div>"
        )
    b1, b2, _, b3 = st.columns([1, 1, 3, 1])
    b1.button(
        "◀ Previous",
        disabled=i == 0,
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
    components.html(KEYS_JS, height=0)


def export_panel(dataset: Dataset, shown, legs, f: Filters, span) -> None:
    """Download buttons; files are made only when a button is clicked.

    The controls are only built while the panel is open (opening it reruns the app), so a
    page that never exports does not load and draw them: ~0.2 s of each page open at 10,000.
    """
    panel = st.expander(
        "Export this view (PNG, SVG, PDF, briefing sheet, HTML, CSV, GeoJSON)",
        key="export_open",
        on_change="rerun",
    )
    if not panel.open:
        return
    with panel:
        c1, c2, c3 = st.columns([2, 1, 1])
        title = c1.text_input(
            "Title", value="Crackdown on North Korean escapees", key="export_title"
        )
        aspect = c2.selectbox("Aspect", list(ASPECTS), key="export_aspect")
        width = c3.selectbox("Width (px)", [2400, 3600, 4800, 1600], key="export_width")
        subtitle = (
            f"{describe(f, span)} · {len(shown)} of {len(dataset.incidents)} incidents, "
            f"{len(legs)} route legs"
        )
        spec = SnapshotSpec(title=title, subtitle=subtitle, aspect=aspect, width_px=width)
        stamp = dt.date.today().isoformat()
        buttons = [
            ("png", False, "PNG image"),
            ("svg", False, "SVG image"),
            ("pdf", False, "PDF map"),
            ("pdf", True, "PDF briefing sheet"),
            ("html", False, "Interactive HTML"),
            ("csv", False, "CSV data"),
            ("geojson", False, "GeoJSON data"),
        ]
        cols = st.columns(len(buttons))
        for col, (fmt, sheet, label) in zip(cols, buttons, strict=True):

            def make(fmt=fmt, sheet=sheet) -> bytes:
                try:
                    return render(fmt, shown, legs, dataset.places, spec, sheet=sheet)
                except ExportError as exc:
                    return f"Export failed: {exc}".encode()

            name = f"escapee-crackdown-{stamp}{'-sheet' if sheet else ''}.{fmt}"
            col.download_button(
                label,
                data=make,
                file_name=name,
                mime=mime_type(fmt),
                key=f"dl_{fmt}_{sheet}",
                width="stretch",
            )


def explore_view(dataset: Dataset, shown, legs, f: Filters, span) -> None:
    st.title("Crackdown on North Korean escapees")
    st.html(
        f"<div class='subtitle' style='font-size:1.05rem;color:#444'>{esc(describe(f, span))}</div>"
    )
    count = (
        f"{len(shown)} of {len(dataset.incidents)} incidents, "
        f"{len(legs)} of {len(dataset.routes)} route legs"
    )
    st.markdown(f"**{count}**")

    selected = st.session_state.get("selected")
    # Tell the map where to look only when it is (re)built; echoing its own reported view
    # back on every run would make it jump to stale positions and rerun forever.
    signature = (
        tuple(shown["incident_id"]),
        tuple(legs.index),
        selected,
        st.session_state["basemap"],
    )
    if (
        st.session_state.get("_map_signature") != signature
        or "_view_request" not in st.session_state
    ):
        st.session_state["_map_signature"] = signature
        st.session_state["_view_request"] = st.session_state["view"]
    center, zoom = st.session_state["_view_request"]
    map_col, panel_col = st.columns([3, 1])
    with map_col:
        if shown.empty:
            st.info("No incidents match these filters. Widen the date window or clear a filter.")
        m = build_map(
            shown,
            legs,
            dataset.places,
            basemap_name=st.session_state["basemap"],
            center=DEFAULT_VIEW[0],
            zoom=DEFAULT_VIEW[1],
            selected=selected,
        )
        result = st_folium(
            m,
            height=620,
            use_container_width=True,
            center=center,
            zoom=zoom,
            returned_objects=["last_object_clicked_tooltip", "center", "zoom"],
            key="map",
        )
    clicked = (result or {}).get("last_object_clicked_tooltip")
    if clicked:
        iid = clicked.split("·")[0].strip()
        if iid in set(shown["incident_id"]) and iid != st.session_state.get("_last_click"):
            st.session_state["_last_click"] = iid
            st.session_state["selected"] = selected = iid
    if result and result.get("center") and result.get("zoom") is not None:
        st.session_state["view"] = (
            (round(result["center"]["lat"], 4), round(result["center"]["lng"], 4)),
            int(result["zoom"]),
        )
    with panel_col:
        record_panel(dataset, selected)

    chart = timeline(dataset.incidents, shown, st.session_state["window"])
    if chart is not None:
        st.altair_chart(chart, width="stretch")
    undated = shown["date_start"].isna().sum()
    if undated:
        st.caption(f"{undated} shown incident(s) have no stated year and are not on the timeline.")

    st.subheader("Filtered incidents")
    table = pd.DataFrame(
        shown[
            [
                "incident_id",
                "date_text",
                "category",
                "location",
                "country",
                "actors",
                "confidence",
                "source_outlet",
            ]
        ]
    )
    table["category"] = table["category"].map(lambda k: CATEGORIES[k].label)
    table["actors"] = table["actors"].replace("", OTHER_ACTOR)
    event = st.dataframe(
        table,
        hide_index=True,
        width="stretch",
        on_select="rerun",
        selection_mode="single-row",
        key="table",
    )
    rows = event.selection.rows if event is not None else []
    if rows:
        iid = table.iloc[rows[0]]["incident_id"]
        if iid != st.session_state.get("_last_row"):
            st.session_state["_last_row"] = iid
            st.session_state["selected"] = iid
            row = shown[shown["incident_id"] == iid].iloc[0]
            st.session_state["view"] = ((row["latitude"], row["longitude"]), 7)
            st.rerun()
    export_panel(dataset, shown, legs, f, span)


def main() -> None:
    st.set_page_config(
        page_title="Crackdown on North Korean escapees", page_icon="🗺️", layout="wide"
    )
    dataset, problems, stale = load_current()
    if errors(problems):
        n = len(errors(problems))
        st.error(
            f"The incidents data has {n} problem{'s' if n != 1 else ''}, so it was not loaded. "
            "Fix the file and the dashboard picks it up on the next interaction."
        )
        listing = "\n".join(str(p) for p in errors(problems)[:200])
        st.code(
            listing + (f"\n… and {n - 200} more" if n > 200 else ""), language=None, wrap_lines=True
        )
        if stale:
            st.warning(f"Showing the last good data, loaded at {st.session_state['last_good'][1]}.")
    if dataset is None:
        st.stop()
    notes = [str(p) for p in problems if p.severity == "warning"]
    if notes:
        with st.expander(f"{len(notes)} warning(s) about the data files"):
            st.code("\n".join(notes), language=None, wrap_lines=True)

    init_state(dataset)
    span = data_window(dataset.incidents)
    f = current_filters(span)  # the widgets' keyed state, set before this run started
    shown = filter_incidents(dataset.incidents, f)
    legs = routes_for(dataset.routes, shown)
    if st.session_state["briefing"]:
        briefing_view(dataset, shown, legs, f, span)
    else:
        explore_view(dataset, shown, legs, f, span)
    # After the main view, so the browser gets the map first and the sidebar's widgets load
    # while it draws. Always rendered (hidden in briefing) so widget state survives.
    sidebar(dataset, span)

    st.query_params.from_dict(
        state_params(
            ViewState(
                filters=f,
                basemap=st.session_state["basemap"],
                selected=st.session_state.get("selected"),
                center=st.session_state["view"][0],
                zoom=st.session_state["view"][1],
                briefing=st.session_state["briefing"],
                story=st.session_state.get("story"),
                step=st.session_state.get("step") or 0,
            ),
            span,
        )
    )

    if st.session_state["playing"] and not st.session_state["briefing"]:
        time.sleep(PLAY_SPEEDS[st.session_state["play_speed"]])
        step_window(span, PLAY_STEPS[st.session_state["play_step"]])
        st.rerun()


main()
