"""The map's zoom pyramid computed by PostgreSQL (dashboard/store/postgis/pyramid.py) is
``aggregate.pyramid`` of the same rows: same levels, cells, counts, categories and first
rows; means and extents to 1e-9. Against a real throwaway cluster, never a mock."""

from __future__ import annotations

import base64
import dataclasses
import datetime as dt
import json

import numpy as np
import pandas as pd
import pytest

from benchmarks.synthetic import write_synthetic
from dashboard.aggregate import FEATURE_BUDGET, Level, pyramid
from dashboard.filters import Filters, filter_incidents, prepare
from dashboard.map.aggregates import encode_levels
from dashboard.store.postgis import PostgisStore
from dashboard.store.postgis.pyramid import pyramid_source, sql_filters
from dashboard.vague.areas import POINT, drawn_as

N = 3_000  # synthetic incidents: towns, districts, provinces and countries; some undated


def load_synthetic(url: str, folder, n: int):
    """A store over ``url`` holding ``n`` synthetic incidents, and the dataset loaded from it."""
    data = write_synthetic(folder, n)
    store = PostgisStore(url)
    store.init()
    counts, problems = store.load_files(data.incidents, data.routes, data.places, author="t")
    assert counts is not None, problems[:3]
    dataset, _ = store.load(keep_valid=True)
    dataset.incidents = prepare(dataset.incidents, dataset.places, search=False)
    return store, dataset


@pytest.fixture(scope="module")
def loaded(pg_cluster, tmp_path_factory):
    """One database holding ``N`` synthetic incidents (never written to by the tests that
    share it), and the dataset loaded from it."""
    url = pg_cluster.create_database("pyramid_module", template="template_dashboard")
    store, dataset = load_synthetic(url, tmp_path_factory.mktemp("synthetic"), N)
    yield store, dataset
    store.close()


def python_points(dataset, sql: dict) -> pd.DataFrame:
    """The incidents the map would draw as points for the filter ``sql`` (``filter_ids``'
    arguments), found by the app's own Python code."""
    f = Filters(
        start=dt.date.fromisoformat(sql["start"]) if "start" in sql else None,
        end=dt.date.fromisoformat(sql["end"]) if "end" in sql else None,
        include_undated=sql.get("include_undated", True),
        categories=frozenset(sql.get("categories", ())),
    )
    shown = filter_incidents(dataset.incidents, f)
    if "bbox" in sql:
        x0, y0, x1, y1 = sql["bbox"]
        lon, lat = shown["longitude"], shown["latitude"]
        shown = shown[lon.between(x0, x1) & lat.between(y0, y1)]
    return shown[(drawn_as(shown, dataset.places) == POINT).to_numpy()]


def assert_same(got: list[Level] | None, want: list[Level]) -> None:
    assert got is not None, "the database's pyramid does not name the loaded rows"
    assert [lv.zoom for lv in got] == [lv.zoom for lv in want]
    for g, w in zip(got, want, strict=True):
        a, b = g.aggregates, w.aggregates
        for name in ("cx", "cy", "count", "by_category", "first"):
            np.testing.assert_array_equal(getattr(a, name), getattr(b, name), err_msg=name)
        for name in ("lon", "lat", "bounds"):
            np.testing.assert_allclose(getattr(a, name), getattr(b, name), rtol=0, atol=1e-9)


def sql_levels(store, dataset, points: pd.DataFrame, sql: dict, budget: int = FEATURE_BUDGET):
    result = store.pyramid(**sql, budget=budget)
    assert result.version == dataset.store_version
    assert result.total == len(points)
    return result.for_frame(dataset.store_positions[points.index.to_numpy()])


FILTERS = {
    "everything": {},
    "one category": {"categories": ["arrest"]},
    "two categories, a window": {
        "categories": ["arrest", "repatriation"],
        "start": "2016-01-01",
        "end": "2018-12-31",
    },
    "a window without undated": {
        "start": "2019-06-01",
        "end": "2021-05-31",
        "include_undated": False,
    },
    "a box around North Korea's north-east": {"bbox": (128.0, 40.5, 131.0, 43.0)},
    "nothing (a box at sea)": {"bbox": (150.0, -10.0, 151.0, -9.0)},
}


@pytest.mark.parametrize("name", list(FILTERS))
def test_the_database_pyramid_is_the_python_pyramid(loaded, name):
    store, dataset = loaded
    sql = FILTERS[name]
    points = python_points(dataset, sql)
    want = pyramid(points)
    assert_same(sql_levels(store, dataset, points, sql), want)
    if name == "everything":
        # the comparison means something: aggregates of many, several levels, areas left out
        assert len(want) >= 4 and want[0].aggregates.count.max() > 100
        assert len(points) < len(dataset.incidents)
    if name.startswith("nothing"):
        assert len(points) == 0 and len(want) == 1 and len(want[0].aggregates) == 0


def test_a_single_incident(loaded):
    store, dataset = loaded
    one = python_points(dataset, {}).iloc[[len(dataset.incidents) // 3]]
    x, y = float(one["longitude"].iloc[0]), float(one["latitude"].iloc[0])
    sql = {"bbox": (x - 1e-6, y - 1e-6, x + 1e-6, y + 1e-6)}
    points = python_points(dataset, sql)
    assert len(points) == 1
    want = pyramid(points)
    assert len(want) == 1 and want[0].aggregates.count.tolist() == [1]
    assert_same(sql_levels(store, dataset, points, sql), want)


@pytest.mark.parametrize("budget", [1, 40, 300, 2_000])
def test_the_budget_cuts_the_pyramid_alike(loaded, budget):
    store, dataset = loaded
    points = python_points(dataset, {})
    want = pyramid(points, budget)
    assert_same(sql_levels(store, dataset, points, {}, budget), want)
    assert len(want) < len(pyramid(points))  # the budget did cut


def test_an_edit_moves_the_incident_in_the_database_pyramid(pg_url, tmp_path):
    """The cells are the database's to keep: an edit's new place is in the next pyramid."""
    store, dataset = load_synthetic(pg_url, tmp_path, 500)
    before = pyramid(python_points(dataset, {}))
    iid = python_points(dataset, {})["incident_id"].iloc[5]
    base = store.get_incident(iid)
    store.update_incident(
        iid, dict(base, latitude="42.43101", longitude="130.39102"), base=base, author="t"
    )
    try:
        moved, _ = store.load(keep_valid=True)
        moved.incidents = prepare(moved.incidents, moved.places, search=False)
        points = python_points(moved, {})
        want = pyramid(points)
        finest = [(lv.aggregates.cx, lv.aggregates.cy) for lv in (before[-1], want[-1])]
        assert not np.array_equal(*(np.column_stack(c) for c in finest))  # it did move
        assert_same(sql_levels(store, moved, points, {}), want)
    finally:
        store.close()


def test_rows_other_than_the_selection_are_refused(loaded):
    store, dataset = loaded
    points = python_points(dataset, {"categories": ["arrest"]})
    result = store.pyramid(categories=["arrest"])
    assert result.for_frame(dataset.store_positions[points.index.to_numpy()]) is not None
    fewer = points.iloc[1:]
    assert result.for_frame(dataset.store_positions[fewer.index.to_numpy()]) is None
    other = python_points(dataset, {"categories": ["lure"]}).iloc[: len(points)]
    if len(other) == len(points):
        assert result.for_frame(dataset.store_positions[other.index.to_numpy()]) is None


def test_the_map_payload_from_the_database_is_the_pythons(loaded):
    """The app's path: the map's payload (``encode_levels``) with the database's levels is
    the one from ``aggregate.pyramid`` (centres to their 1e-4 degree: a lone incident's
    centre at 129.12345 is exact from the database's sum, a hair off from Python's running
    sums, and rounds to the other side), and the database was asked."""
    store, dataset = loaded
    f = Filters(
        start=dt.date(2015, 1, 1), end=dt.date(2020, 12, 31), categories=frozenset({"arrest"})
    )
    source = pyramid_source(store, dataset, f)
    assert source is not None
    asked = []

    def counted(points, budget):
        levels = source(points, budget)
        asked.append(levels is not None)
        return levels

    points = filter_incidents(dataset.incidents, f)
    points = points[(drawn_as(points, dataset.places) == POINT).to_numpy()]
    with_sql, _ = encode_levels(points, dataset.places, pyramid_of=counted)
    assert asked == [True]
    python, _ = encode_levels(points, dataset.places)
    got, want = json.loads(with_sql), json.loads(python)
    for g, w in zip(got.pop("levels"), want.pop("levels"), strict=True):
        xy = [np.frombuffer(base64.b64decode(lv.pop("xy")), "<i4") for lv in (g, w)]
        assert np.abs(xy[0] - xy[1]).max() <= 1
        assert g == w
    assert got == want  # the names, the total and the lone incidents' records


def test_filters_the_database_cannot_apply_stay_in_python(loaded):
    store, dataset = loaded
    for f in (
        Filters(text="arrest"),
        Filters(actors=frozenset({"police"})),
        Filters(countries=frozenset({"KP"})),
        Filters(admin1=frozenset({"North Hamgyong"})),
        Filters(confidence=frozenset({"confirmed"})),
    ):
        assert sql_filters(f) is None
        assert pyramid_source(store, dataset, f) is None
    assert sql_filters(Filters(start=dt.date(2016, 1, 1), categories=frozenset({"lure"}))) == {
        "start": "2016-01-01",
        "end": None,
        "include_undated": True,
        "categories": ["lure"],
    }
    partial = dataclasses.replace(dataset, store_positions=None)  # rows were left out
    assert pyramid_source(store, partial, Filters()) is None


def test_rows_read_at_another_version_get_the_python_pyramid(loaded):
    """Rows read before someone saved are not the database's rows any more: Python it is."""
    store, dataset = loaded
    old = dataclasses.replace(dataset, store_version="pg:elsewhere:0")
    points = python_points(dataset, {})
    assert pyramid_source(store, old, Filters())(points, FEATURE_BUDGET) is None
    assert pyramid_source(store, dataset, Filters())(points, FEATURE_BUDGET) is not None


def test_asked_ahead_the_levels_are_the_same(loaded):
    """The app sends the query before it filters (``start_now``): the same levels."""
    store, dataset = loaded
    f = Filters(categories=frozenset({"lure", "crossing"}))
    points = filter_incidents(dataset.incidents, f)
    points = points[(drawn_as(points, dataset.places) == POINT).to_numpy()]
    ahead = pyramid_source(store, dataset, f, start_now=True)
    assert_same(ahead(points, FEATURE_BUDGET), pyramid(points))
    assert_same(ahead(points, 50), pyramid(points, 50))  # another budget: asked again


def test_a_database_without_map_cells_leaves_the_map_to_python(pg_url):
    """A newsroom database not yet upgraded (`db init` not run since migration 4): the
    store says what to do, and the app's map draws from the loaded rows."""
    from dashboard import DEFAULT_INCIDENTS
    from dashboard.data.places import PLACES_PATH
    from dashboard.data.routes import ROUTES_PATH
    from dashboard.store.base import StoreError

    store = PostgisStore(pg_url)
    store.init()
    assert store.load_files(DEFAULT_INCIDENTS, ROUTES_PATH, PLACES_PATH, author="t")[0]
    with store._tx() as con:  # back to the schema before migration 4
        con.exec_driver_sql(
            "DROP INDEX incidents_map_idx, incidents_vague_idx;"
            " ALTER TABLE incidents DROP COLUMN lon, DROP COLUMN lat,"
            " DROP COLUMN cell_x, DROP COLUMN cell_y;"
            " DELETE FROM schema_migrations WHERE version = 4"
        )
    dataset, _ = store.load()
    with pytest.raises(StoreError, match="db init"):
        store.pyramid()
    points = dataset.incidents[(drawn_as(dataset.incidents, dataset.places) == POINT).to_numpy()]
    assert pyramid_source(store, dataset, Filters())(points, FEATURE_BUDGET) is None
    assert store.init() == [
        "004 each incident's map cell and coordinates, and an index the map's aggregates read"
    ]
    dataset, _ = store.load()  # (the upgrade rewrote the table: a new snapshot to compare)
    positions = dataset.store_positions[points.index.to_numpy()]
    assert_same(store.pyramid().for_frame(positions), pyramid(points))
    store.close()
