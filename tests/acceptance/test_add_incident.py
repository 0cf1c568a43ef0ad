"""Grow the database in the dashboard itself (issue 13): a journalist, on their own machine
with editing switched on, adds an incident placed by the offline finder from its Korean
name, saves, and finds it on the dashboard's map and by a Hangul search in the sidebar.

The app works on copies of the project's files (``--incidents`` / DASHBOARD_ROUTES /
DASHBOARD_PLACES), so the test never writes to the repository's data. Real input only:
clicks at screen positions, typing, Enter.
"""

from __future__ import annotations

import re
import shutil

import pytest
from playwright.sync_api import expect

from dashboard import DEFAULT_INCIDENTS
from dashboard.data.places import PLACES_PATH
from dashboard.data.routes import ROUTES_PATH
from dashboard.filters import Filters, filter_incidents, prepare
from dashboard.gazetteer import search
from dashboard.store.csvstore import CsvStore
from dashboard.summary import count_line
from dashboard.vague.areas import drawn_as
from harness.server import AppServer

from .ui import FIRST_DRAW, UI

pytestmark = pytest.mark.browser

HANGUL = "고성"  # Goseong, Gangwon: the eastern DMZ crossing of 2022 (a workflow example)


@pytest.fixture(scope="module")
def copies(tmp_path_factory):
    folder = tmp_path_factory.mktemp("desk")
    for src in (DEFAULT_INCIDENTS, ROUTES_PATH, PLACES_PATH):
        shutil.copy(src, folder / src.name)
    return folder


@pytest.fixture(scope="module")
def server(copies):
    """Overrides the shared server: editing on, over this module's copies of the files."""
    env = {
        "DASHBOARD_ROUTES": str(copies / "routes.csv"),
        "DASHBOARD_PLACES": str(copies / "places.csv"),
        "DASHBOARD_EDITING": "1",
        "DASHBOARD_AUTHOR": "acceptance-test",
    }
    with AppServer(incidents=copies / "incidents.csv", timeout=90, env=env) as s:
        yield s


def _desk(ui: UI):
    """The main area, where the data desk is (the sidebar has a Category filter too)."""
    return ui.page.get_by_test_id("stMain")


def _field(ui: UI, name: str):
    box = _desk(ui).get_by_role("textbox", name=name, exact=True)
    box.scroll_into_view_if_needed()
    return box


def _type(ui: UI, name: str, text: str) -> None:
    ui.click_centre(_field(ui, name))
    ui.page.keyboard.press("Control+A")
    ui.page.keyboard.type(text)
    ui.page.keyboard.press("Tab")


def _choose(ui: UI, label: str, option: str) -> None:
    box = _desk(ui).get_by_label(label, exact=True)
    box.scroll_into_view_if_needed()
    ui.click_centre(box)
    ui.page.keyboard.type(option)
    ui.page.keyboard.press("Enter")


def test_add_an_incident_found_by_its_korean_name_then_find_it_on_the_map(app: UI, copies):
    store = CsvStore(copies / "incidents.csv", copies / "routes.csv", copies / "places.csv")
    before, _ = store.load()
    new_id = f"WF-{app.viewport['width']}"  # one per viewport: both runs share the copies
    expected = search(HANGUL, places_path=copies / "places.csv").matches[0]

    app.open()
    expect(app.page.get_by_text("Add, edit or import incidents")).to_be_visible(timeout=FIRST_DRAW)
    app.wait_for_map("s.markers.length > 0", timeout=FIRST_DRAW)
    # the page settles first: the map's first report brings the timeline and the table,
    # which move the form down the page (and draw it anew)
    expect(app.page.get_by_test_id("stDataFrame").first).to_be_visible(timeout=FIRST_DRAW)
    assert app.wait_idle(timeout=FIRST_DRAW)

    _type(app, "Incident id", new_id)
    _choose(app, "Category", "Border crossing")
    _choose(app, "Confidence", "reported")
    _type(app, "Date in the source's words", "on New Year's Day")
    window = _desk(app).get_by_text("The date can be placed in a window (start and end)")
    window.scroll_into_view_if_needed()
    app.click_centre(window)
    app.page.wait_for_function("() => !document.querySelector('input[type=date]')")
    assert app.wait_idle()  # that rerun has ended: the form's fields are drawn anew
    _type(app, "Date note", "Workflow test row: the window is left out on purpose.")

    # The offline finder, from the Korean name: the best answer is used as it is offered.
    _type(app, "Find a place (any spelling or script: Pukch'ŏng, 북청, 丹东, Улан-Батор…)", HANGUL)
    use = app.button("Use this place")
    use.scroll_into_view_if_needed()
    expect(use).to_be_visible()
    app.click_centre(use)
    lat = _desk(app).get_by_label("Latitude", exact=True)
    expect(lat).not_to_have_value("")
    assert abs(float(lat.input_value()) - expected.latitude) < 1e-4
    _choose(app, "How precise is the place? (draws the uncertainty circle)", "1:")
    _type(app, "Location as the source says it", "Goseong County, Gangwon Province")
    _type(app, "Summary", "Workflow test row: a crossing of the eastern DMZ at Goseong.")
    _type(app, "Verbatim quote from the source", "Test fixture text, not a quote.")
    _type(app, "Outlet", "Test fixture")
    _type(app, "Article title", "Workflow test: Goseong")
    save = app.button("Save the new incident")
    save.scroll_into_view_if_needed()
    expect(save).to_be_enabled()
    app.click_centre(save)
    expect(app.page.get_by_text(f"Saved {new_id}")).to_be_visible()
    expect(_field(app, "Incident id")).to_have_value("")  # a fresh form for the next one

    # In the files: the row, and the place it was given (with its Korean name).
    after, problems = store.load()
    assert after is not None, problems
    assert len(after.incidents) == len(before.incidents) + 1
    row = after.incidents.loc[after.incidents["incident_id"] == new_id].iloc[0]
    assert abs(row["latitude"] - expected.latitude) < 0.01
    assert HANGUL in after.places.loc[row["place_id"], "alt_names"]
    # once in the gazetteer, the place is found there: a second incident does not copy it
    assert (after.places["name"] == after.places.loc[row["place_id"], "name"]).sum() == 1
    assert (
        drawn_as(after.incidents[after.incidents["incident_id"] == new_id], after.places).iloc[0]
        == "point"
    )

    # On the dashboard's map, without a reload of the page.
    app.wait_for_map("s.markers.some((m) => m.id === arg)", new_id)

    # A Hangul search finds it (and, on the curated data, nothing else).
    incidents = prepare(after.incidents, after.places)
    found = filter_incidents(incidents, Filters(text=HANGUL))
    assert new_id in set(found["incident_id"])
    app.search(HANGUL)
    app.expect_count(re.escape(count_line(found, len(incidents))))
    points = set(found.loc[drawn_as(found, after.places) == "point", "incident_id"])
    app.wait_for_markers(points)
