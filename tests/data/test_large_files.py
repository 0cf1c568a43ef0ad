"""Large incidents files: the size limit, and the cache that makes reopening one quick.

No test writes a large file: the limit is checked on a sparse file (its size is read, never
its bytes), and the cache is switched on for small synthetic files by lowering its threshold.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
from pathlib import Path

import pandas as pd
import pytest

from benchmarks.synthetic import write_synthetic
from dashboard.data import loadcache, tables
from dashboard.data.dataset import check_dataset
from dashboard.data.incidents import check_incidents
from dashboard.data.places import PLACES_PATH, load_places
from dashboard.problems import Problem, errors
from dashboard.store.csvstore import CsvStore
from tests.conftest import read_rows, write_rows

SIZE = 400


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory):
    return write_synthetic(tmp_path_factory.mktemp("synthetic"), SIZE)


@pytest.fixture
def data(synthetic, tmp_path, monkeypatch):
    """A copy of the synthetic files, with the cache switched on for them, in its own folder."""
    monkeypatch.setenv("DASHBOARD_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setattr(loadcache, "CACHE_MIN_BYTES", 1)
    loadcache.stats.clear()
    incidents = tmp_path / "incidents.csv"
    routes = tmp_path / "routes.csv"
    shutil.copy(synthetic.incidents, incidents)
    shutil.copy(synthetic.routes, routes)
    return incidents, routes


def _entries(tmp_path: Path) -> list[Path]:
    return sorted((tmp_path / "cache" / "escapee-dashboard" / "incidents").glob("*"))


def _with_bad_rows(path: Path) -> None:
    """Break a few rows of ``path`` in ways that give one problem each (and one, two)."""
    header, rows = read_rows(path)
    rows[3]["category"] = "kidnap"
    rows[10]["date_start"] = "2019-02-30"
    rows[11]["latitude"] = "north"
    rows[12]["incident_id"] = rows[2]["incident_id"]
    rows[20]["date_end"] = (dt.date.today() + dt.timedelta(days=3)).isoformat()
    rows[20]["date_start"] = rows[20]["date_end"]
    rows[30]["confidence"] = "sure"
    rows[30]["people_count"] = "many"
    write_rows(path, header, rows)


def _same(a, b) -> None:
    assert (a is None) == (b is None)
    if a is not None:
        pd.testing.assert_frame_equal(a, b, check_exact=True)
        assert type(a) is type(b) and a.crs == b.crs


# --- the size limit -----------------------------------------------------------------------


def test_the_limit_admits_a_million_rows_of_long_quotes():
    # A million rows of our columns with long quotes is about 967 MB; the old limit was 512 MiB.
    assert tables.MAX_FILE_BYTES >= 2 * 1024**3


def test_a_file_under_the_limit_is_read_and_one_over_it_is_refused(data, monkeypatch):
    incidents, routes = data
    size = incidents.stat().st_size
    monkeypatch.setattr(tables, "MAX_FILE_BYTES", size)
    dataset, problems = check_dataset(incidents, routes)
    assert dataset is not None and len(dataset.incidents) == SIZE, problems
    monkeypatch.setattr(tables, "MAX_FILE_BYTES", size - 1)
    dataset, problems = check_dataset(incidents, routes)
    assert dataset is None
    assert [str(p) for p in problems] == [
        f"{incidents}: file is {size / 1e6:,.0f} MB; the limit is {(size - 1) / 1e6:,.0f} MB"
    ]


def test_an_absurdly_large_file_is_refused_unread(tmp_path, monkeypatch):
    monkeypatch.setenv("DASHBOARD_CACHE_DIR", str(tmp_path / "cache"))
    huge = tmp_path / "incidents.csv"
    with open(huge, "wb") as f:
        f.truncate(5 * 1024**3)  # sparse: nothing is written, and nothing may be read
    incidents, problems = check_incidents(huge)
    assert incidents is None
    assert [str(p) for p in problems] == [f"{huge}: file is 5,369 MB; the limit is 4,295 MB"]
    assert not (tmp_path / "cache").exists()


# --- the cache ----------------------------------------------------------------------------


def test_a_small_file_is_never_cached(tmp_path, monkeypatch):
    monkeypatch.setenv("DASHBOARD_CACHE_DIR", str(tmp_path / "cache"))
    dataset, problems = check_dataset()
    assert dataset is not None and not errors(problems)
    assert loadcache.last == "off"
    assert not (tmp_path / "cache").exists()


def test_the_second_load_reads_the_cache_and_gives_the_same(data, tmp_path):
    incidents, routes = data
    first, first_problems = check_dataset(incidents, routes)
    assert loadcache.last == "miss" and loadcache.stats["write"] == 1
    assert len(_entries(tmp_path)) == 1  # and no temporary file left beside it
    second, second_problems = check_dataset(incidents, routes)
    assert loadcache.last == "hit" and loadcache.stats["hit"] == 1
    assert second_problems == first_problems
    _same(first.incidents, second.incidents)
    pd.testing.assert_frame_equal(first.routes, second.routes)


def test_an_entry_of_many_row_groups_reads_back_whole(data, monkeypatch):
    incidents, routes = data
    monkeypatch.setattr(loadcache, "ROW_GROUP_ROWS", 64)  # seven groups of the 400 rows
    first, _ = check_incidents(incidents)
    second, _ = check_incidents(incidents)
    assert loadcache.last == "hit"
    _same(first, second)


@pytest.mark.parametrize("keep_valid", [False, True])
def test_problems_are_reported_identically_with_and_without_the_cache(
    data, monkeypatch, keep_valid
):
    incidents, routes = data
    _with_bad_rows(incidents)
    places, route_ids = load_places(), {"R-SYN-0001"}
    monkeypatch.setattr(loadcache, "CACHE_MIN_BYTES", 1 << 60)
    plain = check_incidents(incidents, places, route_ids, keep_valid=keep_valid)
    assert loadcache.last == "off"
    monkeypatch.setattr(loadcache, "CACHE_MIN_BYTES", 1)
    cold = check_incidents(incidents, places, route_ids, keep_valid=keep_valid)
    assert loadcache.last == "miss"
    warm = check_incidents(incidents, places, route_ids, keep_valid=keep_valid)
    assert loadcache.last == "hit"
    other = check_incidents(incidents, places, route_ids, keep_valid=not keep_valid)
    assert loadcache.last == "hit"  # one entry answers the strict and the lenient load
    lines = [str(p) for p in plain[1]]
    assert len(errors(plain[1])) == 8
    assert f"{incidents}:5: category: unknown category 'kidnap'" in lines[0]
    assert any("is in the future" in line for line in lines)
    for _, problems in (cold, warm, other):
        assert [str(p) for p in problems] == lines
        assert problems == plain[1]
    _same(plain[0], cold[0])
    _same(plain[0], warm[0])
    if keep_valid:
        assert len(warm[0]) == SIZE - 6  # the six bad rows are left out
    else:
        assert warm[0] is None and other[0] is not None


def test_the_app_loads_a_file_with_bad_rows_from_the_cache(data):
    incidents, routes = data
    _with_bad_rows(incidents)
    first = check_dataset(incidents, routes, keep_valid=True)
    second = check_dataset(incidents, routes, keep_valid=True)
    assert loadcache.last == "hit"
    assert second[1] == first[1]
    assert second[0].rows_rejected == first[0].rows_rejected == 6
    _same(first[0].incidents, second[0].incidents)
    assert check_dataset(incidents, routes)[0] is None  # validate still refuses it


def test_problems_name_the_file_as_it_was_given(data, monkeypatch):
    incidents, routes = data
    _with_bad_rows(incidents)
    _, by_full_path = check_incidents(incidents)
    monkeypatch.chdir(incidents.parent)
    _, by_name = check_incidents("incidents.csv")
    assert loadcache.last == "hit"
    assert {p.path for p in by_name} == {"incidents.csv"}
    assert [p.message for p in by_name] == [p.message for p in by_full_path]


def test_a_changed_file_misses_the_cache_even_at_the_same_size_and_time(data):
    incidents, routes = data
    check_dataset(incidents, routes)
    before = incidents.stat()
    header, rows = read_rows(incidents)
    old = rows[5]["summary"]
    rows[5]["summary"] = old.replace("Synthetic", "Synthesis")  # same length
    write_rows(incidents, header, rows)
    os.utime(incidents, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert incidents.stat().st_size == before.st_size
    dataset, _ = check_dataset(incidents, routes)
    assert loadcache.last == "miss"
    assert dataset.incidents["summary"].iloc[5] == rows[5]["summary"] != old
    check_dataset(incidents, routes)
    assert loadcache.last == "hit"


def test_a_save_through_the_store_misses_the_cache(data):
    incidents, routes = data
    store = CsvStore(incidents, routes, PLACES_PATH)
    first, _ = store.load()
    assert loadcache.last == "miss"
    row = store.get_incident("SYN-0000007")
    store.update_incident(
        "SYN-0000007", {"summary": row["summary"] + " Edited."}, base=row, author="test"
    )
    second, _ = store.load()
    assert loadcache.last == "miss"
    assert second.incidents["summary"].iloc[6].endswith(" Edited.")
    store.load()
    assert loadcache.last == "hit"


def test_other_places_or_routes_miss_the_cache(data):
    incidents, _ = data
    places = load_places()
    check_incidents(incidents, places, {"R-1"})
    check_incidents(incidents, places, {"R-1"})
    assert loadcache.last == "hit"
    check_incidents(incidents, places, {"R-1", "R-2"})
    assert loadcache.last == "miss"
    check_incidents(incidents, places.iloc[:-1], {"R-1", "R-2"})
    assert loadcache.last == "miss"


@pytest.mark.parametrize(
    "damage",
    [
        lambda p: p.write_bytes(b"not a parquet file"),
        lambda p: p.write_bytes(p.read_bytes()[: p.stat().st_size // 2]),
        lambda p: p.write_bytes(b""),
    ],
    ids=["garbage", "truncated", "empty"],
)
def test_a_corrupt_cache_entry_is_ignored_and_rebuilt(data, tmp_path, damage):
    incidents, routes = data
    first, first_problems = check_dataset(incidents, routes)
    (entry,) = _entries(tmp_path)
    damage(entry)
    again, problems = check_dataset(incidents, routes)
    assert loadcache.last == "miss" and loadcache.stats["unreadable"] == 1
    assert problems == first_problems
    _same(first.incidents, again.incidents)
    check_dataset(incidents, routes)
    assert loadcache.last == "hit"


def test_an_unwritable_cache_only_means_no_cache(data, monkeypatch):
    incidents, routes = data

    def fail(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("pyarrow.parquet.write_table", fail)
    dataset, problems = check_dataset(incidents, routes)
    assert dataset is not None and not errors(problems)
    assert loadcache.stats["write"] == 0
    assert not [p for p in _entries(data[0].parent) if p.suffix == ".tmp"]
    check_dataset(incidents, routes)
    assert loadcache.last == "miss"


def test_a_future_date_is_checked_again_the_next_day(data, monkeypatch):
    incidents, _ = data
    today = loadcache._today()
    tomorrow = (dt.date.today() + dt.timedelta(days=1)).isoformat()
    check_incidents(incidents)
    monkeypatch.setattr(loadcache, "_today", lambda: tomorrow)
    check_incidents(incidents)
    assert loadcache.last == "hit"  # no date in the future: still right tomorrow
    _with_bad_rows(incidents)  # one date is three days ahead
    monkeypatch.setattr(loadcache, "_today", lambda: today)
    check_incidents(incidents)
    check_incidents(incidents)
    assert loadcache.last == "hit"
    monkeypatch.setattr(loadcache, "_today", lambda: tomorrow)
    check_incidents(incidents)
    assert loadcache.last == "miss"


def test_only_the_most_recent_entries_are_kept(data, tmp_path, monkeypatch):
    incidents, _ = data
    monkeypatch.setattr(loadcache, "MAX_ENTRIES", 2)
    for i in range(3):
        copy = tmp_path / f"copy-{i}.csv"
        shutil.copy(incidents, copy)
        check_incidents(copy)
    assert len(_entries(tmp_path)) == 2


def test_problem_paths_are_kept_when_they_name_another_file(data):
    incidents, _ = data
    cache = loadcache.IncidentCache.open(incidents, None, None)
    other = Problem("elsewhere.csv", 3, "x", "a problem about another file", "warning")
    mine = Problem(str(incidents), 4, "y", "a problem about this one")
    assert cache.save(None, [other, mine], str(incidents))
    assert cache.load("shown.csv") == (None, [other, Problem("shown.csv", 4, "y", mine.message)])
