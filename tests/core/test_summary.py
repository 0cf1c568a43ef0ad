"""The words a view is described in (dashboard.summary), checked against sentences written
out by hand."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pandas as pd

from dashboard.filters import Filters
from dashboard.summary import (
    TITLE,
    about_line,
    count_line,
    describe,
    summary_lines,
    totals_line,
    view_subtitle,
)

SPAN = (dt.date(2014, 3, 1), dt.date(2023, 9, 30))


def _shown(starts: list[str | None]) -> pd.DataFrame:
    return pd.DataFrame({"date_start": pd.to_datetime(starts)})


def test_no_filter_is_all_incidents_and_a_span_is_its_dates():
    assert describe(Filters()) == "all incidents"
    assert describe(Filters(), SPAN) == "01 Mar 2014 to 30 Sep 2023"


def test_every_filter_in_order():
    f = Filters(
        start=dt.date(2020, 1, 1),
        end=dt.date(2020, 6, 30),
        include_undated=False,
        categories=frozenset({"repatriation", "arrest"}),
        actors=frozenset({"police", "MSS"}),
        countries=frozenset({"KP", "CN"}),
        admin1=frozenset({"Ryanggang"}),
        confidence=frozenset({"reported", "confirmed"}),
        text="  Pukchong ",
    )
    assert describe(f, SPAN) == (
        "01 Jan 2020 to 30 Jun 2020; Arrest / detention, Repatriation to North Korea; "
        "actors: MSS, police; in China, North Korea; provinces: Ryanggang; "
        'confidence: confirmed, reported; matching "Pukchong"; dated incidents only'
    )


def test_open_window_ends_and_the_undated_it_lets_through():
    assert describe(Filters(start=dt.date(2019, 5, 2))) == "02 May 2019 to now"
    assert (
        describe(Filters(end=dt.date(2016, 12, 31)), SPAN, undated_shown=1)
        == "the beginning to 31 Dec 2016, plus 1 incident with no stated year"
    )
    assert describe(Filters(end=dt.date(2016, 12, 31)), SPAN, undated_shown=4).endswith(
        "plus 4 incidents with no stated year"
    )


def test_count_line_counts_shown_undated_and_legs():
    shown = _shown(["2020-01-05", None, "2021-02-01"])
    legs = pd.DataFrame({"route_id": ["R-1", "R-1"]})
    assert count_line(shown, 18) == "3 of 18 incidents (1 with no stated year)"
    assert (
        count_line(shown, 18, legs, 8)
        == "3 of 18 incidents (1 with no stated year), 2 of 8 route legs"
    )
    assert count_line(_shown(["2020-01-05"]), 1, legs.iloc[:0], 1) == (
        "1 of 1 incident, 0 of 1 route leg"
    )
    assert count_line(_shown([]), 12345) == "0 of 12,345 incidents"


def test_export_subtitle_is_the_selection_then_its_counts():
    shown = _shown(["2020-01-05", None])
    legs = pd.DataFrame({"route_id": ["R-1"]})
    f = Filters(categories=frozenset({"lure"}))
    assert view_subtitle(f, SPAN, shown, 18, legs) == (
        "01 Mar 2014 to 30 Sep 2023; Lure / entrapment · 2 of 18 incidents, 1 route leg"
    )


def test_totals_line():
    assert totals_line(12, 3) == "12 incidents, 3 route legs"
    assert totals_line(1, 1) == "1 incident, 1 route leg"  # the exports said "1 incidents"
    assert totals_line(100000, 0) == "100,000 incidents, 0 route legs"


def test_about_line_names_outlets_articles_and_years():
    incidents = pd.DataFrame(
        {
            "source_outlet": ["Daily NK", "Daily NK", "Yonhap", "NK News"],
            "source_title": ["A", "A", "B", "C"],
            "date_start": pd.to_datetime(["2017-04-01", "2019-01-01", None, "2015-06-01"]),
            "date_end": pd.to_datetime(["2017-04-30", "2021-03-01", None, "2015-06-30"]),
        }
    )
    assert about_line(incidents) == (
        "4 incidents from 3 news articles (Daily NK, Yonhap, NK News), 2015–2021; "
        "each record quotes its source."
    )


def test_about_line_with_many_outlets_and_one_year():
    incidents = pd.DataFrame(
        {
            "source_outlet": [f"Outlet {k}" for k in range(7)],
            "source_title": ["T"] * 7,
            "date_start": pd.to_datetime(["2018-02-01"] * 7),
            "date_end": pd.to_datetime(["2018-03-01"] * 7),
        }
    )
    assert about_line(incidents) == (
        "7 incidents from 7 news articles (Outlet 0, Outlet 1, Outlet 2, Outlet 3, Outlet 4 "
        "and 2 more), 2018; each record quotes its source."
    )


def test_cli_summary_of_a_dataset():
    dataset = SimpleNamespace(
        incidents_path="incidents.csv",
        incidents=pd.DataFrame(
            {
                "date_start": pd.to_datetime(["2016-01-01", "2018-05-01", None]),
                "date_end": pd.to_datetime(["2016-01-31", "2019-06-30", None]),
                "category": ["arrest", "lure", "arrest"],
                "geo_precision": [1, 4, 1],
                "country": ["CN", "CN", "KP"],
            }
        ),
        routes=pd.DataFrame({"route_id": ["R-1", "R-1", "R-2"]}),
        places=pd.DataFrame({"name": ["Dandong", "Hyesan"]}),
    )
    assert summary_lines(dataset) == [
        "incidents.csv: 3 incidents, 3 route legs in 2 routes, 2 places",
        "  dates: 2016-01-01 to 2019-06-30 (1 with no stated year)",
        "  categories: Lure / entrapment 1, Arrest / detention 2",
        "  places: named town or site 2, country only 1",
        "  countries: CN 2, KP 1",
    ]


def test_title():
    assert TITLE == "Crackdown on North Korean escapees"
