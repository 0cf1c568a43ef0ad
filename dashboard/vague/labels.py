"""Where the labels of vague places go and what they say: an area's count label clear of the
incident symbols, and the words at a route leg's unstated end. Plain shapely, so the live map
(``dashboard.map.vague``) and the snapshots (``snapshot``) say the same."""

from __future__ import annotations

import re

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from dashboard.i18n import DEFAULT_LANGUAGE, translator
from dashboard.placenames import place_label
from dashboard.vague.areas import AREA_KINDS, country_name


def label_point(
    geom, avoid: list[tuple[float, float]] = (), along: float = 0.5
) -> tuple[float, float]:
    """Where an area's label goes: a point of the area clear of the incident symbols in
    ``avoid`` (lon, lat), near its middle; for a line, a point along it. (lat, lon)"""
    if geom.geom_type.endswith("LineString"):
        merged = shapely.line_merge(geom)
        longest = max(getattr(merged, "geoms", [merged]), key=lambda g: g.length)
        p = longest.interpolate(along, normalized=True)
        return p.y, p.x
    mid = geom.representative_point()
    west, south, east, north = geom.bounds
    steps = 14
    k = np.arange(steps) + 0.5
    gx = np.repeat(west + (east - west) * k / steps, steps)  # i-major, as listed before
    gy = np.tile(south + (north - south) * k / steps, steps)
    xs, ys = np.concatenate([[mid.x], gx]), np.concatenate([[mid.y], gy])
    inside = shapely.contains_xy(geom, xs, ys)
    if not inside.any():
        inside[0] = True  # the representative point, as a last resort
    cx, cy = xs[inside], ys[inside]
    if len(avoid):
        clear = clearance(cx, cy, np.asarray(avoid, dtype=float).reshape(-1, 2), cap=2.0)
    else:
        clear = np.full(len(cx), 2.0)
    score = np.minimum(clear, 2.0) - 0.05 * np.hypot(cx - mid.x, cy - mid.y)
    best = int(np.argmax(score))  # the first of equal scores, as max() chose
    return float(cy[best]), float(cx[best])


SPOT_DEG = 0.01  # about a kilometre: far finer than a label, coarser than jittered duplicates


def distinct_spots(lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
    """The places the symbols of ``lon``/``lat`` occupy, as (lon, lat) rows, one per
    ``SPOT_DEG`` cell: what labels keep clear of. A million incidents at a few hundred towns
    are a few thousand spots, so placing 20 labels no longer reads a million points each
    (0.28 s of every map at a million)."""
    lon = np.asarray(lon, dtype=float)
    lat = np.asarray(lat, dtype=float)
    ok = np.isfinite(lon) & np.isfinite(lat)
    qx = np.round(lon[ok] / SPOT_DEG).astype(np.int64) + 20_000
    qy = np.round(lat[ok] / SPOT_DEG).astype(np.int64) + 20_000
    key = pd.unique(qx * 40_000 + qy)
    return np.column_stack(
        [(key // 40_000 - 20_000) * SPOT_DEG, (key % 40_000 - 20_000) * SPOT_DEG]
    )


def clearance(
    cx: np.ndarray, cy: np.ndarray, pts: np.ndarray, *, cap: float, cells: int = 160
) -> np.ndarray:
    """How far each candidate spot (``cx``, ``cy``) is from the nearest of ``pts`` (lon, lat),
    counting east-west distance at 0.35 (labels are wide and short: a symbol beside one is as
    much in the way as one above), capped at ``cap``.

    The points within ``cap`` of the candidates are first reduced to the occupied cells of a
    grid of at most ``cells`` × ``cells`` (a few thousand at most, however many incidents), so
    the cost no longer grows with the number of incidents; a cell stands for its points within
    half a cell, far finer than a label's size. In each column of the grid only the occupied
    cells just below and just above a candidate can be its nearest there, so each candidate
    measures two cells a column rather than every occupied cell (the same distances)."""
    if not len(pts):
        return np.full(len(cx), cap)
    x0, x1 = cx.min() - cap / 0.35, cx.max() + cap / 0.35
    y0, y1 = cy.min() - cap, cy.max() + cap
    near = (pts[:, 0] >= x0) & (pts[:, 0] <= x1) & (pts[:, 1] >= y0) & (pts[:, 1] <= y1)
    pts = pts[near]
    if not len(pts):
        return np.full(len(cx), cap)
    sx, sy = max((x1 - x0) / cells, 1e-9), max((y1 - y0) / cells, 1e-9)
    gx = np.floor((pts[:, 0] - x0) / sx).astype(np.int64)
    gy = np.floor((pts[:, 1] - y0) / sy).astype(np.int64)
    occupied = np.zeros((cells + 1, cells + 1), dtype=bool)
    occupied[gx, gy] = True
    cols = np.flatnonzero(occupied.any(axis=1))
    grid = occupied[cols]
    rows = np.arange(cells + 1)
    # per column and row: the last occupied row at or below it, the first at or above it
    below = np.maximum.accumulate(np.where(grid, rows, -1), axis=1)
    above = np.minimum.accumulate(np.where(grid, rows, cells + 1)[:, ::-1], axis=1)[:, ::-1]
    row = np.clip(np.floor((cy - y0) / sy).astype(np.int64), 0, cells)
    px = x0 + (cols + 0.5) * sx
    dx = (cx[None, :] - px[:, None]) * 0.35
    d = np.full(len(cx), np.inf)
    for found in (below[:, row], above[:, row]):
        py = y0 + (found + 0.5) * sy
        dist = np.hypot(dx, cy[None, :] - py)
        dist[(found < 0) | (found > cells)] = np.inf
        d = np.minimum(d, dist.min(axis=0))
    return np.minimum(d, cap)


def _country_of(pid: str, places: gpd.GeoDataFrame, lang: str = DEFAULT_LANGUAGE) -> str:
    """A short name for an area end: the country a country or border area belongs to."""
    if places.at[pid, "kind"] in ("country", "border_area"):
        return country_name(str(places.at[pid, "country"]), lang=lang)
    return re.sub(r"\s*\(.*\)$", "", place_label(places.loc[pid], lang=lang))


def leg_end_label(
    leg: pd.Series, places: gpd.GeoDataFrame, geom=None, *, lang: str = DEFAULT_LANGUAGE
) -> tuple[list[float], str] | None:
    """A short label at the unstated end: "from China, where not stated"; None when both
    ends are stated."""
    t = translator(lang)
    geom, end = (leg["geometry"] if geom is None else geom), leg["unknown_end"]
    frm = _country_of(leg["from_place"], places, t.lang)
    to = _country_of(leg["to_place"], places, t.lang)
    if end == "both":
        lat, lon = label_point(geom, along=0.3)
        return [lat, lon], t.gettext(
            "crossed from {origin} into {destination}, where not stated", origin=frm, destination=to
        )
    if end == "from":
        x, y = geom.coords[0]
        kind = places.at[leg["from_place"], "kind"]
        if kind in AREA_KINDS:
            return [y, x], t.gettext("from {origin}, where not stated", origin=frm)
        return [y, x], t.gettext("from {origin}?", origin=frm)
    if end == "to":
        x, y = geom.coords[-1]
        kind = places.at[leg["to_place"], "kind"]
        if kind in AREA_KINDS:
            return [y, x], t.gettext("to {destination}, where not stated", destination=to)
        return [y, x], t.gettext("to {destination}?", destination=to)
    return None
