"""The benchmark's synthetic data and the large-selection map path (correctness, not timing)."""

from __future__ import annotations

import base64
import csv
import io
import json
import random
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from benchmarks.synthetic import BENCH_CATEGORY, BENCH_WINDOW, FIRST_DAY, LAST_DAY, write_synthetic
from dashboard.data import tables
from dashboard.data.basemap import country_shape
from dashboard.data.dataset import check_dataset
from dashboard.filters import Filters, filter_incidents, monthly_counts, prepare, routes_for
from dashboard.map.build import build_map
from dashboard.map.payload import decode_incidents
from dashboard.map.points import LARGE_THRESHOLD
from dashboard.problems import errors
from dashboard.vague.areas import drawn_as
from dashboard.vocab import CATEGORIES, CONFIDENCE, PRECISIONS
from harness.chromium import CHROMIUM

SIZE = 2_000
PAYLOAD_RE = re.compile(r"var S = .*?, A = (\{.*?\}), POPUPS = \w+;\n", re.S)
# Builds, loads and draws thousands of synthetic incidents: seconds per test.
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory):
    return write_synthetic(tmp_path_factory.mktemp("bench"), SIZE)


@pytest.fixture(scope="module")
def loaded(synthetic):
    dataset, problems = check_dataset(synthetic.incidents, synthetic.routes, synthetic.places)
    assert dataset is not None, [str(p) for p in errors(problems)[:10]]
    return dataset, problems


def test_synthetic_data_validates(synthetic, loaded):
    dataset, problems = loaded
    assert errors(problems) == []
    assert problems == []  # its own routes name its own incidents: not even a warning
    inc = dataset.incidents
    assert len(inc) == SIZE and inc["incident_id"].is_unique
    assert set(inc["category"]) == set(CATEGORIES)
    assert set(inc["confidence"]) == set(CONFIDENCE)
    assert set(inc["geo_precision"]) == set(PRECISIONS)
    dated = inc.dropna(subset=["date_start"])
    assert dated["date_start"].min().date() >= FIRST_DAY
    assert dated["date_end"].max().date() <= LAST_DAY
    assert inc["longitude"].between(95, 135).all() and inc["latitude"].between(15, 50).all()
    for iso, rows in inc.groupby("country"):
        inside = [country_shape(iso).covers(p) for p in rows.geometry]
        assert all(inside), f"{iso}: {inside.count(False)} points outside the country"
    assert len(dataset.routes) >= 3
    linked = {i for ids in dataset.routes["incident_ids"] for i in ids}
    assert linked <= set(inc["incident_id"])
    # the curated files are untouched: the synthetic ones live in their own folder
    assert Path(synthetic.incidents).parent != Path(__file__).resolve().parents[2]


def test_synthetic_incidents_load_with_the_shipped_routes(synthetic):
    """As the app opens them: legs of the shipped routes are only warnings."""
    dataset, problems = check_dataset(synthetic.incidents)
    assert dataset is not None and errors(problems) == []
    assert all("unknown incident" in p.message for p in problems)


def embedded(script: str) -> dict:
    """The large selection's payload: its zoom levels (counts unpacked) and its single
    incidents (decoded)."""
    match = PAYLOAD_RE.search(script)
    assert match, "no IncidentPoints payload in the map script"
    data = json.loads(match.group(1))
    for level in data["levels"]:
        level["c"] = np.frombuffer(base64.b64decode(level["c"]), dtype="<u4")
        level["f"] = np.frombuffer(base64.b64decode(level["f"]), dtype="<i4")
    data["singles"] = decode_incidents(json.dumps(data["singles"]))
    return data


def test_large_map_draws_exactly_the_filtered_incidents(loaded):
    dataset, _ = loaded
    incidents = prepare(dataset.incidents, dataset.places)
    f = Filters(start=BENCH_WINDOW[0], end=BENCH_WINDOW[1])
    selected = filter_incidents(incidents, f)
    assert LARGE_THRESHOLD < len(selected) < len(incidents)
    m = build_map(selected, routes_for(dataset.routes, selected), dataset.places)
    html = m.get_root().render()
    data = embedded(html)
    # Country-level incidents are drawn as their country (issue 12); the symbols are the rest.
    shown = selected[drawn_as(selected, dataset.places) == "point"]
    assert len(shown) > LARGE_THRESHOLD
    assert data["total"] == len(shown)
    # at every zoom level sent, the aggregates and lone incidents add up to the selection
    for level in data["levels"]:
        assert int(level["c"].sum()) == len(shown), level["z"]
        assert ((level["c"] == 1) == (level["f"] >= 0)).all()
    singles = data["singles"]
    assert set(singles["id"]) <= set(shown["incident_id"])
    assert len(set(singles["id"])) == singles["n"] == len(singles["xy"]) // 2
    by_id = shown.set_index("incident_id")
    rows = by_id.loc[singles["id"]]
    assert np.allclose(np.array(singles["xy"][0::2]) / 1e4, rows["longitude"], atol=6e-5)
    assert np.allclose(np.array(singles["xy"][1::2]) / 1e4, rows["latitude"], atol=6e-5)
    cats = list(CATEGORIES)
    assert [cats[k // 12] for k in singles["k"]] == list(rows["category"])
    assert [list(CONFIDENCE)[k % 3] for k in singles["k"]] == list(rows["confidence"])
    assert "cat:_aggregate" in html  # the legend says what a circle means
    assert '"className": "incident-marker' not in html  # no per-incident icons in this mode
    # a category filter on top: still exactly the selection
    g = Filters(start=BENCH_WINDOW[0], end=BENCH_WINDOW[1], categories=frozenset({BENCH_CATEGORY}))
    fewer = filter_incidents(incidents, g)
    if len(fewer) > LARGE_THRESHOLD:
        again = embedded(
            build_map(fewer, routes_for(dataset.routes, fewer), dataset.places).get_root().render()
        )
        points = fewer[drawn_as(fewer, dataset.places) == "point"]
        assert again["total"] == len(points)
        assert set(again["singles"]["id"]) <= set(points["incident_id"])


def test_small_selection_keeps_icons_and_full_popups(loaded):
    dataset, _ = loaded
    few = dataset.incidents.head(LARGE_THRESHOLD).assign(geo_precision=1)  # all points
    html = build_map(few, dataset.routes.iloc[:0], dataset.places).get_root().render()
    assert html.count('"className": "incident-marker') == len(few)
    assert "as small symbols" not in html


def test_monthly_counts_account_for_every_dated_incident(loaded):
    dataset, _ = loaded
    inc = dataset.incidents
    counts = monthly_counts(inc)
    dated = inc[inc["date_start"].notna()]
    assert len(dated) < len(inc)  # the synthetic data has undated rows: they are left out
    assert counts["n"].sum() == len(dated)
    assert counts["shown"].all()
    assert not counts.duplicated(["month", "category"]).any()
    assert (counts["month"].dt.day == 1).all()
    assert list(counts["label"]) == [CATEGORIES[k].label for k in counts["category"]]
    # Spot check one month and category against a count made the slow way.
    month, category, n = counts.sort_values("n").iloc[-1][["month", "category", "n"]]
    by_hand = sum(
        1
        for d, c in zip(dated["date_start"], dated["category"], strict=True)
        if (d.year, d.month) == (month.year, month.month) and c == category
    )
    assert n == by_hand
    assert len(counts) < len(dated) / 2  # what the timeline sends is much smaller


def test_monthly_counts_split_shown_from_filtered_out(loaded):
    dataset, _ = loaded
    inc = prepare(dataset.incidents, dataset.places)
    f = Filters(start=BENCH_WINDOW[0], end=BENCH_WINDOW[1], categories=frozenset({BENCH_CATEGORY}))
    mask = pd.Series(inc.index.isin(filter_incidents(inc, f).index), index=inc.index)
    counts = monthly_counts(inc, mask)
    dated_shown = int((mask & inc["date_start"].notna()).sum())
    assert 0 < dated_shown < counts["n"].sum()
    assert counts.loc[counts["shown"], "n"].sum() == dated_shown
    assert set(counts.loc[counts["shown"], "category"]) == {BENCH_CATEGORY}
    assert counts["n"].sum() == inc["date_start"].notna().sum()


def test_payload_text_is_inert(loaded):
    """Text reaches the page as JSON data that cannot close the script element."""
    dataset, _ = loaded
    hostile = dataset.incidents.head(LARGE_THRESHOLD + 5).assign(geo_precision=1)  # points
    hostile["summary"] = "</script><script>alert(1)</script> & 'quote' `tick` ${x}"
    hostile["incident_id"] = [f"X<{i}>" for i in range(len(hostile))]
    html = build_map(hostile, dataset.routes.iloc[:0], dataset.places).get_root().render()
    assert "<script>alert(1)" not in html and "X<0>" not in html
    singles = embedded(html)["singles"]
    assert singles["n"] > 0  # lone incidents carry their text
    assert set(singles["s"]) == {hostile["summary"].iloc[0]}
    assert set(singles["id"]) <= {f"X<{i}>" for i in range(len(hostile))}


@pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="no Chromium")
def test_large_map_in_chromium_draws_every_incident(loaded, tmp_path):
    from playwright.sync_api import sync_playwright

    from dashboard.map.assets import standalone_html
    from harness.chromium import block_external, launch_chromium

    dataset, _ = loaded
    shown = dataset.incidents
    m = build_map(shown, routes_for(dataset.routes, shown), dataset.places, asset_base=None)
    page_file = tmp_path / "map.html"
    page_file.write_text(standalone_html(m), encoding="utf-8")
    with sync_playwright() as pw:
        browser = launch_chromium(pw)
        try:
            page = browser.new_page(viewport={"width": 1200, "height": 800})
            aborted = block_external(page)
            failures: list[str] = []
            page.on("pageerror", lambda e: failures.append(str(e)))
            page.goto(page_file.as_uri())
            page.wait_for_function("document.body.dataset.incidentsDrawn", timeout=60_000)
            points = int((drawn_as(shown, dataset.places) == "point").sum())
            assert page.evaluate("Number(document.body.dataset.incidentsDrawn)") == points
            row = page.locator(".map-legend [data-legend='cat:_aggregate']")
            assert "area in proportion" in row.inner_text() and row.is_visible()
            assert page.locator(".map-legend").is_visible()
            # once the view has settled, find a symbol on screen, hover it for its tooltip,
            # click it for its popup
            page.wait_for_function(
                """() => {
                    const map = Object.values(window).find((v) => v instanceof L.Map);
                    let points = null;
                    map.eachLayer((l) => { if (l.count !== undefined) points = l; });
                    const panning = map._panAnim && map._panAnim._inProgress;
                    return !map._animatingZoom && !panning && !points._frame;
                }""",
                timeout=30_000,
            )
            hit = page.evaluate(
                """() => {
                    const map = Object.values(window).find((v) => v instanceof L.Map);
                    let points = null;
                    map.eachLayer((l) => { if (l.count !== undefined) points = l; });
                    const size = map.getSize();
                    for (let y = 120; y < size.y - 120; y += 5)
                        for (let x = 300; x < size.x - 300; x += 5)
                            if (points._find(L.point(x, y)) >= 0) return [x, y];
                    return null;
                }"""
            )
            assert hit, "no incident symbol on screen"
            page.mouse.move(*hit)
            # (an area under the pointer has a tooltip of its own; the symbol's is "ID · kind")
            tooltip = page.locator(".leaflet-tooltip", has_text=" · ").last
            tooltip.wait_for(timeout=30_000)
            iid, label = tooltip.inner_text().split(" · ")
            assert iid in set(shown["incident_id"]) and label in {
                c.label for c in CATEGORIES.values()
            }
            page.mouse.click(*hit)
            # the symbol is on top: its popup opens, not that of an area under it
            popup = page.locator(f'.leaflet-popup-content .incident-popup[data-incident="{iid}"]')
            popup.wait_for(timeout=30_000)
            assert page.locator(".leaflet-popup").count() == 1
            assert page.locator(".leaflet-popup .area-popup").count() == 0
            row = shown.loc[shown["incident_id"] == iid].iloc[0]
            assert row["summary"] in popup.inner_text()
            assert failures == [] and aborted == []
        finally:
            browser.close()


def _fuzz_csv(rng: random.Random) -> str:
    alphabet = ["a", "b", " ", ",", '"', "\n", "\r", "\r\n", "\u3000", "\x1c", "é", "북", '""']
    rows = ["h0,h1,h2"]
    for _ in range(rng.randint(1, 6)):
        if rng.random() < 0.1:
            rows.append(rng.choice(["", " ", ",,"]))
            continue
        cells = []
        for _ in range(3 if rng.random() < 0.9 else rng.randint(1, 4)):
            cell = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 6)))
            mode = rng.random()
            quoted = '"' + cell.replace('"', '""') + '"'
            plain = not any(c in cell for c in '",\r\n')
            if mode < 0.45 or (mode < 0.93 and not plain):
                cells.append(quoted)  # as csv.writer writes it
            elif mode < 0.93:
                cells.append(cell)
            else:
                cells.append(rng.choice([cell, '"' + cell + '"']))  # maybe malformed
        rows.append(",".join(cells))
    end = rng.choice(["\n", "\r\n", "\r"])
    return end.join(rows) + (end if rng.random() < 0.7 else "")


def test_fast_csv_reader_agrees_with_the_csv_module(tmp_path, monkeypatch):
    """Large files are parsed by pyarrow; on every file the csv module reads too, the result
    (cells, lines, problems) must be the same, and anything else falls back to it."""
    rng = random.Random(20240501)  # noqa: S311 - test data
    path = tmp_path / "fuzz.csv"
    engaged = 0
    for _ in range(600):
        text = _fuzz_csv(rng)
        path.write_bytes(text.encode("utf-8"))
        monkeypatch.setattr(tables, "_FAST_MIN_BYTES", 10**12)
        slow = tables.read_table(path, ["h0", "h1", "h2"])
        monkeypatch.setattr(tables, "_FAST_MIN_BYTES", 0)
        engaged += tables._parse_fast(text.encode("utf-8")) is not None
        fast = tables.read_table(path, ["h0", "h1", "h2"])
        assert [str(p) for p in fast[1]] == [str(p) for p in slow[1]], repr(text)
        if slow[0] is None:
            assert fast[0] is None
        else:
            pd.testing.assert_frame_equal(fast[0], slow[0])
    assert engaged > 200  # the fast path really ran on many of them


def test_strip_helpers_match_python():
    rng = random.Random(7)  # noqa: S311 - test data
    alphabet = [*tables._PY_SPACES, "a", "é", "북", "“", "\U0001f600", "\u200b", "x\u00a0"]
    for _ in range(50):
        values = [
            "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 4))) for _ in range(50)
        ]
        series = pd.Series(values, dtype="str")
        assert list(tables.is_blank(series)) == [not v.strip() for v in values]
        assert list(tables.stripped(series)) == [v.strip() for v in values]
        assert list(tables.stripped(series.iloc[10:40])) == [v.strip() for v in values[10:40]]


def test_big_file_uses_the_fast_reader_and_keeps_line_numbers(synthetic, tmp_path):
    raw = Path(synthetic.incidents).read_bytes()
    assert len(raw) > tables._FAST_MIN_BYTES and tables._parse_fast(raw) is not None
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8"))))
    rows[7][rows[0].index("latitude")] = "north"
    rows.insert(30, [""] * len(rows[0]))  # a blank row: skipped with a warning, lines shift
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows(rows)
    bad = tmp_path / "bad.csv"
    bad.write_text(buf.getvalue(), encoding="utf-8")
    _, problems = check_dataset(bad, synthetic.routes, synthetic.places)
    text = [str(p) for p in problems]
    # exactly the two planted problems (in any order), at the lines of the edited file
    assert sorted(text) == sorted(
        [f"{bad}:8: latitude: not a number: 'north'", f"{bad}:31: warning: empty row skipped"]
    )
