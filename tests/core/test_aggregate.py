"""Aggregates that say how many: the counts add up, zooming in splits them down to single
incidents, and what reaches the browser or a snapshot is bounded whatever the number of
incidents (deterministic: sizes and artists counted, nothing timed)."""

from __future__ import annotations

import json

import matplotlib
import numpy as np
import pandas as pd
import pytest

from dashboard.aggregate import (
    AGGREGATE_ABOVE,
    CATEGORY_KEYS,
    FEATURE_BUDGET,
    MAX_ZOOM,
    MIN_ZOOM,
    CellSums,
    ZoomGrid,
    category_codes,
    choose_levels,
    members,
    pyramid,
    zoom_cells,
    zoom_levels,
)
from dashboard.data.dataset import load_dataset
from dashboard.filters import prepare
from dashboard.map.aggregates import encode_levels
from dashboard.map.click import clicked_aggregate, clicked_incident_id

matplotlib.use("Agg")

PAYLOAD_BOUND = 1_500_000  # bytes of the large-selection payload, at any number of incidents


@pytest.fixture(scope="module")
def curated():
    ds = load_dataset()
    return prepare(ds.incidents, ds.places), ds.places


def many_incidents(curated, n: int, seed: int = 3) -> pd.DataFrame:
    """``n`` incidents made at run time from the curated rows (their text and kinds), moved
    to a few towns' surroundings as real reporting clusters, plus a spread share."""
    incidents, places = curated
    rng = np.random.default_rng(seed)
    rows = incidents.iloc[rng.integers(0, len(incidents), n)].reset_index(drop=True)
    towns = places[places["kind"].isin(["city", "town", "county", "district"])]
    pick = rng.choice(len(towns), n, p=(w := 1 / np.arange(1, len(towns) + 1)) / w.sum())
    lon = towns["longitude"].to_numpy(float)[pick] + rng.uniform(-0.02, 0.02, n)
    lat = towns["latitude"].to_numpy(float)[pick] + rng.uniform(-0.02, 0.02, n)
    spread = rng.random(n) < 0.2
    lon[spread] = rng.uniform(100, 130, spread.sum())
    lat[spread] = rng.uniform(20, 45, spread.sum())
    rows["longitude"], rows["latitude"] = lon.round(5), lat.round(5)
    rows["category"] = np.array(CATEGORY_KEYS, dtype=object)[rng.integers(0, 9, n)]
    rows["incident_id"] = [f"T-{k}" for k in range(n)]
    return rows


def test_counts_add_up_at_every_zoom(curated):
    incidents = many_incidents(curated, 20_000)
    levels = zoom_levels(incidents)
    assert sorted(levels) == list(range(MIN_ZOOM, MAX_ZOOM + 1))
    for zoom, agg in levels.items():
        assert agg.count.sum() == len(incidents), zoom
        assert (agg.by_category.sum(axis=1) == agg.count).all(), zoom
        # every aggregate lies in its parent one zoom out (cells nest), and its position is
        # inside the extent of its incidents
        if zoom > MIN_ZOOM:
            parent = levels[zoom - 1]
            cells = set(zip(parent.cx.tolist(), parent.cy.tolist(), strict=True))
            assert all((x >> 1, y >> 1) in cells for x, y in zip(agg.cx, agg.cy, strict=True))
        w, s, e, n = agg.bounds.T
        assert ((agg.lon >= w - 1e-9) & (agg.lon <= e + 1e-9)).all()
        assert ((agg.lat >= s - 1e-9) & (agg.lat <= n + 1e-9)).all()
    # zooming in breaks them apart: never fewer aggregates at a closer zoom
    sizes = [len(levels[z]) for z in sorted(levels)]
    assert sizes == sorted(sizes) and sizes[0] < sizes[-1]


def test_an_aggregate_stands_for_exactly_its_members(curated):
    incidents = many_incidents(curated, 5_000)
    for level in pyramid(incidents):
        agg = level.aggregates
        for j in np.argsort(agg.count)[-3:]:  # the three largest
            rows = members(incidents, level.zoom, int(agg.cx[j]), int(agg.cy[j]))
            assert len(rows) == agg.count[j]
            counts = rows["category"].value_counts()
            assert [counts.get(k, 0) for k in CATEGORY_KEYS] == agg.by_category[j].tolist()
            if agg.count[j] == 1:
                assert rows.index[0] == agg.first[j]


def test_the_pyramid_stops_at_single_incidents_or_the_budget(curated):
    few = many_incidents(curated, 300)
    levels = pyramid(few)
    assert (levels[-1].aggregates.count == 1).all() or sum(len(lv.aggregates) for lv in levels)
    small = pyramid(many_incidents(curated, 50_000), budget=500)
    assert sum(len(lv.aggregates) for lv in small) <= 500
    assert small[0].zoom == MIN_ZOOM


def cell_sums(incidents: pd.DataFrame, zoom: int) -> CellSums:
    """Each incident as its own row of sums at ``zoom`` (as a GROUP BY answers, unsorted)."""
    lon = incidents["longitude"].to_numpy(float)
    lat = incidents["latitude"].to_numpy(float)
    cx, cy = zoom_cells(lon, lat, zoom)
    by_category = np.zeros((len(lon), len(CATEGORY_KEYS)), dtype=np.int64)
    by_category[np.arange(len(lon)), category_codes(incidents["category"])] = 1
    order = np.random.default_rng(1).permutation(len(lon))
    return CellSums(
        zoom=zoom,
        cx=cx[order],
        cy=cy[order],
        count=np.ones(len(lon), dtype=np.int64)[order],
        sum_lon=lon[order],
        sum_lat=lat[order],
        bounds=np.column_stack([lon, lat, lon, lat])[order],
        by_category=by_category[order],
        first=order,
    )


@pytest.mark.parametrize("zoom", [MIN_ZOOM, 7, MAX_ZOOM])
def test_sums_at_one_zoom_give_every_coarser_level(curated, zoom):
    """What the newsroom database returns (sums per cell at one zoom) makes the same levels
    as the rows themselves: cells, counts, categories and first rows exactly."""
    incidents = many_incidents(curated, 5_000)
    sums, grid = cell_sums(incidents, zoom), ZoomGrid(incidents)
    for z in range(MIN_ZOOM, zoom + 1):
        got, want = sums.coarser(z), grid.level(z)
        for name in ("cx", "cy", "count", "by_category", "first"):
            np.testing.assert_array_equal(getattr(got, name), getattr(want, name), err_msg=name)
        np.testing.assert_allclose(got.lon, want.lon, rtol=0, atol=1e-9)
        np.testing.assert_allclose(got.bounds, want.bounds, rtol=0, atol=0)
    with pytest.raises(ValueError):
        sums.coarser(zoom + 1)


def test_levels_known_to_be_too_many_end_the_pyramid(curated):
    """``choose_levels`` asks for no level finer than it can use, and a level answered as
    "more than the budget" ends it as that level would."""
    incidents = many_incidents(curated, 20_000)
    grid, asked = ZoomGrid(incidents), []

    def level(zoom):
        asked.append(zoom)
        agg = grid.level(zoom)
        return None if len(agg) > 300 else agg

    assert [lv.zoom for lv in choose_levels(level, 300)] == [
        lv.zoom for lv in pyramid(incidents, 300)
    ]
    assert asked == list(range(MIN_ZOOM, asked[-1] + 1)) and asked[-1] < MAX_ZOOM


def test_the_map_payload_is_bounded_at_a_million_incidents(curated):
    incidents = many_incidents(curated, 1_000_000)
    payload, levels = encode_levels(incidents, curated[1])
    assert len(payload.encode("utf-8")) <= PAYLOAD_BOUND
    assert sum(len(lv.aggregates) for lv in levels) <= FEATURE_BUDGET
    data = json.loads(payload)
    assert data["total"] == 1_000_000
    # each level's counts add up to every incident, and a lone incident's id travels
    for lv in levels:
        assert lv.aggregates.count.sum() == 1_000_000
    assert data["singles"]["n"] == len(data["singles"]["id"])
    # the busiest aggregate is named by the town it is around (Onsong: the first town)
    assert any("Onsong" in name for name in data["names"])


def test_a_snapshot_draws_a_bounded_number_of_artists(curated):
    from matplotlib.figure import Figure

    from dashboard.export.symbols import draw_incidents

    def artists(n: int) -> tuple[int, int, list[str]]:
        fig = Figure(figsize=(12, 7), dpi=100)
        ax = fig.add_subplot()
        ax.set_xlim(95, 135)
        ax.set_ylim(15, 50)
        incidents = many_incidents(curated, n)
        draw_incidents(ax, incidents, 1.0)
        texts = [t.get_text() for t in ax.texts]
        return len(ax.collections), len(ax.texts) + len(ax.lines), texts

    few_collections, few_texts, _ = artists(AGGREGATE_ABOVE + 50)
    many_collections, many_texts, texts = artists(200_000)
    # one scatter for the circles and one per category and fill for the lone incidents,
    # whatever the count; one number per circle, bounded by the page's cells
    assert many_collections <= 1 + 2 * len(CATEGORY_KEYS)
    assert many_texts <= 2_000
    # the circles say how many: the largest carries a compact count of thousands
    assert any(t.endswith("K") for t in texts)


def test_the_numbers_written_add_up_to_the_incidents_drawn(curated):
    from matplotlib.figure import Figure

    from dashboard.export.symbols import draw_incidents

    fig = Figure(figsize=(12, 7), dpi=100)
    ax = fig.add_subplot()
    ax.set_xlim(95, 135)
    ax.set_ylim(15, 50)
    incidents = many_incidents(curated, 900)  # every circle under a thousand: exact numbers
    draw_incidents(ax, incidents, 1.0)
    written = sum(int(t.get_text().replace(",", "")) for t in ax.texts)
    alone = sum(len(c.get_offsets()) for c in ax.collections[:-1] if len(c.get_offsets()))
    circles = ax.collections[-1]
    assert written + alone == 900
    assert len(circles.get_offsets()) == len(ax.texts)


@pytest.mark.parametrize(
    ("report", "group"),
    [("@7/112/50#3", (7, 112, 50)), ("ONS-01#2", None), ("@x/1/2#1", None), (None, None)],
)
def test_a_click_reports_an_aggregate_or_an_incident(report, group):
    assert clicked_aggregate(report) == group
    if report and not report.startswith("@"):
        assert clicked_incident_id(report) == "ONS-01"


@pytest.mark.parametrize(
    ("n", "lang", "text"),
    [(999, "en", "999"), (2_833, "en", "2.8K"), (21_108, "en", "21K"), (2_833, "ko", "2.8천")],
)
def test_a_circle_writes_its_count_in_one_compact_style(n, lang, text):
    from dashboard.export.symbols import compact_number

    assert compact_number(n, lang=lang) == text
