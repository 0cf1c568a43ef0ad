"""Issue 10's daily tasks, performed as a journalist does them, at 1366x768 and 1920x1080.

Each test is one task from the issue's "Wanted" list (or one numbered problem), with real
mouse and keyboard input only. The ``app`` fixture fails any test during which the app shows
a Streamlit exception, logs a traceback or an uncaught page error, or reaches the internet.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from playwright.sync_api import expect

from dashboard.data.stories import check_stories
from dashboard.filters import Filters
from dashboard.vocab import SEA

from .ui import ARTIFACTS, FIRST_DRAW, MAP_IFRAME, RERUN, UI, Core, distance_deg, url_params

pytestmark = pytest.mark.browser

OUTLETS = ("Daily NK", "Yonhap", "NK News")
SAME_PLACE = 0.01  # degrees: "the map did not move"
PLAY = re.compile(r"^\W*Play$")
PAUSE = re.compile(r"^\W*Pause$")
STEP_BACK = re.compile(r"^\W+Step back$")
STEP_ON = re.compile(r"^Step on\W+$")


def open_drawn(app: UI, core: Core, path: str = "/", f: Filters | None = None) -> dict:
    """Open a page and wait until the map draws exactly the incidents ``f`` shows."""
    f = f or Filters()
    app.open(path)
    ids = core.points(core.shown(f))
    state = app.timed("open -> map drawn", app.wait_for_markers, ids, timeout=FIRST_DRAW)
    app.expect_count(core.count(f))
    return state


def settle(app: UI) -> dict:
    """The map after the app has finished its reruns and the map has stopped moving."""
    app.wait_idle(RERUN)
    return app.wait_still()


def shot(app: UI, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    app.page.screenshot(path=ARTIFACTS / f"{app.name}-{name}.png")


def in_viewport(app: UI, box: dict | None) -> bool:
    vh, vw = app.viewport["height"], app.viewport["width"]
    return (
        box is not None
        and box["y"] >= 0
        and box["y"] + box["height"] <= vh
        and (box["x"] >= 0 and box["x"] + box["width"] <= vw)
    )


def label_cut(button) -> bool:
    """True when the button's text overflows its box (cut or ellipsised)."""
    return button.evaluate(
        "(b) => [b, ...b.querySelectorAll('*')].some("
        "e => e.clientWidth > 0 && e.scrollWidth > e.clientWidth + 1)"
    )


# --- open: the map, a one-line description of the data and its sources -----------------------


def test_open_shows_map_and_what_the_data_is(app: UI, core: Core):
    state = open_drawn(app, core)
    assert len(state["markers"]) == len(core.points(core.incidents))
    about = app.page.locator(".about-data")
    expect(about).to_be_visible()
    for outlet in OUTLETS:
        expect(about).to_contain_text(outlet)
    assert in_viewport(app, about.bounding_box()), "the description is below the fold"
    assert in_viewport(app, app.count_line().bounding_box()), "the count is below the fold"
    box = app.map_box()
    assert box["y"] < app.viewport["height"] / 2, f"the map starts low on the page: {box}"
    assert box["height"] >= 300, box


# --- narrow by time, category and search; the map fits the result ---------------------------


def test_narrowing_fits_the_map_and_labels(app: UI, core: Core):
    open_drawn(app, core)
    app.wait_idle()

    app.choose_category("Arrest / detention")
    f = Filters(categories=frozenset({"arrest"}))
    app.timed("filter -> map redrawn", app.wait_for_markers, core.points(core.shown(f)))
    app.expect_count(core.count(f))

    # A window of about a year from the first day: the end thumb to its first day, then a page.
    app.click_centre(app.thumb(1))
    app.page.keyboard.press("Home")
    app.page.keyboard.press("PageUp")
    expect(app.date_thumbs().nth(1)).not_to_have_attribute("aria-valuetext", str(core.span[1]))
    start, end = app.thumb_dates()
    assert start == core.span[0] and start < end < dt.date(2015, 1, 1), (start, end)
    f = Filters(start=start, end=end, categories=frozenset({"arrest"}))
    shown = core.shown(f)
    assert "LAO-01" in set(shown["incident_id"])  # the Laos arrest, off-screen before the fix
    state = app.timed("filter -> map redrawn", app.wait_for_markers, core.points(shown))
    app.expect_count(core.count(f))
    undated = core.undated(f)
    assert undated > 0  # the Bukchong arrest has no stated year and is included
    expect(app.count_line()).to_contain_text(f"{undated} with no stated year")
    state = settle(app)
    outside = [m["id"] for m in state["markers"] if not m["inBounds"]]
    assert not outside, f"markers outside the map's view after filtering: {outside}"
    labels = set(state["labels"])
    assert labels, "no place labels at all"
    assert labels <= core.place_names(shown), (
        f"labels of places with nothing shown: {labels - core.place_names(shown)}"
    )
    shot(app, "date-and-category")

    app.search("Laos")
    f = Filters(start=start, end=end, categories=frozenset({"arrest"}), text="Laos")
    shown = core.shown(f)
    assert list(shown["incident_id"]) == ["LAO-01"]
    # LAO-01's place is only "Laos": it is drawn as the country, with a count label, and the
    # map fits that area (before the fix the Laos arrest was off-screen).
    app.timed("filter -> map redrawn", app.wait_for_markers, core.points(shown))
    app.expect_count(core.count(f))
    state = settle(app)
    assert all(m["inBounds"] for m in state["markers"]), state["markers"]
    label = app.page.frame_locator(MAP_IFRAME).locator(".area-label", has_text="In Laos")
    expect(label).to_be_visible()
    lbox, mbox = label.bounding_box(), app.map_box()
    assert mbox["x"] <= lbox["x"] and lbox["x"] + lbox["width"] <= mbox["x"] + mbox["width"]
    assert mbox["y"] <= lbox["y"] and lbox["y"] + lbox["height"] <= mbox["y"] + mbox["height"]
    assert set(state["labels"]) <= core.place_names(shown), state["labels"]
    expect(app.page).to_have_url(re.compile(r"[?&]q=Laos(&|$)"))


def test_search_finds_other_romanisations(app: UI, core: Core):
    open_drawn(app, core)
    app.wait_idle()
    want = core.shown(Filters(text="Hamhung"))
    assert len(want) > 0
    app.search("Hamheung")  # a common spelling the gazetteer knows as a variant
    app.wait_for_markers(core.points(want))
    app.expect_count(core.count(Filters(text="Hamhung")))


# --- no flash: a filter change neither collapses nor remounts the map -----------------------


def test_filter_change_does_not_flash_the_map(app: UI, core: Core):
    open_drawn(app, core)
    app.wait_idle()
    app.set_probe()
    app.watch_height()
    app.choose_category("Arrest / detention")
    f = Filters(categories=frozenset({"arrest"}))
    app.wait_for_markers(core.points(core.shown(f)))
    app.expect_count(core.count(f))
    state = settle(app)
    assert app.min_height() >= 300, f"the map collapsed to {app.min_height()} px"
    assert state["probe"], "the map was remounted (a new Leaflet map object)"

    app.watch_height()
    app.search("Bukchong")
    f = Filters(categories=frozenset({"arrest"}), text="Bukchong")
    app.wait_for_markers(core.points(core.shown(f)))
    state = settle(app)
    assert app.min_height() >= 300, f"the map collapsed to {app.min_height()} px"
    assert state["probe"], "the map was remounted (a new Leaflet map object)"


# --- legend: every marker reachable at the default view -------------------------------------


def test_every_marker_is_reachable_at_the_default_view(app: UI, core: Core):
    open_drawn(app, core)
    state = settle(app)
    hits = {m["id"]: app.element_at_marker(m["id"]) for m in state["markers"]}
    blocked = {i: h for i, h in hits.items() if not (h["found"] and h["inside"] and h["ok"])}
    reachable = len(hits) - len(blocked)
    points = core.points(core.incidents)
    assert set(hits) == points and reachable == len(points), (
        f"{reachable} of {len(points)} markers reachable; covered: {blocked}"
    )


# --- click a marker once: its sourced record, the map staying where it was -------------------


@pytest.mark.parametrize("incident_id", ["ONS-04", "LAO-03"])
def test_one_click_on_a_marker_shows_its_record(app: UI, core: Core, incident_id: str):
    open_drawn(app, core)
    before = settle(app)
    url_before = url_params(app.page.url)
    target = app.marker(before, incident_id)
    box = app.map_box()
    vh = app.viewport["height"]
    assert 0 <= target["y"] + box["y"] < vh, (
        f"{incident_id} is below the fold at y={target['y'] + box['y']:.0f}"
    )
    hit = app.element_at_marker(incident_id)
    assert hit["ok"], f"something else is on top of {incident_id}: {hit}"
    # One real click, at Leaflet's screen position for the marker; no scrolling first.
    app.click_at(box["x"] + target["x"], box["y"] + target["y"])
    row = core.row(incident_id)
    record = app.page.locator(f'.record-panel [data-incident="{incident_id}"]')
    try:
        app.timed("marker click -> record shown", expect(record).to_be_visible)
    except AssertionError as exc:
        shown = app.page.locator(".record-panel [data-incident]").evaluate_all(
            "els => els.map(e => e.dataset.incident)"
        )
        raise AssertionError(
            f"one click on {incident_id} did not show its record (shown: {shown}, "
            f"url: {app.page.url}, map before: {before['lat']:.3f},{before['lng']:.3f} "
            f"z{before['zoom']}, now: {app.map_state().get('lat')})"
        ) from exc
    expect(record.locator("blockquote")).to_contain_text(row["source_quote"])
    expect(app.page).to_have_url(re.compile(rf"[?&]sel={incident_id}(&|$)"))
    after = settle(app)
    assert abs(after["lat"] - before["lat"]) < SAME_PLACE, (before["lat"], after["lat"])
    assert abs(after["lng"] - before["lng"]) < SAME_PLACE, (before["lng"], after["lng"])
    assert after["zoom"] == before["zoom"]
    # The URL's view is still where the map was: unchanged, or the map's own (unmoved) view.
    params = url_params(app.page.url)
    if (params.get("lat"), params.get("lon")) != (url_before.get("lat"), url_before.get("lon")):
        assert abs(float(params["lat"]) - before["lat"]) < SAME_PLACE, (params, before)
        assert abs(float(params["lon"]) - before["lng"]) < SAME_PLACE, (params, before)
        assert float(params.get("z", -1)) == pytest.approx(before["zoom"]), (params, before)
    width = app.page.locator(".record-panel").bounding_box()["width"]
    assert width >= 280, f"the record panel is {width:.0f} px wide (was ~220 at 1366)"
    shot(app, "record")


COLOURS_JS = """(e) => {
  let bg = 'rgba(0, 0, 0, 0)', n = e;
  while (n && n.nodeType === 1) {
    const c = getComputedStyle(n).backgroundColor;
    if (c && !c.startsWith('rgba(0, 0, 0, 0)') && c !== 'transparent') { bg = c; break; }
    n = n.parentElement;
  }
  return [getComputedStyle(e).color, bg];
}"""


def rgb(css: str) -> tuple[int, int, int]:
    if css.startswith("#"):
        return tuple(int(css[i : i + 2], 16) for i in (1, 3, 5))  # type: ignore[return-value]
    parts = re.findall(r"[\d.]+", css)
    if len(parts) == 4 and float(parts[3]) == 0:  # transparent all the way up: the page's white
        return (255, 255, 255)
    return tuple(round(float(p)) for p in parts[:3])  # type: ignore[return-value]


def contrast(a: tuple[int, int, int], b: tuple[int, int, int]) -> float:
    """WCAG contrast ratio of two sRGB colours."""

    def lum(c):
        ch = [v / 255 for v in c]
        ch = [v / 12.92 if v <= 0.03928 else ((v + 0.055) / 1.055) ** 2.4 for v in ch]
        return 0.2126 * ch[0] + 0.7152 * ch[1] + 0.0722 * ch[2]

    hi, lo = sorted((lum(a), lum(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def test_map_edges_and_record_heading_are_readable(app: UI, core: Core):
    """Item 10: no grey bands past the basemap; the "Checkpoint stop" heading readable."""
    open_drawn(app, core)
    state = settle(app)
    background = app.page.evaluate(
        "(sel) => getComputedStyle(document.querySelector(sel).contentWindow.map"
        ".getContainer()).backgroundColor",
        MAP_IFRAME,
    )
    assert rgb(background) == rgb(SEA), f"the map shows {background} past the basemap, not sea"

    target = app.marker(state, "BUK-01")  # the only checkpoint stop
    box = app.map_box()
    app.click_at(box["x"] + target["x"], box["y"] + target["y"])
    record = app.page.locator('.record-panel [data-incident="BUK-01"]')
    expect(record).to_be_visible()
    heading = record.get_by_text("Checkpoint stop").first
    expect(heading).to_be_visible()
    colour, behind = heading.evaluate(COLOURS_JS)
    ratio = contrast(rgb(colour), rgb(behind))
    assert ratio >= 4.5, f"'Checkpoint stop' is {colour} on {behind}: contrast {ratio:.1f}:1"


# --- choose a table row: the map focuses on it ---------------------------------------------


def table_headers(app: UI) -> list[str]:
    grid = app.page.get_by_test_id("stDataFrame").first
    expect(grid.locator("th[role=columnheader]")).not_to_have_count(0)
    return [h.strip() for h in grid.locator("th[role=columnheader]").all_text_contents()]


def test_choosing_a_table_row_focuses_the_map(app: UI, core: Core):
    open_drawn(app, core)
    app.wait_idle()
    grid = app.page.get_by_test_id("stDataFrame").first
    grid.scroll_into_view_if_needed()  # the table, not the map
    expect(grid).to_be_visible()
    headers = table_headers(app)
    for human in ("Date", "Category", "Place", "Source"):
        assert any(h.startswith(human) for h in headers), f"no {human!r} column: {headers}"
    for raw in ("date_text", "source_outlet", "incident_id", "location"):
        assert raw not in headers, f"raw field name {raw!r} as a header: {headers}"

    # The third data row: read its incident id from the grid's accessible cells.
    row_index = 2
    rows = grid.locator("tr[role=row]")
    cells = rows.nth(row_index + 1).locator("td[role=gridcell]").all_text_contents()
    ids = [c.strip() for c in cells if c.strip() in set(core.incidents["incident_id"])]
    assert ids, f"no incident id in row {row_index}: {cells}"
    incident_id = ids[0]
    # Click the row's selection cell (the leftmost column) with the mouse.
    # Glide draws the grid on a canvas: 35 px header, 35 px rows, row markers at the left.
    gbox = grid.bounding_box()
    assert gbox is not None
    app.click_at(gbox["x"] + 15, gbox["y"] + 35 + 35 * (row_index + 0.5))
    row = core.row(incident_id)
    record = app.page.locator(f'.record-panel [data-incident="{incident_id}"]')

    def focused():
        app.wait_for_map(
            "Math.hypot(s.lat - arg[0], s.lng - arg[1]) < 0.5 && s.zoom >= 6",
            [float(row["latitude"]), float(row["longitude"])],
        )
        expect(record).to_be_visible()

    app.timed("table row -> map focused", focused)
    expect(app.page).to_have_url(re.compile(rf"[?&]sel={incident_id}(&|$)"))
    state = settle(app)
    assert distance_deg((state["lat"], state["lng"]), (row["latitude"], row["longitude"])) < 0.5
    assert state["zoom"] >= 6
    shot(app, "table-row")


# --- copy the URL and reopen exactly the same view -----------------------------------------


def test_copied_url_reopens_the_same_view(app: UI, core: Core):
    open_drawn(app, core)
    app.wait_idle()
    app.choose_category("Arrest / detention")
    f = Filters(categories=frozenset({"arrest"}))
    app.wait_for_markers(core.points(core.shown(f)))
    app.expect_count(core.count(f))
    state = settle(app)
    target = app.marker(state, "ONS-04")
    box = app.map_box()
    app.click_at(box["x"] + target["x"], box["y"] + target["y"])
    expect(app.page.locator('.record-panel [data-incident="ONS-04"]')).to_be_visible()
    state = settle(app)
    # Move the map: a real drag from the map's middle, then wait for the URL to follow.
    box = app.map_box()
    cx, cy = box["x"] + box["width"] * 0.5, box["y"] + min(box["height"] * 0.5, 250)
    app.page.mouse.move(cx, cy)
    app.page.mouse.down()
    app.page.mouse.move(cx - 120, cy + 60, steps=8)
    app.page.mouse.up()
    app.wait_for_map("Math.abs(s.lng - arg) > 0.5", state["lng"])
    moved = settle(app)
    app.wait_url_view(moved["lat"], moved["lng"])
    app.wait_idle()
    moved = app.map_state()
    url = app.page.url
    line = app.count_line().inner_text()

    other = app.reopen(url)
    other.wait_for_markers(core.points(core.shown(f)), timeout=FIRST_DRAW)
    other.expect_count(core.count(f))
    expect(other.count_line()).to_have_text(line)
    expect(other.page.locator('.record-panel [data-incident="ONS-04"]')).to_be_visible()
    again = settle(other)
    # The same view to within 3 screen pixels (Leaflet rounds the centre to whole pixels each
    # time the frame is resized while the page lays out; 1 px is 0.044 deg at zoom 5).
    tol = 3 * 360 / (256 * 2 ** moved["zoom"])
    assert abs(again["lat"] - moved["lat"]) < tol, (moved["lat"], again["lat"])
    assert abs(again["lng"] - moved["lng"]) < tol, (moved["lng"], again["lng"])
    assert again["zoom"] == moved["zoom"]
    shot(other, "reopened")


# --- play through time, pause, step back and forth ------------------------------------------


def test_play_pause_and_step(app: UI, core: Core):
    open_drawn(app, core)
    app.wait_idle()
    assert app.thumb_dates() == core.span
    dates_js = """() => [...document.querySelectorAll('[data-testid="stSlider"] input[type="range"]')]
        .map(e => e.getAttribute('aria-valuetext')).join('|')"""
    first = app.page.evaluate(dates_js)

    app.button(PLAY).click()
    expect(app.button(PAUSE)).to_be_visible()
    expect(app.button(PLAY)).to_have_count(0)  # Play became Pause: not both
    assert not label_cut(app.button(PAUSE)), "the Pause button's label is cut"
    # With the full window selected, Play must still move: the dates change, then change again.
    app.page.wait_for_function(f"() => ({dates_js})() !== {first!r}", timeout=60_000)
    second = app.page.evaluate(dates_js)
    app.page.wait_for_function(f"() => ({dates_js})() !== {second!r}", timeout=60_000)
    s1, e1 = app.thumb_dates()
    assert (s1, e1) != core.span and e1 - s1 < core.span[1] - core.span[0]

    app.button(PAUSE).click()
    expect(app.button(PLAY)).to_be_visible()
    expect(app.button(PAUSE)).to_have_count(0)
    app.wait_idle(RERUN)
    paused = app.page.evaluate(dates_js)
    with pytest.raises(PlaywrightTimeout):  # two play intervals and more: nothing moves
        app.page.wait_for_function(f"() => ({dates_js})() !== {paused!r}", timeout=6_000)
    start, end = app.thumb_dates()
    f = Filters(start=start, end=end)
    app.expect_count(core.count(f))
    shot(app, "paused")

    # Step by a week, forward then back.
    step = app.page.get_by_test_id("stSelectbox").filter(has_text="Step")
    step.first.click()
    app.page.get_by_role("option", name="1 week", exact=True).click()
    expect(step.first.get_by_role("combobox")).to_have_value("1 week")
    app.wait_idle()
    if end + dt.timedelta(days=7) > core.span[1]:  # room to step forward
        app.button(STEP_BACK).click()
        app.page.wait_for_function(f"() => ({dates_js})() !== {paused!r}")
        app.wait_idle()
        start, end = app.thumb_dates()
    app.button(STEP_ON).click()
    want = (start + dt.timedelta(days=7), end + dt.timedelta(days=7))
    expect(app.date_thumbs().first).to_have_attribute("aria-valuetext", want[0].isoformat())
    expect(app.date_thumbs().nth(1)).to_have_attribute("aria-valuetext", want[1].isoformat())
    app.expect_count(core.count(Filters(start=want[0], end=want[1])))
    app.wait_idle()
    app.button(STEP_BACK).click()
    expect(app.date_thumbs().first).to_have_attribute("aria-valuetext", start.isoformat())
    expect(app.date_thumbs().nth(1)).to_have_attribute("aria-valuetext", end.isoformat())
    app.expect_count(core.count(Filters(start=start, end=end)))


def test_play_with_a_three_month_window(app: UI, core: Core):
    """The issue's crash case: Play with a 3-month window."""
    f = Filters(start=dt.date(2019, 1, 1), end=dt.date(2019, 3, 31))
    open_drawn(app, core, "/?start=2019-01-01&end=2019-03-31", f)
    app.wait_idle()
    app.button(PLAY).click()
    expect(app.date_thumbs().first).not_to_have_attribute(
        "aria-valuetext", "2019-01-01", timeout=60_000
    )
    app.button(PAUSE).click()
    expect(app.button(PLAY)).to_be_visible()
    expect(app.button(PAUSE)).to_have_count(0)
    app.wait_idle(RERUN)
    start, end = app.thumb_dates()
    assert start > dt.date(2019, 1, 1)
    assert (end - start).days in range(88, 92), (start, end)  # the width is kept
    app.expect_count(core.count(Filters(start=start, end=end)))


# --- reset filters clears a typed search, and it stays cleared -------------------------------


def test_reset_filters_clears_a_typed_search(app: UI, core: Core):
    open_drawn(app, core)
    app.wait_idle()
    app.search("Laos")
    f = Filters(text="Laos")
    app.wait_for_markers(core.points(core.shown(f)))
    app.expect_count(core.count(f))
    expect(app.page).to_have_url(re.compile(r"[?&]q=Laos(&|$)"))
    app.wait_idle()

    box = app.map_box()
    app.button("Reset filters").click()
    # A map move reported while Reset runs (a rerun carrying the widgets' old values)
    # must not bring the search back.
    app.page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    app.page.mouse.wheel(0, -240)
    full = core.count(Filters())
    expect(app.search_box()).to_have_value("")
    app.expect_count(full)
    app.wait_idle(RERUN)
    app.wait_for_markers(core.points(core.incidents))
    with pytest.raises(PlaywrightTimeout):  # the typed text must not come back on a later rerun
        app.page.wait_for_function(
            "(sel) => { const i = document.querySelector(sel); return i && i.value !== ''; }",
            arg='[data-testid="stSidebar"] input[aria-label="Search summaries and places"]',
            timeout=4_000,
        )
    app.wait_idle(RERUN)
    expect(app.search_box()).to_have_value("")
    app.expect_count(full)
    assert "q" not in url_params(app.page.url), app.page.url


# --- briefing with the keyboard and visible buttons; Esc leaves ----------------------------


def test_briefing_with_keys_and_buttons(app: UI, core: Core):
    legs = set(zip(core.dataset.routes["route_id"], core.dataset.routes["leg"], strict=True))
    stories, _ = check_stories(set(core.incidents["incident_id"]), legs)
    story = stories["laos-nine"]
    ids = [s.incident_id for s in story.steps]
    story_incidents = core.incidents[core.incidents["incident_id"].isin(ids)]
    story_places = core.place_names(story_incidents, with_legs=False)
    routes = core.dataset.routes
    for step in story.steps:  # the ends of the legs the story draws
        if step.route_id:
            leg = routes[(routes["route_id"] == step.route_id) & (routes["leg"] == step.leg)]
            for pid in [*leg["from_place"], *leg["to_place"]]:
                if core.dataset.places.loc[pid, "kind"] != "country":
                    story_places.add(str(core.dataset.places.loc[pid, "name"]))

    open_drawn(app, core, "/?story=laos-nine")
    app.wait_idle()
    app.button("Start briefing mode").click()
    card = app.page.locator(".brief-card[data-incident]")
    expect(card).to_have_attribute("data-incident", ids[0], timeout=RERUN)
    app.wait_for_map("true", timeout=RERUN)
    for name in ("◀ Previous", "Next ▶", "Exit briefing"):
        box = app.button(name).bounding_box()
        assert in_viewport(app, box), f"{name!r} is not on screen without scrolling: {box}"
    # A hint naming the arrow keys (in words or as arrows) and Esc, on screen.
    hint = (
        app.page.locator("p, div, span, small")
        .filter(has_text=re.compile(r"arrow|→|←", re.I))
        .filter(has_text=re.compile(r"\bEsc"))
        .last
    )
    expect(hint).to_be_visible()
    assert in_viewport(app, hint.bounding_box()), "the keys hint is not on screen"
    state = settle(app)
    assert set(state["labels"]) <= story_places, state["labels"]

    app.set_probe()
    app.watch_height()
    app.page.keyboard.press("ArrowRight")
    app.timed(
        "briefing step -> card changed",
        expect(card).to_have_attribute,
        "data-incident",
        ids[1],
    )
    state = settle(app)
    assert state["probe"], "the map was remounted between briefing steps"
    assert app.min_height() >= 300, f"the map collapsed to {app.min_height()} px"
    assert set(state["labels"]) <= story_places, state["labels"]
    shot(app, "briefing-step2")

    app.page.keyboard.press("ArrowLeft")
    app.timed(
        "briefing step -> card changed", expect(card).to_have_attribute, "data-incident", ids[0]
    )
    app.wait_idle()
    app.button("Next ▶").click()
    app.timed(
        "briefing step -> card changed", expect(card).to_have_attribute, "data-incident", ids[1]
    )
    state = settle(app)
    assert state["probe"], "the map was remounted between briefing steps"

    app.page.keyboard.press("Escape")
    expect(app.sidebar()).to_be_visible()
    expect(card).to_have_count(0)
    app.wait_idle()
    assert url_params(app.page.url).get("brief") != "1", app.page.url


# --- export PNG, PDF and the briefing sheet --------------------------------------------------


def test_export_png_pdf_and_briefing_sheet(app: UI, core: Core, tmp_path):
    open_drawn(app, core)
    app.wait_idle()
    export = app.button(re.compile(r"^\W*Export\b"))
    expect(export.first).to_be_visible()
    assert in_viewport(app, export.first.bounding_box()), "Export is not on screen"
    export.first.click()
    wanted = {
        "PNG": (re.compile(r"\bPNG\b"), b"\x89PNG"),
        "PDF": (re.compile(r"^(?!.*[Bb]riefing).*\bPDF\b"), b"%PDF"),
        "Briefing sheet": (re.compile(r"[Bb]riefing sheet"), b"%PDF"),
    }
    for label, (pattern, magic) in wanted.items():
        button = (
            app.page.get_by_test_id("stDownloadButton").filter(has_text=pattern).locator("button")
        )
        expect(button).to_be_visible()
        assert not label_cut(button), f"the {label} button's label is cut"
        with app.page.expect_download(timeout=60_000) as info:
            button.click()
        path = tmp_path / f"{label}-{info.value.suggested_filename}"
        info.value.save_as(path)
        assert path.read_bytes()[: len(magic)] == magic, (label, path.read_bytes()[:16])
    shot(app, "export")
