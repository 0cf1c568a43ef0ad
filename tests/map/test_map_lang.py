"""The live map in Korean: legend, popups, tooltips, place labels and the words the map's
scripts show all come in the reader's language; the incidents' own text does not change and is
still escaped."""

from __future__ import annotations

import json
import re

import pandas as pd
import pytest

from dashboard import DEFAULT_INCIDENTS
from dashboard.data.dataset import load_dataset
from dashboard.filters import prepare
from dashboard.map.build import MapOptions, build_map
from dashboard.map.legend import legend_html
from dashboard.map.points import LARGE_THRESHOLD, IncidentPoints, point_styles, point_words

HOSTILE_SUMMARY = "<script>window.__pwned=1</script> 요약 & more"
HOSTILE_LOCATION = '<img src=x onerror="window.__pwned=2">'


@pytest.fixture(scope="module")
def data():
    ds = load_dataset(DEFAULT_INCIDENTS)
    incidents = prepare(ds.incidents, ds.places)
    first = incidents.index[0]
    incidents.loc[first, "summary"] = HOSTILE_SUMMARY
    incidents.loc[first, "location"] = HOSTILE_LOCATION
    return incidents, ds.routes, ds.places


def _page(data, lang: str) -> str:
    incidents, routes, places = data
    options = MapOptions(lang=lang)
    return build_map(incidents, routes, places, options, asset_base=None).get_root().render()


@pytest.fixture(scope="module")
def ko_page(data) -> str:
    return _page(data, "ko")


@pytest.fixture(scope="module")
def en_page(data) -> str:
    return _page(data, "en")


def _json_strings(page: str, key: str) -> list[str]:
    """The strings a page's scripts give as ``key: "..."`` (folium writes them as JSON)."""
    return [json.loads(s) for s in re.findall(rf'{key}\s*[:=]\s*("(?:[^"\\]|\\.)*")', page)]


def _place_labels(page: str) -> list[str]:
    labels = []
    for html in _json_strings(page, '"html"'):
        found = re.fullmatch(r"<div style='transform:translate\(10px,-18px\)'>(.*)</div>", html)
        if found:
            labels.append(found.group(1))
    return labels


def test_place_labels_in_hangul_where_the_gazetteer_has_them(ko_page, en_page):
    ko, en = _place_labels(ko_page), _place_labels(en_page)
    assert {"온성", "북청"} <= set(ko)
    assert {"Onsong County", "Bukchong"} <= set(en)
    assert len(ko) == len(en)  # the same places, named in the reader's script
    assert not {"온성", "북청"} & set(en)


def test_legend_in_korean(ko_page, en_page):
    (ko_legend,) = _json_strings(ko_page, "body.innerHTML")
    assert ko_legend == legend_html(lang="ko")
    for words in (
        "<h4 data-legend-head='cat'>사건</h4>",
        "체포 / 구금",
        "속이 빈 기호: 확인되지 않음",
    ):
        assert words in ko_legend
    assert "<h4 data-legend-head='status'>경로</h4>" in ko_legend
    assert "Arrest / detention" not in ko_legend and "Hollow" not in ko_legend
    (en_legend,) = _json_strings(en_page, "body.innerHTML")
    assert "Arrest / detention" in en_legend and "Hollow: unconfirmed" in en_legend
    # the fold button's words come from Python, not from behaviour.js
    (opts,) = re.findall(r"escapeeMap\.init\(\w+, (\{.*\})\);", ko_page)
    assert json.loads(opts)["words"] == {
        "legend": "범례",
        "hideLegend": "범례 숨기기",
        "zoomIn": "확대",
        "zoomOut": "축소",
    }


def test_popups_and_tooltips_in_korean_with_data_text_as_written(ko_page, en_page):
    for field in ("<th>일시</th>", "<th>장소</th>", "<th>신뢰도</th>", "<th>행위자</th>"):
        assert field in ko_page
    assert "<th>When</th>" not in ko_page and "<th>When</th>" in en_page
    assert "년" in ko_page and "월" in ko_page  # dates in the Korean long form
    # area labels and popups for places the source leaves vague
    assert "중국 내 어딘가, 장소 밝혀지지 않음" in ko_page


@pytest.mark.parametrize("page", ["ko_page", "en_page"])
def test_data_text_is_still_escaped(request, page):
    html = request.getfixturevalue(page)
    assert "<script>window.__pwned" not in html
    assert "<img src=x onerror" not in html
    assert "&lt;script&gt;window.__pwned=1&lt;/script&gt; 요약 &amp; more" in html


def test_large_selections_carry_their_words(data):
    incidents, _, places = data
    many = pd.concat([incidents] * (LARGE_THRESHOLD // len(incidents) + 1), ignore_index=True)
    many["incident_id"] = [f"X-{k}" for k in range(len(many))]
    text = IncidentPoints(many, places, lang="ko").script_text("map_x")
    words = point_words(lang="ko")
    assert words["when"] == "일시" and words["dateLocale"] == "ko-KR"
    assert (
        words["clusterAround"] == "{place} 일대의 사건 {n}건" and words["numberLocale"] == "ko-KR"
    )
    assert "온성" in text  # the aggregates' places, in Hangul
    assert json.dumps(words["clusterAround"], ensure_ascii=False) in text
    styles = point_styles(lang="ko")
    assert styles["categories"][0]["label"] == "유인 / 함정"
    assert styles["confidence"][2][0] == "unconfirmed"  # the key the script tests stays English
    assert styles["confidence"][2][2] == "확인되지 않음"
    en = point_words()
    assert en["dateLocale"] is None
    assert en["clusterAround"] == "{n} incidents around {place}"
    assert "__WORDS__" not in text and "__COUNT__" not in text
