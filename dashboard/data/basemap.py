"""Offline vector basemap: country polygons and North Korean province boundaries.

The dashboard runs with no network, so it cannot fetch tiles or boundaries at run time. The
files in geodata/basemap/ (simplified Natural Earth data, see geodata/README.md) are read here
once and shared. This module never imports streamlit, so tests, scripts and exports can use it.
"""

from __future__ import annotations

import math
from functools import lru_cache
from pathlib import Path

import geopandas as gpd
import shapely
from shapely.geometry.base import BaseGeometry
from shapely.ops import nearest_points

from dashboard.geodesy import haversine_km
from dashboard.htmlsafe import script_safe

BASEMAP_DIR: Path = Path(__file__).resolve().parents[2] / "geodata" / "basemap"
COUNTRIES_FILE = BASEMAP_DIR / "countries.geojson"
PROVINCE_LINES_FILE = BASEMAP_DIR / "kp_admin1_lines.geojson"
PROVINCES_FILE = BASEMAP_DIR / "kp_provinces.geojson"


def _read(path: Path) -> gpd.GeoDataFrame:
    """Read a basemap file, or an empty EPSG:4326 frame if it is not there."""
    if not path.exists():
        return gpd.GeoDataFrame(geometry=gpd.GeoSeries([], crs="EPSG:4326"))
    gdf = gpd.read_file(path)
    return gdf.set_crs("EPSG:4326") if gdf.crs is None else gdf.to_crs("EPSG:4326")


@lru_cache(maxsize=1)
def _countries() -> gpd.GeoDataFrame:
    gdf = gpd.read_file(COUNTRIES_FILE)
    gdf = gdf.set_crs("EPSG:4326") if gdf.crs is None else gdf.to_crs("EPSG:4326")
    # Features without an ISO code (Spratly Is., Scarborough Reef) read as NaN: make them None.
    gdf["iso_a2"] = gdf["iso_a2"].astype(object).where(gdf["iso_a2"].notna(), None)
    return gdf


@lru_cache(maxsize=1)
def _province_lines() -> gpd.GeoDataFrame:
    return _read(PROVINCE_LINES_FILE)


@lru_cache(maxsize=1)
def _provinces() -> gpd.GeoDataFrame:
    return _read(PROVINCES_FILE)


def countries() -> gpd.GeoDataFrame:
    """Country polygons (EPSG:4326) with iso_a2, name, label_lon, label_lat, label_src.

    The file is parsed once; each call returns a copy so a caller's edits cannot leak into
    other callers' maps.
    """
    return _countries().copy()


def province_lines() -> gpd.GeoDataFrame:
    """North Korean admin-1 boundary lines (EPSG:4326); an empty frame if the file is missing.

    Returned as a copy, like countries().
    """
    return _province_lines().copy()


def provinces() -> gpd.GeoDataFrame:
    """Named North Korean province polygons (iso_3166_2, name, name_ne, label_lon, label_lat).

    An empty EPSG:4326 frame if the file is missing. Returned as a copy.
    """
    return _provinces().copy()


@lru_cache(maxsize=1)
def countries_json() -> str:
    """Country outlines (name, iso_a2) as GeoJSON text, safe inside a <script> element.

    Made once per process: the map embeds it on every build and it never changes.
    """
    return script_safe(_countries()[["name", "iso_a2", "geometry"]].to_json(separators=(",", ":")))


def extent() -> tuple[float, float, float, float]:
    """(west, south, east, north) of the shipped countries file: it is clipped to this box."""
    west, south, east, north = _countries().total_bounds
    return float(west), float(south), float(east), float(north)


@lru_cache(maxsize=1)
def outside_json() -> str:
    """The world outside the basemap's extent as one GeoJSON polygon (shown as "no data")."""
    world = shapely.box(-180.0, -85.0, 180.0, 85.0)
    outside = world.difference(shapely.box(*extent()))
    gdf = gpd.GeoDataFrame(geometry=[outside], crs="EPSG:4326")
    return script_safe(gdf.to_json(separators=(",", ":")))


@lru_cache(maxsize=1)
def province_lines_json() -> str:
    """North Korean province lines as GeoJSON text ("" if the file is missing), like above."""
    lines = _province_lines()
    return script_safe(lines[["geometry"]].to_json(separators=(",", ":"))) if len(lines) else ""


@lru_cache(maxsize=64)
def country_shape(iso_a2: str) -> BaseGeometry | None:
    """The (multi)polygon of a country by ISO 3166-1 alpha-2 code, or None if not in the basemap.

    Shapely geometries are immutable, so the cached object is safe to hand out.
    """
    gdf = _countries()
    rows = gdf[gdf["iso_a2"] == iso_a2.upper()]
    if rows.empty:
        return None
    geom = shapely.union_all(rows.geometry.values)
    shapely.prepare(geom)  # speeds up repeated contains() checks
    return geom


def distance_outside_km(lon: float, lat: float, iso_a2: str) -> float | None:
    """Approximate great-circle distance (km) from a point to a country; 0 if it is inside.

    Used to flag incidents whose coordinates fall outside the country they are filed under.
    The nearest polygon point is found in lon/lat degrees with longitude shrunk by cos(lat) of
    the query point (a local equirectangular view), then the distance to it is measured on the
    sphere: within a few per cent for the few hundred km that matter, which is enough for that
    check, so no geodesic library is needed. None if the country is not in the basemap.
    """
    geom = country_shape(iso_a2)
    if geom is None:
        return None
    if geom.covers(shapely.Point(lon, lat)):
        return 0.0
    k = max(math.cos(math.radians(lat)), 0.01)
    squeezed = shapely.transform(geom, lambda xy: xy * (k, 1.0))
    nearest = nearest_points(squeezed, shapely.Point(lon * k, lat))[0]
    return haversine_km(lon, lat, nearest.x / k, nearest.y)
