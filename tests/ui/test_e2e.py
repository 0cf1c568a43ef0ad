"""The dashboard in a real browser: Debian's Chromium driven by Playwright, fully offline.

Every test blocks all non-localhost requests on its browser context (``block_external``) and
ends by asserting that nothing was blocked and no local asset failed, so the map must work
with no internet at all. Expected numbers come from the core, never from the page itself.
A screenshot of each test's final state is written to ``tests/artifacts/``.
"""

from __future__ import annotations

import datetime as dt
import re
import time
from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import pytest
from playwright.sync_api import (
    Browser,
    BrowserContext,
    ConsoleMessage,
    FrameLocator,
    Locator,
    Page,
    Request,
    Response,
    expect,
    sync_playwright,
)

from dashboard.data import basemap
from dashboard.data.dataset import load_dataset
from dashboard.filters import Filters, data_window, filter_incidents, prepare, routes_for
from dashboard.vague.areas import drawn_as
from dashboard.vocab import LAND
from harness.chromium import _is_local, block_external, launch_chromium, wait_app_idle

ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"
MAP_IFRAME = 'iframe[title="streamlit_folium.st_folium"]'
COUNT_RE = re.compile(
    r"^\d+ of \d+ incidents( \(\d+ with no stated year\))?, \d+ of \d+ route legs"
)
FIRST_DRAW = 60_000  # ms: the first map draw on a cold 2-core machine
RERUN = 30_000  # ms: a rerun after a widget change
SHARED = "/?cat=arrest&start=2019-01-01&end=2019-12-31&sel=ONS-04&lat=42.5&lon=129.5&z=6"


MAP_STATE_JS = """(sel) => {
    const frames = [...document.querySelectorAll(sel)];
    const out = {frames: frames.length, ready: false};
    if (frames.length !== 1) return out;
    const w = frames[0].contentWindow, d = frames[0].contentDocument;
    const m = w && w.map && w.map.getCenter ? w.map : null;
    if (!d || !d.body || !m || !d.querySelector(".leaflet-container")) return out;
    const c = m.getCenter();
    return {frames: 1, ready: true, drawn: d.body.dataset.incidentsDrawn ?? null,
            markers: d.querySelectorAll(".incident-marker").length,
            rings: d.querySelectorAll(".selected-ring").length,
            lat: c.lat, lng: c.lng, zoom: m.getZoom()};
}"""


@dataclass(frozen=True)
class Core:
    incidents: gpd.GeoDataFrame
    routes: gpd.GeoDataFrame
    span: tuple[dt.date, dt.date]
    places: gpd.GeoDataFrame

    def count(self, f: Filters) -> tuple[str, int]:
        """The count line for ``f``, and how many incidents the map draws as markers (the
        country-level ones are areas: dashboard/vague)."""
        shown = filter_incidents(self.incidents, f)
        legs = routes_for(self.routes, shown)
        undated = int(shown["date_start"].isna().sum())
        line = (
            f"{len(shown)} of {len(self.incidents)} incidents"
            + (f" ({undated} with no stated year)" if undated else "")
            + f", {len(legs)} of {len(self.routes)} route legs"
        )
        return line, int((drawn_as(shown, self.places) == "point").sum())

    def row(self, incident_id: str):
        return self.incidents.loc[self.incidents["incident_id"] == incident_id].iloc[0]


@pytest.fixture(scope="module")
def core() -> Core:
    ds = load_dataset()
    incidents = prepare(ds.incidents, ds.places)
    return Core(incidents, ds.routes, data_window(incidents), ds.places)


@pytest.fixture(scope="module")
def browser():
    with sync_playwright() as pw:
        b = launch_chromium(pw)
        try:
            yield b
        finally:
            b.close()


@dataclass
class Session:
    """One browser context on the app, with everything that went wrong on the way."""

    base: str
    context: BrowserContext
    page: Page
    aborted: list[str]
    console_errors: list[str] = field(default_factory=list)
    failed_local: list[str] = field(default_factory=list)

    def open(self, path: str = "/") -> None:
        self.page.goto(self.base + path)

    @property
    def map(self) -> FrameLocator:
        return self.page.frame_locator(MAP_IFRAME)

    def count_line(self) -> Locator:
        return self.page.locator(".view-count b")

    def map_state(self) -> dict:
        """The map iframe as the page sees it right now (one consistent snapshot)."""
        return self.page.evaluate(MAP_STATE_JS, MAP_IFRAME)

    def wait_for_map(self, condition: str, arg=None, timeout: float = RERUN) -> dict:
        """Wait until there is exactly one map iframe and ``condition`` (JS, given the
        snapshot ``s`` and ``arg``) holds for it; a remount briefly shows two iframes."""
        self.page.wait_for_function(
            f"([sel, arg]) => {{ const s = ({MAP_STATE_JS})(sel);"
            f" return s.frames === 1 && s.ready && ({condition}); }}",
            arg=[MAP_IFRAME, arg],
            timeout=timeout,
        )
        return self.map_state()

    def expect_shown(self, line: str, n: int, timeout: float = RERUN) -> None:
        """The count line reads ``line`` and the map draws ``n`` incident markers."""
        expect(self.count_line()).to_have_text(line, timeout=timeout)
        state = self.wait_for_map(
            "s.drawn === String(arg) && s.markers === arg", n, timeout=timeout
        )
        assert n == state["markers"], (n, state)

    def wait_for_map_view(self, lat: float, lon: float, zoom: int, tol: float = 0.05) -> dict:
        return self.wait_for_map(
            "Math.abs(s.lat - arg[0]) < arg[3] && Math.abs(s.lng - arg[1]) < arg[3]"
            " && s.zoom === arg[2]",
            [lat, lon, zoom, tol],
        )

    def drag_map(self, dx: float, dy: float) -> dict:
        """Drag the map by (dx, dy) pixels with the mouse, as a reader does, from the middle
        of its frame; the map's state once Leaflet has settled."""
        box = self.page.locator(MAP_IFRAME).bounding_box()
        x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
        self.page.mouse.move(x, y)
        self.page.mouse.down()
        for k in range(1, 11):  # in steps, so Leaflet sees a drag, not a click
            self.page.mouse.move(x + dx * k / 10, y + dy * k / 10)
        self.page.mouse.up()
        state, still = self.map_state(), 0
        while still < 3:  # the drag's inertia has run out: the same view three polls running
            self.page.wait_for_timeout(150)
            now = self.map_state()
            key = (now.get("lat"), now.get("lng"), now.get("zoom"))
            still = (
                still + 1 if key == (state.get("lat"), state.get("lng"), state.get("zoom")) else 0
            )
            state = now
        return state

    def wait_idle(self, timeout: float = 10_000) -> bool:
        """Wait until no script run is in progress; False if the app never settles."""
        try:
            expect(self.page.get_by_test_id("stStatusWidget")).to_have_count(0, timeout=timeout)
        except AssertionError:
            return False
        return True

    def assert_offline(self) -> None:
        assert self.aborted == [], f"requests that needed the internet: {self.aborted}"
        assert self.failed_local == [], f"local requests that failed: {self.failed_local}"


@pytest.fixture
def session(browser: Browser, app_server: str, request) -> Session:
    context = browser.new_context(viewport={"width": 1366, "height": 768})
    aborted = block_external(context)
    page = context.new_page()
    page.set_default_timeout(RERUN)
    s = Session(app_server, context, page, aborted)

    def on_console(msg: ConsoleMessage) -> None:
        if msg.type == "error":
            s.console_errors.append(f"{msg.text} ({msg.location.get('url', '')})")

    def on_response(resp: Response) -> None:
        if resp.status >= 400 and _is_local(resp.url):
            s.failed_local.append(f"{resp.status} {resp.url}")

    def on_failed(req: Request) -> None:
        # ERR_ABORTED is a request cancelled by the page itself (e.g. an iframe remount).
        if _is_local(req.url) and "ERR_ABORTED" not in (req.failure or ""):
            s.failed_local.append(f"{req.failure} {req.url}")

    page.on("console", on_console)
    page.on("pageerror", lambda exc: s.console_errors.append(f"uncaught: {exc}"))
    page.on("response", on_response)
    page.on("requestfailed", on_failed)
    try:
        yield s
    finally:
        ARTIFACTS.mkdir(exist_ok=True)
        try:
            s.wait_idle(5_000)  # a settled page, not one faded mid-rerun
            page.screenshot(path=ARTIFACTS / f"{request.node.name}.png", full_page=True)
        finally:
            context.close()


def date_thumbs(page: Page) -> Locator:
    slider = page.get_by_test_id("stSlider").filter(has_text="Date window")
    return slider.get_by_role("slider")


def thumb_dates(page: Page) -> tuple[dt.date, dt.date]:
    values = date_thumbs(page).evaluate_all("els => els.map(e => e.getAttribute('aria-valuetext'))")
    start, end = (dt.date.fromisoformat(v) for v in values)
    return start, end


# --- tests ----------------------------------------------------------------------------------


def test_page_loads_and_draws_every_incident(session: Session, core: Core):
    session.open()
    line, n = core.count(Filters())
    assert line.startswith(f"{len(core.incidents)} of {len(core.incidents)} incidents")
    session.expect_shown(line, n, timeout=FIRST_DRAW)
    # The offline basemap is drawn too: one land-filled path per country in the shipped file.
    land = session.map.locator(f'.leaflet-overlay-pane path[fill="{LAND}"]')
    assert land.count() == len(basemap.countries())
    expect(session.map.locator(".map-legend")).to_be_visible()
    session.assert_offline()


def test_date_window_keyboard_changes_count_and_markers(session: Session, core: Core):
    session.open()
    full_line, n_all = core.count(Filters())
    session.expect_shown(full_line, n_all, timeout=FIRST_DRAW)
    end_thumb = date_thumbs(session.page).nth(1)

    # Pull the end of the window back five pages (a year each in Streamlit's slider).
    end_thumb.focus()
    for _ in range(5):
        session.page.keyboard.press("PageDown")
    start, end = thumb_dates(session.page)
    assert (start, end) != core.span
    line, n = core.count(Filters(start=start, end=end))
    assert line != full_line
    session.expect_shown(line, n)
    expect(session.page).to_have_url(re.compile(rf"[?&]end={end.isoformat()}(&|$)"))

    # Now close it to its first day, then open it day by day with the arrow key.
    end_thumb.press("Home")
    for _ in range(17):
        end_thumb.press("ArrowRight")
    start, end = thumb_dates(session.page)
    assert start == core.span[0] and end == start + dt.timedelta(days=17)
    line2, n2 = core.count(Filters(start=start, end=end))
    assert line2 not in (line, full_line)
    session.expect_shown(line2, n2)
    session.assert_offline()


def test_shared_url_restores_the_view(session: Session, core: Core):
    session.open(SHARED)
    window = (dt.date(2019, 1, 1), dt.date(2019, 12, 31))
    f = Filters(start=window[0], end=window[1], categories=frozenset({"arrest"}))
    line, n = core.count(f)
    assert 0 < n < len(core.incidents)
    session.expect_shown(line, n, timeout=FIRST_DRAW)

    # The widgets show the shared filters ...
    category = session.page.get_by_test_id("stMultiSelect").filter(has_text="Category")
    expect(category).to_contain_text("Arrest / detention")
    assert thumb_dates(session.page) == window
    # ... the selected incident's record is open and ringed on the map ...
    record = session.page.locator('.record-panel [data-incident="ONS-04"]')
    expect(record).to_be_visible()
    expect(record.locator(".summary")).to_have_text(core.row("ONS-04")["summary"])
    # ... and the map looks where the link says.
    state = session.wait_for_map_view(42.5, 129.5, 6)
    assert state["rings"] == 1, state
    session.assert_offline()


def test_map_stays_where_the_user_moves_it(session: Session, core: Core):
    session.open()
    session.expect_shown(*core.count(Filters()), timeout=FIRST_DRAW)
    wait_app_idle(session.page)  # the map has reported its first view and been answered
    # Two drags, each reported and rerun to the end, like a user looking around.
    for dx, dy in [(-180, 90), (140, -60)]:
        state = session.drag_map(dx, dy)
        lat, lon, zoom = state["lat"], state["lng"], state["zoom"]
        session.page.wait_for_function(  # the app took the new view into the link ...
            "(q) => location.search.includes(q)", arg=f"lat={lat:.4f}&lon={lon:.4f}&z={zoom}"
        )
        wait_app_idle(session.page)  # ... and every rerun it caused has finished
    seen = set()
    deadline = time.monotonic() + 6
    while time.monotonic() < deadline:
        state = session.map_state()
        if state["ready"]:
            seen.add((round(state["lat"], 1), round(state["lng"], 1), state["zoom"]))
        session.page.wait_for_timeout(250)
    assert seen == {(round(lat, 1), round(lon, 1), zoom)}, (
        f"the map moved by itself: {sorted(seen)}"
    )
    assert f"lat={lat:.4f}&lon={lon:.4f}&z={zoom}" in session.page.url
    session.assert_offline()


def test_legend_folds_away_and_stays_folded_after_a_rerun(session: Session, core: Core):
    session.open()
    session.expect_shown(*core.count(Filters()), timeout=FIRST_DRAW)
    legend = session.map.locator(".map-legend")
    toggle = legend.locator(".lg-toggle")
    expect(legend.locator(".lg-body")).to_be_visible()
    expect(toggle).to_have_attribute("aria-expanded", "true")
    box = toggle.bounding_box()  # inside the map frame: a real click at its place on screen
    session.page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    expect(legend.locator(".lg-body")).to_be_hidden()
    expect(toggle).to_have_text("Legend")
    expect(toggle).to_have_attribute("aria-expanded", "false")
    # A new page load builds the map again; the reader's choice survives it.
    f = Filters(categories=frozenset({"arrest"}))
    session.open("/?cat=arrest")
    session.expect_shown(*core.count(f), timeout=FIRST_DRAW)
    expect(session.map.locator(".map-legend .lg-body")).to_be_hidden()
    box = session.map.locator(".map-legend .lg-toggle").bounding_box()
    session.page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    expect(session.map.locator(".map-legend .lg-body")).to_be_visible()
    session.assert_offline()


def test_no_console_errors_on_load(session: Session, core: Core):
    session.open()
    session.expect_shown(*core.count(Filters()), timeout=FIRST_DRAW)
    assert session.wait_idle(), "the app kept rerunning after load"
    session.page.wait_for_timeout(1000)  # late errors (deferred scripts, fonts)
    assert session.console_errors == []
    session.assert_offline()
