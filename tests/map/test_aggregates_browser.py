"""Aggregates in Chromium, with real input, at a laptop's and a desktop's size: each circle
says how many in its text and its accessible name, a click zooms into it until it splits, and
one that splits no further says what it holds. The data (20,000 incidents clustered at the
gazetteer's towns) is made at run time."""

from __future__ import annotations

import re
from contextlib import contextmanager
from pathlib import Path

import pytest

from benchmarks.synthetic import write_synthetic
from dashboard.data.dataset import check_dataset
from dashboard.export.formats import standalone_html
from dashboard.filters import prepare, routes_for
from dashboard.vague.areas import drawn_as
from harness.chromium import CHROMIUM

pytestmark = [
    pytest.mark.browser,  # every test here opens the page in Chromium (through _opened)
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="no Chromium"),
]
SIZE = 20_000
VIEWPORTS = [(1366, 768), (1920, 1080)]


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    folder = tmp_path_factory.mktemp("agg")
    data = write_synthetic(folder, SIZE, layout="clustered")
    dataset, _ = check_dataset(data.incidents, data.routes, data.places)
    incidents = prepare(dataset.incidents, dataset.places)
    legs = routes_for(dataset.routes, incidents)
    page = folder / "map.html"
    page.write_bytes(standalone_html(incidents, legs, dataset.places, "Aggregates"))
    points = int((drawn_as(incidents, dataset.places) == "point").sum())
    return page, points


def _settled(page) -> None:
    """The map has drawn its layer and stopped moving (the same view on two polls 250 ms
    apart: a fit or zoom animation that has not started yet would move the circles)."""
    page.wait_for_function(
        """() => {
            const map = Object.values(window).find((v) => v instanceof L.Map);
            let layer = null;
            map.eachLayer((l) => { if (l.count !== undefined) layer = l; });
            const panning = map._panAnim && map._panAnim._inProgress;
            if (!layer || map._animatingZoom || panning || layer._frame
                || document.body.dataset.aggregatesDrawn === undefined) return false;
            const c = map.getCenter();
            const key = [c.lat, c.lng, map.getZoom()].join(",");
            const same = window.__lastView === key;
            window.__lastView = key;
            return same;
        }""",
        polling=250,
        timeout=30_000,
    )


@contextmanager
def _opened(page_file: Path, width: int = 1366, height: int = 768):
    """The exported map page in Chromium, offline, once its layer has drawn and settled."""
    from playwright.sync_api import sync_playwright

    from harness.chromium import block_external, launch_chromium

    with sync_playwright() as pw:
        browser = launch_chromium(pw)
        try:
            page = browser.new_page(viewport={"width": width, "height": height})
            block_external(page)
            page.goto(page_file.as_uri())
            _settled(page)
            yield page
        finally:
            browser.close()


def _biggest(page) -> dict:
    """The largest circle fully on screen: its count, name and centre on the page."""
    return page.evaluate(
        """() => {
            let best = null;
            for (const el of document.querySelectorAll('.incident-cluster')) {
                const r = el.getBoundingClientRect();
                if (r.left < 60 || r.top < 60 || r.right > innerWidth - 60
                    || r.bottom > innerHeight - 160) continue;
                const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
                if (!hit || !el.contains(hit)) continue;  // under a control: not clickable there
                const count = Number(el.dataset.count);
                if (!best || count > best.count) best = {count, name: el.getAttribute('aria-label'),
                    text: el.innerText, x: r.left + r.width / 2, y: r.top + r.height / 2,
                    level: Number(el.dataset.level)};
            }
            return best;
        }"""
    )


@pytest.mark.parametrize(("width", "height"), VIEWPORTS)
def test_a_circle_says_how_many_and_splits_when_clicked(exported, width, height):
    from playwright.sync_api import sync_playwright

    from harness.chromium import block_external, launch_chromium

    page_file, points = exported
    with sync_playwright() as pw:
        browser = launch_chromium(pw)
        try:
            page = browser.new_page(viewport={"width": width, "height": height})
            aborted = block_external(page)
            failures: list[str] = []
            page.on("pageerror", lambda e: failures.append(str(e)))
            page.goto(page_file.as_uri())
            _settled(page)
            assert page.evaluate("Number(document.body.dataset.incidentsDrawn)") == points
            big = _biggest(page)
            assert big is not None, "no aggregate on screen"
            assert big["count"] > 100
            # the number is visible and spoken: "3,702 incidents around Onsong County: ..."
            assert re.match(r"^[\d,]+ incidents (around .+|here): ", big["name"])
            assert big["name"].startswith(f"{big['count']:,} incidents")
            assert big["text"].strip() and big["text"].strip()[0].isdigit()
            legend = page.locator(".map-legend [data-legend='cat:_aggregate']")
            assert legend.is_visible() and "area in proportion" in legend.inner_text()
            zoom = page.evaluate("Object.values(window).find((v) => v instanceof L.Map).getZoom()")
            # a real click on the circle zooms in to its incidents, which split apart
            for _ in range(8):
                page.mouse.click(big["x"], big["y"])
                page.wait_for_function(
                    """(z) => Object.values(window).find((v) => v instanceof L.Map).getZoom() !== z
                        || document.querySelector('.leaflet-popup .cluster-popup')""",
                    arg=zoom,
                    timeout=30_000,
                )
                _settled(page)
                popup = page.locator(".leaflet-popup .cluster-popup")
                if popup.count():  # it splits no further: it says what it holds
                    assert popup.inner_text().startswith(f"{big['count']:,} incidents")
                    assert "CSV export" in popup.inner_text()
                    break
                now = page.evaluate(
                    "Object.values(window).find((v) => v instanceof L.Map).getZoom()"
                )
                assert now > zoom
                zoom = now
                nxt = _biggest(page)
                if nxt is None:  # all single incidents now
                    break
                assert nxt["count"] <= big["count"]
                big = nxt
            else:
                pytest.fail("clicking never split the aggregate nor listed it")
            assert failures == [] and aborted == []
        finally:
            browser.close()


def test_enter_on_a_focused_circle_opens_it_like_a_click(exported):
    """A keyboard user: a circle in the Tab order, Enter zooms into it as a click does. (The
    focus is put on the circle directly: Tab would first pass every area and route leg.)"""

    page_file, _ = exported
    with _opened(page_file) as page:
        zoom = page.evaluate("Object.values(window).find((v) => v instanceof L.Map).getZoom()")
        focused = page.evaluate(
            """() => {
                let best = null;
                for (const el of document.querySelectorAll('.incident-cluster'))
                    if (!best || Number(el.dataset.count) > Number(best.dataset.count)) best = el;
                best.focus();
                return document.activeElement === best && best.getAttribute('tabindex');
            }"""
        )
        assert focused == "0"  # in the Tab order
        page.keyboard.press("Enter")
        page.wait_for_function(
            "(z) => Object.values(window).find((v) => v instanceof L.Map).getZoom() > z",
            arg=zoom,
            timeout=30_000,
        )


def test_a_selected_incident_shows_above_the_circle_that_holds_it(tmp_path):
    """A selection ring drawn under a circle of thousands would hide where the incident is:
    the ring is drawn above every marker and circle, and at the opening view it falls on the
    circle that holds its incident."""
    from dashboard.map.assets import standalone_html as page_html
    from dashboard.map.build import MapOptions, build_map

    data = write_synthetic(tmp_path, 3_000, layout="clustered")
    dataset, _ = check_dataset(data.incidents, data.routes, data.places)
    incidents = prepare(dataset.incidents, dataset.places)
    points = incidents[drawn_as(incidents, dataset.places) == "point"]
    selected = str(points["incident_id"].iloc[0])
    m = build_map(
        incidents,
        dataset.routes.iloc[:0],
        dataset.places,
        MapOptions(selected=selected),
        asset_base=None,
    )
    page_file = tmp_path / "selected.html"
    page_file.write_text(page_html(m), encoding="utf-8")
    with _opened(page_file) as page:
        found = page.evaluate(
            """() => {
                const ring = document.querySelector(".selected-ring");
                if (!ring) return null;
                const z = (el) => Number(getComputedStyle(el.closest(".leaflet-pane")).zIndex);
                const r = ring.getBoundingClientRect();
                const x = r.left + r.width / 2, y = r.top + r.height / 2;
                const under = [...document.querySelectorAll(".incident-cluster")].filter((c) => {
                    const b = c.getBoundingClientRect();
                    return b.left <= x && x <= b.right && b.top <= y && y <= b.bottom;
                });
                return {ring: z(ring), markers: z(document.querySelector(".incident-cluster")),
                        under: under.length};
            }"""
        )
    assert found is not None, "no selection ring drawn"
    assert found["under"] >= 1  # the incident is inside a circle at this view ...
    assert found["ring"] > found["markers"]  # ... and its ring is drawn above it
