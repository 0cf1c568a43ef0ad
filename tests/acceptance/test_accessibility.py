"""An axe-core audit (WCAG 2.0/2.1, A and AA) of the app, its map frame and briefing mode, at
both viewports: no violation anywhere. Nothing is excluded: the Streamlit chrome, the map's
frame and the helper frames are audited as a reader meets them."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from .axe import audit_page, describe, save_counts
from .ui import FIRST_DRAW

pytestmark = pytest.mark.browser

# Every folium frame on the page has drawn its incidents (the app's map, or the briefing's).
MAP_DRAWN = """() => {
  const frames = [...document.querySelectorAll('iframe[title="streamlit_folium.st_folium"]')];
  return frames.length === 1 && frames.every((f) => f.contentDocument && f.contentDocument.body
    && f.contentDocument.body.dataset.incidentsDrawn !== undefined);
}"""

SETTLED = """() => !document.querySelector('[data-stale="true"]')
  && !document.querySelector('[data-testid="stStatusWidget"]')"""

VIEWS = {"app": "/", "record": "/?sel=ONS-01", "briefing": "/?brief=1"}


@pytest.mark.parametrize("view", list(VIEWS))
def test_no_wcag_violation(app, view):
    app.open(VIEWS[view])
    if view == "briefing":
        expect(app.page.locator(".brief-card")).to_be_visible(timeout=FIRST_DRAW)
    else:
        expect(app.count_line()).to_be_visible(timeout=FIRST_DRAW)
    app.page.wait_for_function(MAP_DRAWN, timeout=FIRST_DRAW)
    # Audited as the reader meets it at rest: while a rerun is in progress Streamlit fades the
    # page's stale elements (a transient the audit would report as low contrast).
    assert app.wait_idle(timeout=FIRST_DRAW, quiet_ms=2000), "the app never settled"
    app.page.wait_for_function(SETTLED, timeout=FIRST_DRAW)
    found = audit_page(app.page)
    assert app.page.evaluate(SETTLED), "a rerun started during the audit: its result is void"
    assert "map frame" in found, f"the map frame was not audited: {list(found)}"
    save_counts(app.name, found)
    if any(found.values()):
        pytest.fail("axe found WCAG 2 A/AA violations:\n" + describe(view, found), pytrace=False)
