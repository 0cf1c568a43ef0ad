"""Incidents: validated rows from a curated CSV, as points with honest uncertainty.

A row either loads whole or is reported with its line and column; nothing is
dropped or repaired silently. Vague places keep a representative point plus a
precision level, and vague dates keep a window plus the source's own words.
"""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from dashboard.data.basemap import country_shape, distance_outside_km
from dashboard.data.cells import parse_date, parse_float, parse_int, parse_url
from dashboard.data.checks import Checks
from dashboard.data.loadcache import IncidentCache
from dashboard.data.tables import one_chunk, read_table, stripped
from dashboard.problems import Problem, errors
from dashboard.vocab import (
    CATEGORIES,
    CONFIDENCE,
    INCIDENT_COLUMNS,
    INCIDENT_EXTRA_COLUMNS,
    INCIDENT_REQUIRED_CELLS,
    PRECISIONS,
)

# An incident whose source gives a start but no end ("from mid-May") keeps date_end empty and
# says so in date_note with this phrase; filters treat the window as running to today.
OPEN_END_PHRASE = "end not stated"


def open_end_mask(incidents: pd.DataFrame) -> np.ndarray:
    """Which incidents have a stated start and an end the source does not state."""
    if "date_end_open" in incidents:
        return incidents["date_end_open"].to_numpy(dtype=bool)
    return (incidents["date_start"].notna() & incidents["date_end"].isna()).to_numpy()


def effective_end(incidents: pd.DataFrame, today: pd.Timestamp | None = None) -> pd.Series:
    """date_end, with an open end read as today: the arrests "from mid-May" are not known to
    have stopped, so any later window may hold them. Undated incidents stay NaT."""
    today = today if today is not None else pd.Timestamp.today().normalize()
    end = incidents["date_end"].copy()
    return end.where(~open_end_mask(incidents), today)


# The order of each row's problems: required cells, id, dates, vocabularies, numbers, place,
# links (the order the row-by-row validator always gave them).
_ORDER = [
    *(f"required:{c}" for c in INCIDENT_REQUIRED_CELLS),
    "duplicate",
    "date_start",
    "date_end",
    "source_date",
    "window",
    "order",
    "category",
    "confidence",
    "geo_precision",
    "latitude",
    "longitude",
    "country",
    "people_count",
    "source_url",
    "place_id",
    "route_id",
]
# Cells these patterns match parse the same way vectorised as with the per-cell parsers in
# dashboard.data.cells; every other cell goes through those parsers, which also give the message.
_PLAIN_NUMBER = r"^[+-]?(?:[0-9]{1,12}(?:\.[0-9]{0,12})?|\.[0-9]{1,12})$"
_PLAIN_URL = r"^https?://[A-Za-z0-9][\x21-\x5A\x5E-\x7E]*$"


def check_incidents(
    path: Path | str,
    places: gpd.GeoDataFrame | None = None,
    route_ids: set[str] | None = None,
    keep_valid: bool = False,
) -> tuple[gpd.GeoDataFrame | None, list[Problem]]:
    """Incidents as points in EPSG:4326 indexed like the file, and every problem found.

    ``places`` and ``route_ids``, when given, are what place_id and route_id may name. With
    ``keep_valid`` a file whose problems are all in rows still gives the rows that have none
    (the app shows those and lists the rest); otherwise any error gives None.

    Checks run a column at a time (a 100,000-row file validates in well under a second); each
    bad cell still gets the message of the per-cell parsers, reported in row order.

    A large file is checked once and its result kept in the cache (``loadcache``: the rows
    and every problem, keyed on the file's content and what it is checked against); later
    calls read it from there and give the same incidents and the same problems.
    """
    shown = str(path)
    place_ids = None if places is None else places.index
    cache = IncidentCache.open(path, place_ids, route_ids)
    cached = cache.load(shown) if cache is not None else None
    if cached is not None:
        return _as_asked(*cached, keep_valid)
    table, problems = read_table(path, INCIDENT_COLUMNS, INCIDENT_EXTRA_COLUMNS)
    if table is None:
        return None, problems
    if cache is None:
        incidents, problems = check_incident_table(
            table, shown, problems, places, route_ids, keep_valid
        )
        del table
        return (None if incidents is None else one_chunk(incidents)), problems
    # The lenient answer holds the strict one too (see _as_asked); cache it.
    incidents, problems = check_incident_table(
        table, shown, problems, places, route_ids, keep_valid=True
    )
    del table
    if incidents is not None:
        incidents = one_chunk(incidents)
    cache.save(incidents, problems, shown)
    return _as_asked(incidents, problems, keep_valid)


def _as_asked(
    incidents: gpd.GeoDataFrame | None, problems: list[Problem], keep_valid: bool
) -> tuple[gpd.GeoDataFrame | None, list[Problem]]:
    """``check_incident_table``'s answer for ``keep_valid`` from its answer with it: the same
    problems, and with ``keep_valid`` False no incidents at all when any is an error."""
    if not keep_valid and errors(problems):
        return None, problems
    return incidents, problems


def check_incident_table(
    table: pd.DataFrame,
    shown: str,
    problems: list[Problem],
    places: gpd.GeoDataFrame | None = None,
    route_ids: set[str] | None = None,
    keep_valid: bool = False,
    *,
    seen_ids: dict[str, int] | None = None,
) -> tuple[gpd.GeoDataFrame | None, list[Problem]]:
    """``check_incidents`` on a table already read (``read_table``'s shape: text cells,
    indexed by line), with the problems found reading it. The store checks new rows this
    way, without writing them to a file first, a part at a time: ``seen_ids`` (id -> first
    line, see ``Checks.duplicates``) carries the duplicate-id check from part to part."""
    checks = Checks(table, shown, _ORDER)
    report = checks.report
    raw = {c: table[c] for c in table.columns}
    blank = {
        c: checks.blank(c)
        for c in {*INCIDENT_REQUIRED_CELLS, "date_start", "date_end", "source_date", "date_note"}
        | {"people_count", "source_url", "place_id", "route_id"}
    }
    checks.required(INCIDENT_REQUIRED_CELLS)
    checks.duplicates("incident_id", seen=seen_ids)

    dates: dict[str, np.ndarray] = {}
    for col in ("date_start", "date_end", "source_date"):
        dates[col] = checks.parsed(col, parse_date, ~blank[col])
    has_start, has_end = ~blank["date_start"], ~blank["date_end"]
    says_open = raw["date_note"].str.casefold().str.contains(OPEN_END_PHRASE, regex=False)
    open_end = has_start & ~has_end & says_open.to_numpy(dtype=bool, na_value=False)
    for i in np.flatnonzero((has_start != has_end) & ~open_end):
        if has_start[i]:
            report(
                i,
                "window",
                "date_end",
                "empty while date_start is given: give date_end, or, if the source states no "
                f'end, write "{OPEN_END_PHRASE}" in date_note',
            )
        else:
            report(i, "window", "date_start", "give both date_start and date_end, or neither")
    for i in np.flatnonzero(~has_start & ~has_end & blank["date_note"]):
        report(
            i,
            "window",
            "date_note",
            "no date window given: say why in date_note (e.g. the source gives no year)",
        )
    starts = pd.to_datetime(pd.Series(dates["date_start"], dtype=object))
    ends = pd.to_datetime(pd.Series(dates["date_end"], dtype=object))
    for i in np.flatnonzero((ends < starts).to_numpy()):
        start, end = dates["date_start"][i], dates["date_end"][i]
        report(i, "order", "date_end", f"{end} is before date_start {start}")

    checks.vocabulary("category", CATEGORIES)
    checks.vocabulary("confidence", CONFIDENCE)

    precision = checks.parsed(
        "geo_precision",
        lambda text: parse_int(text, 1, 4),
        ~blank["geo_precision"],
        suffix="; 1 = town or site, 2 = district, 3 = region, 4 = country",
    )
    country = stripped(raw["country"])
    lat, lat_ok = _parse_floats(raw["latitude"], ~blank["latitude"], -90, 90)
    for i in np.flatnonzero(~blank["latitude"] & ~lat_ok):
        value, err = parse_float(raw["latitude"].iloc[i], -90, 90)
        if err:
            if _looks_swapped(raw["latitude"].iloc[i], raw["longitude"].iloc[i], country.iloc[i]):
                err += " (latitude and longitude look swapped)"
            report(i, "latitude", "latitude", err)
        else:
            lat[i], lat_ok[i] = value, True
    lon, lon_ok = _parse_floats(raw["longitude"], ~blank["longitude"], -180, 180)
    for i in np.flatnonzero(~blank["longitude"] & ~lon_ok):
        value, err = parse_float(raw["longitude"].iloc[i], -180, 180)
        if err:
            report(i, "longitude", "longitude", err)
        else:
            lon[i], lon_ok[i] = value, True

    codes, uniques = pd.factorize(country)
    for k, code in enumerate(uniques):
        rows = np.flatnonzero(codes == k)
        if code and (len(code) != 2 or not code.isalpha() or not code.isupper()):
            for i in rows:
                report(i, "country", "country", f"not an ISO 3166-1 alpha-2 code: {code!r}")
        elif code:
            rows = rows[lat_ok[rows] & lon_ok[rows]]
            _check_in_country_many(report, rows, lat, lon, code, precision)

    people = checks.parsed(
        "people_count", lambda text: parse_int(text, 1, 1_000_000), ~blank["people_count"]
    )
    urls = raw["source_url"]
    plain = urls.str.match(_PLAIN_URL).to_numpy(dtype=bool, na_value=False)
    checks.parsed("source_url", parse_url, ~blank["source_url"] & ~plain)
    if places is not None:
        checks.known(
            "place_id", places.index, lambda pid: f"unknown place {pid!r} (not in the gazetteer)"
        )
    if route_ids is not None:
        checks.known(
            "route_id", route_ids, lambda rid: f"unknown route {rid!r} (not in the routes file)"
        )

    problems += checks.problems()
    bad_lines = {p.line for p in errors(problems)}
    if bad_lines and (not keep_valid or None in bad_lines):
        return None, problems
    keep = ~table.index.isin(list(bad_lines))
    if not keep.all():
        table = table[keep]
        dates = {col: values[keep] for col, values in dates.items()}
        lat, lon, precision, people = lat[keep], lon[keep], precision[keep], people[keep]
        open_end = np.asarray(open_end)[keep]
    frame = table.copy()
    frame["date_start"] = pd.to_datetime(pd.Series(dates["date_start"], index=frame.index))
    frame["date_end"] = pd.to_datetime(pd.Series(dates["date_end"], index=frame.index))
    frame["date_end_open"] = pd.Series(open_end, index=frame.index, dtype=bool)
    frame["source_date"] = pd.to_datetime(pd.Series(dates["source_date"], index=frame.index))
    frame["latitude"] = pd.Series(lat, index=frame.index, dtype=float)
    frame["longitude"] = pd.Series(lon, index=frame.index, dtype=float)
    frame["geo_precision"] = pd.Series(list(precision), index=frame.index, dtype=int)
    frame["people_count"] = pd.array(list(people), dtype="Int64")
    incidents = gpd.GeoDataFrame(
        frame, geometry=gpd.points_from_xy(frame["longitude"], frame["latitude"]), crs="EPSG:4326"
    )
    incidents["line"] = incidents.index
    return incidents.reset_index(drop=True), problems


def _parse_floats(
    values: pd.Series, where: np.ndarray, low: float, high: float
) -> tuple[np.ndarray, np.ndarray]:
    """Plain decimal numbers in range, parsed vectorised: (values, which cells were parsed).

    Python's float() and pyarrow's cast both round correctly, so they give the same numbers;
    cells that are not plain decimals (or are out of range) are left for ``parse_float``.
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    out = np.full(len(values), np.nan)
    plain = values.str.match(_PLAIN_NUMBER).to_numpy(dtype=bool, na_value=False) & where
    rows = np.flatnonzero(plain)
    if len(rows):
        try:
            text = pa.array(values.iloc[rows].array)
            out[rows] = pc.cast(text, pa.float64()).to_numpy(zero_copy_only=False)
        except (pa.ArrowException, ValueError):  # leave them all to parse_float
            plain[:] = False
    ok = plain & (out >= low) & (out <= high)
    out[~ok] = np.nan
    return out, ok


def _check_in_country_many(
    report, rows: np.ndarray, lat: np.ndarray, lon: np.ndarray, country: str, precision
) -> None:
    """The in-country check for many points of one country: vectorised for the points inside
    it, and point by point (with the distance in the message) for the others."""
    if not len(rows):
        return
    shape = country_shape(country)
    if shape is None:
        for i in rows:
            report(i, "country", "country", f"country {country!r} is not in the basemap region")
        return
    inside = shapely.intersects_xy(shape, lon[rows], lat[rows])  # a point on the border counts
    for i in rows[~inside]:

        def at_row(_line, column, message, i=i):
            report(i, "country", column, message)

        _check_in_country(at_row, int(i), float(lat[i]), float(lon[i]), country, precision[i])


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
