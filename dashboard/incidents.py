"""Incidents: validated rows from a curated CSV, as points with honest uncertainty.

A row either loads whole or is reported with its line and column; nothing is
dropped or repaired silently. Vague places keep a representative point plus a
precision level, and vague dates keep a window plus the source's own words.
"""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import pandas as pd

from dashboard.basemap import distance_outside_km
from dashboard.cells import parse_date, parse_float, parse_int, parse_url
from dashboard.problems import Problem, errors
from dashboard.tables import read_table
from dashboard.vocab import (
    CATEGORIES,
    CONFIDENCE,
    INCIDENT_COLUMNS,
    INCIDENT_EXTRA_COLUMNS,
    INCIDENT_REQUIRED_CELLS,
    PRECISIONS,
)


def _choices(options) -> str:
    return ", ".join(options)


def check_incidents(
    path: Path | str,
    places: gpd.GeoDataFrame | None = None,
    route_ids: set[str] | None = None,
) -> tuple[gpd.GeoDataFrame | None, list[Problem]]:
    """Incidents as points in EPSG:4326 indexed like the file, and every problem found.

    ``places`` and ``route_ids``, when given, are what place_id and route_id may name.
    """
    shown = str(path)
    table, problems = read_table(path, INCIDENT_COLUMNS, INCIDENT_EXTRA_COLUMNS)
    if table is None:
        return None, problems

    def report(line: int, column: str, message: str) -> None:
        problems.append(Problem(shown, line, column, message))

    first_seen: dict[str, int] = {}
    parsed: dict[str, list] = {
        k: []
        for k in (
            "date_start",
            "date_end",
            "source_date",
            "latitude",
            "longitude",
            "geo_precision",
            "people_count",
        )
    }
    for line, row in table.iterrows():
        for col in INCIDENT_REQUIRED_CELLS:
            if not row[col].strip():
                report(line, col, "empty required cell")

        iid = row["incident_id"].strip()
        if iid in first_seen:
            report(line, "incident_id", f"duplicate id {iid!r} (first at line {first_seen[iid]})")
        elif iid:
            first_seen[iid] = line

        dates = {}
        for col in ("date_start", "date_end", "source_date"):
            dates[col] = None
            if row[col].strip():
                dates[col], err = parse_date(row[col])
                if err:
                    report(line, col, err)
        has_start, has_end = bool(row["date_start"].strip()), bool(row["date_end"].strip())
        if has_start != has_end:
            report(
                line,
                "date_end" if has_start else "date_start",
                "give both date_start and date_end, or neither",
            )
        elif not has_start and not row["date_note"].strip():
            report(
                line,
                "date_note",
                "no date window given: say why in date_note (e.g. the source gives no year)",
            )
        if dates["date_start"] and dates["date_end"] and dates["date_end"] < dates["date_start"]:
            report(
                line, "date_end", f"{dates['date_end']} is before date_start {dates['date_start']}"
            )

        if row["category"] and row["category"] not in CATEGORIES:
            report(
                line,
                "category",
                f"unknown category {row['category']!r} (expected one of {_choices(CATEGORIES)})",
            )
        if row["confidence"] and row["confidence"] not in CONFIDENCE:
            report(
                line,
                "confidence",
                f"unknown confidence {row['confidence']!r} (expected one of {_choices(CONFIDENCE)})",
            )

        precision = None
        if row["geo_precision"].strip():
            precision, err = parse_int(row["geo_precision"], 1, 4)
            if err:
                report(
                    line,
                    "geo_precision",
                    f"{err}; 1 = town or site, 2 = district, 3 = region, 4 = country",
                )

        lat = lon = None
        if row["latitude"].strip():
            lat, err = parse_float(row["latitude"], -90, 90)
            if err:
                if _looks_swapped(row["latitude"], row["longitude"], row["country"].strip()):
                    err += " (latitude and longitude look swapped)"
                report(line, "latitude", err)
        if row["longitude"].strip():
            lon, err = parse_float(row["longitude"], -180, 180)
            if err:
                report(line, "longitude", err)
        country = row["country"].strip()
        if country and (len(country) != 2 or not country.isalpha() or not country.isupper()):
            report(line, "country", f"not an ISO 3166-1 alpha-2 code: {country!r}")
        elif lat is not None and lon is not None and country:
            _check_in_country(report, line, lat, lon, country, precision)

        people = None
        if row["people_count"].strip():
            people, err = parse_int(row["people_count"], 1, 1_000_000)
            if err:
                report(line, "people_count", err)
        if row["source_url"].strip():
            _, err = parse_url(row["source_url"])
            if err:
                report(line, "source_url", err)
        if places is not None and row["place_id"].strip() and row["place_id"] not in places.index:
            report(line, "place_id", f"unknown place {row['place_id']!r} (not in the gazetteer)")
        if route_ids is not None and row["route_id"].strip() and row["route_id"] not in route_ids:
            report(line, "route_id", f"unknown route {row['route_id']!r} (not in the routes file)")

        for key, value in (
            ("date_start", dates["date_start"]),
            ("date_end", dates["date_end"]),
            ("source_date", dates["source_date"]),
            ("latitude", lat),
            ("longitude", lon),
            ("geo_precision", precision),
            ("people_count", people),
        ):
            parsed[key].append(value)

    if errors(problems):
        return None, problems
    frame = table.copy()
    for key in ("date_start", "date_end", "source_date"):
        frame[key] = pd.to_datetime(pd.Series(parsed[key], index=frame.index, dtype=object))
    frame["latitude"] = pd.Series(parsed["latitude"], index=frame.index, dtype=float)
    frame["longitude"] = pd.Series(parsed["longitude"], index=frame.index, dtype=float)
    frame["geo_precision"] = pd.Series(parsed["geo_precision"], index=frame.index, dtype=int)
    frame["people_count"] = pd.array(parsed["people_count"], dtype="Int64")
    incidents = gpd.GeoDataFrame(
        frame, geometry=gpd.points_from_xy(frame["longitude"], frame["latitude"]), crs="EPSG:4326"
    )
    incidents["line"] = incidents.index
    return incidents.reset_index(drop=True), problems


def _check_in_country(
    report, line: int, lat: float, lon: float, country: str, precision: int | None
) -> None:
    """Catch swapped or mistyped coordinates: the point must lie in the stated country,
    give or take what its precision allows."""
    outside = distance_outside_km(lon, lat, country)
    if outside is None:
        report(line, "country", f"country {country!r} is not in the basemap region")
        return
    allowed = (
        PRECISIONS[precision].radius_km if precision in PRECISIONS else PRECISIONS[1].radius_km
    )
    if outside <= allowed:
        return
    message = f"({lat:g}, {lon:g}) lies {outside:,.0f} km outside {country}; precision {precision} allows {allowed:g} km"
    if _looks_swapped(str(lat), str(lon), country, allowed):
        message += " (latitude and longitude look swapped)"
    report(line, "latitude", message)


def _looks_swapped(lat_text: str, lon_text: str, country: str, allowed_km: float = 25) -> bool:
    """Whether reading the two cells the other way round puts the point in the country."""
    try:
        lat, lon = float(lat_text), float(lon_text)
    except ValueError:
        return False
    if not (-90 <= lon <= 90 and -180 <= lat <= 180):
        return False
    outside = distance_outside_km(lat, lon, country)
    return outside is not None and outside <= allowed_km
