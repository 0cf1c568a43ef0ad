"""One geodesy helper for validation, stores and drawing: checked against known figures."""

from __future__ import annotations

import math

import pytest

from dashboard.geodesy import arc_points, great_circle, haversine_km


def test_haversine_known_distances():
    # Seoul City Hall to Pyongyang (Kim Il Sung Square): about 195 km as the crow flies.
    assert haversine_km(126.978, 37.5665, 125.7525, 39.0194) == pytest.approx(195, abs=3)
    # A quarter of the equator is a quarter of the circumference.
    assert haversine_km(0, 0, 90, 0) == pytest.approx(2 * math.pi * 6371.0088 / 4, rel=1e-9)
    assert haversine_km(125.0, 40.0, 125.0, 40.0) == 0


def test_great_circle_ends_at_its_places_and_bows_towards_the_pole():
    # Seoul to Moscow: the great circle bows north of the straight line on the map.
    points = great_circle(126.978, 37.5665, 37.6173, 55.7558, n=32)
    assert points[0] == (126.978, 37.5665) and points[-1] == (37.6173, 55.7558)
    assert len(points) == 33
    middle_lat = points[16][1]
    assert middle_lat > (37.5665 + 55.7558) / 2 + 5
    assert great_circle(1.0, 2.0, 1.0, 2.0) == [(1.0, 2.0), (1.0, 2.0)]


def test_arc_points_start_and_end_at_the_given_places():
    pts = arc_points((39.0, 125.75), (37.57, 126.98), n=24)
    assert len(pts) == 25
    assert pts[0] == pytest.approx([39.0, 125.75]) and pts[-1] == pytest.approx([37.57, 126.98])
