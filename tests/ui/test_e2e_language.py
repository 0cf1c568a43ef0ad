"""The app in Korean in real Chromium, at 1366×768 and 1920×1080: a ``?lang=ko`` link opens
in Korean (count line, sidebar, ``<html lang="ko">``), and switching to English with real
clicks on the language select keeps the filters, rewrites the link and leaves the map mounted.

Uses the acceptance suite's fixtures (``app`` fails the test on a Streamlit exception in the
page, an uncaught page error, a server traceback or a request off the machine). Expected
words come from the core and the catalogs, never from the page.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from dashboard.filters import Filters, routes_for
from dashboard.i18n import LANGUAGE_LABEL, LANGUAGES, translator
from dashboard.summary import count_line
from dashboard.vocab import CATEGORIES, CONFIDENCE_NAMES
from tests.acceptance import conftest as acceptance
from tests.acceptance.ui import ARTIFACTS, FIRST_DRAW, MAP_IFRAME, UI, Core, url_params

pytestmark = pytest.mark.browser
# The acceptance suite's fixtures, shared rather than copied.
app, browser, core, server = acceptance.app, acceptance.browser, acceptance.core, acceptance.server
timings, viewport = acceptance.timings, acceptance.viewport

KO, EN = translator("ko"), translator("en")
LINK = "/?lang=ko&cat=arrest&conf=reported"
FILTERS = Filters(categories=frozenset({"arrest"}), confidence=frozenset({"reported"}))


def expected_count(core: Core, f: Filters, lang: str) -> str:
    shown = core.shown(f)
    legs = routes_for(core.dataset.routes, shown)
    return count_line(shown, len(core.incidents), legs, len(core.dataset.routes), lang=lang)


def html_lang(ui: UI, lang: str) -> None:
    ui.page.wait_for_function("(l) => document.documentElement.lang === l", arg=lang)


def choose_language(ui: UI, current: str, wanted: str) -> None:
    """Open the language select with a real click and click the wanted language's name."""
    select = (
        ui.sidebar()
        .get_by_test_id("stSelectbox")
        .filter(has_text=translator(current).gettext(LANGUAGE_LABEL))
    )
    ui.click_centre(select.get_by_role("combobox"))
    option = ui.page.get_by_role("option", name=LANGUAGES[wanted], exact=True)
    expect(option).to_be_visible()
    ui.click_centre(option)


def test_a_korean_link_opens_in_korean_and_switches_to_english(app: UI, core: Core):
    app.open(LINK)
    ko_line = expected_count(core, FILTERS, "ko")
    assert re.search(r"[\uac00-\ud7a3]", ko_line)
    expect(app.page.locator(".view-count b")).to_have_text(ko_line, timeout=FIRST_DRAW)
    html_lang(app, "ko")
    sidebar = app.sidebar()
    category = sidebar.get_by_test_id("stMultiSelect").filter(has_text=KO.gettext("Category"))
    expect(category).to_contain_text(KO.gettext(CATEGORIES["arrest"].label))
    confidence = sidebar.get_by_test_id("stMultiSelect").filter(has_text=KO.gettext("Confidence"))
    expect(confidence).to_contain_text(KO.gettext(CONFIDENCE_NAMES["reported"]))
    expect(sidebar.get_by_text(KO.gettext("Date window"), exact=True)).to_be_visible()
    expect(app.button(KO.gettext("Reset filters"))).to_be_visible()
    app.wait_for_map("true", timeout=FIRST_DRAW)
    legend_head = app.page.frame_locator(MAP_IFRAME).locator(".map-legend [data-legend-head='cat']")
    expect(legend_head).to_have_text(KO.gettext("Incidents"))
    assert app.wait_idle(60_000)
    app.set_probe()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    app.page.screenshot(path=ARTIFACTS / f"{app.name}-korean.png")

    choose_language(app, "ko", "en")
    expect(app.page.locator(".view-count b")).to_have_text(expected_count(core, FILTERS, "en"))
    html_lang(app, "en")
    category = sidebar.get_by_test_id("stMultiSelect").filter(has_text="Category")
    expect(category).to_contain_text(CATEGORIES["arrest"].label)
    confidence = sidebar.get_by_test_id("stMultiSelect").filter(has_text="Confidence")
    expect(confidence).to_contain_text("reported")
    app.page.wait_for_function("() => !location.search.includes('lang=')")
    params = url_params(app.page.url)
    assert (params.get("cat"), params.get("conf")) == ("arrest", "reported"), params
    # The map's own words follow (legend, zoom button) ...
    expect(legend_head).to_have_text("Incidents")
    expect(
        app.page.frame_locator(MAP_IFRAME).locator(".leaflet-control-zoom-in")
    ).to_have_attribute("title", "Zoom in")
    # ... and the map was not reloaded: the mark on its live Leaflet object is still there.
    assert app.wait_idle(60_000)
    state = app.wait_for_map("true")
    assert state["frames"] == 1
    assert app.page.evaluate(
        "(sel) => document.querySelector(sel).contentWindow.map.__probe === 1",
        MAP_IFRAME,
    ), "switching language reloaded the map"

    # And back: the link carries the language again, the filters still hold.
    choose_language(app, "en", "ko")
    expect(app.page.locator(".view-count b")).to_have_text(ko_line)
    html_lang(app, "ko")
    expect(legend_head).to_have_text(KO.gettext("Incidents"))
    app.page.wait_for_function("() => location.search.includes('lang=ko')")
    assert url_params(app.page.url)["cat"] == "arrest"
