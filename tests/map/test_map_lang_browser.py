"""In Chromium at 1366x768 and 1920x1080: a large selection's canvas layer and the legend speak the reader's
language, from words the page gets from Python (points.js and behaviour.js hold none)."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest
from playwright.sync_api import expect, sync_playwright

from dashboard import DEFAULT_INCIDENTS
from dashboard.data.dataset import load_dataset
from dashboard.filters import prepare
from dashboard.map.assets import standalone_html
from dashboard.map.build import MapOptions, build_map
from dashboard.map.points import LARGE_THRESHOLD
from harness.chromium import block_external, launch_chromium

WORDS = {
    "en": {
        "hide": "Hide legend",
        "show": "Legend",
        "when": "When",
        "zoomIn": "Zoom in",
        "fullscreen": "Full Screen",
        "aggregate": r"Circle with a number: that many incidents",
    },
    "ko": {
        "hide": "범례 숨기기",
        "show": "범례",
        "when": "일시",
        "zoomIn": "확대",
        "fullscreen": "전체 화면",
        "aggregate": r"숫자가 적힌 원: 그 수만큼의 사건",
    },
}

# A symbol of the canvas layer on screen, once the view has settled (as the bench test finds one).
SETTLED_JS = """() => {
    const map = Object.values(window).find((v) => v instanceof L.Map);
    let points = null;
    map.eachLayer((l) => { if (l.count !== undefined) points = l; });
    const panning = map._panAnim && map._panAnim._inProgress;
    return !map._animatingZoom && !panning && !points._frame;
}"""
ZOOM_JS = "() => Object.values(window).find((v) => v instanceof L.Map).getZoom()"
# The centre of the first aggregate fully inside the map and on top there (for a real click).
CIRCLE_JS = """() => {
    for (const el of document.querySelectorAll('.incident-cluster')) {
        const r = el.getBoundingClientRect(), x = r.left + r.width / 2, y = r.top + r.height / 2;
        if (r.left < 60 || r.top < 60 || r.right > innerWidth - 300 || r.bottom > innerHeight - 150)
            continue;
        const top = document.elementFromPoint(x, y);
        if (top && el.contains(top)) return [x, y];
    }
    return null;
}"""
FIND_JS = """() => {
    const map = Object.values(window).find((v) => v instanceof L.Map);
    let points = null;
    map.eachLayer((l) => { if (l.count !== undefined) points = l; });
    const size = map.getSize(), box = map.getContainer().getBoundingClientRect();
    for (let y = 150; y < size.y - 150; y += 4)
        for (let x = 350; x < size.x - 250; x += 4)
            if (points._find(L.point(x, y)) >= 0) return [box.left + x, box.top + y];
    return null;
}"""


VIEWPORTS = [{"width": 1366, "height": 768}, {"width": 1920, "height": 1080}]


@pytest.fixture(scope="module")
def pages(tmp_path_factory):
    """The same 270 synthetic point incidents (copies of the curated ones, spread a little),
    as a standalone map page in each language."""
    ds = load_dataset(DEFAULT_INCIDENTS)
    base = prepare(ds.incidents, ds.places)
    n = 270
    assert n > LARGE_THRESHOLD  # drawn by the canvas layer, points.js
    many = pd.concat([base] * (n // len(base) + 1), ignore_index=True).head(n).copy()
    rng = np.random.default_rng(16)
    many["incident_id"] = [f"SYN-{k:03d}" for k in range(len(many))]
    many["geo_precision"] = 1
    many["latitude"] = many["latitude"] + rng.uniform(-0.3, 0.3, len(many))
    many["longitude"] = many["longitude"] + rng.uniform(-0.3, 0.3, len(many))
    out = {}
    for lang in WORDS:
        m = build_map(many, ds.routes.iloc[:0], ds.places, MapOptions(lang=lang), asset_base=None)
        path = tmp_path_factory.mktemp(lang) / "map.html"
        path.write_text(standalone_html(m), encoding="utf-8")
        out[lang] = path
    return out


def _click_centre(page, locator) -> None:
    box = locator.bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)


@pytest.mark.parametrize("viewport", VIEWPORTS, ids=lambda v: f"{v['width']}x{v['height']}")
def test_canvas_layer_and_legend_in_each_language(pages, viewport):
    with sync_playwright() as pw:
        browser = launch_chromium(pw)
        try:
            for lang, words in WORDS.items():
                page = browser.new_page(viewport=viewport)
                aborted = block_external(page)
                failures: list[str] = []
                page.on("pageerror", lambda e, f=failures: f.append(str(e)))
                page.goto(pages[lang].as_uri())
                page.wait_for_function("document.body.dataset.incidentsDrawn", timeout=60_000)
                aggregate = page.locator(".map-legend [data-legend='cat:_aggregate']")
                expect(aggregate).to_have_text(re.compile(words["aggregate"]))
                zoom_in = page.locator(".leaflet-control-zoom-in")
                expect(zoom_in).to_have_attribute("title", words["zoomIn"])
                expect(zoom_in).to_have_attribute("aria-label", words["zoomIn"])
                fullscreen = page.locator(".leaflet-control-fullscreen a, a.fullscreen-icon")
                expect(fullscreen.first).to_have_attribute("title", words["fullscreen"])
                button = page.locator(".map-legend .lg-toggle")
                expect(button).to_have_text(words["hide"])
                _click_centre(page, button)
                expect(button).to_have_text(words["show"])
                expect(page.locator(".map-legend.folded")).to_have_count(1)
                page.wait_for_function(SETTLED_JS, timeout=30_000)
                hit = page.evaluate(FIND_JS)
                for _ in range(6):  # where they are dense, click a circle to split it
                    if hit:
                        break
                    circle = page.evaluate(CIRCLE_JS)
                    assert circle, "neither a symbol nor a circle on screen"
                    zoom = page.evaluate(ZOOM_JS)
                    page.mouse.click(*circle)
                    page.wait_for_function(f"({ZOOM_JS})() !== {zoom}", timeout=30_000)
                    page.wait_for_function(SETTLED_JS, timeout=30_000)
                    hit = page.evaluate(FIND_JS)
                assert hit, "no incident symbol on screen"
                page.mouse.click(*hit)
                popup = page.locator(".leaflet-popup-content .incident-popup")
                expect(popup).to_have_count(1, timeout=30_000)
                expect(popup.locator("th").first).to_have_text(words["when"])
                text = popup.inner_text()
                if lang == "ko":
                    assert "장소" in text and "신뢰도" in text
                    # the date window in Korean: a long date, or that the year is not stated
                    when = popup.locator("td .muted").first.inner_text()
                    assert re.fullmatch(r"\(\d{4}년 \d+월 \d+일.*\)|\(연도 밝혀지지 않음\)", when)
                    assert "When" not in text and "Confidence" not in text
                else:
                    assert "Where" in text and "Confidence" in text
                assert failures == [] and aborted == []
                page.close()
        finally:
            browser.close()
