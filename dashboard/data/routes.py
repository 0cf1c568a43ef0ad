"""Route legs: who moved, or was moved, from where to where, and how sure we are.

One row per leg, as LineStrings. Where the path between two places is unknown the
leg is a straight line marked approximate; nobody's road is invented. Every leg
names gazetteer places and the incidents it connects, and those are checked.
"""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
from shapely import wkt
from shapely.errors import ShapelyError
from shapely.geometry import LineString, Point
from shapely.geometry.base import BaseGeometry

from dashboard import GEODATA_DIR
from dashboard.data.cells import parse_date, parse_int, parse_list
from dashboard.data.checks import Checks
from dashboard.data.tables import read_table
from dashboard.geodesy import haversine_km
from dashboard.problems import Problem, errors
from dashboard.vague.areas import AREA_KINDS, honest_leg, place_area
from dashboard.vocab import (
    PRECISIONS,
    ROUTE_COLUMNS,
    ROUTE_EXTRA_COLUMNS,
    ROUTE_MODES,
    ROUTE_REQUIRED_CELLS,
    ROUTE_STATUSES,
    UNKNOWN_END_VALUES,
)

ROUTES_PATH = GEODATA_DIR / "routes.csv"
_ENDPOINT_TOLERANCE_KM = PRECISIONS[1].radius_km
# The order of each row's problems (see data/checks.py).
_ORDER = [
    *(f"required:{c}" for c in ROUTE_REQUIRED_CELLS),
    "leg",
    "duplicate",
    "from_place",
    "to_place",
    "mode",
    "status",
    "approximate",
    "date_start",
    "date_end",
    "window",
    "incident_ids",
    "unknown_end",
    "geometry",
]


def check_routes(
    path: Path | str,
    places: gpd.GeoDataFrame,
    incident_ids: set[str] | None = None,
    link_severity: str = "error",
) -> tuple[gpd.GeoDataFrame | None, list[Problem]]:
    """Route legs as LineStrings in EPSG:4326, and every problem found.

    ``incident_ids``, when given, are the incidents legs may refer to; a leg naming
    another is reported with ``link_severity``.
    """
    shown = str(path)
    table, problems = read_table(path, ROUTE_COLUMNS, ROUTE_EXTRA_COLUMNS)
    if table is None:
        return None, problems
    checks = Checks(table, shown, _ORDER)
    checks.required(ROUTE_REQUIRED_CELLS)
    legs = checks.parsed("leg", lambda text: parse_int(text, 1, 99))
    _check_repeated_legs(checks)
    for col in ("from_place", "to_place"):
        checks.known(col, places.index, lambda pid: f"unknown place {pid!r} (not in the gazetteer)")
    checks.vocabulary("mode", ROUTE_MODES)
    checks.vocabulary("status", ROUTE_STATUSES)
    approximate = table["approximate"]
    for i in np.flatnonzero(~approximate.isin(["true", "false", ""]).to_numpy()):
        message = f"must be true or false, not {approximate.iloc[i]!r}"
        checks.report(i, "approximate", "approximate", message)
    starts = checks.parsed("date_start", parse_date)
    ends = checks.parsed("date_end", parse_date)
    for i in np.flatnonzero(checks.blank("date_start") != checks.blank("date_end")):
        checks.report(i, "window", "date_end", "give both date_start and date_end, or neither")
    for i in np.flatnonzero(pd.notna(starts) & pd.notna(ends)):
        if ends[i] < starts[i]:
            checks.report(i, "window", "date_end", f"{ends[i]} is before date_start {starts[i]}")
    if incident_ids is not None:
        for i in np.flatnonzero(~checks.blank("incident_ids")):
            for iid in parse_list(table["incident_ids"].iloc[i]):
                if iid not in incident_ids:
                    message = f"unknown incident {iid!r}"
                    checks.report(i, "incident_ids", "incident_ids", message, link_severity)
    # Each leg's ends and line depend on its places: checked leg by leg.
    unknown_ends: list[str] = []
    geoms: list[LineString | None] = []
    for i, (line, row) in enumerate(table.iterrows()):
        found: list[Problem] = []
        unknown_ends.append(_unknown_end(shown, line, row, places, found))
        for problem in found:
            checks.file(i, "unknown_end", problem)
        found = []
        geom = _honest_geometry(shown, line, row, places, found)
        if geom is None:
            geom = _leg_geometry(shown, line, row, places, found)
        for problem in found:
            checks.file(i, "geometry", problem)
        geoms.append(geom)
    problems += checks.problems()
    if errors(problems):
        return None, problems
    frame = table.copy()
    frame["leg"] = list(legs)
    frame["date_start"] = pd.to_datetime(pd.Series(starts, index=frame.index, dtype=object))
    frame["date_end"] = pd.to_datetime(pd.Series(ends, index=frame.index, dtype=object))
    frame["incident_ids"] = frame["incident_ids"].map(parse_list)
    frame["approximate"] = frame["approximate"].eq("true")
    frame["unknown_end"] = unknown_ends
    frame = frame.drop(columns=["geometry"])
    routes = gpd.GeoDataFrame(frame, geometry=geoms, crs="EPSG:4326")
    routes["line"] = routes.index
    return routes.sort_values(["route_id", "leg"]).reset_index(drop=True), problems


def _check_repeated_legs(checks: Checks) -> None:
    """A leg number given twice for one route, naming the line where it first appears."""
    table = checks.table
    keys = list(zip(table["route_id"], table["leg"], strict=True))
    repeated = table.duplicated(["route_id", "leg"], keep="first").to_numpy()
    first: dict[tuple[str, str], int] = {}
    for i, key in enumerate(keys):
        if key not in first:
            first[key] = int(checks.lines[i])
        elif repeated[i]:
            route_id, leg = key
            message = f"leg {leg} of {route_id} appears twice (first at line {first[key]})"
            checks.report(i, "duplicate", "leg", message)


def _is_area(place_id: str, places: gpd.GeoDataFrame) -> bool:
    return place_id in places.index and places.at[place_id, "kind"] in AREA_KINDS


def _unknown_end(
    shown: str, line: int, row: pd.Series, places: gpd.GeoDataFrame, problems: list[Problem]
) -> str:
    """Which ends the source leaves unstated: the column's word, plus any end at an area."""
    said = row.get("unknown_end", "").strip()
    if said not in UNKNOWN_END_VALUES:
        problems.append(
            Problem(
                shown,
                line,
                "unknown_end",
                f"unknown value {said!r} (expected empty, from, to or both)",
            )
        )
        said = ""
    ends = {
        "from": said in ("from", "both") or _is_area(row["from_place"], places),
        "to": said in ("to", "both") or _is_area(row["to_place"], places),
    }
    return "both" if all(ends.values()) else next((k for k, v in ends.items() if v), "")


def _honest_geometry(
    shown: str, line: int, row: pd.Series, places: gpd.GeoDataFrame, problems: list[Problem]
) -> BaseGeometry | None:
    """For a leg with a country, province or border-area end: an arrow across the nearest
    border, or the shared border itself (dashboard.vague.areas.honest_leg), never a line to
    the area's stand-in point. A geometry typed in the file for such a leg is not used."""
    ends = [row["from_place"], row["to_place"]]
    if not all(pid in places.index for pid in ends) or not any(
        _is_area(pid, places) for pid in ends
    ):
        return None
    frm, to = (places.loc[pid] for pid in ends)
    geom = honest_leg(
        place_area(frm) if _is_area(ends[0], places) else None,
        frm.geometry,
        place_area(to) if _is_area(ends[1], places) else None,
        to.geometry,
    )
    if geom is None:
        problems.append(
            Problem(
                shown,
                line,
                "geometry",
                "no border to draw this leg across (is the known place inside the area?); "
                "drawn straight to the area's representative point",
                "warning",
            )
        )
        return None
    if row["geometry"].strip():
        problems.append(
            Problem(
                shown,
                line,
                "geometry",
                "not used: a leg with a country, province or border-area end is drawn across "
                "the border from the basemap; leave this cell empty",
                "warning",
            )
        )
    return geom


def _leg_geometry(
    shown: str, line: int, row: pd.Series, places: gpd.GeoDataFrame, problems: list[Problem]
) -> LineString | None:
    """The stored LineString, or a straight one between the places when none is stored."""
    ends_known = row["from_place"] in places.index and row["to_place"] in places.index
    if not row["geometry"].strip():
        if not ends_known:
            return None
        if row["approximate"] != "true":
            problems.append(
                Problem(
                    shown, line, "geometry", "no geometry given: the leg must be marked approximate"
                )
            )
        return LineString([places.geometry[row["from_place"]], places.geometry[row["to_place"]]])
    try:
        geom = wkt.loads(row["geometry"])
    except (ShapelyError, ValueError):
        problems.append(Problem(shown, line, "geometry", "not a WKT LINESTRING"))
        return None
    if geom.geom_type != "LineString" or len(geom.coords) < 2:
        problems.append(
            Problem(
                shown,
                line,
                "geometry",
                f"expected a LINESTRING with 2 or more points, got {geom.geom_type}",
            )
        )
        return None
    if ends_known:
        for end, col in (
            (Point(geom.coords[0]), "from_place"),
            (Point(geom.coords[-1]), "to_place"),
        ):
            place = places.geometry[row[col]]
            gap = haversine_km(end.x, end.y, place.x, place.y)
            if gap > _ENDPOINT_TOLERANCE_KM:
                problems.append(
                    Problem(
                        shown,
                        line,
                        "geometry",
                        f"leg {'starts' if col == 'from_place' else 'ends'} {gap:,.0f} km from {row[col]!r}",
                    )
                )
    return geom
