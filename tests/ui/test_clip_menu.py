"""The app's Timeline clip… menu (``streamlit.testing.v1.AppTest``): closed it builds nothing;
opened, the button draws the clip with a progress bar and offers it for download; a view with
nothing dated in it gets a clear message, not a traceback."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from dashboard import REPO_DIR
from dashboard.data.dataset import load_dataset
from dashboard.ui.clip_menu import RESULT_KEY

APP = REPO_DIR / "dashboard" / "ui" / "app.py"


@pytest.fixture
def app(monkeypatch) -> AppTest:
    monkeypatch.delenv("DASHBOARD_INCIDENTS", raising=False)
    return AppTest.from_file(str(APP), default_timeout=120)


def _popover(at: AppTest, label: str):
    return [e for e in at.get("popover") if e.proto.popover.label == label]


def _open_clip_menu(at: AppTest) -> None:
    at.run()
    assert _popover(at, "Timeline clip…")
    assert not [b for b in at.button if b.label == "Make clip"]  # closed: nothing built
    at.session_state["clip_open"] = True  # what opening the menu does
    at.run()
    assert not at.exception, [e.value for e in at.exception]


@pytest.mark.slow  # runs the whole app and draws a clip
def test_make_clip_shows_progress_and_offers_the_gif(app):
    _open_clip_menu(app)
    app.selectbox(key="clip_format").set_value("gif")
    app.selectbox(key="clip_step").set_value("quarter")
    app.radio(key="clip_mode").set_value("cumulative")
    app.run()
    assert not [b for b in app.get("download_button") if b.proto.label == "Download the clip"]
    app.button(key="clip_make").click()
    app.run()
    assert not app.exception, [e.value for e in app.exception]
    bars = app.get("progress")
    assert bars and bars[-1].proto.value == 100  # every frame drawn
    assert bars[-1].proto.text.startswith("Frame ") and " of " in bars[-1].proto.text
    downloads = [b for b in app.get("download_button") if b.proto.label == "Download the clip"]
    assert len(downloads) == 1
    _, data, undated = app.session_state[RESULT_KEY]
    assert data[:6] == b"GIF89a"
    expected = int(load_dataset().incidents["date_start"].isna().sum())  # the curated data's
    assert undated == expected > 0
    notes = [c.value for c in app.caption]
    words = f"{expected} incidents with no stated year are left out"
    assert any(words in n for n in notes), notes
    # another step: the clip made for quarters is no longer offered
    app.selectbox(key="clip_step").set_value("month")
    app.run()
    assert not [b for b in app.get("download_button") if b.proto.label == "Download the clip"]


@pytest.mark.slow  # runs the whole app
def test_a_view_with_nothing_dated_says_so(app):
    app.run()
    app.session_state["clip_open"] = True
    app.text_input(key="text").set_value("Bukchong")  # only incidents with no stated year
    app.run()
    app.button(key="clip_make").click()
    app.run()
    assert not app.exception, [e.value for e in app.exception]
    errors = [e.value for e in app.error]
    assert any("No clip was made" in e for e in errors), errors
