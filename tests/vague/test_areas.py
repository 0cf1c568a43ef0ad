"""Vague places are drawn as what they are: areas, border lines, arrows across a border;
never a point or a route vertex at a country's stand-in point (issue 12)."""

from __future__ import annotations

import json
import math
import re

import pytest
import shapely
from shapely.geometry import Point, shape

from dashboard.data import basemap
from dashboard.data.dataset import load_dataset
from dashboard.export import SnapshotSpec, render
from dashboard.map.build import build_map
from dashboard.vague.areas import (
    AREA,
    POINT,
    area_groups,
    drawn_as,
    honest_leg,
    known_bounds,
    province_shape,
)


@pytest.fixture(scope="module")
def data():
    return load_dataset()


def stand_ins(places, kinds=("country",)) -> list[tuple[float, float]]:
    rows = places[places["kind"].isin(kinds)]
    return list(zip(rows["latitude"], rows["longitude"], strict=True))


def km(a: tuple[float, float], b: tuple[float, float]) -> float:
    (lat1, lon1), (lat2, lon2) = a, b
    k = math.cos(math.radians((lat1 + lat2) / 2))
    return 111.2 * math.hypot((lon1 - lon2) * k, lat1 - lat2)


def test_each_precision_is_drawn_as_what_the_source_states(data):
    inc = data.incidents.set_index("incident_id", drop=False)
    how = drawn_as(inc, data.places)
    levels = inc["geo_precision"]
    assert (how[levels <= 2] == POINT).all()
    assert (how[levels == 4] == AREA).all() and (levels == 4).sum() >= 5
    assert how["MNG-01"] == AREA  # "the Mongolian border": the border line itself
    groups = {g.key: g for g in area_groups(inc, data.places)}
    assert groups["country:CN"].title == "In China, place not stated: 2 incidents"
    assert set(groups["country:LA"].incident_ids) == {"LAO-01", "LAO-02", "LAO-04", "LAO-08"}
    border = groups["border:CN-MN"].geometry
    mongolia, china = basemap.country_shape("MN"), basemap.country_shape("CN")
    assert border.geom_type.endswith("LineString")
    assert border.distance(mongolia.boundary) < 1e-6 and border.distance(china.boundary) < 1e-6


def test_a_province_level_incident_is_its_province():
    from dashboard.vague.areas import incident_area

    row = {"geo_precision": 3, "country": "KP", "admin1": "Ryanggang", "place_id": ""}
    key, label, geom = incident_area(row, None)
    assert key == "province:Ryanggang" and geom.equals(province_shape("Ryanggang"))
    row = {"geo_precision": 3, "country": "CN", "admin1": "Jilin", "place_id": ""}
    assert incident_area(row, None) is None  # no Chinese provinces offline: stays a point


def test_leg_from_a_country_enters_the_place_across_the_nearest_border(data):
    onsong = data.places.loc["onsong"].geometry
    china = basemap.country_shape("CN")
    leg = honest_leg(china, None, None, onsong)
    start, end = Point(leg.coords[0]), Point(leg.coords[-1])
    assert end.equals(onsong) and china.contains(start)
    assert 50 < km((start.y, start.x), (end.y, end.x)) < 150  # a short arrow, not 2,370 km
    far = stand_ins(data.places)
    assert all(km((y, x), p) > 300 for x, y in leg.coords for p in far)


def test_leg_to_a_province_ends_just_inside_it(data):
    routes = data.routes
    leg = routes[(routes["from_place"] == "bukchong") & (routes["to_place"] == "ryanggang")].iloc[0]
    assert leg["unknown_end"] == "to"
    end = Point(leg.geometry.coords[-1])
    assert province_shape("Ryanggang").contains(end)
    assert km((end.y, end.x), (40.9611, 127.875)) > 20  # not the province's stand-in point


def test_leg_between_two_countries_is_their_shared_border(data):
    routes = data.routes
    leg = routes[(routes["from_place"] == "north_korea") & (routes["to_place"] == "china")].iloc[0]
    assert leg["unknown_end"] == "both"
    assert leg.geometry.distance(basemap.country_shape("KP").boundary) < 1e-6
    assert leg.geometry.length > 8  # the whole border, about 1,400 km


def map_coordinates(html: str) -> tuple[list[tuple[float, float]], list[tuple[float, float]]]:
    """(marker positions, polyline vertices) in the map's script, as (lat, lon): folium's
    own markers and lines, and the items of the layers drawn from data (``LayerScript``)."""
    markers = [
        (float(a), float(b))
        for a, b in re.findall(r"L\.marker\(\s*\[([-\d.]+),\s*([-\d.]+)\]", html)
    ]
    vertices = []
    for body in re.findall(r"L\.polyline\(\s*(\[\[.*?\]\])", html, flags=re.S):
        vertices += [tuple(v) for v in json.loads(body)]
    for item in drawn_items(html):
        if "marker" in item:
            markers.append(tuple(item["marker"]))
        elif "line" in item:
            vertices += [tuple(v) for v in item["line"]]
    return markers, vertices


def drawn_items(html: str) -> list[dict]:
    """Every item the page's ``escapeeMap.draw`` calls draw."""
    items = []
    for found in re.finditer(r"escapeeMap\.draw\(\w+, ", html):
        items += json.JSONDecoder().raw_decode(html, found.end())[0]
    return items


def test_the_map_puts_nothing_at_a_stand_in_point(data):
    html = build_map(data.incidents, data.routes, data.places, asset_base=None).get_root().render()
    markers, vertices = map_coordinates(html)
    assert markers and vertices
    for stand_in in stand_ins(data.places):
        assert all(km(m, stand_in) > 30 for m in markers), stand_in
        assert all(km(v, stand_in) > 30 for v in vertices), stand_in
    for stand_in in stand_ins(data.places, ("province",)):  # a small area: a closer look
        assert all(km(v, stand_in) > 15 for v in vertices), stand_in
        assert all(km(m, stand_in) > 15 for m in markers), stand_in
    assert "In China, place not stated: 2 incidents" in html
    assert "area-popup" in html and "CHN-01" in html


@pytest.mark.slow  # runs every export format
def test_geojson_export_has_no_point_at_a_stand_in(data):
    gj = json.loads(
        render("geojson", data.incidents, data.routes, data.places, SnapshotSpec("T", "s"))
    )
    feats = gj["features"]
    incidents = [f for f in feats if f["properties"]["feature_type"] == "incident"]
    assert len(incidents) == len(data.incidents)
    points = [f for f in incidents if f["geometry"] is not None]
    for f in points:
        lon, lat = f["geometry"]["coordinates"]
        assert f["properties"]["geo_precision"] <= 2 or f["properties"]["drawn_in"] is None
        assert all(km((lat, lon), s) > 30 for s in stand_ins(data.places))
    vague = [f for f in incidents if f["geometry"] is None]
    assert {f["properties"]["drawn_in"] for f in vague} == {
        "country:CN",
        "country:LA",
        "border:CN-MN",
    }
    areas = {f["properties"]["area"]: f for f in feats if f["properties"]["feature_type"] == "area"}
    assert set(areas) == {"country:CN", "country:LA", "border:CN-MN"}
    assert shape(areas["country:CN"]["geometry"]).equals(basemap.country_shape("CN"))
    legs = [f for f in feats if f["properties"]["feature_type"] == "route_leg"]
    for f in legs:
        coords = shapely.get_coordinates(shape(f["geometry"]))
        for lon, lat in coords:
            assert all(km((lat, lon), s) > 30 for s in stand_ins(data.places)), f["properties"]
    flight = next(f for f in legs if f["properties"]["from_place"] == "beijing")
    assert (flight["properties"]["from_known"], flight["properties"]["to_known"]) == (False, True)


def test_known_bounds_leave_out_the_country_stand_ins(data):
    west, south, east, north = known_bounds(data.incidents, data.routes, data.places)
    korea = data.incidents[data.incidents["country"] == "KP"]
    b = known_bounds(korea, data.routes.iloc[:0], data.places)
    assert b[0] > 124 and b[1] > 37  # North Korea only, no Sichuan
    china_only = data.incidents[data.incidents["incident_id"] == "CHN-01"]
    cn = known_bounds(china_only, data.routes.iloc[:0], data.places)
    assert cn == pytest.approx(basemap.country_shape("CN").bounds)  # nothing else: the country
    assert west < east and south < north


def test_a_small_country_mostly_out_of_view_is_brought_in(data):
    inc = data.incidents[data.incidents["category"] == "crossing"]  # Onsong, and "in Laos"
    legs = data.routes[
        data.routes["incident_ids"].map(lambda ids: bool(set(ids) & set(inc["incident_id"])))
    ]
    west, south, east, north = known_bounds(inc, legs, data.places)
    lw, ls, le, ln = basemap.country_shape("LA").bounds
    assert west <= lw and south <= ls and east >= 129.9 and north >= 42.9
