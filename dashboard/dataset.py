"""Load and cross-check everything the dashboard shows, in one call.

Places are read first (incidents and routes name them), then incidents, then
route legs (which name incidents). Problems from every file come back together.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd

from dashboard import DEFAULT_INCIDENTS
from dashboard.incidents import check_incidents
from dashboard.places import PLACES_PATH, check_places
from dashboard.problems import DataError, Problem, errors
from dashboard.routes import ROUTE_COLUMNS, ROUTE_EXTRA_COLUMNS, ROUTES_PATH, check_routes
from dashboard.tables import read_table


@dataclass
class Dataset:
    incidents: gpd.GeoDataFrame
    routes: gpd.GeoDataFrame
    places: gpd.GeoDataFrame
    warnings: list[Problem] = field(default_factory=list)
    incidents_path: str = str(DEFAULT_INCIDENTS)


def file_fingerprint(*paths: Path | str) -> str:
    """A digest of the files' bytes: a cache key that changes exactly when content does."""
    digest = hashlib.sha256()
    for path in paths:
        digest.update(str(path).encode())
        try:
            digest.update(Path(path).read_bytes())
        except OSError as exc:
            digest.update(repr(exc).encode())
    return digest.hexdigest()


def check_dataset(
    incidents_path: Path | str = DEFAULT_INCIDENTS,
    routes_path: Path | str = ROUTES_PATH,
    places_path: Path | str = PLACES_PATH,
) -> tuple[Dataset | None, list[Problem]]:
    """The cross-checked dataset, or None, with every problem from every file."""
    places, problems = check_places(places_path)
    if places is None:
        return None, problems
    route_table, _ = read_table(routes_path, ROUTE_COLUMNS, ROUTE_EXTRA_COLUMNS)
    route_ids = set(route_table["route_id"]) if route_table is not None else None
    incidents, incident_problems = check_incidents(incidents_path, places, route_ids)
    problems += incident_problems
    if incidents is None:
        return None, problems
    # The shipped routes name the shipped incidents; another incidents file may not
    # hold them, which leaves those legs unconnected rather than wrong.
    shipped = Path(incidents_path).resolve() == Path(DEFAULT_INCIDENTS).resolve()
    routes, route_problems = check_routes(
        routes_path, places, set(incidents["incident_id"]), "error" if shipped else "warning"
    )
    problems += route_problems
    if routes is None or errors(problems):
        return None, problems
    return Dataset(incidents, routes, places, problems, str(incidents_path)), problems


def load_dataset(
    incidents_path: Path | str = DEFAULT_INCIDENTS,
    routes_path: Path | str = ROUTES_PATH,
    places_path: Path | str = PLACES_PATH,
) -> Dataset:
    """The cross-checked dataset; raises DataError with every problem found."""
    dataset, problems = check_dataset(incidents_path, routes_path, places_path)
    if dataset is None:
        raise DataError(errors(problems) or problems)
    return dataset
