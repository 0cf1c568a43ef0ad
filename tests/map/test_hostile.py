"""Incident text is data, never markup: hostile text is shown literally and never runs."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright

from dashboard import DEFAULT_INCIDENTS, REPO_DIR
from dashboard.data.dataset import load_dataset
from dashboard.export import SnapshotSpec, render
from dashboard.filters import prepare
from dashboard.htmlsafe import esc, safe_link
from dashboard.map.build import build_map
from dashboard.map.popups import incident_popup_html
from dashboard.vague.areas import drawn_as
from harness.chromium import block_external, launch_chromium
from tests.conftest import read_rows, write_rows

ARTIFACTS = REPO_DIR / "tests" / "artifacts"

HOSTILE = {
    "summary": "<script>window.__pwned=1</script> summary & more",
    "location": '<img src=x onerror="window.__pwned=2">',
    "source_title": '"><svg onload=window.__pwned=3>',
    "actors": "`${window.__pwned=5}` \\` backslash",
    "date_text": "');window.__pwned=6;//",
    "source_quote": "' \" </div></td> <a href=javascript:window.__pwned=7>quote</a>",
    "source_url": 'https://example.org/"><script>window.__pwned=8</script>',
}


def hostile_file(tmp_path: Path) -> Path:
    """The curated incidents with hostile text in every free-text column of every row."""
    header, rows = read_rows(DEFAULT_INCIDENTS)
    for row in rows:
        row.update(HOSTILE)
    return write_rows(tmp_path / "hostile.csv", header, rows)


@pytest.fixture
def hostile(tmp_path):
    ds = load_dataset(hostile_file(tmp_path))
    return ds, prepare(ds.incidents, ds.places)


def test_hostile_file_is_valid_data(hostile):
    ds, incidents = hostile
    assert len(incidents) == len(read_rows(DEFAULT_INCIDENTS)[1])
    assert (incidents["summary"] == HOSTILE["summary"]).all()


def test_escape_covers_html_and_template_literals():
    text = "<b>\"'`${x}\\"
    out = esc(text)
    assert not set("<>\"'`$\\") & set(out)
    assert safe_link("javascript:alert(1)") == "javascript:alert(1)"
    assert "<a" not in safe_link("data:text/html,<script>x</script>")
    assert safe_link("https://example.org/a?b=1&c=2").startswith(
        '<a href="https://example.org/a?b=1&amp;c=2"'
    )


def test_map_html_has_no_live_hostile_markup(hostile):
    ds, incidents = hostile
    html = build_map(incidents, ds.routes, ds.places).get_root().render()
    for needle in (
        "<script>window.__pwned",
        "<img src=x",
        "<svg onload",
        "${window.__pwned",
        "<a href=javascript:",
        '<a href="javascript:',
    ):
        assert needle not in html, needle
    assert "&lt;script&gt;window.__pwned=1&lt;/script&gt;" in html


def test_popup_links_only_http(hostile):
    ds, incidents = hostile
    popup = incident_popup_html(incidents.iloc[0])
    hrefs = re.findall(r'href="([^"]*)"', popup)
    assert hrefs and all(h.startswith("https://example.org/") for h in hrefs)
    assert "<script>" not in popup


@pytest.mark.slow  # renders an SVG snapshot
def test_svg_and_csv_exports_keep_text_literal(hostile):
    ds, incidents = hostile
    svg = render(
        "svg",
        incidents,
        ds.routes,
        ds.places,
        SnapshotSpec("<script>window.__pwned=9</script>", "sub"),
    ).decode()
    assert "<script>window.__pwned" not in svg
    assert "&lt;script&gt;window.__pwned=9&lt;/script&gt;" in svg
    rows = list(
        csv.DictReader(
            io.StringIO(
                render("csv", incidents, ds.routes, ds.places, SnapshotSpec("t", "s")).decode()
            )
        )
    )
    assert rows[0]["summary"] == HOSTILE["summary"]


def test_standalone_map_in_browser_runs_no_hostile_script(hostile, tmp_path):
    ds, incidents = hostile
    html = render("html", incidents, ds.routes, ds.places, SnapshotSpec("Hostile", "s")).decode()
    page_path = tmp_path / "hostile.html"
    page_path.write_text(html, encoding="utf-8")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = launch_chromium(p)
        context = browser.new_context(viewport={"width": 1200, "height": 800})
        aborted = block_external(context)
        page = context.new_page()
        dialogs: list[str] = []
        page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        page.goto(page_path.as_uri())
        page.wait_for_selector(".incident-marker")
        markers = page.locator(".incident-marker")
        assert markers.count() == int((drawn_as(incidents, ds.places) == "point").sum())
        box = markers.last.bounding_box()  # real input, where the marker is on screen
        page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
        tooltip = page.locator(".leaflet-tooltip").first
        tooltip.wait_for()
        assert '<img src=x onerror="window.__pwned=2">' in tooltip.inner_text()
        box = markers.first.bounding_box()
        page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
        popup = page.locator(".incident-popup").first
        popup.wait_for()
        text = popup.inner_text()
        assert "<script>window.__pwned=1</script> summary & more" in text
        assert '<img src=x onerror="window.__pwned=2">' in text
        page.screenshot(path=str(ARTIFACTS / "hostile_standalone.png"))
        assert page.evaluate("window.__pwned") is None
        assert dialogs == []
        assert [u for u in aborted if "tile" not in u] == []
        browser.close()
