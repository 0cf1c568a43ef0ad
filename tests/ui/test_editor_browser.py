"""The editor in real Chromium: a journalist adds the 2017 Joint Security Area event by
clicking Panmunjom on the map (no offline gazetteer has it), names the new place in Korean,
saves; the incident and the place are in the files, and search finds it in Korean and English.

Real input only: mouse clicks at screen positions, typing, the mouse wheel to scroll.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

pytest.importorskip("playwright")

from playwright.sync_api import expect, sync_playwright  # noqa: E402

from dashboard import DEFAULT_INCIDENTS, PACKAGE_DIR  # noqa: E402
from dashboard.data.places import PLACES_PATH  # noqa: E402
from dashboard.data.routes import ROUTES_PATH  # noqa: E402
from dashboard.filters import Filters, filter_incidents, prepare  # noqa: E402
from dashboard.gazetteer import search  # noqa: E402
from dashboard.store.csvstore import CsvStore  # noqa: E402
from harness.chromium import CHROMIUM, block_external, launch_chromium  # noqa: E402
from harness.server import AppServer  # noqa: E402

pytestmark = pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="needs Chromium")

FRAME = 'iframe[title="streamlit_folium.st_folium"]'
# Where (lat, lon) is on the screen: the iframe's box plus Leaflet's own projection.
POINT_JS = """([sel, lat, lon]) => {
  const f = document.querySelector(sel); const w = f.contentWindow;
  const m = Object.values(w).find(v => v instanceof w.L.Map);
  const p = m.latLngToContainerPoint([lat, lon]);
  const c = m.getContainer().getBoundingClientRect(); const r = f.getBoundingClientRect();
  return {x: r.left + c.left + p.x, y: r.top + c.top + p.y, top: r.top, bottom: r.bottom,
          vh: window.innerHeight};
}"""
MAP_READY_JS = """sel => { const f = document.querySelector(sel);
  if (!f || !f.contentWindow) return false; const w = f.contentWindow;
  return !!(w.L && Object.values(w).some(v => v instanceof w.L.Map)); }"""
PANMUNJOM = (37.9561, 126.6772)  # the click; the test's own choice, as a journalist's would be


class EditorServer(AppServer):
    """The editor page alone (tests/ui/editor_app.py), served with the app's static files."""

    def __init__(self, script: Path, **kwargs):
        super().__init__(**kwargs)
        self.script = script

    def command(self) -> list[str]:
        cmd = super().command()
        cmd[cmd.index("run") + 1] = str(self.script)
        return cmd


@pytest.fixture
def editor(tmp_path, monkeypatch):
    page_dir = tmp_path / "page"
    page_dir.mkdir()
    shutil.copy(Path(__file__).with_name("editor_app.py"), page_dir / "page.py")
    (page_dir / "static").symlink_to(PACKAGE_DIR / "static")  # Leaflet, served offline
    for src in (DEFAULT_INCIDENTS, ROUTES_PATH, PLACES_PATH):
        shutil.copy(src, tmp_path / src.name)
    monkeypatch.setenv("ED_INCIDENTS", str(tmp_path / "incidents.csv"))
    monkeypatch.setenv("ED_ROUTES", str(tmp_path / "routes.csv"))
    monkeypatch.setenv("ED_PLACES", str(tmp_path / "places.csv"))
    monkeypatch.setenv("DASHBOARD_EDITING", "1")
    monkeypatch.setenv("DASHBOARD_AUTHOR", "browser-test")
    store = CsvStore(tmp_path / "incidents.csv", tmp_path / "routes.csv", tmp_path / "places.csv")
    with EditorServer(page_dir / "page.py", timeout=180) as server:
        yield server, store


def _type(page, name: str, text: str) -> None:
    box = page.get_by_role("textbox", name=name, exact=True)
    box.scroll_into_view_if_needed()
    box.click()
    page.keyboard.press("Control+a")
    page.keyboard.type(text)
    page.keyboard.press("Tab")


def _choose(page, label: str, option: str) -> None:
    page.get_by_text(label, exact=True).scroll_into_view_if_needed()
    page.get_by_label(label).first.click()
    page.keyboard.type(option)
    page.keyboard.press("Enter")


@pytest.mark.parametrize("viewport", [(1366, 768), (1920, 1080)])
def test_add_an_incident_by_clicking_the_map_and_find_it_in_korean(editor, viewport):
    server, store = editor
    with sync_playwright() as p:
        browser = launch_chromium(p)
        context = browser.new_context(viewport={"width": viewport[0], "height": viewport[1]})
        aborted = block_external(context)
        page = context.new_page()
        page.set_default_timeout(90_000)
        page.goto(server.url)
        page.wait_for_function(MAP_READY_JS, arg=FRAME)

        _type(page, "Incident id", "WF-1")
        _choose(page, "Category", "Border crossing")
        _choose(page, "Confidence", "reported")
        _type(page, "Date in the source's words", "13 November 2017")
        page.get_by_text("The date can be placed in a window (start and end)").click()
        page.wait_for_function("() => !document.querySelector('input[type=date]')")
        _type(page, "Date note", "Test row: the window is left out on purpose.")

        # Bring the whole map into view with the wheel, then click Panmunjom on it.
        for _ in range(60):
            at = page.evaluate(POINT_JS, [FRAME, *PANMUNJOM])
            if at["top"] >= 60 and at["bottom"] <= at["vh"]:
                break
            page.mouse.move(viewport[0] / 2, viewport[1] / 2)
            page.mouse.wheel(0, 150 if at["bottom"] > at["vh"] else -150)
            page.wait_for_function(  # the scroll has landed: the map moved on the screen
                "([sel, top]) => Math.abs(document.querySelector(sel)"
                ".getBoundingClientRect().top - top) > 1",
                arg=[FRAME, at["top"]],
            )
        page.mouse.click(at["x"], at["y"])
        page.wait_for_function(
            "() => { const e = document.querySelector('input[aria-label=Latitude]');"
            " return e && e.value !== ''; }"
        )
        _choose(page, "How precise is the place? (draws the uncertainty circle)", "2:")
        _type(page, "Location as the source says it", "Joint Security Area, Panmunjom")
        _type(page, "Place name", "Panmunjom")
        _type(page, "Other names and scripts, separated by |", "판문점|P'anmunjŏm|Panmunjeom")
        _type(page, "Summary", "Workflow test row (Panmunjom).")
        _type(page, "Verbatim quote from the source", "Test fixture text, not a quote.")
        _type(page, "Outlet", "Test fixture")
        _type(page, "Article title", "Workflow test: Panmunjom")
        save = page.get_by_role("button", name="Save the new incident")
        save.scroll_into_view_if_needed()
        expect(save).to_be_enabled()
        save.click()
        expect(page.get_by_text("Saved WF-1")).to_be_visible()
        assert aborted == [], aborted
        browser.close()

    row = store.get_incident("WF-1")
    lat, lon = float(row["latitude"]), float(row["longitude"])
    assert abs(lat - PANMUNJOM[0]) < 0.1 and abs(lon - PANMUNJOM[1]) < 0.1  # a pixel at zoom 4
    assert row["place_id"] == "panmunjom" and row["geo_precision"] == "2"
    dataset, problems = store.load()
    assert dataset is not None, problems
    place = dataset.places.loc["panmunjom"]
    assert "판문점" in place["alt_names"]
    assert place["coord_source"].startswith("Placed by a click on the map in the editor")
    incidents = prepare(dataset.incidents, dataset.places)
    for text in ("판문점", "Panmunjom", "P'anmunjŏm"):
        found = filter_incidents(incidents, Filters(text=text))
        assert list(found["incident_id"]) == ["WF-1"], text
    answer = search("판문점", places_path=store.places_path).matches[0]
    assert (answer.place_id, answer.name) == ("panmunjom", "Panmunjom")
