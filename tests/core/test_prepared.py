"""What ``filters.prepare`` works out once per load, so no rerun repeats it, and the map data
the app keeps per result: the same answers as working them out afresh, refused when the rows
changed after preparing, and no incident rows kept for a large selection (deterministic:
answers and sizes compared, nothing timed)."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest

from dashboard.aggregate import ZoomGrid, pyramid, z_codes
from dashboard.data.dataset import load_dataset
from dashboard.data.tables import one_chunk
from dashboard.filters import Filters, filter_incidents, monthly_counts, prepare, rows_in
from dashboard.map.layers import map_data, map_layers
from dashboard.vague.areas import areas_of, drawn_as
from dashboard.vague.labels import SPOT_DEG, distinct_spots
from dashboard.vocab import AREA_KEY_COLUMN, DERIVED_COLUMNS, ZCODE_COLUMN
from tests.core.test_aggregate import many_incidents


@pytest.fixture(scope="module")
def curated():
    ds = load_dataset()
    return prepare(ds.incidents, ds.places), ds.places, ds.routes


def test_prepare_adds_only_derived_columns(curated):
    prepared, places, _ = curated
    raw = load_dataset().incidents
    added = set(prepared.columns) - set(raw.columns)
    assert {AREA_KEY_COLUMN, ZCODE_COLUMN} <= added
    assert added <= DERIVED_COLUMNS  # never written out by an export


def test_prepared_area_keys_and_cells_answer_as_worked_out_afresh(curated):
    prepared, places, _ = curated
    bare = prepared.drop(columns=[AREA_KEY_COLUMN, ZCODE_COLUMN])
    assert (drawn_as(prepared, places) == drawn_as(bare, places)).all()
    is_area, groups = areas_of(prepared, places)
    is_area_bare, groups_bare = areas_of(bare, places)
    assert (is_area == is_area_bare).all()
    assert [(g.key, g.incident_ids) for g in groups] == [
        (g.key, g.incident_ids) for g in groups_bare
    ]
    codes = prepared[ZCODE_COLUMN].to_numpy()
    assert (codes == z_codes(prepared["longitude"], prepared["latitude"])).all()


def test_rows_moved_after_preparing_are_worked_out_again(curated):
    prepared, places, _ = curated
    moved = prepared.copy()
    moved["longitude"] = moved["longitude"] + 3.0  # the stored cells are now wrong
    moved["geo_precision"] = 1  # and nothing is an area any more
    assert not (drawn_as(moved, places) == "area").any()
    grid, fresh = ZoomGrid(moved), ZoomGrid(moved.drop(columns=ZCODE_COLUMN))
    assert (grid.code == fresh.code).all()


def test_a_filter_of_prepared_rows_keeps_their_cells_in_one_piece(curated):
    """pyarrow's take on a text column in pieces was 20-40 times slower than on one: every
    text column of a loaded, prepared and filtered frame is one piece."""
    prepared, _, _ = curated
    parts = pd.concat([prepared.iloc[:7], prepared.iloc[7:]])  # two pieces per text column
    assert parts["summary"].array.__arrow_array__().num_chunks == 2
    whole = one_chunk(parts.copy())
    shown = filter_incidents(whole, Filters(categories=frozenset({"arrest"})))
    for frame in (prepared, whole, shown):
        for name in frame.columns:
            array = frame[name].array
            if isinstance(array, pd.arrays.ArrowExtensionArray):
                assert array.__arrow_array__().num_chunks == 1, name
    assert whole["summary"].tolist() == prepared["summary"].tolist()


def test_a_search_finds_an_incident_by_its_place_in_another_spelling(curated):
    prepared, places, _ = curated
    row = prepared[prepared["place_id"].notna() & (prepared["place_id"] != "")].iloc[0]
    name = str(places.loc[row["place_id"], "name"])
    found = filter_incidents(prepared, Filters(text=name.split()[0]))
    assert row["incident_id"] in set(found["incident_id"])
    assert filter_incidents(prepared, Filters(text="zzqxnotaplace")).empty


def test_distinct_spots_stand_for_every_point_within_half_a_spot():
    rng = np.random.default_rng(5)
    towns = rng.uniform([100, 20], [130, 45], (40, 2))
    xy = towns[rng.integers(0, 40, 200_000)] + rng.uniform(-0.02, 0.02, (200_000, 2))
    spots = distinct_spots(xy[:, 0], xy[:, 1])
    assert len(spots) <= 40 * 25  # a few per town, however many incidents
    nearest = np.abs(xy[::997, None, :] - spots[None, :, :]).max(axis=2).min(axis=1)
    assert (nearest <= SPOT_DEG / 2 + 1e-9).all()


def test_monthly_counts_are_a_group_by_of_the_rows(curated):
    prepared, _, _ = curated
    rows = many_incidents((prepared, load_dataset().places), 3_000)
    shown = pd.Series(np.random.default_rng(2).random(len(rows)) < 0.4, index=rows.index)
    counts = monthly_counts(rows, shown)
    dated = rows["date_start"].notna()
    expected = (
        pd.DataFrame(
            {
                "month": rows.loc[dated, "date_start"].dt.to_period("M").dt.start_time,
                "category": rows.loc[dated, "category"],
                "shown": shown[dated],
            }
        )
        .groupby(["month", "category", "shown"])
        .size()
    )
    got = counts.set_index(["month", "category", "shown"])["n"]
    assert got.sum() == int(dated.sum())

    def keyed(series: pd.Series) -> dict:
        return {(pd.Timestamp(m), str(c), bool(s)): int(n) for (m, c, s), n in series.items()}

    assert keyed(got) == keyed(expected)


def test_rows_in_marks_the_rows_a_part_holds(curated):
    prepared, _, _ = curated
    part = prepared.iloc[[0, 3, 5]]
    assert rows_in(prepared, part).tolist() == [i in (0, 3, 5) for i in range(len(prepared))]
    labelled = prepared.set_index("incident_id", drop=False)
    assert rows_in(labelled, labelled.iloc[[1]]).sum() == 1


def _scripts(layers) -> list[str]:
    import folium

    m = folium.Map()
    for layer in layers:
        layer.add_to(m)
    html = m.get_root().render()
    return re.sub(r"_[0-9a-f]{32}", "_ID", html)


def test_map_data_made_once_draws_the_same_layers(curated):
    prepared, places, routes = curated
    rows = many_incidents((prepared, places), 5_000)
    data = map_data(rows, routes.iloc[:0], places)
    assert data.large and data.points is None  # no incident rows kept for a large selection
    assert data.count == int((drawn_as(rows, places) == "point").sum())
    assert [lv.zoom for lv in data.encoded[1]] == [lv.zoom for lv in pyramid(rows[data.is_point])]
    selected = str(rows[data.is_point]["incident_id"].iloc[0])
    fresh = map_layers(rows, routes.iloc[:0], places, selected=selected)
    kept = map_layers(rows, routes.iloc[:0], places, selected=selected, data=data)
    assert _scripts(kept) == _scripts(fresh)
    assert "selected-ring" in _scripts(kept)
