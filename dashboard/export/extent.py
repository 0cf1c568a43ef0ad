"""Which part of the world a static map shows: what the sources place, fitted to the page,
and the crowded box worth an inset."""

from __future__ import annotations

import math

import geopandas as gpd
import numpy as np
import pandas as pd

from dashboard.vague.areas import POINT, drawn_as, known_bounds

BASEMAP_BOX = (88.0, 8.0, 142.0, 56.0)  # the clip box of geodata/basemap (see its README)


def fitted_extent(
    incidents: gpd.GeoDataFrame,
    routes: gpd.GeoDataFrame,
    aspect: float,
    places: gpd.GeoDataFrame | None = None,
) -> tuple[float, float, float, float]:
    """What the sources place (never a country's stand-in point: see
    ``vague.areas.known_bounds``), padded and widened to the page's aspect ratio."""
    bounds = known_bounds(incidents, routes, places)
    if bounds is not None:
        minx, miny, maxx, maxy = bounds
    else:
        minx, miny, maxx, maxy = 95.0, 15.0, 135.0, 50.0
    pad = max(2.0, 0.1 * max(maxx - minx, maxy - miny))
    minx, miny, maxx, maxy = minx - pad, miny - pad, maxx + pad, maxy + pad
    mid_lat = (miny + maxy) / 2
    kx = math.cos(math.radians(mid_lat))  # degrees of longitude are shorter
    w, h = (maxx - minx) * kx, maxy - miny
    if w / h < aspect:
        extra = (h * aspect / kx - (maxx - minx)) / 2
        minx, maxx = minx - extra, maxx + extra
    else:
        extra = ((maxx - minx) * kx / aspect - h) / 2
        miny, maxy = miny - extra, maxy + extra
    return _clamp((minx, miny, maxx, maxy))


def _clamp(extent: tuple[float, float, float, float]) -> tuple[float, float, float, float]:
    """Shift (not shrink) the view inside the basemap's clip box where it fits."""
    lo_x, lo_y, hi_x, hi_y = BASEMAP_BOX
    minx, miny, maxx, maxy = extent
    if maxx - minx <= hi_x - lo_x:
        shift = max(0.0, lo_x - minx) - max(0.0, maxx - hi_x)
        minx, maxx = minx + shift, maxx + shift
    if maxy - miny <= hi_y - lo_y:
        shift = max(0.0, lo_y - miny) - max(0.0, maxy - hi_y)
        miny, maxy = miny + shift, maxy + shift
    return minx, miny, maxx, maxy


def dense_box(incidents: pd.DataFrame, places, extent) -> tuple[float, float, float, float] | None:
    """Where symbols crowd on a wide map (the Korean peninsula next to Laos and Mongolia):
    a lon/lat box worth an inset, or None."""
    minx, miny, maxx, maxy = extent
    if maxx - minx < 18 or not len(incidents):
        return None
    pts = incidents[drawn_as(incidents, places) == POINT]
    if len(pts) < 5:
        return None
    xy = np.column_stack([pts["longitude"].to_numpy(float), pts["latitude"].to_numpy(float)])
    centre, count = _densest(xy)
    if count < 5:
        return None
    return _dense_from(xy, centre, extent)


def _densest(xy: np.ndarray, half_w: float = 4.0, half_h: float = 3.5, res: float = 0.25):
    """The point with the most others within ``half_w`` × ``half_h`` degrees, and how many.
    Exact for a few thousand points; above that, counted on a grid of ``res`` degrees with a
    summed-area table (a cost that grows with the cells, not with the square of the points)."""
    if len(xy) <= 2000:
        counts = (
            (np.abs(xy[:, None, 0] - xy[None, :, 0]) <= half_w)
            & (np.abs(xy[:, None, 1] - xy[None, :, 1]) <= half_h)
        ).sum(axis=1)
        best = int(np.argmax(counts))
        return xy[best], int(counts[best])
    lo = xy.min(axis=0)
    g = np.floor((xy - lo) / res).astype(np.int64)
    nx, ny = int(g[:, 0].max()) + 1, int(g[:, 1].max()) + 1
    grid = np.bincount(g[:, 0] * ny + g[:, 1], minlength=nx * ny).reshape(nx, ny)
    table = np.zeros((nx + 1, ny + 1), dtype=np.int64)
    table[1:, 1:] = grid.cumsum(axis=0).cumsum(axis=1)
    cells = np.unique(g, axis=0)
    kx, ky = int(round(half_w / res)), int(round(half_h / res))
    x0 = np.clip(cells[:, 0] - kx, 0, nx)
    x1 = np.clip(cells[:, 0] + kx + 1, 0, nx)
    y0 = np.clip(cells[:, 1] - ky, 0, ny)
    y1 = np.clip(cells[:, 1] + ky + 1, 0, ny)
    counts = table[x1, y1] - table[x0, y1] - table[x1, y0] + table[x0, y0]
    best = int(np.argmax(counts))
    return lo + (cells[best] + 0.5) * res, int(counts[best])


def _dense_from(xy, centre, extent):
    near = xy[(abs(xy[:, 0] - centre[0]) <= 4) & (abs(xy[:, 1] - centre[1]) <= 3.5)]
    x0, y0 = near.min(axis=0) - 1.2
    x1, y1 = near.max(axis=0) + 1.2
    if (x1 - x0) > 0.35 * (extent[2] - extent[0]):
        return None
    return float(x0), float(y0), float(x1), float(y1)
