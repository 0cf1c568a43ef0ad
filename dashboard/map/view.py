"""Where the map looks: the region it opens on, and the bounds that fit a result."""

from __future__ import annotations

import geopandas as gpd

from dashboard.vague.areas import known_bounds

REGION_BOUNDS = [[10.0, 92.0], [54.0, 138.0]]  # south-west, north-east (lat, lon)
DEFAULT_CENTER, DEFAULT_ZOOM = (36.0, 114.0), 4
PRESENTATION_MAX_ZOOM = 8  # a briefing step never zooms closer than this


def result_bounds(
    incidents: gpd.GeoDataFrame, routes: gpd.GeoDataFrame, places: gpd.GeoDataFrame | None = None
) -> list[list[float]]:
    """[[south, west], [north, east]] of what the sources place in a view: never stretched to
    a country's stand-in point (``vague.areas.known_bounds``); the region when empty."""
    box = known_bounds(incidents, routes, places)
    if box is None:
        return REGION_BOUNDS
    minx, miny, maxx, maxy = box
    return [[float(miny), float(minx)], [float(maxy), float(maxx)]]


def padded_bounds(
    incidents: gpd.GeoDataFrame, routes: gpd.GeoDataFrame, places: gpd.GeoDataFrame
) -> list[list[float]]:
    """``result_bounds`` with a margin, so nothing sits on the page's edge (whole-page maps)."""
    (miny, minx), (maxy, maxx) = result_bounds(incidents, routes, places)
    pad_x, pad_y = max(1.5, (maxx - minx) * 0.08), max(1.5, (maxy - miny) * 0.08)
    return [[miny - pad_y, minx - pad_x], [maxy + pad_y, maxx + pad_x]]
