"""Briefing mode and hostile text in the running app, in real Chromium, fully offline."""

from __future__ import annotations

import csv
import math

import pytest
from playwright.sync_api import Page, expect, sync_playwright

from dashboard import REPO_DIR
from dashboard.data.dataset import load_dataset
from dashboard.data.stories import STORIES_PATH
from dashboard.vague.areas import drawn_as
from harness.chromium import block_external, launch_chromium, wait_app_idle
from harness.server import AppServer
from tests.map.test_hostile import HOSTILE, hostile_file

ARTIFACTS = REPO_DIR / "tests" / "artifacts"
TIMEOUT = 45_000


@pytest.fixture(scope="module")
def browser():
    with sync_playwright() as p:
        b = launch_chromium(p)
        yield b
        b.close()


@pytest.fixture(scope="module")
def server():
    with AppServer() as s:
        yield s


# How many steps the "laos-nine" story has (geodata/stories.csv, the data may grow).
with open(STORIES_PATH, encoding="utf-8", newline="") as _f:
    LAOS_IDS = [r["incident_id"] for r in csv.DictReader(_f) if r["story_id"] == "laos-nine"]
LAOS_STEPS = len(LAOS_IDS)


def open_page(browser, url: str) -> tuple[Page, list[str], list[str]]:
    context = browser.new_context(viewport={"width": 1400, "height": 950})
    aborted = block_external(context)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(url)
    return page, aborted, errors


def map_frame(page: Page):
    page.wait_for_selector("iframe[title*='st_folium'], iframe[src*='st_folium']", timeout=TIMEOUT)
    frame = next(f for f in page.frames if "st_folium" in f.url)
    frame.wait_for_function(
        "window.map && document.body.dataset.incidentsDrawn !== undefined", timeout=TIMEOUT
    )
    return frame


def view(frame) -> dict:
    """The map's applied view request and where the map is now."""
    frame.wait_for_function("window.escapeeMap && window.escapeeMap.lastView", timeout=TIMEOUT)
    return frame.evaluate(
        """(() => { const c = window.map.getCenter();
            return {token: window.escapeeMap.lastView.token, center: [c.lat, c.lng],
                    zoom: window.map.getZoom()}; })()"""
    )


def wait_for_view_on(frame, lat: float, lon: float, after: dict) -> dict:
    """Wait until a newer view request has been applied and the map shows (lat, lon)."""
    frame.wait_for_function(
        """([token, lat, lon]) => window.escapeeMap.lastView
            && window.escapeeMap.lastView.token !== token
            && window.map.getBounds().contains([lat, lon])""",
        arg=[after["token"], lat, lon],
        timeout=TIMEOUT,
    )
    return view(frame)


def test_briefing_hides_controls_and_next_moves_the_map(browser, server):
    ds = load_dataset()
    shapes = drawn_as(ds.incidents, ds.places)
    incidents = ds.incidents.assign(shape=shapes.values).set_index("incident_id")
    page, aborted, errors = open_page(browser, f"{server.url}/?brief=1&story=laos-nine")
    expect(page.get_by_text("The Laos nine, 2013")).to_be_visible(timeout=TIMEOUT)
    expect(page.get_by_text(f"Step 1 of {LAOS_STEPS}")).to_be_visible(timeout=TIMEOUT)
    expect(page.locator("[data-testid='stSidebar']")).to_be_hidden()
    expect(page.get_by_text("Reset filters")).to_be_hidden()
    expect(page.locator(f".brief-card[data-incident='{LAOS_IDS[0]}']")).to_be_visible()
    first = view(map_frame(page))

    page.get_by_role("button", name="Next ▶").click()
    expect(page.get_by_text(f"Step 2 of {LAOS_STEPS}")).to_be_visible(timeout=TIMEOUT)
    expect(page.locator(f".brief-card[data-incident='{LAOS_IDS[1]}']")).to_be_visible()
    # The arrow keys step too, up to the first step drawn as a point somewhere else.
    target = next(
        k
        for k, i in enumerate(LAOS_IDS)
        if k >= 2
        and incidents.loc[i, "shape"] == "point"
        and incidents.loc[i, "place_id"] != incidents.loc[LAOS_IDS[0], "place_id"]
    )
    for k in range(2, target + 1):
        page.keyboard.press("ArrowRight")
        expect(page.get_by_text(f"Step {k + 1} of {LAOS_STEPS}")).to_be_visible(timeout=TIMEOUT)
        expect(page.locator(f".brief-card[data-incident='{LAOS_IDS[k]}']")).to_be_visible()
        frame = map_frame(page)
        rings = 1 if incidents.loc[LAOS_IDS[k], "shape"] == "point" else 0
        expect(frame.locator(".selected-ring")).to_have_count(rings)  # an area has no ring
    place = ds.places.loc[incidents.loc[LAOS_IDS[target], "place_id"]]
    moved = wait_for_view_on(frame, place["latitude"], place["longitude"], after=first)
    # The map moved to the incident: a different centre or a closer zoom than step 1's.
    assert math.dist(moved["center"], first["center"]) > 0.5 or moved["zoom"] > first["zoom"]
    page.screenshot(path=str(ARTIFACTS / "briefing_step_point.png"))

    page.keyboard.press("ArrowLeft")
    expect(page.get_by_text(f"Step {target} of {LAOS_STEPS}")).to_be_visible(timeout=TIMEOUT)
    assert errors == []
    assert aborted == []
    page.context.close()


def test_briefing_through_filtered_incidents_in_date_order(browser, server):
    dataset = load_dataset()
    expected = dataset.incidents[dataset.incidents["category"] == "deportation"].sort_values(
        "date_start"
    )
    page, aborted, _ = open_page(browser, f"{server.url}/?brief=1&cat=deportation")
    expect(page.get_by_text(f"Step 1 of {len(expected)}")).to_be_visible(timeout=TIMEOUT)
    first = expected.iloc[0]["incident_id"]
    expect(page.locator(f".brief-card[data-incident='{first}']")).to_be_visible()
    page.get_by_role("button", name="Exit briefing").click()
    expect(page.get_by_text("Reset filters")).to_be_visible(timeout=TIMEOUT)
    expect(
        page.get_by_text(f"{len(expected)} of {len(dataset.incidents)} incidents")
    ).to_be_visible()
    assert aborted == []
    page.context.close()


def test_hostile_text_in_the_app_is_shown_literally(browser, tmp_path):
    path = hostile_file(tmp_path)
    with AppServer(incidents=path) as hostile_server:
        page, aborted, errors = open_page(browser, f"{hostile_server.url}/?sel=ONS-01")
        panel = page.locator("[data-incident='ONS-01']").first
        expect(panel).to_be_visible(timeout=TIMEOUT)
        assert HOSTILE["summary"] in panel.inner_text()
        assert HOSTILE["location"] in panel.inner_text()
        links = panel.locator("a")
        for i in range(links.count()):  # only http(s) links survive (or none at all)
            href = links.nth(i).get_attribute("href")
            assert href is None or href.startswith("https://"), href
        frame = map_frame(page)
        wait_app_idle(page)  # the map's first report has been answered
        marker = frame.locator(".incident-marker").nth(2)
        box = None
        for _ in range(5):  # a rerun may be swapping the map's layers at this very moment
            marker.wait_for(state="visible", timeout=TIMEOUT)
            clicked = marker.get_attribute("class")
            box = marker.bounding_box()  # a real click where the marker is on screen
            if box is not None:
                break
        assert box is not None, "the marker never stayed on screen"
        page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
        # The app shows a clicked incident's record beside the map (no popup in the app).
        record = page.locator(".record-panel .incident-popup")
        expect(record).not_to_have_attribute("data-incident", "ONS-01", timeout=TIMEOUT)
        assert HOSTILE["summary"] in record.inner_text(), clicked
        page.screenshot(path=str(ARTIFACTS / "hostile_app.png"))

        page.goto(f"{hostile_server.url}/?brief=1")
        card = page.locator(".brief-card").first
        expect(card).to_be_visible(timeout=TIMEOUT)
        assert HOSTILE["summary"] in card.inner_text()
        wait_app_idle(page)  # every frame the briefing draws is in place before we look
        for f in page.frames:
            assert f.evaluate("window.__pwned === undefined"), f.url
        assert errors == []
        assert aborted == []
        page.context.close()
