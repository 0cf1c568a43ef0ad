"""The words a view is described in, in Korean, and English counts that agree in number and
carry thousands separators: sentences written out by hand."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from dashboard.filters import Filters
from dashboard.summary import (
    about_line,
    count_line,
    date_window_text,
    day_text,
    describe,
    title,
    totals_line,
    view_subtitle,
)
from dashboard.timeline import timeline_chart

SPAN = (dt.date(2014, 3, 1), dt.date(2023, 9, 30))


def _shown(starts: list[str | None]) -> pd.DataFrame:
    return pd.DataFrame({"date_start": pd.to_datetime(starts)})


def _dated(n: int) -> pd.DataFrame:
    return pd.DataFrame({"date_start": pd.to_datetime(["2020-01-05"] * n)})


def test_english_counts_have_thousands_separators_and_agree_in_number():
    assert count_line(_dated(100_000), 100_000) == "100,000 of 100,000 incidents"
    assert count_line(_dated(1), 1) == "1 of 1 incident"
    legs = pd.DataFrame({"route_id": ["R"] * 1234})
    assert count_line(_dated(2), 2, legs, 5678) == "2 of 2 incidents, 1,234 of 5,678 route legs"
    assert totals_line(1, 1) == "1 incident, 1 route leg"
    assert totals_line(12_345, 2) == "12,345 incidents, 2 route legs"
    assert (
        describe(Filters(end=dt.date(2016, 12, 31)), undated_shown=1234)
        == "the beginning to 31 Dec 2016, plus 1,234 incidents with no stated year"
    )


def test_korean_counts():
    shown = _shown(["2020-01-05", None, "2021-02-01"])
    legs = pd.DataFrame({"route_id": ["R-1", "R-1"]})
    assert count_line(shown, 18, lang="ko") == "사건 18건 중 3건 (연도 불명 1건)"
    assert count_line(shown, 18, legs, 8, lang="ko") == (
        "사건 18건 중 3건 (연도 불명 1건), 경로 구간 8개 중 2개"
    )
    assert count_line(_dated(100_000), 100_000, lang="ko") == "사건 100,000건 중 100,000건"
    assert totals_line(1, 0, lang="ko") == "사건 1건, 경로 구간 0개"


def test_korean_selection_in_words():
    f = Filters(
        start=dt.date(2020, 1, 1),
        end=dt.date(2020, 6, 30),
        include_undated=False,
        categories=frozenset({"repatriation", "arrest"}),
        countries=frozenset({"KP", "CN"}),
        confidence=frozenset({"reported", "confirmed"}),
        text="  Pukchong ",
    )
    assert describe(f, SPAN, lang="ko") == (
        "2020년 1월 1일~2020년 6월 30일; 체포 / 구금, 북한으로 강제송환; 국가: 북한, 중국; "
        '신뢰도: 보도됨, 확인됨; "Pukchong" 검색; 날짜가 있는 사건만'
    )
    assert describe(Filters(), lang="ko") == "모든 사건"
    assert describe(Filters(start=dt.date(2019, 5, 2)), lang="ko") == "2019년 5월 2일~현재"
    assert describe(Filters(end=dt.date(2016, 12, 31)), undated_shown=4, lang="ko") == (
        "처음~2016년 12월 31일, 연도가 밝혀지지 않은 사건 4건 포함"
    )


def test_korean_subtitle_title_and_about_line():
    shown = _shown(["2020-01-05", None])
    legs = pd.DataFrame({"route_id": ["R-1"]})
    f = Filters(categories=frozenset({"lure"}))
    assert view_subtitle(f, SPAN, shown, 1_800, legs, lang="ko") == (
        "2014년 3월 1일~2023년 9월 30일; 유인 / 함정 · 사건 1,800건 중 2건, 경로 구간 1개"
    )
    assert title(lang="ko") == "탈북민 단속"
    assert title() == "Crackdown on North Korean escapees"
    incidents = pd.DataFrame(
        {
            "source_outlet": ["Daily NK", "Yonhap"],
            "source_title": ["A", "B"],
            "date_start": pd.to_datetime(["2017-04-01", "2019-01-01"]),
            "date_end": pd.to_datetime(["2017-04-30", "2021-03-01"]),
        }
    )
    # outlet names are data: they stay as the source writes them
    assert about_line(incidents, lang="ko") == (
        "뉴스 기사 2건에서 모은 사건 2건 (Daily NK, Yonhap), 2017–2021. 모든 기록에 출처 인용 포함."
    )


@pytest.mark.parametrize(
    ("start", "end", "en", "ko"),
    [
        (
            "2019-03-12",
            "2019-03-14",
            "12 Mar 2019 – 14 Mar 2019",
            "2019년 3월 12일 – 2019년 3월 14일",
        ),
        ("2019-03-12", "2019-03-12", "12 Mar 2019", "2019년 3월 12일"),
        (
            "2019-03-12",
            None,
            "from 12 Mar 2019 (end not stated)",
            "2019년 3월 12일부터 (끝 날짜 밝혀지지 않음)",
        ),
        (None, None, "year not stated", "연도 밝혀지지 않음"),
    ],
)
def test_an_incidents_dates_in_both_languages(start, end, en, ko):
    row = pd.Series({"date_start": pd.Timestamp(start), "date_end": pd.Timestamp(end)})
    assert date_window_text(row) == en
    assert date_window_text(row, lang="ko") == ko


def test_english_days_keep_their_format_and_an_unknown_language_is_english():
    # CLDR's British English abbreviates September "Sept"; the app always wrote "Sep"
    assert day_text(dt.date(2023, 9, 30)) == "30 Sep 2023"
    assert day_text(dt.date(2023, 9, 30), lang="xx") == "30 Sep 2023"
    assert describe(Filters(), lang="xx") == "all incidents"


def test_korean_timeline_labels():
    inc = pd.DataFrame(
        {
            "incident_id": ["A", "B"],
            "category": ["arrest", "lure"],
            "date_start": pd.to_datetime(["2020-01-10", "2020-03-01"]),
            "date_end": pd.to_datetime(["2020-01-20", "2020-03-02"]),
            "date_text": ["mid-January", "early March"],
            "location": ["Dandong", "Yanji"],
        }
    )
    window = (dt.date(2020, 1, 1), dt.date(2020, 6, 30))
    spec = timeline_chart(inc, inc, window, lang="ko").to_dict()
    rows = list(spec["datasets"].values())[1]
    assert [r["label"] for r in rows] == ["체포 / 구금", "유인 / 함정"]
    marks = spec["layer"][1]["layer"][0]["encoding"]
    assert marks["color"]["title"] == "유형"
    assert "체포 / 구금" in marks["color"]["scale"]["domain"]
    assert [t["title"] for t in marks["tooltip"]] == ["사건 ID", "날짜 (출처 표기)", "장소", "유형"]
    # the data text stays as the source wrote it
    assert [r["date_text"] for r in rows] == ["mid-January", "early March"]
