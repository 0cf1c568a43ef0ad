"""Shared fixtures: paths to the shipped data and a way to make broken copies of it."""

from __future__ import annotations

import csv
import itertools
from pathlib import Path

import pytest

from dashboard import DEFAULT_INCIDENTS, REPO_DIR

SEEDS_DIR = REPO_DIR.parent / "shared" / "seeds"
_DB_NUMBERS = itertools.count(1)


def read_rows(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    with open(path, newline="", encoding="utf-8") as f:
        reader = csv.DictReader(f)
        return list(reader.fieldnames or []), list(reader)


def write_rows(path: Path, header: list[str], rows: list[dict[str, str]]) -> Path:
    with open(path, "w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=header, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    return path


def pytest_configure(config):
    config.addinivalue_line("markers", "slow: long-running (e.g. the database load test)")


# How many incidents the curated file holds (tests that add to it count from here).
CURATED_COUNT = len(read_rows(DEFAULT_INCIDENTS)[1])


@pytest.fixture
def curated() -> tuple[list[str], list[dict[str, str]]]:
    """The shipped incidents as a header and a list of row dicts (copies, safe to edit)."""
    return read_rows(DEFAULT_INCIDENTS)


@pytest.fixture
def mutated(tmp_path, curated):
    """Write the curated incidents with one cell changed; returns the new file's path."""

    def make(
        row_index: int = 0, column: str | None = None, value: str = "", name: str = "bad.csv"
    ) -> Path:
        header, rows = curated
        if column is not None:
            rows[row_index][column] = value
        return write_rows(tmp_path / name, header, rows)

    return make


@pytest.fixture(scope="session")
def app_server():
    """Base URL of the dashboard running on a free localhost port (shipped data)."""
    from harness.server import AppServer

    with AppServer() as server:
        yield server.url


@pytest.fixture(scope="session")
def pg_cluster():
    """A throwaway PostgreSQL + PostGIS cluster for this test session (see dashboard/store/pgcluster.py)."""
    from dashboard.store.pgcluster import Cluster

    with Cluster("template_dashboard") as cluster:
        yield cluster


@pytest.fixture
def pg_url(pg_cluster, request) -> str:
    """The URL of a new, empty PostGIS database in the throwaway cluster (one per test)."""
    n = next(_DB_NUMBERS)
    name = f"t{n}_{''.join(c for c in request.node.name.lower() if c.isalnum())[:40]}"
    return pg_cluster.create_database(name, template="template_dashboard")
