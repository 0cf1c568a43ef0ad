"""An axe-core audit (WCAG 2.0/2.1, A and AA) of the app, its map frame and briefing mode, at
both viewports: no violation anywhere. Nothing is excluded: the Streamlit chrome, the map's
frame and the helper frames are audited as a reader meets them."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from .axe import audit_page, describe, save_counts
from .ui import ARTIFACTS, FIRST_DRAW

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
    doc = app.page.frame_locator('iframe[title="streamlit_folium.st_folium"]').locator("html")
    expect(doc).to_have_attribute("lang", "en")  # the map frame's language and title
    map_frame = next(f for f in app.page.frames if "st_folium" in f.url)
    assert map_frame.title() == "Map of incidents"
    found = audit_page(app.page)
    assert app.page.evaluate(SETTLED), "a rerun started during the audit: its result is void"
    assert "map frame" in found, f"the map frame was not audited: {list(found)}"
    save_counts(app.name, found)
    if any(found.values()):
        pytest.fail("axe found WCAG 2 A/AA violations:\n" + describe(view, found), pytrace=False)


# 200 % browser zoom on a 1366x768 laptop: half as many CSS pixels, each drawn twice as large.
ZOOM_200 = (683, 384)

# The briefing's head and card as laid out: boxes of the buttons and the card, and whether any
# text is cut off (an element whose content is wider than its box, or the page scrolling
# sideways).
BRIEF_LAYOUT = """() => {
  const box = (el) => { const r = el.getBoundingClientRect();
    return {x: r.left, y: r.top, right: r.right, bottom: r.bottom, w: r.width, h: r.height}; };
  const buttons = {};
  for (const b of document.querySelectorAll('button')) {
    const t = b.innerText.trim();
    if (/Previous|Next|Exit briefing/.test(t)) buttons[t] = {...box(b), text: t,
      clipped: [b, ...b.querySelectorAll('*')].some((e) => e.scrollWidth > e.clientWidth + 1)};
  }
  const card = document.querySelector('.brief-card');
  const cut = [...document.querySelectorAll('.brief-card, .brief-card *, .brief-title, .brief-title *')]
    .filter((el) => el.scrollWidth > el.clientWidth + 1 && getComputedStyle(el).overflowX !== 'visible')
    .map((el) => el.className || el.tagName);
  return {buttons, card: box(card), cut, width: innerWidth,
          sideways: document.documentElement.scrollWidth > innerWidth + 1};
}"""


@pytest.fixture
def zoomed(browser, server, timings, request):
    """The app at 200 % zoom (683x384 CSS pixels at 2 device pixels each)."""
    from .conftest import close_ui, open_ui

    ui = open_ui(browser, server, ZOOM_200, timings, request.node.name, scale=2)
    yield ui
    problems = close_ui(ui)
    assert not problems, "\n\n".join(problems)


def overlap(a: dict, b: dict) -> bool:
    return (
        a["x"] < b["right"]
        and b["x"] < a["right"]
        and a["y"] < b["bottom"]
        and b["y"] < a["bottom"]
    )


def test_briefing_readable_at_200_percent_zoom(zoomed):
    ui = zoomed
    ui.open("/?brief=1&story=laos-nine")
    expect(ui.page.locator(".brief-card")).to_be_visible(timeout=FIRST_DRAW)
    ui.page.wait_for_function(MAP_DRAWN, timeout=FIRST_DRAW)
    assert ui.wait_idle(timeout=FIRST_DRAW, quiet_ms=2000), "the app never settled"
    layout = ui.page.evaluate(BRIEF_LAYOUT)
    ui.page.screenshot(path=ARTIFACTS / "briefing-zoom-200.png", full_page=True)
    buttons = list(layout["buttons"].values())
    assert len(buttons) == 3, f"Previous, Next and Exit are not all there: {layout['buttons']}"
    for b in buttons:
        assert b["w"] > 0 and b["h"] > 0, f"{b['text']} is not shown: {b}"
        assert b["x"] >= 0 and b["right"] <= layout["width"], f"{b['text']} is off screen: {b}"
        assert not b["clipped"], f"{b['text']}'s label is cut off: {b}"
    for i, a in enumerate(buttons):
        for b in buttons[i + 1 :]:
            assert not overlap(a, b), f"{a['text']} and {b['text']} overlap: {a} {b}"
    card = layout["card"]
    assert card["x"] >= 0 and card["right"] <= layout["width"], f"the card is cut off: {card}"
    assert not layout["cut"], f"text cut off in the briefing: {layout['cut']}"
    assert not layout["sideways"], "the page scrolls sideways at 200 % zoom"
    # The card's last line (its citation) can be scrolled to and read.
    cite = ui.page.locator(".brief-card .cite")
    cite.scroll_into_view_if_needed()
    expect(cite).to_be_in_viewport()
    ui.page.screenshot(path=ARTIFACTS / "briefing-zoom-200-card-end.png")
    found = audit_page(ui.page)  # and the audit at this size too
    save_counts(ui.name, found)
    if any(found.values()):
        pytest.fail("axe at 200 % zoom:\n" + describe("briefing 200 %", found), pytrace=False)
