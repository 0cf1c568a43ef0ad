"""Load and cross-check everything the dashboard shows, in one call.

Places are read first (incidents and routes name them), then incidents, then
route legs (which name incidents). Problems from every file come back together.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import numpy as np

from dashboard import DEFAULT_INCIDENTS
from dashboard.data.incidents import check_incidents
from dashboard.data.places import PLACES_PATH, check_places
from dashboard.data.routes import ROUTES_PATH, check_routes
from dashboard.data.tables import read_table
from dashboard.problems import DataError, Problem, errors
from dashboard.vocab import ROUTE_COLUMNS, ROUTE_EXTRA_COLUMNS


@dataclass
class Dataset:
    incidents: gpd.GeoDataFrame
    routes: gpd.GeoDataFrame
    places: gpd.GeoDataFrame
    warnings: list[Problem] = field(default_factory=list)
    incidents_path: str = str(DEFAULT_INCIDENTS)
    rejected: list[Problem] = field(default_factory=list)  # why rows were left out
    rows_in_file: int = 0
    # From the newsroom database: the data version the rows were read at, and each row's
    # ``position`` in the table when every row loaded (the map's SQL pyramid names rows so).
    store_version: str | None = None
    store_positions: np.ndarray | None = field(default=None, repr=False, compare=False)

    @property
    def rows_rejected(self) -> int:
        """How many incident rows of the file were not loaded (see ``rejected``)."""
        return self.rows_in_file - len(self.incidents)


def check_dataset(
    incidents_path: Path | str = DEFAULT_INCIDENTS,
    routes_path: Path | str = ROUTES_PATH,
    places_path: Path | str = PLACES_PATH,
    keep_valid: bool = False,
) -> tuple[Dataset | None, list[Problem]]:
    """The cross-checked dataset, or None, with every problem from every file.

    With ``keep_valid`` incident rows with problems are left out instead of failing the
    whole load (the app keeps working with the rest and lists what it left out); the CLI's
    ``validate`` and exports keep the strict default.
    """
    places, problems = check_places(places_path)
    if places is None:
        return None, problems
    route_table, _ = read_table(routes_path, ROUTE_COLUMNS, ROUTE_EXTRA_COLUMNS)
    route_ids = set(route_table["route_id"]) if route_table is not None else None
    incidents, incident_problems = check_incidents(
        incidents_path, places, route_ids, keep_valid=keep_valid
    )
    problems += incident_problems
    if incidents is None:
        return None, problems
    rejected = errors(incident_problems)
    rows_in_file = len(incidents) + len({p.line for p in rejected})
    # The shipped routes name the shipped incidents; another incidents file may not
    # hold them, which leaves those legs unconnected rather than wrong.
    shipped = Path(incidents_path).resolve() == Path(DEFAULT_INCIDENTS).resolve()
    strict = shipped and not rejected
    routes, route_problems = check_routes(
        routes_path,
        places,
        set(incidents["incident_id"].tolist()),
        "error" if strict else "warning",
    )
    problems += route_problems
    left_out = set(rejected)  # a set: a large file may have thousands of rows left out
    if routes is None or [p for p in errors(problems) if p not in left_out]:
        return None, problems
    dataset = Dataset(
        incidents, routes, places, problems, str(incidents_path), rejected, rows_in_file
    )
    return dataset, problems


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
