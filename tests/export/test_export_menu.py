"""The app's Export… menu in the session's language, with the view's text description offered
for copying (AppTest: no browser)."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from dashboard import REPO_DIR
from dashboard.summary import title

APP = REPO_DIR / "dashboard" / "ui" / "app.py"


@pytest.fixture
def app(monkeypatch) -> AppTest:
    monkeypatch.delenv("DASHBOARD_INCIDENTS", raising=False)
    return AppTest.from_file(str(APP), default_timeout=60)


def _open_menu(app: AppTest, lang: str) -> AppTest:
    app.query_params["lang"] = lang  # a link in that language (the switch keeps it there)
    app.session_state["export_open"] = True  # what opening the menu does
    app.run()
    assert not app.exception, [e.value for e in app.exception]
    return app


def test_the_menu_offers_the_text_description_for_copying(app):
    _open_menu(app, "en")
    expander = [e for e in app.expander if e.label == "Text description"]
    assert expander, [e.label for e in app.expander]
    text = expander[0].code[0].value
    assert text.startswith(title(lang="en") + ". A map of ") and "By category: " in text


def test_the_menu_speaks_korean_and_so_do_its_exports(app):
    _open_menu(app, "ko")
    labels = [b.label for b in app.get("download_button")]
    assert labels[:3] == ["PNG 이미지", "PDF 지도", "브리핑 자료 (PDF)"]
    assert [w.value for w in app.text_input if w.label == "제목"] == [title(lang="ko")]
    expander = [e for e in app.expander if e.label == "텍스트 설명"]
    assert expander and expander[0].code[0].value.startswith(f"{title(lang='ko')}. 지도: 사건")
