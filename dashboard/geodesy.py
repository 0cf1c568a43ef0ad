"""Plain geometry on longitude/latitude, one definition of each: distances (validation's
"how far outside its country"), route legs' lines (stores) and arcs (the live map and the
static exports, so both draw a leg the same way). No folium, no matplotlib."""

from __future__ import annotations

import math

EARTH_RADIUS_KM = 6371.0088  # mean Earth radius (IUGG)


def haversine_km(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    """Great-circle distance in km between two points given in degrees."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))


def arc_points(
    start: tuple[float, float], end: tuple[float, float], n: int = 24
) -> list[list[float]]:
    """A gentle curve (lat, lon) between two points, so flights read as flights."""
    (lat0, lon0), (lat1, lon1) = start, end
    dlat, dlon = lat1 - lat0, lon1 - lon0
    bend = 0.18
    clat, clon = (lat0 + lat1) / 2 - dlon * bend, (lon0 + lon1) / 2 + dlat * bend
    pts = []
    for i in range(n + 1):
        t = i / n
        a, b, c = (1 - t) ** 2, 2 * (1 - t) * t, t**2
        pts.append([a * lat0 + b * clat + c * lat1, a * lon0 + b * clon + c * lon1])
    return pts


def leg_geometry_wkt(row: dict[str, str], places) -> str:
    """A leg's line from its places: a great-circle arc for flights, else straight."""
    a, b = row.get("from_place", ""), row.get("to_place", "")
    if a not in places.index or b not in places.index:
        return ""
    p, q = places.geometry[a], places.geometry[b]
    if row.get("mode") == "flight":
        points = great_circle(p.x, p.y, q.x, q.y)
    else:
        points = [(p.x, p.y), (q.x, q.y)]
    return "LINESTRING (" + ", ".join(f"{x:.5f} {y:.5f}" for x, y in points) + ")"


def great_circle(
    lon1: float, lat1: float, lon2: float, lat2: float, n: int = 32
) -> list[tuple[float, float]]:
    """Points along the great circle between two points (the path a flight takes)."""
    p1, l1, p2, l2 = map(math.radians, (lat1, lon1, lat2, lon2))
    d = 2 * math.asin(
        math.sqrt(
            math.sin((p2 - p1) / 2) ** 2
            + math.cos(p1) * math.cos(p2) * math.sin((l2 - l1) / 2) ** 2
        )
    )
    if d == 0:
        return [(lon1, lat1), (lon2, lat2)]
    out = []
    for i in range(n + 1):
        f = i / n
        a = math.sin((1 - f) * d) / math.sin(d)
        b = math.sin(f * d) / math.sin(d)
        x = a * math.cos(p1) * math.cos(l1) + b * math.cos(p2) * math.cos(l2)
        y = a * math.cos(p1) * math.sin(l1) + b * math.cos(p2) * math.sin(l2)
        z = a * math.sin(p1) + b * math.sin(p2)
        out.append((math.degrees(math.atan2(y, x)), math.degrees(math.atan2(z, math.hypot(x, y)))))
    out[0], out[-1] = (lon1, lat1), (lon2, lat2)
    return out
