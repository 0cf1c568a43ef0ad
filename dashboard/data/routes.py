"""Route legs: who moved, or was moved, from where to where, and how sure we are.

One row per leg, as LineStrings. Where the path between two places is unknown the
leg is a straight line marked approximate; nobody's road is invented. Every leg
names gazetteer places and the incidents it connects, and those are checked.
"""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import pandas as pd
from shapely import wkt
from shapely.errors import ShapelyError
from shapely.geometry import LineString, Point
from shapely.geometry.base import BaseGeometry

from dashboard import GEODATA_DIR
from dashboard.data.cells import parse_date, parse_int, parse_list
from dashboard.data.tables import read_table
from dashboard.geodesy import haversine_km
from dashboard.problems import Problem, errors
from dashboard.vague.areas import AREA_KINDS, honest_leg, place_area
from dashboard.vocab import PRECISIONS, ROUTE_MODES, ROUTE_STATUSES

ROUTES_PATH = GEODATA_DIR / "routes.csv"
ROUTE_COLUMNS = [
    "route_id",
    "route_name",
    "leg",
    "from_place",
    "to_place",
    "mode",
    "status",
    "date_start",
    "date_end",
    "date_text",
    "incident_ids",
    "approximate",
    "note",
    "geometry",
]
# Optional: which end the source does not state although a place is named there ("from" for
# an inferred origin). Ends at a country, province or border area are unknown anyway.
ROUTE_EXTRA_COLUMNS = ["unknown_end"]
UNKNOWN_END_VALUES = ("", "from", "to", "both")
_REQUIRED = [
    "route_id",
    "route_name",
    "leg",
    "from_place",
    "to_place",
    "mode",
    "status",
    "approximate",
]
_ENDPOINT_TOLERANCE_KM = PRECISIONS[1].radius_km


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
    unknown_ends: list[str] = []
    geoms: list[LineString | None] = []
    legs: list[int | None] = []
    starts: list[pd.Timestamp] = []
    ends: list[pd.Timestamp] = []
    seen: dict[tuple[str, str], int] = {}
    for line, row in table.iterrows():
        for col in _REQUIRED:
            if not row[col].strip():
                problems.append(Problem(shown, line, col, "empty required cell"))
        leg, err = parse_int(row["leg"], 1, 99) if row["leg"].strip() else (None, None)
        if err:
            problems.append(Problem(shown, line, "leg", err))
        key = (row["route_id"], row["leg"])
        if key in seen:
            problems.append(
                Problem(
                    shown,
                    line,
                    "leg",
                    f"leg {row['leg']} of {row['route_id']} appears twice (first at line {seen[key]})",
                )
            )
        seen.setdefault(key, line)
        for col in ("from_place", "to_place"):
            if row[col] and row[col] not in places.index:
                problems.append(
                    Problem(shown, line, col, f"unknown place {row[col]!r} (not in the gazetteer)")
                )
        if row["mode"] and row["mode"] not in ROUTE_MODES:
            problems.append(
                Problem(
                    shown,
                    line,
                    "mode",
                    f"unknown mode {row['mode']!r} (expected one of {', '.join(ROUTE_MODES)})",
                )
            )
        if row["status"] and row["status"] not in ROUTE_STATUSES:
            problems.append(
                Problem(
                    shown,
                    line,
                    "status",
                    f"unknown status {row['status']!r} (expected one of {', '.join(ROUTE_STATUSES)})",
                )
            )
        if row["approximate"] not in ("true", "false", ""):
            problems.append(
                Problem(
                    shown, line, "approximate", f"must be true or false, not {row['approximate']!r}"
                )
            )
        dates = {}
        for col in ("date_start", "date_end"):
            if row[col].strip():
                dates[col], err = parse_date(row[col])
                if err:
                    problems.append(Problem(shown, line, col, err))
        if bool(row["date_start"].strip()) != bool(row["date_end"].strip()):
            problems.append(
                Problem(shown, line, "date_end", "give both date_start and date_end, or neither")
            )
        elif (
            dates.get("date_start")
            and dates.get("date_end")
            and dates["date_end"] < dates["date_start"]
        ):
            problems.append(
                Problem(
                    shown,
                    line,
                    "date_end",
                    f"{dates['date_end']} is before date_start {dates['date_start']}",
                )
            )
        if incident_ids is not None:
            for iid in parse_list(row["incident_ids"]):
                if iid not in incident_ids:
                    problems.append(
                        Problem(
                            shown, line, "incident_ids", f"unknown incident {iid!r}", link_severity
                        )
                    )
        unknown = _unknown_end(shown, line, row, places, problems)
        unknown_ends.append(unknown)
        geom = _honest_geometry(shown, line, row, places, problems)
        if geom is None:
            geom = _leg_geometry(shown, line, row, places, problems)
        geoms.append(geom)
        legs.append(leg)
        starts.append(pd.Timestamp(dates["date_start"]) if dates.get("date_start") else pd.NaT)
        ends.append(pd.Timestamp(dates["date_end"]) if dates.get("date_end") else pd.NaT)
    if errors(problems):
        return None, problems
    frame = table.copy()
    frame["leg"] = legs
    frame["date_start"] = pd.to_datetime(pd.Series(starts, index=frame.index))
    frame["date_end"] = pd.to_datetime(pd.Series(ends, index=frame.index))
    frame["incident_ids"] = frame["incident_ids"].map(parse_list)
    frame["approximate"] = frame["approximate"].eq("true")
    frame["unknown_end"] = unknown_ends
    frame = frame.drop(columns=["geometry"])
    routes = gpd.GeoDataFrame(frame, geometry=geoms, crs="EPSG:4326")
    routes["line"] = routes.index
    return routes.sort_values(["route_id", "leg"]).reset_index(drop=True), problems


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
