"""Incidents too dense to show one by one, as aggregates that say how many.

One definition shared by the live map (``map/aggregates.py``) and the static exports
(``export/symbols.py``): incidents are gathered by the cell of a square screen grid they fall
in, and each non-empty cell becomes one aggregate with its count, its incidents' mean position,
their extent and how many of each category. A cell holding one incident is that incident.

For the live map the grid is Web Mercator's pixel grid at each zoom (cells of ``CELL_PX``
pixels), so a cell at zoom z is exactly four cells at z + 1 and zooming in breaks aggregates
apart down to single incidents. The rows are sorted once along a Z-order curve of their
finest cells, so every coarser zoom's cells are runs of that order (``ZoomGrid``): a pyramid
of 14 levels costs little more than one. No Python loop over rows anywhere.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from dashboard.vocab import CATEGORIES, ZCODE_COLUMN

CATEGORY_KEYS = list(CATEGORIES)
# Up to this many incidents a map draws each one (fanned out where several share a place);
# above it, where incidents are dense, aggregates say how many.
AGGREGATE_ABOVE = 200
TILE_PX = 256
CELL_PX = 64  # a power of two, so the cells of one zoom nest in those of the next
MIN_ZOOM = 2
MAX_ZOOM = 16
# At most this many features (aggregates and single incidents) over all zoom levels of a
# pyramid: what the browser receives, whatever the number of incidents.
FEATURE_BUDGET = 6_000
MAX_LAT = 85.0511287798


@dataclass(frozen=True)
class Aggregates:
    """Aggregates of one grid: one entry per non-empty cell, in cell order.

    ``cx``/``cy`` are the cells' grid coordinates, ``count`` how many incidents each holds,
    ``lon``/``lat`` their mean position, ``bounds`` (west, south, east, north) their extent,
    ``by_category`` the counts per category (columns in ``CATEGORY_KEYS`` order) and ``first``
    the row position of one of them (the incident itself where the count is 1)."""

    cx: np.ndarray
    cy: np.ndarray
    count: np.ndarray
    lon: np.ndarray
    lat: np.ndarray
    bounds: np.ndarray
    by_category: np.ndarray
    first: np.ndarray

    def __len__(self) -> int:
        return len(self.count)

    @property
    def singles(self) -> np.ndarray:
        """Row positions of the incidents that stand alone in their cell."""
        return self.first[self.count == 1]


@dataclass(frozen=True)
class Level:
    """The aggregates of one zoom level of the live map."""

    zoom: int
    aggregates: Aggregates


# Another source of a view's levels than ``pyramid`` (the newsroom database): given the
# point incidents and the budget, the levels ``pyramid`` would give them (``first`` naming
# rows of that frame), or None to leave them to ``pyramid``.
PyramidSource = Callable[[pd.DataFrame, int], "list[Level] | None"]


def mercator_px(lon: np.ndarray, lat: np.ndarray, zoom: float) -> tuple[np.ndarray, np.ndarray]:
    """Web Mercator pixel coordinates at ``zoom`` (as Leaflet's ``project``)."""
    size = TILE_PX * 2.0**zoom
    sin = np.sin(np.radians(np.clip(lat, -MAX_LAT, MAX_LAT)))
    x = size * (0.5 + np.asarray(lon, dtype=float) / 360.0)
    y = size * (0.5 - np.log((1 + sin) / (1 - sin)) / (4 * np.pi))
    return x, y


def vocab_codes(values: pd.Series | np.ndarray, keys: list[str]) -> np.ndarray:
    """Each value's position in ``keys`` (-1 when it is none of them, or missing), by pyarrow
    (a million Arrow strings made into Python objects first would take a second)."""
    values = values.array if isinstance(values, pd.Series) else values
    arr = pa.array(values, type=pa.large_string()) if not isinstance(values, pa.Array) else values
    if isinstance(arr, pa.ChunkedArray):
        arr = arr.combine_chunks()
    found = pc.index_in(arr, value_set=pa.array(keys, type=arr.type))
    return pc.fill_null(found, -1).to_numpy(zero_copy_only=False).astype(np.int64)


def category_codes(categories: pd.Series | np.ndarray) -> np.ndarray:
    """Each row's category as its position in ``CATEGORY_KEYS`` (-1 when unknown)."""
    return vocab_codes(categories, CATEGORY_KEYS)


def _group_rows(
    cx: np.ndarray, cy: np.ndarray, lon: np.ndarray, lat: np.ndarray, cat: np.ndarray
) -> Aggregates:
    """The aggregates of rows already assigned to cells (one sort, then sums per run)."""
    n = len(cx)
    if n == 0:
        empty = np.zeros(0, dtype=np.int64)
        return Aggregates(
            empty,
            empty,
            empty,
            np.zeros(0),
            np.zeros(0),
            np.zeros((0, 4)),
            np.zeros((0, len(CATEGORY_KEYS)), dtype=np.int64),
            empty,
        )
    key = (cx.astype(np.int64) << 32) | (cy.astype(np.int64) & 0xFFFFFFFF)
    order = np.argsort(key, kind="stable")
    key = key[order]
    starts = np.flatnonzero(np.r_[True, key[1:] != key[:-1]])
    label = np.cumsum(np.r_[False, key[1:] != key[:-1]])
    lon_s, lat_s = lon[order], lat[order]
    count = np.diff(np.r_[starts, n])
    cats = np.zeros((len(starts), len(CATEGORY_KEYS)), dtype=np.int64)
    c = cat[order]
    known = c >= 0
    np.add.at(cats, (label[known], c[known]), 1)
    return Aggregates(
        cx=cx[order][starts].astype(np.int64),
        cy=cy[order][starts].astype(np.int64),
        count=count.astype(np.int64),
        lon=np.add.reduceat(lon_s, starts) / count,
        lat=np.add.reduceat(lat_s, starts) / count,
        bounds=np.column_stack(
            [
                np.minimum.reduceat(lon_s, starts),
                np.minimum.reduceat(lat_s, starts),
                np.maximum.reduceat(lon_s, starts),
                np.maximum.reduceat(lat_s, starts),
            ]
        ),
        by_category=cats,
        first=np.minimum.reduceat(order, starts).astype(np.int64),
    )


def _no_aggregates() -> Aggregates:
    """The aggregates of no incidents."""
    return _group_rows(
        *(np.zeros(0, dtype=np.int64),) * 2, np.zeros(0), np.zeros(0), np.zeros(0, dtype=np.int64)
    )


def screen_aggregates(
    x: np.ndarray,
    y: np.ndarray,
    lon: np.ndarray,
    lat: np.ndarray,
    categories: pd.Series | np.ndarray,
    cell: float,
) -> Aggregates:
    """Aggregates of points already on a screen (``x``/``y`` in pixels), one per ``cell``-
    pixel square: what a static export draws."""
    return _group_rows(
        np.floor(np.asarray(x, dtype=float) / cell).astype(np.int64),
        np.floor(np.asarray(y, dtype=float) / cell).astype(np.int64),
        np.asarray(lon, dtype=float),
        np.asarray(lat, dtype=float),
        category_codes(categories),
    )


def merge_overlapping(
    agg: Aggregates, x: np.ndarray, y: np.ndarray, radius: np.ndarray, overlap: float = 0.85
) -> Aggregates:
    """Aggregates whose circles (centres ``x``/``y`` and ``radius`` on the page, in one unit)
    would cover each other, merged into the larger one: a grid cuts a town's incidents in two
    when the town sits on a cell's edge, and two circles drawn over each other hide both
    numbers. Largest first, each joins the nearest larger circle it overlaps by more than
    ``1 - overlap`` of their radii, else stays. A loop over circles (a page holds at most a
    few thousand), never over incidents."""
    n = len(agg)
    owner = np.arange(n)
    if n < 2:
        return agg
    order = np.argsort(-agg.count, kind="stable")
    kept = np.empty(n, dtype=np.int64)
    kx, ky, kr = np.empty(n), np.empty(n), np.empty(n)
    k = 0
    for i in order:
        if k:
            d = np.hypot(kx[:k] - x[i], ky[:k] - y[i])
            hit = np.flatnonzero(d < overlap * (kr[:k] + radius[i]))
            if len(hit):
                owner[i] = kept[hit[np.argmin(d[hit])]]
                continue
        kept[k], kx[k], ky[k], kr[k] = i, x[i], y[i], radius[i]
        k += 1
    if k == n:
        return agg
    groups, label = np.unique(owner, return_inverse=True)
    count = np.bincount(label, weights=agg.count).astype(np.int64)
    by_category = np.zeros((len(groups), agg.by_category.shape[1]), dtype=np.int64)
    np.add.at(by_category, label, agg.by_category)
    first = np.full(len(groups), np.iinfo(np.int64).max)
    np.minimum.at(first, label, agg.first)
    bounds = np.column_stack(
        [np.full(len(groups), np.inf)] * 2 + [np.full(len(groups), -np.inf)] * 2
    )
    np.minimum.at(bounds[:, 0], label, agg.bounds[:, 0])
    np.minimum.at(bounds[:, 1], label, agg.bounds[:, 1])
    np.maximum.at(bounds[:, 2], label, agg.bounds[:, 2])
    np.maximum.at(bounds[:, 3], label, agg.bounds[:, 3])
    return Aggregates(
        cx=agg.cx[groups],
        cy=agg.cy[groups],
        count=count,
        lon=np.bincount(label, weights=agg.lon * agg.count) / count,
        lat=np.bincount(label, weights=agg.lat * agg.count) / count,
        bounds=bounds,
        by_category=by_category,
        first=first,
    )


def zoom_cells(lon: np.ndarray, lat: np.ndarray, zoom: int) -> tuple[np.ndarray, np.ndarray]:
    """Each point's grid cell at ``zoom`` (the map's ``CELL_PX`` grid)."""
    x, y = mercator_px(lon, lat, zoom)
    return (np.floor(x / CELL_PX).astype(np.int64), np.floor(y / CELL_PX).astype(np.int64))


def z_codes(lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
    """Each point's finest cell (``MAX_ZOOM``) as its position along a Z-order curve: the bits
    of the cell's x and y interleaved, so the cell at zoom z is the code shifted right by
    2 × (MAX_ZOOM - z) bits."""
    cx, cy = zoom_cells(np.asarray(lon, dtype=float), np.asarray(lat, dtype=float), MAX_ZOOM)
    return _spread(cx) | (_spread(cy) << np.uint64(1))


def _known_codes(incidents: pd.DataFrame, lon: np.ndarray, lat: np.ndarray) -> np.ndarray | None:
    """The codes ``filters.prepare`` worked out once per load, unless a sample of rows shows
    they no longer match the coordinates (rows moved after they were prepared)."""
    if ZCODE_COLUMN not in incidents:
        return None
    code = incidents[ZCODE_COLUMN].to_numpy(dtype=np.uint64)
    sample = np.linspace(0, len(code) - 1, min(len(code), 64)).astype(np.int64)
    if not np.array_equal(code[sample], z_codes(lon[sample], lat[sample])):
        return None
    return code


def _compact(v: np.ndarray) -> np.ndarray:
    """The even bits of ``v`` gathered into an integer: ``_spread`` undone."""
    v = v.astype(np.uint64) & np.uint64(0x5555555555555555)
    for shift, mask in (
        (1, 0x3333333333333333),
        (2, 0x0F0F0F0F0F0F0F0F),
        (4, 0x00FF00FF00FF00FF),
        (8, 0x0000FFFF0000FFFF),
        (16, 0x00000000FFFFFFFF),
    ):
        v = (v | (v >> np.uint64(shift))) & np.uint64(mask)
    return v.astype(np.int64)


def _spread(v: np.ndarray) -> np.ndarray:
    """The bits of ``v`` (up to 32) spread to the even bit positions of a uint64."""
    v = v.astype(np.uint64) & np.uint64(0xFFFFFFFF)
    for shift, mask in (
        (16, 0x0000FFFF0000FFFF),
        (8, 0x00FF00FF00FF00FF),
        (4, 0x0F0F0F0F0F0F0F0F),
        (2, 0x3333333333333333),
        (1, 0x5555555555555555),
    ):
        v = (v | (v << np.uint64(shift))) & np.uint64(mask)
    return v


class ZoomGrid:
    """The incidents sorted once along a Z-order curve of their finest cells, so that the
    cells of every coarser zoom are runs of that order: a level costs a pass over the rows,
    never another sort, and only the levels asked for are computed."""

    def __init__(self, incidents: pd.DataFrame):
        lon = incidents["longitude"].to_numpy(dtype=float)
        lat = incidents["latitude"].to_numpy(dtype=float)
        code = _known_codes(incidents, lon, lat)
        if code is None:
            code = z_codes(lon, lat)
        order = np.argsort(code, kind="stable")
        self.n = len(order)
        self.order = order
        self.code = code[order]
        self.lon, self.lat = lon[order], lat[order]
        cat = category_codes(incidents["category"])[order]
        onehot = np.zeros((self.n + 1, len(CATEGORY_KEYS)), dtype=np.int32)
        known = np.flatnonzero(cat >= 0)
        onehot[known + 1, cat[known]] = 1
        self._cum_cat = np.cumsum(onehot, axis=0, dtype=np.int32)
        self._cum_lon = np.r_[0.0, np.cumsum(self.lon)]
        self._cum_lat = np.r_[0.0, np.cumsum(self.lat)]

    def level(self, zoom: int) -> Aggregates:
        """The aggregates at ``zoom`` (``MIN_ZOOM`` .. ``MAX_ZOOM``)."""
        n = self.n
        if n == 0:
            return _no_aggregates()
        shift = np.uint64(2 * (MAX_ZOOM - zoom))
        prefix = self.code >> shift
        starts = np.flatnonzero(np.r_[True, prefix[1:] != prefix[:-1]])
        ends = np.r_[starts[1:], n]
        count = (ends - starts).astype(np.int64)
        cell = prefix[starts]  # the cell at this zoom, still interleaved
        return Aggregates(
            cx=_compact(cell),
            cy=_compact(cell >> np.uint64(1)),
            count=count,
            lon=(self._cum_lon[ends] - self._cum_lon[starts]) / count,
            lat=(self._cum_lat[ends] - self._cum_lat[starts]) / count,
            bounds=np.column_stack(
                [
                    np.minimum.reduceat(self.lon, starts),
                    np.minimum.reduceat(self.lat, starts),
                    np.maximum.reduceat(self.lon, starts),
                    np.maximum.reduceat(self.lat, starts),
                ]
            ),
            by_category=(self._cum_cat[ends] - self._cum_cat[starts]).astype(np.int64),
            first=np.minimum.reduceat(self.order, starts).astype(np.int64),
        )


def zoom_levels(incidents: pd.DataFrame) -> dict[int, Aggregates]:
    """The aggregates of ``incidents`` at every zoom from ``MIN_ZOOM`` to ``MAX_ZOOM``."""
    grid = ZoomGrid(incidents)
    return {zoom: grid.level(zoom) for zoom in range(MIN_ZOOM, MAX_ZOOM + 1)}


def pyramid(incidents: pd.DataFrame, budget: int = FEATURE_BUDGET) -> list[Level]:
    """The zoom levels the live map receives, coarsest first, within ``budget`` features in
    all: a level is left out when it looks like the one before (nothing splits there), and
    the pyramid ends at the first level where every incident stands alone, or before the
    level that would exceed the budget. Beyond its deepest level the map keeps that level's
    aggregates, which then list their incidents instead of splitting."""
    return choose_levels(ZoomGrid(incidents).level, budget)


def choose_levels(level: Callable[[int], Aggregates | None], budget: int) -> list[Level]:
    """``pyramid``'s rules over any source of levels (``ZoomGrid`` here, the newsroom
    database's GROUP BY in ``store/postgis/pyramid.py``), so both choose alike. ``level``
    may answer None for a level it knows holds more than ``budget`` aggregates.

    A level is asked for only while it could still be chosen: cells nest, so no zoom has
    fewer aggregates than a coarser one, and once the chosen levels leave less room than
    the last one used, every finer level is either the same (left out) or too many."""
    out: list[Level] = []
    used = 0
    for zoom in range(MIN_ZOOM, MAX_ZOOM + 1):
        agg = level(zoom)
        if out and agg is None:
            break  # more than the whole budget
        if agg is None:
            raise ValueError(f"the coarsest level (zoom {zoom}) is needed whatever its size")
        if out and len(agg) == len(out[-1].aggregates):
            continue  # the same groups as the level before: nothing splits at this zoom
        if out and used + len(agg) > budget:
            break
        out.append(Level(zoom, agg))
        used += len(agg)
        if (agg.count == 1).all() or used + len(agg) > budget:
            break
    return out


@dataclass(frozen=True)
class CellSums:
    """Incidents summed per cell of one zoom (``zoom``), from which every coarser zoom's
    ``Aggregates`` follow exactly (``coarser``): counts, sums of position, extents,
    counts per category and the least row position. A database answers these with one
    GROUP BY; the coarser levels then cost a sort of the cells, not another pass over rows.
    A cell may appear in several rows (e.g. one per category): they are added up."""

    zoom: int
    cx: np.ndarray
    cy: np.ndarray
    count: np.ndarray
    sum_lon: np.ndarray
    sum_lat: np.ndarray
    bounds: np.ndarray
    by_category: np.ndarray
    first: np.ndarray

    def coarser(self, zoom: int) -> Aggregates:
        """The aggregates at ``zoom`` (at most ``self.zoom``), in the order of ``ZoomGrid``:
        the cells' Z-order."""
        if zoom > self.zoom:
            raise ValueError(f"zoom {zoom} is finer than the sums' zoom {self.zoom}")
        down = self.zoom - zoom
        cx, cy = self.cx.astype(np.int64) >> down, self.cy.astype(np.int64) >> down
        code = _spread(cx) | (_spread(cy) << np.uint64(1))
        order = np.argsort(code, kind="stable")
        code = code[order]
        n = len(code)
        if n == 0:
            return _no_aggregates()
        starts = np.flatnonzero(np.r_[True, code[1:] != code[:-1]])
        count = np.add.reduceat(self.count[order], starts).astype(np.int64)
        b = self.bounds[order]
        return Aggregates(
            cx=cx[order][starts],
            cy=cy[order][starts],
            count=count,
            lon=np.add.reduceat(self.sum_lon[order], starts) / count,
            lat=np.add.reduceat(self.sum_lat[order], starts) / count,
            bounds=np.column_stack(
                [
                    np.minimum.reduceat(b[:, 0], starts),
                    np.minimum.reduceat(b[:, 1], starts),
                    np.maximum.reduceat(b[:, 2], starts),
                    np.maximum.reduceat(b[:, 3], starts),
                ]
            ),
            by_category=np.add.reduceat(self.by_category[order], starts, axis=0).astype(np.int64),
            first=np.minimum.reduceat(self.first[order], starts).astype(np.int64),
        )


def members(incidents: pd.DataFrame, zoom: int, cx: int, cy: int) -> pd.DataFrame:
    """The incidents an aggregate of the live map stands for (its cell at ``zoom``)."""
    lon = incidents["longitude"].to_numpy(dtype=float)
    lat = incidents["latitude"].to_numpy(dtype=float)
    gx, gy = zoom_cells(lon, lat, zoom)
    return incidents[(gx == cx) & (gy == cy)]
