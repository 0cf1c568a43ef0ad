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
    candidates = [mid] + [
        shapely.Point(
            west + (east - west) * (i + 0.5) / steps, south + (north - south) * (j + 0.5) / steps
        )
        for i in range(steps)
        for j in range(steps)
    ]
    inside = [c for c in candidates if geom.contains(c)] or [mid]
    cx = np.array([c.x for c in inside])
    cy = np.array([c.y for c in inside])
    if len(avoid):
        # labels are wide and short: a symbol beside one is as much in the way as one above.
        # One array operation per candidate (a Python loop over 10,000 symbols took seconds).
        pts = np.asarray(avoid, dtype=float).reshape(-1, 2)
        clear = np.array(
            [
                np.hypot((x - pts[:, 0]) * 0.35, y - pts[:, 1]).min()
                for x, y in zip(cx, cy, strict=True)
            ]
        )
    else:
        clear = np.full(len(inside), 2.0)
    score = np.minimum(clear, 2.0) - 0.05 * np.hypot(cx - mid.x, cy - mid.y)
    best = inside[int(np.argmax(score))]  # the first of equal scores, as max() chose
    return best.y, best.x


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
