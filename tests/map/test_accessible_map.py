"""The map from the keyboard, in real Chromium with real key presses: Tab from the top of the
page reaches the incident markers (named as their record says, with a visible focus ring) and
then the zoom buttons; Enter or Space on a marker opens its record as a click does; labels and
marks that are not controls are never a Tab stop."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from dashboard.map.names import marker_name
from tests.acceptance import conftest as acceptance
from tests.acceptance.ui import ARTIFACTS, FIRST_DRAW, MAP_IFRAME

pytestmark = pytest.mark.browser

# The acceptance suite's fixtures: a fresh context per test that fails on any app error.
app, browser, core, server, timings, viewport = (
    acceptance.app,
    acceptance.browser,
    acceptance.core,
    acceptance.server,
    acceptance.timings,
    acceptance.viewport,
)

TAB_LIMIT = 300  # Tab presses from the top of the page to the map's last control

# Where the keyboard focus is, as the page sees it: outside the map, or in its frame on an
# incident marker (by id), a zoom button or something else; and how the focused element looks.
FOCUS_JS = """(sel) => {
  const frame = document.querySelector(sel), active = document.activeElement;
  if (!frame || active !== frame) return {kind: 'page', tag: active ? active.tagName : null};
  const w = frame.contentWindow, el = frame.contentDocument.activeElement;
  let id = null;
  w.map.eachLayer((l) => {
    if (l.options && l.options.incidentId && l.getElement && l.getElement() === el) {
      id = String(l.options.incidentId);
    }
  });
  const cs = w.getComputedStyle(el);
  const kind = id ? 'marker' : el.matches('.leaflet-control-zoom-in') ? 'zoom-in'
    : el.matches('.leaflet-control-zoom-out') ? 'zoom-out'
    : 'other ' + el.tagName + '.' + (el.getAttribute('class') || '');
  return {kind, id, outline: cs.outlineStyle, outlineWidth: parseFloat(cs.outlineWidth),
          label: !!el.closest('.place-label, .stop-mark, .leg-end-label'), zoom: w.map.getZoom()};
}"""


def focus(app) -> dict:
    return app.page.evaluate(FOCUS_JS, MAP_IFRAME)


def tab_until(app, kind: str, seen: list[dict]) -> dict:
    """Press Tab until the focus is on a ``kind`` in the map frame (every stop into ``seen``)."""
    for _ in range(TAB_LIMIT):
        app.page.keyboard.press("Tab")
        now = focus(app)
        seen.append(now)
        if now["kind"] == kind:
            return now
    pytest.fail(f"{TAB_LIMIT} Tab presses never reached a {kind}: {seen[-12:]}", pytrace=False)


def expect_record(app, incident_id: str) -> None:
    record = app.page.locator(f".record-panel .incident-popup[data-incident='{incident_id}']")
    expect(record).to_be_visible()


def test_keyboard_reaches_markers_and_opens_their_records(app, core):
    app.open("/")
    app.wait_for_map("s.drawn !== null", timeout=FIRST_DRAW)
    assert app.wait_idle(timeout=FIRST_DRAW, quiet_ms=2000), "the app never settled"
    frame = app.page.frame_locator(MAP_IFRAME)
    seen: list[dict] = []

    first = tab_until(app, "marker", seen)
    print(f"Tab presses from the top of the page to the first marker: {len(seen)}")
    name = marker_name(core.row(first["id"]))
    expect(frame.get_by_role("button", name=name, exact=True)).to_be_focused()
    assert first["outline"] == "solid" and first["outlineWidth"] >= 2, f"no focus ring: {first}"
    app.page.screenshot(path=ARTIFACTS / f"keyboard-focus-{app.name}.png")

    app.page.keyboard.press("Enter")
    expect_record(app, first["id"])
    assert app.wait_idle(timeout=FIRST_DRAW), "the app never settled after the selection"
    # The layers were swapped to draw the selection; the focus stayed on the same marker.
    expect(frame.get_by_role("button", name=name, exact=True)).to_be_focused()

    second = tab_until(app, "marker", seen)
    assert second["id"] != first["id"]
    app.page.keyboard.press(" ")
    expect_record(app, second["id"])
    assert app.wait_idle(timeout=FIRST_DRAW), "the app never settled after the selection"

    zoom_in = tab_until(app, "zoom-in", seen)
    app.page.keyboard.press("Enter")
    app.page.wait_for_function(
        "([sel, z]) => document.querySelector(sel).contentWindow.map.getZoom() > z",
        arg=[MAP_IFRAME, zoom_in["zoom"]],
    )
    labels = [s for s in seen if s.get("label")]
    assert not labels, f"labels or marks that are not controls took the focus: {labels}"


def test_exported_map_opens_a_record_from_the_keyboard(tmp_path, browser):
    """The HTML export: Tab to a marker, Enter opens its popup (its sourced record) once."""
    from dashboard.data.dataset import load_dataset
    from dashboard.export.formats import standalone_html
    from dashboard.filters import prepare
    from harness.chromium import block_external

    ds = load_dataset()
    incidents = prepare(ds.incidents, ds.places)
    page_file = tmp_path / "map.html"
    page_file.write_bytes(standalone_html(incidents, ds.routes, ds.places, "Map"))
    page = browser.new_page(viewport={"width": 1366, "height": 768})
    try:
        aborted = block_external(page)
        page.goto(page_file.as_uri())
        page.wait_for_function("document.body.dataset.incidentsDrawn > 0")
        for _ in range(TAB_LIMIT):
            page.keyboard.press("Tab")
            if page.evaluate("document.activeElement.matches('.incident-marker')"):
                break
        else:
            pytest.fail("Tab never reached an incident marker in the exported map")
        name = page.evaluate("document.activeElement.textContent.trim()")
        assert name, "the focused marker has no name"
        page.keyboard.press("Enter")
        popup = page.locator(".leaflet-popup .incident-popup")
        expect(popup).to_have_count(1)
        expect(popup).to_be_visible()
        assert aborted == []
    finally:
        page.close()
