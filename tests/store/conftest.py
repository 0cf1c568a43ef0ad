from __future__ import annotations

import shutil

import pytest

from dashboard import DEFAULT_INCIDENTS
from dashboard.data.places import PLACES_PATH
from dashboard.data.routes import ROUTES_PATH
from dashboard.store.csvstore import CsvStore


@pytest.fixture
def store(tmp_path) -> CsvStore:
    """A CSV store over copies of the shipped files."""
    for src in (DEFAULT_INCIDENTS, ROUTES_PATH, PLACES_PATH):
        shutil.copy(src, tmp_path / src.name)
    return CsvStore(tmp_path / "incidents.csv", tmp_path / "routes.csv", tmp_path / "places.csv")
