"""The app in English and Korean (AppTest): ``?lang=ko`` opens in Korean, the switch keeps the
filters and writes the language to the link, and English stays as it was.

Expected words come from the catalogs (``dashboard.i18n``), never from the page itself.
"""

from __future__ import annotations

import html
import json
import re

import pytest
from streamlit.testing.v1 import AppTest

from dashboard import REPO_DIR
from dashboard.data.dataset import load_dataset
from dashboard.filters import Filters, filter_incidents, prepare, routes_for
from dashboard.i18n import LANGUAGE_LABEL, LANGUAGES, translator
from dashboard.summary import count_line
from dashboard.vocab import CATEGORIES

APP = REPO_DIR / "dashboard" / "ui" / "app.py"
HANGUL = re.compile(r"[\uac00-\ud7a3]")
KO = translator("ko")
# Filters set through the link, one of every kind whose options are shown translated.
FILTERED = {"cat": "arrest,repatriation", "conf": "reported", "country": "CN"}


@pytest.fixture
def app(monkeypatch) -> AppTest:
    monkeypatch.delenv("DASHBOARD_INCIDENTS", raising=False)
    return AppTest.from_file(str(APP), default_timeout=90)


def _run(at: AppTest) -> AppTest:
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _texts(at: AppTest) -> dict[str, list[str]]:
    """Every word the page shows outside the data, by kind."""
    widgets = [*at.selectbox, *at.multiselect, *at.text_input, *at.checkbox, *at.radio]
    widgets += [*at.get("slider")]
    return {
        "labels": [w.label for w in widgets],
        "buttons": [b.label for b in at.button],
        "headers": [h.value for h in (*at.header, *at.subheader)],
        "captions": [c.value for c in at.caption],
        "placeholders": [w.placeholder for w in at.multiselect] + [at.text_input[0].placeholder],
    }


def _html_text(at: AppTest, css_class: str) -> str:
    bodies = [e.proto.body for e in at.get("html") if f"class='{css_class}'" in e.proto.body]
    assert len(bodies) == 1, bodies
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", bodies[0])).split())


def _filter_values(at: AppTest) -> dict[str, list]:
    return {
        key: list(at.multiselect(key=key).value)
        for key in ("categories", "confidence", "countries")
    }


def _page_told(at: AppTest) -> dict[str, list[str]]:
    """The choices the run told the browser's filter widgets, in the words they show: after
    a switch the browser must get them in the new language (its old labels match no option)."""
    return {
        key: list(at.multiselect(key=key).proto.raw_values)
        for key in ("categories", "confidence", "countries")
    }


def _shown_words(at: AppTest) -> dict[str, list[str]]:
    return {
        key: [w.format_func(v) for v in w.value]
        for key in ("categories", "confidence", "countries")
        for w in [at.multiselect(key=key)]
    }


def _map_args(at: AppTest) -> dict:
    """What the app hands streamlit-folium: the base map (``script``, ``html``; a change
    reloads the frame) and the layers (``feature_group``)."""
    maps = [e for e in at.get("component_instance") if e.proto.component_name.endswith("st_folium")]
    assert len(maps) == 1
    return json.loads(maps[0].proto.json_args)


def test_a_korean_link_opens_in_korean(app):
    app.query_params["lang"] = "ko"
    _run(app)
    _run(app)  # the second run, as the map's first report makes: the timeline and the table
    texts = _texts(app)
    for kind, words in texts.items():
        assert words, kind
        english = [w for w in words if not HANGUL.search(w)]
        assert english == [], f"{kind} not in Korean: {english}"
    assert app.selectbox(key="lang").label == KO.gettext(LANGUAGE_LABEL) == "언어"
    assert app.selectbox(key="lang").options == list(LANGUAGES.values())
    assert app.selectbox(key="lang").value == "ko"
    # Categories are offered in Korean, by the catalog's words for vocab's labels.
    assert app.multiselect(key="categories").options == [
        KO.gettext(c.label) for c in CATEGORIES.values()
    ]
    assert "날짜 범위" in texts["labels"] and "필터 초기화" in texts["buttons"]
    # The count line and the table's headers are Korean too; the link keeps the language.
    ds = load_dataset()
    incidents = prepare(ds.incidents, ds.places)
    shown = filter_incidents(incidents, Filters())
    legs = routes_for(ds.routes, shown)
    expected = count_line(shown, len(incidents), legs, len(ds.routes), lang="ko")
    assert HANGUL.search(expected)
    assert _html_text(app, "view-count").split(" · ")[0] == expected
    headers = list(app.dataframe[0].value.columns)
    assert KO.gettext("Place") in headers and "Place" not in headers
    assert dict(app.query_params)["lang"] == "ko"


def test_switching_language_keeps_the_filters_and_the_link_carries_it(app):
    app.query_params.update({"lang": "ko", **FILTERED})
    _run(app)
    app.selectbox(key="play_step").set_value("1 week")
    _run(app)
    chosen = _filter_values(app)
    assert chosen == {
        "categories": ["arrest", "repatriation"],
        "confidence": ["reported"],
        "countries": ["CN"],
    }
    line_ko = _html_text(app, "view-count")
    base_ko = {k: _map_args(app)[k] for k in ("script", "html", "header")}
    assert KO.gettext("Hide legend") in base_ko["script"]

    app.selectbox(key="lang").set_value("en")
    _run(app)
    assert _filter_values(app) == chosen, "switching to English dropped filters"
    assert _page_told(app) == _shown_words(app)
    assert _page_told(app)["categories"] == ["Arrest / detention", "Repatriation to North Korea"]
    assert app.selectbox(key="play_step").value == "1 week"
    assert app.multiselect(key="categories").label == "Category"
    params = dict(app.query_params)
    assert "lang" not in params  # English is the default: left out of the link
    assert {k: params.get(k) for k in FILTERED} == FILTERED
    line_en = _html_text(app, "view-count")
    # The map frame is not rebuilt (that would reload it): its words come with the layers.
    args = _map_args(app)
    assert {k: args[k] for k in base_ko} == base_ko
    assert "escapeeMapWords" in args["feature_group"] and "Hide legend" in args["feature_group"]
    assert not HANGUL.search(line_en.split(" · ")[0])

    app.selectbox(key="lang").set_value("ko")
    _run(app)
    assert _filter_values(app) == chosen, "switching back to Korean dropped filters"
    assert _page_told(app) == _shown_words(app)
    assert HANGUL.search(_page_told(app)["categories"][0])
    assert dict(app.query_params) == {"lang": "ko", **FILTERED}
    assert _html_text(app, "view-count") == line_ko


def test_english_is_unchanged(app):
    _run(app)
    texts = _texts(app)
    for kind, words in texts.items():
        hangul = [w for w in words if HANGUL.search(w) and "북청" not in w]
        assert hangul == [], f"{kind} in Korean: {hangul}"
    assert app.selectbox(key="lang").label == "Language"
    assert app.selectbox(key="lang").value == "en"
    assert [h.value for h in app.header] == ["Filters", "Play through time", "Map", "Briefing"]
    assert app.multiselect(key="categories").options == [c.label for c in CATEGORIES.values()]
    assert "lang" not in dict(app.query_params)
