"""Plain geometry on longitude/latitude shared by the live map and the static exports (no
folium, no matplotlib), so both draw a route leg the same way."""

from __future__ import annotations


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
