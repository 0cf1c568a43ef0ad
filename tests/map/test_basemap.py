"""The offline basemap loads, is sound, and puts known places in the right countries."""

from __future__ import annotations

import json

import pytest
import shapely

from dashboard.data import basemap

# (lat, lon, ISO 3166-1 alpha-2) of places whose country is not in doubt.
CITIES = {
    "Pyongyang": (39.0339, 125.7543, "KP"),
    "Seoul": (37.566, 126.9784, "KR"),
    "Vientiane": (17.9667, 102.6, "LA"),
    "Kunming": (25.0389, 102.7183, "CN"),
    "Ulaanbaatar": (47.9077, 106.8832, "MN"),
    # About 0.5 km from the Tumen River border in Natural Earth: guards the simplification.
    "Onsong": (42.9572, 129.9933, "KP"),
}

MAX_BYTES = {
    "countries.geojson": 1_500_000,
    "kp_admin1_lines.geojson": 200_000,
    "kp_provinces.geojson": 300_000,
}


def test_countries_load_in_wgs84_with_the_needed_countries():
    gdf = basemap.countries()
    assert gdf.crs is not None and gdf.crs.to_epsg() == 4326
    codes = set(gdf["iso_a2"].dropna())
    assert {"KP", "KR", "CN", "LA", "MN", "RU", "JP", "VN", "TH", "MM"} <= codes
    assert gdf["iso_a2"].dropna().is_unique
    for iso in ("KP", "KR", "CN", "LA", "MN", "RU"):
        geom = basemap.country_shape(iso)
        assert geom is not None and not geom.is_empty and geom.is_valid, iso
        assert geom.geom_type in ("Polygon", "MultiPolygon"), iso


def test_countries_have_names_and_label_points_inside_the_region():
    gdf = basemap.countries()
    assert gdf["name"].notna().all()
    assert gdf.loc[gdf["iso_a2"] == "KP", "name"].item() == "North Korea"
    for _, row in gdf.iterrows():
        assert 88 <= row["label_lon"] <= 142 and 8 <= row["label_lat"] <= 56, row["name"]
    # Natural Earth's label point is used where it falls inside the clipped polygon.
    for iso in ("CN", "LA", "MN", "KP", "KR"):
        row = gdf[gdf["iso_a2"] == iso].iloc[0]
        assert row["label_src"] == "natural_earth", iso
        assert row.geometry.contains(shapely.Point(row["label_lon"], row["label_lat"])), iso


def test_neighbours_share_borders_exactly():
    """Topology-preserving simplification: polygons neither overlap nor leave slivers."""
    gdf = basemap.countries()
    assert shapely.coverage_is_valid(gdf.geometry.values)
    kp, cn = basemap.country_shape("KP"), basemap.country_shape("CN")
    shared = kp.boundary.intersection(cn.boundary)
    assert shared.length > 5  # degrees: the Yalu and Tumen border is one shared line


@pytest.mark.parametrize("city", sorted(CITIES))
def test_known_cities_fall_inside_their_country(city):
    lat, lon, iso = CITIES[city]
    assert basemap.country_shape(iso).contains(shapely.Point(lon, lat))
    assert basemap.distance_outside_km(lon, lat, iso) == 0
    others = basemap.countries()
    others = others[others["iso_a2"] != iso]
    assert not others.contains(shapely.Point(lon, lat)).any()


def test_distance_outside_km():
    lat, lon, _ = CITIES["Pyongyang"]
    to_china = basemap.distance_outside_km(lon, lat, "CN")
    assert to_china is not None and 100 < to_china < 250
    lat, lon, _ = CITIES["Seoul"]
    to_kp = basemap.distance_outside_km(lon, lat, "KP")
    assert to_kp is not None and 25 < to_kp < 60  # Seoul is about 40 km south of the DMZ
    assert basemap.distance_outside_km(lon, lat, "kr") == 0
    assert basemap.distance_outside_km(lon, lat, "XX") is None
    assert basemap.country_shape("XX") is None


def test_callers_get_copies():
    gdf = basemap.countries()
    gdf.loc[:, "name"] = "changed"
    assert "changed" not in set(basemap.countries()["name"])


def test_kp_province_lines_lie_in_north_korea():
    lines = basemap.province_lines()
    assert lines.crs is not None and lines.crs.to_epsg() == 4326
    assert len(lines) > 0 and lines.is_valid.all() and not lines.is_empty.any()
    zone = basemap.country_shape("KP").buffer(0.06)
    assert lines.within(zone).all()
    assert (
        shapely.length(lines.geometry.values).sum() > 10
    )  # degrees of internal province boundaries


def test_kp_provinces_are_named_and_cover_north_korea():
    prov = basemap.provinces()
    assert prov.crs.to_epsg() == 4326
    assert len(prov) == 11 and prov["iso_3166_2"].is_unique
    assert {"KP-08", "KP-09", "KP-10"} <= set(prov["iso_3166_2"])
    assert prov.is_valid.all()
    kp = basemap.country_shape("KP")
    assert prov.union_all().symmetric_difference(kp).area < 0.01 * kp.area
    hamhung = shapely.Point(127.5363, 39.9183)
    assert prov[prov.contains(hamhung)]["name"].tolist() == ["South Hamgyong"]


def test_missing_province_file_gives_an_empty_wgs84_frame(tmp_path):
    gdf = basemap._read(tmp_path / "absent.geojson")
    assert gdf.empty and gdf.crs.to_epsg() == 4326


def test_files_are_small_rfc7946_geojson():
    for name, limit in MAX_BYTES.items():
        path = basemap.BASEMAP_DIR / name
        assert path.stat().st_size < limit, name
        data = json.loads(path.read_text(encoding="utf-8"))
        assert data["type"] == "FeatureCollection" and "crs" not in data, name
