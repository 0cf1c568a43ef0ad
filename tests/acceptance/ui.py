"""What a journalist sees and does in the running app, in real Chromium.

Input is real: ``page.mouse.click`` at screen positions worked out from Leaflet
(``map.latLngToContainerPoint`` plus the map iframe's box), ``page.keyboard``, typing.
No ``dispatch_event``, no ``force=True``, and the map is never scrolled into view before a
click on it. Waits are on conditions. Expected values come from the core (``Core``).
"""

from __future__ import annotations

import datetime as dt
import math
import re
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import geopandas as gpd
from playwright.sync_api import BrowserContext, Locator, Page, expect
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from dashboard.data.dataset import Dataset
from dashboard.filters import Filters, filter_incidents, routes_for
from dashboard.vague.areas import drawn_as
from harness.chromium import wait_app_idle

ARTIFACTS = Path(__file__).resolve().parent.parent / "artifacts" / "acceptance"
# The dashboard's own map (the editor's place map, when shown, is a second st_folium frame).
MAP_IFRAME = '.st-key-main_map iframe[title="streamlit_folium.st_folium"]'
FIRST_DRAW = 90_000  # ms: the first page open on a busy 2-core machine
RERUN = 60_000  # ms: one rerun after an input, on a 2-core machine shared with other jobs

# One consistent snapshot of the map as the page sees it, read through the iframe's window.
MAP_JS = """(sel) => {
  const frames = [...document.querySelectorAll(sel)];
  const out = {frames: frames.length, ready: false};
  if (frames.length !== 1) return out;
  const w = frames[0].contentWindow;
  const m = w && w.map;
  if (!m || !m.getCenter || !m._loaded) return out;
  const c = m.getCenter(), b = m.getBounds();
  const box = m.getContainer().getBoundingClientRect();
  const markers = [];
  m.eachLayer((l) => {
    if (!l.options || l.options.incidentId === undefined || !l.getLatLng) return;
    const ll = l.getLatLng();
    const p = m.latLngToContainerPoint(ll);
    // A DivIcon's centre sits at anchor - size/2 from the point (fanned-out markers).
    let dx = 0, dy = 0;
    const io = l.options.icon && l.options.icon.options;
    if (io && io.iconSize && io.iconAnchor) {
      const size = w.L.point(io.iconSize), anchor = w.L.point(io.iconAnchor);
      dx = size.x / 2 - anchor.x; dy = size.y / 2 - anchor.y;
    }
    markers.push({id: String(l.options.incidentId), lat: ll.lat, lng: ll.lng,
                  x: box.left + p.x + dx, y: box.top + p.y + dy,
                  inBounds: b.contains(ll)});
  });
  return {frames: 1, ready: true, lat: c.lat, lng: c.lng, zoom: m.getZoom(),
          south: b.getSouth(), north: b.getNorth(), west: b.getWest(), east: b.getEast(),
          width: box.width, height: box.height, markers: markers,
          probe: m.__probe === 1,
          labels: [...frames[0].contentDocument.querySelectorAll('.place-label')]
                    .map((e) => e.innerText.trim()).filter((t) => t)};
}"""

# Records the map iframe's smallest height on every animation frame from now on.
HEIGHT_WATCH = """(sel) => {
  window.__minMapHeight = Infinity;
  window.__heightWatch = (window.__heightWatch || 0) + 1;
  const run = window.__heightWatch;
  const tick = () => {
    if (window.__heightWatch !== run) return;
    const f = document.querySelector(sel);
    const h = f ? f.getBoundingClientRect().height : 0;
    if (h < window.__minMapHeight) window.__minMapHeight = h;
    requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
}"""


@dataclass(frozen=True)
class Core:
    """The shipped data through the core's own functions: the source of expected values."""

    dataset: Dataset
    incidents: gpd.GeoDataFrame
    span: tuple[dt.date, dt.date]

    def shown(self, f: Filters) -> gpd.GeoDataFrame:
        return filter_incidents(self.incidents, f)

    def points(self, frame: gpd.GeoDataFrame) -> set[str]:
        """The ids of ``frame``'s incidents the map draws as markers: those whose place the
        source names (a country- or province-level place is drawn as its area instead)."""
        how = drawn_as(frame, self.dataset.places)
        return set(frame.loc[how == "point", "incident_id"])

    def count(self, f: Filters) -> str:
        """The count line as a regular expression: "7 of 18 incidents, 3 of 8 route legs",
        with "(K with no stated year)" after "incidents" required when a date-filtered view
        includes undated incidents, allowed (with the right K) otherwise."""
        shown = self.shown(f)
        legs = routes_for(self.dataset.routes, shown)
        undated = int(shown["date_start"].isna().sum())
        note = ""
        if undated:
            note = rf" \({undated} with no stated year\)"
            if f.start is None and f.end is None:
                note = f"(?:{note})?"
        return (
            rf"^\s*{len(shown)} of {len(self.incidents)} incidents{note}, "
            rf"{len(legs)} of {len(self.dataset.routes)} route legs(?!\d)"
        )

    def undated(self, f: Filters) -> int:
        return int(self.shown(f)["date_start"].isna().sum())

    def row(self, incident_id: str):
        return self.incidents.loc[self.incidents["incident_id"] == incident_id].iloc[0]

    def place_names(self, shown: gpd.GeoDataFrame, with_legs: bool = True) -> set[str]:
        """Names of the non-country places the given incidents are at, and (``with_legs``)
        the ends of the route legs they bring onto the map: the labels the map may show."""
        places = self.dataset.places
        out = set()
        pids = list(shown["place_id"])
        if with_legs:
            legs = routes_for(self.dataset.routes, shown)
            pids += list(legs["from_place"]) + list(legs["to_place"])
        for pid in pids:
            if pid in places.index and places.loc[pid, "kind"] != "country":
                out.add(str(places.loc[pid, "name"]))
        return out


def url_params(url: str) -> dict[str, str]:
    return {k: v[-1] for k, v in parse_qs(urlsplit(url).query).items()}


@dataclass
class UI:
    server: Any
    context: BrowserContext
    page: Page | None
    aborted: list[str]
    timings: Any
    name: str
    test_key: str = "default"
    exceptions: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    log_start: int = 0
    extra: list[UI] = field(default_factory=list)
    spawn: Any = None  # name -> a fresh UI in a new context on the same server

    def reopen(self, url: str) -> UI:
        """The same link in a new browser context (a colleague opening a shared URL)."""
        other = self.spawn(self.name + "-reopened")
        self.extra.append(other)
        other.page.goto(url)
        return other

    # --- time ------------------------------------------------------------------------------
    def timed(self, task: str, fn, *args, **kwargs):
        """Run a condition wait and record how long it took under ``task``."""
        t0 = time.perf_counter()
        out = fn(*args, **kwargs)
        self.timings.add(task, f"{self.name}", time.perf_counter() - t0)
        return out

    # --- page --------------------------------------------------------------------------------
    @property
    def viewport(self) -> dict:
        return self.page.viewport_size

    def open(self, path: str = "/") -> None:
        self.page.goto(self.server.url + path)

    def wait_idle(self, timeout: float = 10_000, quiet_ms: int = 1000) -> bool:
        """True once no script run has been in progress for ``quiet_ms`` (Streamlit's status
        widget absent on every 100 ms poll), so a rerun about to start is not mistaken for
        the end of the last one; False if the app never settles within ``timeout``."""
        try:
            wait_app_idle(self.page, quiet_ms=quiet_ms, timeout=timeout)
        except PlaywrightTimeout:
            return False
        return True

    def count_line(self) -> Locator:
        return self.page.locator(".view-count")

    def expect_count(self, line: str, timeout: float = RERUN) -> None:
        expect(self.count_line()).to_have_text(re.compile(line), timeout=timeout)

    def sidebar(self) -> Locator:
        return self.page.get_by_test_id("stSidebar")

    def click_at(self, x: float, y: float) -> None:
        self.page.mouse.click(x, y)

    def click_centre(self, locator: Locator) -> None:
        """A real mouse click at the middle of an element that must already be on screen."""
        box = locator.bounding_box()
        assert box is not None, f"not rendered: {locator}"
        vw, vh = self.viewport["width"], self.viewport["height"]
        x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
        assert 0 <= x < vw and 0 <= y < vh, f"{locator} is off screen at ({x:.0f}, {y:.0f})"
        self.page.mouse.click(x, y)

    # --- map -------------------------------------------------------------------------------
    def map_state(self) -> dict:
        return self.page.evaluate(MAP_JS, MAP_IFRAME)

    def wait_for_map(self, condition: str, arg=None, timeout: float = RERUN) -> dict:
        """Wait until exactly one map iframe is ready and ``condition`` (JS over the snapshot
        ``s`` and ``arg``) holds."""
        self.page.wait_for_function(
            f"([sel, arg]) => {{ const s = ({MAP_JS})(sel);"
            f" return s.frames === 1 && s.ready && ({condition}); }}",
            arg=[MAP_IFRAME, arg],
            timeout=timeout,
        )
        return self.map_state()

    def wait_for_markers(self, ids: set[str], timeout: float = RERUN) -> dict:
        """The map draws exactly these incidents (by ``options.incidentId``)."""
        want = sorted(ids)
        return self.wait_for_map(
            "JSON.stringify(s.markers.map((m) => m.id).sort()) === JSON.stringify(arg)",
            want,
            timeout=timeout,
        )

    def wait_still(self, timeout: float = RERUN) -> dict:
        """Wait until the map has stopped moving (same view on two polls 250 ms apart)."""
        self.page.wait_for_function(
            """(sel) => {
              const f = document.querySelectorAll(sel);
              const m = f.length === 1 && f[0].contentWindow.map;
              if (!m || !m._loaded || m._animatingZoom) return false;
              const c = m.getCenter(), s = m.getSize();
              const key = [c.lat, c.lng, m.getZoom(), s.x, s.y].join(',');
              const same = window.__lastMapView === key;
              window.__lastMapView = key;
              return same;
            }""",
            arg=MAP_IFRAME,
            polling=250,
            timeout=timeout,
        )
        return self.map_state()

    def wait_url_view(self, lat: float, lng: float, tol: float = 0.01) -> None:
        """Wait until the URL's lat/lon describe this map centre."""
        self.page.wait_for_function(
            """([lat, lng, tol]) => {
              const p = new URLSearchParams(location.search);
              if (!p.has('lat') || !p.has('lon')) return false;
              return Math.abs(+p.get('lat') - lat) < tol && Math.abs(+p.get('lon') - lng) < tol;
            }""",
            arg=[lat, lng, tol],
        )

    def marker(self, state: dict, incident_id: str) -> dict:
        found = [m for m in state["markers"] if m["id"] == incident_id]
        assert found, f"no marker for {incident_id} on the map"
        return found[0]

    def map_box(self) -> dict:
        box = self.page.locator(MAP_IFRAME).bounding_box()
        assert box is not None, "the map iframe is not rendered"
        return box

    def set_probe(self) -> None:
        """Mark the live Leaflet map; a remount replaces the object and loses the mark."""
        self.page.evaluate(
            "(sel) => { document.querySelector(sel).contentWindow.map.__probe = 1; }", MAP_IFRAME
        )

    def watch_height(self) -> None:
        self.page.evaluate(HEIGHT_WATCH, MAP_IFRAME)

    def min_height(self) -> float:
        return self.page.evaluate("() => window.__minMapHeight")

    def element_at_marker(self, incident_id: str) -> dict:
        """What ``elementFromPoint`` hits inside the iframe at the marker's point."""
        return self.page.evaluate(
            """([sel, id]) => {
              const f = document.querySelector(sel), w = f.contentWindow, m = w.map;
              let layer = null;
              m.eachLayer((l) => { if (l.options && String(l.options.incidentId) === id) layer = l; });
              if (!layer) return {found: false};
              const p = m.latLngToContainerPoint(layer.getLatLng());
              let dx = 0, dy = 0;
              const io = layer.options.icon && layer.options.icon.options;
              if (io && io.iconSize && io.iconAnchor) {
                const size = w.L.point(io.iconSize), anchor = w.L.point(io.iconAnchor);
                dx = size.x / 2 - anchor.x; dy = size.y / 2 - anchor.y;
              }
              const box = m.getContainer().getBoundingClientRect();
              const x = box.left + p.x + dx, y = box.top + p.y + dy;
              const inside = x >= box.left && x < box.right && y >= box.top && y < box.bottom;
              const hit = f.contentDocument.elementFromPoint(x, y);
              const el = layer.getElement ? layer.getElement() : layer._icon;
              const describe = (e) => e ? (e.tagName + '.' + (e.getAttribute('class') || '')) : null;
              return {found: true, inside, x, y, ok: !!(hit && el && el.contains(hit)),
                      hit: describe(hit), own: describe(el)};
            }""",
            [MAP_IFRAME, incident_id],
        )

    # --- sidebar widgets ----------------------------------------------------------------------
    def date_thumbs(self) -> Locator:
        slider = self.page.get_by_test_id("stSlider").filter(has_text="Date window")
        return slider.get_by_role("slider")

    def thumb(self, which: int) -> Locator:
        """The visible, clickable thumb of the date slider (0 start, 1 end)."""
        return self.date_thumbs().nth(which).locator("xpath=../..")

    def thumb_dates(self) -> tuple[dt.date, dt.date]:
        expect(self.date_thumbs()).to_have_count(2)
        values = self.date_thumbs().evaluate_all(
            "els => els.map(e => e.getAttribute('aria-valuetext') || e.getAttribute('aria-valuenow'))"
        )
        start, end = (dt.date.fromisoformat(str(v)[:10]) for v in values)
        return start, end

    def choose_category(self, label: str) -> None:
        """Open the Category multiselect with the mouse, type, press Enter, close it."""
        box = self.page.get_by_test_id("stMultiSelect").filter(has_text="Category")
        box.scroll_into_view_if_needed()  # the sidebar scrolls like a user's would; not the map
        self.click_centre(box.locator("input"))
        self.page.keyboard.type(label)
        option = self.page.get_by_role("option", name=label, exact=True)
        expect(option).to_be_visible()
        self.page.keyboard.press("Enter")
        self.page.keyboard.press("Escape")

    def search_box(self) -> Locator:
        return self.page.get_by_label("Search summaries and places")

    def search(self, text: str) -> None:
        self.search_box().scroll_into_view_if_needed()  # in the sidebar, not the map
        self.click_centre(self.search_box())
        self.page.keyboard.press("Control+A")
        self.page.keyboard.type(text)
        self.page.keyboard.press("Enter")

    def button(self, name: str | re.Pattern, exact: bool = True) -> Locator:
        if isinstance(name, re.Pattern):
            return self.page.get_by_role("button", name=name)
        return self.page.get_by_role("button", name=name, exact=exact)


def distance_deg(a: tuple[float, float], b: tuple[float, float]) -> float:
    return math.dist(a, b)
