"""A large selection's zoom levels as the browser receives them (``static/map/points.js``).

``dashboard.aggregate.pyramid`` gathers the incidents of each zoom level into aggregates; this
packs them as typed arrays (numpy, never a Python object per feature): each aggregate's mean
position, count, extent, counts per category and the gazetteer place it is around, and for a
cell holding one incident, that incident's row in the payload of single incidents
(``payload.encode_incidents``), which carries its id, kind, dates and text.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from dashboard.aggregate import FEATURE_BUDGET, Level, PyramidSource, pyramid
from dashboard.i18n import DEFAULT_LANGUAGE
from dashboard.map.payload import encode_incidents, packed
from dashboard.map.scripts import json_for_script
from dashboard.placenames import place_label
from dashboard.vague.areas import AREA_KINDS

# An aggregate is "around" the nearest gazetteer town, county or site within this many km of
# its mean position; otherwise it is named by no place.
_AROUND_KM = 30.0


def nearest_place(
    lon: np.ndarray, lat: np.ndarray, places: pd.DataFrame, *, lang: str = DEFAULT_LANGUAGE
) -> tuple[np.ndarray, list[str]]:
    """For each point, the index into the returned names of the nearest gazetteer town,
    county or site within ``_AROUND_KM`` (-1 where there is none), in the reader's script."""
    spots = places[~places["kind"].isin(AREA_KINDS)]
    if not len(spots) or not len(lon):
        return np.full(len(lon), -1, dtype=np.int64), []
    plon = spots["longitude"].to_numpy(dtype=float)
    plat = spots["latitude"].to_numpy(dtype=float)
    kx = np.cos(np.radians(lat))[:, None]
    d_km = 111.32 * np.hypot((lon[:, None] - plon[None, :]) * kx, lat[:, None] - plat[None, :])
    best = d_km.argmin(axis=1)
    near = d_km[np.arange(len(lon)), best] <= _AROUND_KM
    used, index = np.unique(best[near], return_inverse=True)
    out = np.full(len(lon), -1, dtype=np.int64)
    out[near] = index
    names = [place_label(spots.iloc[int(i)], lang=lang) for i in used]
    return out, names


def _xy(lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
    xy = np.empty(2 * len(lon), dtype=np.int64)
    xy[0::2] = np.round(lon * 1e4)
    xy[1::2] = np.round(lat * 1e4)
    return xy


def encode_levels(
    incidents: pd.DataFrame,
    places: pd.DataFrame,
    *,
    budget: int = FEATURE_BUDGET,
    lang: str = DEFAULT_LANGUAGE,
    records: pd.DataFrame | None = None,
    pyramid_of: PyramidSource | None = None,
) -> tuple[str, list[Level]]:
    """The JSON object ``points.js`` draws: ``levels`` (zoom, count ``n``, centres ``xy``,
    counts ``c``, extents ``b``, categories ``k``, the single incident ``f`` or -1, grid cells
    ``g`` (as ``aggregate.members`` takes them), place
    ``p`` or -1), ``names`` (the places) and ``singles`` (the
    incidents that stand alone at some level, as ``encode_incidents`` gives them, their text
    from ``records`` by index label when ``incidents`` leaves it out). Also the levels
    themselves. ``pyramid_of`` may answer the levels instead of ``aggregate.pyramid`` (the
    newsroom database computes them: ``store/postgis/pyramid.py``); where it answers None,
    ``aggregate.pyramid`` does."""
    levels = pyramid_of(incidents, budget) if pyramid_of is not None else None
    if levels is None:
        levels = pyramid(incidents, budget)
    singles = (
        np.unique(np.concatenate([lv.aggregates.singles for lv in levels]))
        if levels
        else np.zeros(0, dtype=np.int64)
    )
    lon = np.concatenate([lv.aggregates.lon for lv in levels]) if levels else np.zeros(0)
    lat = np.concatenate([lv.aggregates.lat for lv in levels]) if levels else np.zeros(0)
    place_of, names = nearest_place(lon, lat, places, lang=lang)
    parts, at = [], 0
    for lv in levels:
        agg = lv.aggregates
        k = len(agg)
        single = np.where(agg.count == 1, np.searchsorted(singles, agg.first), -1)
        parts.append(
            "{"
            + f'"z":{lv.zoom},"n":{k},'
            + f'"xy":"{packed(_xy(agg.lon, agg.lat), "<i4")}",'
            + f'"c":"{packed(agg.count, "<u4")}",'
            + f'"b":"{packed(np.round(agg.bounds * 1e4).ravel(), "<i4")}",'
            + f'"k":"{packed(agg.by_category.ravel(), "<u4")}",'
            + f'"f":"{packed(single, "<i4")}",'
            + f'"g":"{packed(np.column_stack([agg.cx, agg.cy]).ravel(), "<i4")}",'
            + f'"p":"{packed(place_of[at : at + k], "<i2")}"'
            + "}"
        )
        at += k
    if records is None:
        rows = incidents.iloc[singles]
    else:  # by position in ``records`` (a label look-up there took 0.4 s at a million rows)
        rows = records.take(records.index.get_indexer(incidents.index[singles]))
    body = (
        '{"levels":['
        + ",".join(parts)
        + f'],"names":{json_for_script(names)},'
        + f'"total":{len(incidents)},"singles":{encode_incidents(rows)}'
        + "}"
    )
    return body, levels
