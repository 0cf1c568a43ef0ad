"""Shared fixtures: paths to the shipped data and a way to make broken copies of it; and the
``browser`` marker, put on every test that starts Chromium so ``-m "not browser"`` leaves them out.
"""

from __future__ import annotations

import csv
import functools
import inspect
import itertools
import types
from pathlib import Path

import pytest

from dashboard import DEFAULT_INCIDENTS, REPO_DIR

# The five source articles every incident quotes, kept in the repository (see sources/README.md).
SEEDS_DIR = REPO_DIR / "sources"
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


# Names a test, one of its fixtures or a test helper they call uses when it starts Chromium ...
BROWSER_NAMES = frozenset({"sync_playwright", "async_playwright", "launch_chromium", "chromium"})
# ... and when it costs seconds, not milliseconds: it runs the whole Streamlit script
# (AppTest), starts a Python process (the command line, a killed writer) or starts PostgreSQL.
SLOW_NAMES = frozenset({"AppTest", "subprocess", "Cluster"})


def _code_names(code: types.CodeType) -> set[str]:
    """Global and attribute names a code object (and the functions nested in it) uses."""
    names = set(code.co_names)
    for const in code.co_consts:
        if isinstance(const, types.CodeType):
            names |= _code_names(const)
    return names


# Test helpers live here; the search follows calls into them but not into the product (the
# command line reaches everything, the benchmark included), which the launch guard covers.
HELPER_DIRS = (REPO_DIR / "tests", REPO_DIR / "harness")


def _is_helper(obj: object) -> bool:
    try:
        path = Path(inspect.getfile(obj)).resolve()  # type: ignore[arg-type]
    except (TypeError, OSError):
        return False
    return any(path.is_relative_to(d) for d in HELPER_DIRS)


def _called(name: str, func: types.FunctionType) -> list[types.FunctionType]:
    """The test-helper functions ``name`` means inside ``func`` (for a class, its methods)."""
    value = func.__globals__.get(name)
    if not _is_helper(value):
        return []
    if isinstance(value, type):
        return [v for v in vars(value).values() if isinstance(v, types.FunctionType)]
    return [value] if isinstance(value, types.FunctionType) else []


@functools.cache
def _names_reached(func: types.FunctionType) -> frozenset[str]:
    """The names ``func`` and every test helper it reaches use."""
    seen, todo, names = {func}, [func], set()
    while todo:
        current = todo.pop()
        used = _code_names(current.__code__)
        names |= used
        for f in (f for name in used for f in _called(name, current)):
            if f not in seen:
                seen.add(f)
                todo.append(f)
    return frozenset(names)


def _item_names(item: pytest.Item) -> frozenset[str]:
    """The names a test's code, its fixtures' and the helpers they call use."""
    funcs = [getattr(item, "function", None)]
    fixture_info = getattr(item, "_fixtureinfo", None)
    if fixture_info is not None:
        funcs += [d.func for defs in fixture_info.name2fixturedefs.values() for d in defs]
    return frozenset().union(
        *(_names_reached(inspect.unwrap(f)) for f in funcs if isinstance(f, types.FunctionType))
    )


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Mark ``browser`` every test that starts Chromium and ``slow`` every one that starts a
    process or the whole app, found from its code and its fixtures' (nobody has to remember
    the marks; the guard below catches a browser test the search misses)."""
    for item in items:
        names = _item_names(item)
        if names & BROWSER_NAMES and item.get_closest_marker("browser") is None:
            item.add_marker(pytest.mark.browser)
        if names & SLOW_NAMES and item.get_closest_marker("slow") is None:
            item.add_marker(pytest.mark.slow)


_RUNNING: list[pytest.Item] = []


@pytest.hookimpl(wrapper=True)
def pytest_runtest_protocol(item: pytest.Item, nextitem: pytest.Item | None):
    _RUNNING.append(item)
    try:
        return (yield)
    finally:
        _RUNNING.pop()


def _guard_launch(launch):
    """Wrap a Playwright launch so that a test without the ``browser`` mark fails instead of
    quietly running Chromium inside ``-m "not browser"``."""

    @functools.wraps(launch)
    def guarded(*args, **kwargs):
        if _RUNNING and _RUNNING[-1].get_closest_marker("browser") is None:
            raise RuntimeError(
                f"{_RUNNING[-1].nodeid} starts Chromium but is not marked browser: "
                "add `pytestmark = pytest.mark.browser` to its module"
            )
        return launch(*args, **kwargs)

    return guarded


def pytest_configure(config: pytest.Config) -> None:
    try:
        from playwright import async_api, sync_api
    except ImportError:  # no Playwright: no test can start Chromium
        return
    for api in (sync_api, async_api):
        for name in ("launch", "launch_persistent_context"):
            setattr(api.BrowserType, name, _guard_launch(getattr(api.BrowserType, name)))


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
