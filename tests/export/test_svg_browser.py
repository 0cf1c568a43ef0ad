"""A Korean SVG export opened in Debian's Chromium draws its Hangul with a Hangul font (no
empty boxes): the browser's own report of the fonts it used for the title."""

from __future__ import annotations

import pytest
from playwright.sync_api import sync_playwright

from dashboard.export import SnapshotSpec, render
from dashboard.summary import title
from harness.chromium import block_external, launch_chromium
from tests.export.test_export import data, select  # noqa: F401 - the shared dataset fixture

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("viewport", [(1366, 768), (1920, 1080)])
def test_korean_svg_renders_hangul_in_chromium(data, tmp_path, viewport):  # noqa: F811
    shown, legs, places, words = select(data, countries=frozenset({"KP"}))
    heading = title(lang="ko")
    svg = render("svg", shown, legs, places, SnapshotSpec(heading, words, lang="ko"))
    path = tmp_path / "ko.svg"
    path.write_bytes(svg)
    with sync_playwright() as pw:
        browser = launch_chromium(pw)
        try:
            page = browser.new_page(viewport={"width": viewport[0], "height": viewport[1]})
            blocked = block_external(page)
            page.goto(path.as_uri())
            page.wait_for_function(
                "t => [...document.querySelectorAll('text')].some(e => e.textContent === t)",
                arg=heading,
            )
            cdp = page.context.new_cdp_session(page)
            cdp.send("DOM.enable")
            cdp.send("CSS.enable")
            root = cdp.send("DOM.getDocument", {"depth": -1})["root"]["nodeId"]
            nodes = cdp.send("DOM.querySelectorAll", {"nodeId": root, "selector": "text"})
            used = None
            for node in nodes["nodeIds"]:
                html = cdp.send("DOM.getOuterHTML", {"nodeId": node})["outerHTML"]
                if f">{heading}<" in html:
                    used = cdp.send("CSS.getPlatformFontsForNode", {"nodeId": node})["fonts"]
                    break
            assert used, "the title's <text> was not found"
            hangul = sum(len(ch) for ch in heading if "\uac00" <= ch <= "\ud7a3")
            families = {f["familyName"]: f["glyphCount"] for f in used}
            assert any("Noto Sans CJK" in name for name in families), families
            cjk = sum(n for name, n in families.items() if "CJK" in name)
            assert cjk >= hangul, families  # every syllable drawn from the Hangul font
            page.screenshot(path=str(tmp_path / "ko.png"))
            assert blocked == []  # nothing fetched from the network
        finally:
            browser.close()
