"""The Timeline clip… button in a real browser, at both viewports: open the menu, choose a GIF
by quarter with the mouse, make it (a progress bar while the frames are drawn), download it and
check the file. The ``app`` fixture fails the test on any Streamlit exception, page error or
server traceback."""

from __future__ import annotations

import re

from PIL import Image
from playwright.sync_api import expect

from dashboard.data.dataset import load_dataset
from dashboard.export.motion import plan_frames
from dashboard.filters import prepare

from .ui import ARTIFACTS, UI

CLIP = 120_000  # ms: drawing and encoding the clip on a loaded 2-core machine


def choose(app: UI, box_label: str, option: str) -> None:
    """Open a select box with a real click and click one of its options."""
    box = app.page.get_by_test_id("stSelectbox").filter(has_text=box_label).first
    app.click_centre(box)
    choice = app.page.get_by_role("option", name=option, exact=True)
    expect(choice).to_be_visible()
    app.click_centre(choice)
    expect(box.get_by_role("combobox")).to_have_value(option)
    app.wait_idle()


def test_timeline_clip_button_makes_a_gif_to_download(app: UI, tmp_path):
    app.open("/")
    app.wait_idle(timeout=60_000)
    menu = app.button(re.compile(r"^\W*Timeline clip"))
    expect(menu.first).to_be_visible()
    app.click_centre(menu.first)
    choose(app, "Clip format", "GIF, small (chat apps)")
    choose(app, "One frame per", "Quarter")
    make = app.button("Make clip")
    expect(make).to_be_visible()
    app.click_centre(make)
    expect(app.page.get_by_test_id("stProgress").first).to_be_visible(timeout=CLIP)
    download = app.page.get_by_test_id("stDownloadButton").filter(has_text="Download the clip")
    expect(download).to_be_visible(timeout=CLIP)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    app.page.screenshot(path=ARTIFACTS / f"{app.name}-clip.png")
    button = download.locator("button")
    with app.page.expect_download(timeout=60_000) as info:
        app.click_centre(button)
    path = tmp_path / info.value.suggested_filename
    info.value.save_as(path)
    assert path.suffix == ".gif" and path.name.endswith("-quarter.gif")
    ds = load_dataset()
    expected = len(plan_frames(prepare(ds.incidents, ds.places), "quarter").frames)
    image = Image.open(path)
    assert image.format == "GIF" and image.size == (800, 450)
    assert image.n_frames == expected
