"""In a real browser, at a laptop's 1366x768: the map draws no marker and no route vertex at
a country's stand-in point, draws the countries as areas, and a click on an area's label
opens its records (issue 12)."""

from __future__ import annotations

import math

import pytest
from playwright.sync_api import expect, sync_playwright

from dashboard.data.dataset import load_dataset
from harness.chromium import block_external, launch_chromium, wait_app_idle
from harness.server import AppServer

MAP_IFRAME = 'iframe[title="streamlit_folium.st_folium"]'
TIMEOUT = 120_000

# Every marker position and every vertex of every route leg, read from Leaflet itself.
LAYERS_JS = """(sel) => {
    const w = document.querySelector(sel).contentWindow, L = w.L, out = {markers: [], vertices: []};
    w.map.eachLayer((layer) => {
        if (layer instanceof L.Marker) out.markers.push([layer.getLatLng().lat, layer.getLatLng().lng]);
        else if (layer instanceof L.Polyline && /route-leg/.test(layer.options.className || ""))
            for (const p of layer.getLatLngs().flat(3)) out.vertices.push([p.lat, p.lng]);
    });
    return out;
}"""


def km(a, b) -> float:
    k = math.cos(math.radians((a[0] + b[0]) / 2))
    return 111.2 * math.hypot((a[1] - b[1]) * k, a[0] - b[0])


@pytest.fixture(scope="module")
def server():
    with AppServer(timeout=TIMEOUT / 1000) as s:
        yield s


def test_no_mark_at_a_country_stand_in_and_areas_open_their_records(server):
    places = load_dataset().places
    countries = places[places["kind"] == "country"]
    stand_ins = list(zip(countries["latitude"], countries["longitude"], strict=True))
    with sync_playwright() as pw:
        browser = launch_chromium(pw)
        try:
            page = browser.new_page(viewport={"width": 1366, "height": 768})
            aborted = block_external(page)
            page.goto(server.url)
            page.wait_for_function(
                "(sel) => { const f = document.querySelector(sel); const w = f && f.contentWindow;"
                " return !!(w && w.map && w.document.querySelector('.area-label')); }",
                arg=MAP_IFRAME,
                timeout=TIMEOUT,
            )
            drawn = page.evaluate(LAYERS_JS, MAP_IFRAME)
            assert drawn["markers"] and drawn["vertices"]
            for stand_in in stand_ins:
                for mark in drawn["markers"] + drawn["vertices"]:
                    assert km(mark, stand_in) > 30, (mark, stand_in)
            wait_app_idle(page)  # the map's first report has been answered: its layers stay
            frame = page.frame_locator(MAP_IFRAME)
            label = frame.locator(".area-label", has_text="In Laos, place not stated")
            expect(label).to_have_count(1)
            popup = frame.locator(".leaflet-popup .area-popup")
            # At 1366x768 the map's legend sits over Laos: fold it away, as a reader would.
            fold = frame.get_by_role("button", name="Hide legend")
            if fold.count():
                fold.scroll_into_view_if_needed()
                fbox = fold.bounding_box()
                page.mouse.click(fbox["x"] + fbox["width"] / 2, fbox["y"] + fbox["height"] / 2)
                expect(frame.locator(".map-legend.folded")).to_have_count(1)
            # The first press on the map focuses its iframe, and Chromium may scroll a partly
            # hidden iframe into view before the release: aim again where the label now is.
            for _ in range(3):
                label.scroll_into_view_if_needed()
                box = label.locator("div").bounding_box()
                page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
                try:
                    expect(popup).to_have_count(1, timeout=5_000)
                    break
                except AssertionError:
                    continue
            expect(popup).to_contain_text("In Laos, place not stated: 4 incidents", timeout=30_000)
            for iid in ("LAO-01", "LAO-02", "LAO-04", "LAO-08"):
                expect(popup).to_contain_text(iid)
            assert aborted == []
        finally:
            browser.close()
