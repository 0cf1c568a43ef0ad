"""Which steps a briefing walks through and where its map looks (dashboard.briefing), with
expected values written out by hand."""

from __future__ import annotations

import datetime as dt

import geopandas as gpd
import pandas as pd
import pytest
from shapely.geometry import LineString

from dashboard.briefing import briefing_plan, clamped_step, step_bounds, step_leg
from dashboard.data.stories import Step, Story
from dashboard.filters import Filters

SPAN = (dt.date(2015, 1, 1), dt.date(2020, 12, 31))


def _flat(bounds: list[list[float]]) -> list[float]:
    """[[south, west], [north, east]] as [south, west, north, east], for pytest.approx."""
    return [*bounds[0], *bounds[1]]


@pytest.fixture
def incidents() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "incident_id": ["LATE", "UNDATED", "EARLY", "TIE-B", "TIE-A"],
            "date_start": pd.to_datetime(
                ["2019-05-01", None, "2015-02-01", "2017-01-01", "2017-01-01"]
            ),
            "date_end": pd.to_datetime(
                ["2019-05-31", None, "2015-02-28", "2017-03-01", "2017-03-01"]
            ),
            "latitude": [40.1, 41.0, 42.0, 39.0, 39.5],
            "longitude": [124.4, 128.2, 129.5, 125.7, 125.0],
            "geo_precision": [1, 2, 1, 1, 1],
        }
    )


@pytest.fixture
def routes() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {
            "route_id": ["R-1", "R-1", "R-2"],
            "leg": [1, 2, 1],
            "geometry": [
                LineString([(124.4, 40.1), (125.0, 41.5)]),
                LineString([(125.0, 41.5), (126.0, 43.0)]),
                LineString([(100.0, 20.0), (101.0, 21.0)]),
            ],
        },
        crs="EPSG:4326",
    )


def test_no_story_walks_the_shown_incidents_in_date_order_undated_last(incidents, routes):
    f = Filters(categories=frozenset({"arrest"}))
    plan = briefing_plan(None, incidents, routes, incidents, routes.iloc[:1], f, SPAN)
    assert [s.incident_id for s in plan.steps] == ["EARLY", "TIE-A", "TIE-B", "LATE", "UNDATED"]
    assert all(s.route_id is None for s in plan.steps)
    assert plan.title == "Crackdown on North Korean escapees"
    assert plan.intro == (
        "01 Jan 2015 to 31 Dec 2020; Arrest / detention"
    )  # the span: no window set; the one undated incident is counted only with a window
    assert list(plan.incidents["incident_id"]) == list(incidents["incident_id"])
    assert list(plan.route_legs["route_id"]) == ["R-1"]


def test_no_story_and_nothing_shown_has_no_steps(incidents, routes):
    nothing = incidents.iloc[:0]
    plan = briefing_plan(None, incidents, routes, nothing, routes.iloc[:0], Filters(), SPAN)
    assert plan.steps == ()


def test_a_story_brings_its_own_incidents_and_legs_whatever_the_filters(incidents, routes):
    story = Story(
        "escape",
        "One escape",
        "From the border to the city.",
        (Step("LATE", "R-1", 2), Step("EARLY")),
    )
    shown = incidents.iloc[:0]  # the filters show nothing; the story still has its steps
    plan = briefing_plan(story, incidents, routes, shown, routes.iloc[:0], Filters(), SPAN)
    assert plan.steps == (Step("LATE", "R-1", 2), Step("EARLY"))
    assert plan.title == "One escape"
    assert plan.intro == "From the border to the city."
    assert sorted(plan.incidents["incident_id"]) == ["EARLY", "LATE"]
    assert list(zip(plan.route_legs["route_id"], plan.route_legs["leg"], strict=True)) == [
        ("R-1", 2)
    ]


@pytest.mark.parametrize(
    ("step", "n", "expected"),
    [(None, 5, 0), (0, 5, 0), (3, 5, 3), ("2", 5, 2), (9, 5, 4), (-2, 5, 0), (4, 0, 0)],
)
def test_clamped_step(step, n, expected):
    assert clamped_step(step, n) == expected


def test_a_point_is_padded_by_at_least_a_third_of_a_degree(incidents, routes):
    row = incidents.iloc[0]  # precision 1: 5 km, less than the 0.3 degree minimum
    assert _flat(step_bounds(row, None, routes.iloc[:0])) == pytest.approx(
        [39.8, 124.1, 40.4, 124.7]
    )


def test_a_vague_point_is_padded_by_its_uncertainty_radius(incidents, routes):
    row = incidents.iloc[1].copy()
    row["geo_precision"] = 3  # 120 km, about 1.078 degrees; no province named: a point
    row["admin1"] = ""
    assert _flat(step_bounds(row, None, routes.iloc[:0])) == pytest.approx(
        [39.922, 127.122, 42.078, 129.278], abs=1e-3
    )


def test_the_step_leg_widens_the_view(incidents, routes):
    leg = step_leg(routes, Step("LATE", "R-1", 2))
    assert list(leg["leg"]) == [2]
    assert _flat(step_bounds(incidents.iloc[0], None, leg)) == pytest.approx(
        [39.8, 124.1, 43.0, 126.0]
    )


def test_a_step_without_a_leg_highlights_none(routes):
    assert step_leg(routes, Step("LATE")).empty
    assert step_leg(routes, Step("LATE", "R-9", 1)).empty
