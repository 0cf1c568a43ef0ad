"""Benchmark at newsroom scale: ``python -m dashboard bench [--sizes ...] [--json PATH]``.

Synthetic incidents (and route legs) are written to a temporary folder, never over the curated
files. They are spread over the real region and time span, with real categories, confidence
values and precision levels, and every point lies inside the country it is filed under (sampled
inside the basemap's polygons), so the project's own validator accepts them.

For each size, in fresh subprocesses so sizes do not pollute each other, it times loading and
validation (and that a cached rerun does not reload), filtering, map build + HTML render (with the
HTML size), the static PNG export, a server-side rerun of the app after a filter change
(``streamlit.testing``) with the server's peak memory, and the baseline most people would write:
plain folium with one ``folium.Marker`` and popup per incident. With Chromium present it also
times, at 10,000 incidents, the page opening until the map is drawn and a keyboard move of the
date window until the map is redrawn.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import gc
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from dashboard import REPO_DIR
from dashboard.vocab import (
    CATEGORIES,
    INCIDENT_COLUMNS,
    INCIDENT_EXTRA_COLUMNS,
    ROUTE_MODES,
    ROUTE_STATUSES,
)

DEFAULT_SIZES = (1_000, 10_000, 100_000)
REGION = (95.0, 15.0, 135.0, 50.0)  # lon_min, lat_min, lon_max, lat_max
FIRST_DAY = dt.date(2013, 1, 1)
LAST_DAY = dt.date(2023, 12, 31)
# Share of incidents filed under each country (all inside the region box).
COUNTRY_WEIGHTS: dict[str, float] = {
    "KP": 0.36,
    "CN": 0.36,
    "KR": 0.05,
    "LA": 0.05,
    "MN": 0.05,
    "RU": 0.04,
    "VN": 0.05,
    "TH": 0.04,
}
CATEGORY_WEIGHTS: dict[str, float] = {
    "lure": 0.06,
    "crossing": 0.16,
    "checkpoint": 0.10,
    "arrest": 0.26,
    "extortion": 0.08,
    "deportation": 0.10,
    "repatriation": 0.12,
    "release": 0.06,
    "diplomacy": 0.06,
}
CONFIDENCE_WEIGHTS = {"reported": 0.7, "confirmed": 0.18, "unconfirmed": 0.12}
PRECISION_WEIGHTS = {1: 0.35, 2: 0.35, 3: 0.2, 4: 0.1}
ACTORS = (
    "Ministry of State Security (MSS)",
    "Ministry of People's Safety (MPS) checkpoint",
    "North Korean authorities",
    "Chinese authorities",
    "Lao authorities",
    "General Authority for Border Protection (Mongolia)",
    "South Korean government",
    "",
    "local brokers",
)
OUTLETS = ("Daily NK", "Yonhap News", "NK News", "Radio Free Asia", "Benchmark Wire")
UNDATED_SHARE = 0.03
# The benchmark's filter: a date window plus a category.
BENCH_WINDOW = (dt.date(2016, 1, 1), dt.date(2018, 12, 31))
BENCH_CATEGORY = "arrest"
BROWSER_SIZE = 10_000

_WORDS = [
    "officials",
    "family",
    "border",
    "river",
    "checkpoint",
    "broker",
    "visa",
    "passport",
    "train",
    "bus",
    "night",
    "village",
    "county",
    "town",
    "station",
    "market",
    "relatives",
    "phone",
    "money",
    "bribe",
    "document",
    "truck",
    "road",
    "bridge",
    "camp",
    "detention",
    "interrogation",
    "list",
    "names",
    "guards",
    "patrol",
    "escape",
    "return",
    "flight",
    "embassy",
    "appeal",
]


@dataclass(frozen=True)
class Synthetic:
    """Paths of one synthetic data set; places are the shipped gazetteer."""

    incidents: Path
    routes: Path
    places: Path
    size: int


def _sample_in_country(rng: np.random.Generator, iso: str, n: int) -> tuple[np.ndarray, np.ndarray]:
    """``n`` uniformly random lon/lat points inside the country's basemap polygon and REGION."""
    import shapely

    from dashboard import basemap

    shape = basemap.country_shape(iso)
    if shape is None:
        raise ValueError(f"country {iso!r} is not in the basemap")
    area = shapely.intersection(shape, shapely.box(*REGION))
    shapely.prepare(area)
    minx, miny, maxx, maxy = area.bounds
    lons, lats = np.empty(0), np.empty(0)
    while len(lons) < n:
        want = max(64, 3 * (n - len(lons)))
        x = rng.uniform(minx, maxx, want).round(5)
        y = rng.uniform(miny, maxy, want).round(5)
        keep = shapely.contains_xy(area, x, y)
        lons, lats = np.concatenate([lons, x[keep]]), np.concatenate([lats, y[keep]])
    return lons[:n], lats[:n]


def _choice(rng: np.random.Generator, weights: dict, n: int) -> np.ndarray:
    keys = list(weights)
    p = np.array([weights[k] for k in keys], dtype=float)
    return np.array(keys, dtype=object)[rng.choice(len(keys), size=n, p=p / p.sum())]


def _words(rng: np.random.Generator, n: int, low: int, high: int) -> list[str]:
    """``n`` strings of random filler words (``low``..``high`` words each)."""
    counts = rng.integers(low, high + 1, n)
    picks = rng.integers(0, len(_WORDS), counts.sum())
    out, i = [], 0
    for c in counts:
        out.append(" ".join(_WORDS[j] for j in picks[i : i + c]))
        i += c
    return out


def synthetic_incidents(n: int, seed: int = 5) -> list[dict[str, str]]:
    """``n`` valid incident rows as CSV cells (strings)."""
    import shapely

    from dashboard import basemap
    from dashboard.places import load_places

    rng = np.random.default_rng(seed)
    countries = _choice(rng, COUNTRY_WEIGHTS, n)
    lon, lat = np.zeros(n), np.zeros(n)
    for iso in COUNTRY_WEIGHTS:
        idx = np.flatnonzero(countries == iso)
        if len(idx):
            lon[idx], lat[idx] = _sample_in_country(rng, iso, len(idx))
    admin1 = np.full(n, "", dtype=object)
    provinces = basemap.provinces()
    kp = np.flatnonzero(countries == "KP")
    for _, prov in provinces.iterrows():
        inside = shapely.contains_xy(prov.geometry, lon[kp], lat[kp])
        admin1[kp[inside]] = prov["name"]
    places = load_places()
    by_country: dict[str, list[str]] = {}
    for pid, country in zip(places.index, places["country"], strict=True):
        by_country.setdefault(country, []).append(pid)

    categories = _choice(rng, CATEGORY_WEIGHTS, n)
    confidence = _choice(rng, CONFIDENCE_WEIGHTS, n)
    precision = _choice(rng, PRECISION_WEIGHTS, n)
    span = (LAST_DAY - FIRST_DAY).days
    start_off = rng.integers(0, span + 1, n)
    length = np.where(rng.random(n) < 0.5, 0, rng.integers(1, 60, n))
    end_off = np.minimum(start_off + length, span)
    undated = rng.random(n) < UNDATED_SHARE
    people = rng.integers(1, 40, n)
    no_people = rng.random(n) < 0.4
    actors = rng.integers(0, len(ACTORS), n)
    outlets = rng.integers(0, len(OUTLETS), n)
    place_pick = rng.random(n)
    from dashboard.filters import country_names

    names = country_names()
    summaries = _words(rng, n, 18, 34)
    quotes = _words(rng, n, 16, 30)
    rows = []
    for i in range(n):
        cat = categories[i]
        country = countries[i]
        start = FIRST_DAY + dt.timedelta(days=int(start_off[i]))
        end = FIRST_DAY + dt.timedelta(days=int(end_off[i]))
        published = min(end + dt.timedelta(days=int(3 + i % 20)), LAST_DAY + dt.timedelta(30))
        candidates = by_country.get(country, [])
        place_id = candidates[int(place_pick[i] * len(candidates))] if candidates else ""
        where = admin1[i] or names.get(country, country)
        rows.append(
            {
                "incident_id": f"SYN-{i + 1:07d}",
                "date_start": "" if undated[i] else start.isoformat(),
                "date_end": "" if undated[i] else end.isoformat(),
                "date_text": (
                    "last month"
                    if undated[i]
                    else f"on {start:%d %B %Y}"
                    if start == end
                    else f"between {start:%d %B} and {end:%d %B %Y}"
                ),
                "category": cat,
                "actors": ACTORS[actors[i]],
                "people_count": "" if no_people[i] else str(people[i]),
                "location": f"Synthetic site {i % 9973} near {where}",
                "admin1": admin1[i],
                "country": country,
                "latitude": f"{lat[i]:.5f}",
                "longitude": f"{lon[i]:.5f}",
                "geo_precision": str(precision[i]),
                "route_id": "",
                "summary": (
                    f"Synthetic benchmark incident {i + 1} ({CATEGORIES[cat].label.lower()}): "
                    f"{summaries[i]}."
                ),
                "source_quote": f"“{quotes[i].capitalize()},” a source said.",
                "source_outlet": OUTLETS[outlets[i]],
                "source_title": f"[Synthetic benchmark record] {where}: {summaries[i][:48]}",
                "source_date": "" if undated[i] else published.isoformat(),
                "source_url": f"https://example.org/benchmark/{i + 1}" if i % 3 == 0 else "",
                "confidence": confidence[i],
                "place_id": place_id,
                "date_note": "Synthetic: the source gives no year." if undated[i] else "",
                "internal_notes": "synthetic benchmark row",
            }
        )
    return rows


def synthetic_routes(incident_ids: Sequence[str], seed: int = 7) -> list[dict[str, str]]:
    """Route legs between gazetteer places that name synthetic incidents (~1 leg per 1,000)."""
    from dashboard.places import load_places

    rng = np.random.default_rng(seed)
    places = [p for p in load_places().index]
    n_legs = max(3, min(200, len(incident_ids) // 1000))
    rows, route = [], 0
    while len(rows) < n_legs:
        route += 1
        stops = rng.choice(len(places), size=int(rng.integers(2, 5)), replace=False)
        status = list(ROUTE_STATUSES)[int(rng.integers(0, len(ROUTE_STATUSES)))]
        for leg, (a, b) in enumerate(zip(stops[:-1], stops[1:], strict=True), start=1):
            ids = rng.choice(len(incident_ids), size=int(rng.integers(1, 4)), replace=False)
            rows.append(
                {
                    "route_id": f"R-SYN-{route:04d}",
                    "route_name": f"Synthetic route {route}",
                    "leg": str(leg),
                    "from_place": places[a],
                    "to_place": places[b],
                    "mode": list(ROUTE_MODES)[int(rng.integers(0, len(ROUTE_MODES)))],
                    "status": status,
                    "date_start": "",
                    "date_end": "",
                    "date_text": "not stated",
                    "incident_ids": "|".join(incident_ids[j] for j in sorted(ids)),
                    "approximate": "true",
                    "note": "Synthetic benchmark leg, drawn straight.",
                    "geometry": "",
                }
            )
    return rows[:n_legs]


def _write_csv(path: Path, header: Sequence[str], rows: list[dict[str, str]]) -> Path:
    with open(path, "w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=list(header), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    return path


def write_synthetic(folder: Path | str, n: int, seed: int = 5) -> Synthetic:
    """Write ``n`` synthetic incidents and matching route legs into ``folder``."""
    from dashboard.places import PLACES_PATH
    from dashboard.routes import ROUTE_COLUMNS

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    rows = synthetic_incidents(n, seed)
    incidents = _write_csv(
        folder / f"incidents-{n}.csv", INCIDENT_COLUMNS + INCIDENT_EXTRA_COLUMNS, rows
    )
    legs = synthetic_routes([r["incident_id"] for r in rows], seed + 2)
    routes = _write_csv(folder / f"routes-{n}.csv", ROUTE_COLUMNS, legs)
    return Synthetic(incidents, routes, Path(PLACES_PATH), n)


# --- Measuring --------------------------------------------------------------------------------

RESULT_MARK = "BENCH-RESULT "
APP_FILE = REPO_DIR / "dashboard" / "ui" / "app.py"
BASELINE_LIMIT_S = 60.0  # a baseline run expected to take longer is extrapolated, not run
TARGETS = {  # at 100,000 incidents unless said otherwise (seconds, bytes, ratios)
    "load_validate_s": 2.0,
    "filter_s": 0.05,
    "map_s": 0.5,
    "map_bytes": 8_000_000,
    "png_s": 5.0,
    "app_rerun_s": 1.0,
    "peak_mb": 1024,
    "ratio_100k": 30,
    "ratio_10k": 10,
    "browser_open_s": 3.0,
    "browser_move_s": 1.5,
}


_CPU: dict[int, float] = {}  # id(times list) -> median CPU seconds of the same calls


def _timed(fn: Callable, repeats: int) -> tuple[float, list[float], object]:
    """Median wall time of ``repeats`` calls, every time, and the last result.

    The median CPU time of this process for the same calls is kept too (see ``_cpu``): on a
    shared machine the wall time also counts waiting for a core.
    """
    times, cpu, result = [], [], None
    for _ in range(max(1, repeats)):
        gc.collect()
        start, start_cpu = time.perf_counter(), time.process_time()
        result = fn()
        times.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    _CPU[id(times)] = statistics.median(cpu)
    return statistics.median(times), times, result


def _cpu(times: list[float]) -> float:
    return _CPU[id(times)]


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: kB


def _bench_filters():
    from dashboard.filters import Filters

    return Filters(
        start=BENCH_WINDOW[0], end=BENCH_WINDOW[1], categories=frozenset({BENCH_CATEGORY})
    )


def worker_core(incidents: str, routes: str, places: str, repeats: int) -> dict:
    """Load + validate, filter, map build + render and PNG export, in this (fresh) process."""
    from dashboard.dataset import check_dataset
    from dashboard.export import SnapshotSpec, render
    from dashboard.filters import filter_incidents, prepare, routes_for
    from dashboard.mapview import LARGE_THRESHOLD, build_map

    out: dict = {}
    start = time.perf_counter()
    dataset, problems = check_dataset(incidents, routes, places)
    out["load_validate_first_s"] = time.perf_counter() - start
    if dataset is None:
        raise RuntimeError("synthetic data did not validate: " + "; ".join(map(str, problems[:5])))
    out["validation_errors"] = sum(p.severity == "error" for p in problems)
    out["validation_warnings"] = sum(p.severity == "warning" for p in problems)
    out["load_validate_s"], out["load_validate_runs"], _ = _timed(
        lambda: check_dataset(incidents, routes, places), repeats
    )
    out["load_validate_cpu_s"] = _cpu(out["load_validate_runs"])
    out["prepare_s"], _, prepared = _timed(lambda: prepare(dataset.incidents, dataset.places), 1)
    f = _bench_filters()
    out["filter_s"], out["filter_runs"], shown = _timed(
        lambda: filter_incidents(prepared, f), max(5, repeats)
    )
    out["filter_cpu_s"] = _cpu(out["filter_runs"])
    out["filtered"] = len(shown)

    everything = prepared
    legs = routes_for(dataset.routes, everything)
    out["incidents"], out["legs_drawn"] = len(everything), len(legs)

    def map_html(frame, lines) -> str:
        m = build_map(frame, lines, dataset.places)
        return m.get_root().render()

    out["map_s"], out["map_runs"], html = _timed(lambda: map_html(everything, legs), repeats)
    out["map_cpu_s"] = _cpu(out["map_runs"])
    out["map_bytes"] = len(html.encode("utf-8"))
    out["map_mode"] = "dots" if len(everything) > LARGE_THRESHOLD else "icons"
    no_legs = dataset.routes.iloc[:0]
    out["map_no_routes_s"], _, _ = _timed(lambda: map_html(everything, no_legs), repeats)
    shown_legs = routes_for(dataset.routes, shown)
    out["map_filtered_s"], _, html = _timed(lambda: map_html(shown, shown_legs), repeats)
    out["map_filtered_bytes"] = len(html.encode("utf-8"))
    del html

    spec = SnapshotSpec(title="Benchmark", subtitle=f"{len(everything):,} synthetic incidents")
    out["png_s"], out["png_runs"], png = _timed(
        lambda: render("png", everything, legs, dataset.places, spec), min(repeats, 2)
    )
    out["png_cpu_s"] = _cpu(out["png_runs"])
    out["png_bytes"] = len(png)
    out["core_peak_mb"] = _peak_mb()
    return out


def _baseline_popup(row) -> str:
    from html import escape

    return (
        f"<b>{escape(row.category)}</b> · {escape(row.incident_id)}<br>"
        f"{escape(row.date_text)} · {escape(row.location)}<br>{escape(row.summary)}<br>"
        f"<i>{escape(row.source_outlet)}, {escape(row.source_title)}</i>"
    )


def worker_baseline(incidents: str, repeats: int) -> dict:
    """What a user would otherwise write: one folium.Marker with a popup per incident."""
    import folium
    import pandas as pd

    frame = pd.read_csv(incidents, dtype=str, keep_default_na=False)
    frame["latitude"] = frame["latitude"].astype(float)
    frame["longitude"] = frame["longitude"].astype(float)

    def plain() -> str:
        m = folium.Map(location=[38.0, 115.0], zoom_start=4)
        for row in frame.itertuples(index=False):
            folium.Marker(
                [row.latitude, row.longitude],
                popup=folium.Popup(_baseline_popup(row), max_width=300),
                tooltip=row.incident_id,
            ).add_to(m)
        return m.get_root().render()

    seconds, runs, html = _timed(plain, repeats)
    return {
        "baseline_map_s": seconds,
        "baseline_map_cpu_s": _cpu(runs),
        "baseline_map_runs": runs,
        "baseline_map_bytes": len(html.encode("utf-8")),
        "baseline_peak_mb": _peak_mb(),
    }


def worker_app(incidents: str, repeats: int) -> dict:
    """The app under streamlit.testing, on the synthetic incidents (shipped routes, places)."""
    os.environ["DASHBOARD_INCIDENTS"] = incidents
    from streamlit.testing.v1 import AppTest

    import dashboard.dataset

    loads = []
    real = dashboard.dataset.check_dataset

    def counted(*args, **kwargs):
        loads.append(args[0] if args else kwargs.get("incidents_path"))
        return real(*args, **kwargs)

    dashboard.dataset.check_dataset = counted  # the app imports it from here on every run
    at = AppTest.from_file(str(APP_FILE), default_timeout=600)
    out: dict = {}
    start = time.perf_counter()
    at.run()
    out["app_first_run_s"] = time.perf_counter() - start
    if at.exception:
        raise RuntimeError(f"the app raised: {[e.value for e in at.exception][:2]}")
    start = time.perf_counter()
    at.run()
    out["app_cached_rerun_s"] = time.perf_counter() - start
    out["app_loads_after_two_runs"] = len(loads)

    windows = [
        (dt.date(2015, 1, 1), dt.date(2019, 12, 31)),
        BENCH_WINDOW,
        (dt.date(2017, 1, 1), dt.date(2017, 12, 31)),
        (dt.date(2014, 6, 1), dt.date(2021, 6, 30)),
        (dt.date(2016, 3, 1), dt.date(2016, 8, 31)),
    ][: max(3, repeats)]
    times, shown = [], []
    for window in windows:
        at.slider(key="window").set_value(window)
        start = time.perf_counter()
        at.run()
        times.append(time.perf_counter() - start)
        if at.exception:
            raise RuntimeError(f"the app raised: {[e.value for e in at.exception][:2]}")
        shown.append(_count_line(at))
    at.multiselect(key="categories").set_value([BENCH_CATEGORY])
    start = time.perf_counter()
    at.run()
    out["app_category_rerun_s"] = time.perf_counter() - start
    shown.append(_count_line(at))
    out["app_rerun_s"] = statistics.median(times)
    out["app_rerun_runs"] = times
    out["app_shown"] = shown
    out["app_loads_total"] = len(loads)
    out["app_peak_mb"] = _peak_mb()
    return out


def _count_line(at) -> str:
    for m in at.markdown:
        text = m.value.strip("* ")
        if " incidents, " in text and " route legs" in text:
            return text
    return ""


FRAMES_JS = """() => {
    for (const f of document.querySelectorAll("iframe")) {
        try {
            const d = f.contentDocument && f.contentDocument.body.dataset.incidentsDrawn;
            if (d) { return Number(d); }
        } catch (e) {}
    }
    return null;
}"""
CLEAR_JS = """() => {
    for (const f of document.querySelectorAll("iframe")) {
        try { delete f.contentDocument.body.dataset.incidentsDrawn; } catch (e) {}
    }
}"""


def worker_browser(incidents: str, repeats: int) -> dict:
    """Real Chromium against a real server: opening the page, and moving the date window."""
    from playwright.sync_api import sync_playwright

    sys.path.insert(0, str(REPO_DIR))
    from tests.apprunner import AppServer
    from tests.browser import block_external, launch_chromium

    # The same server start and stop as the browser tests (bounded, with its log on failure).
    out: dict = {}
    with AppServer(incidents, timeout=120) as server:
        url = f"{server.url}/"
        with sync_playwright() as pw:
            browser = launch_chromium(pw)
            try:
                # Each open in a new browser profile (cold cache: a first-time reader); the
                # median of at least 5, since one open varies by ±0.3 s on 2 busy cores.
                opens = []
                for _ in range(1 + max(5, repeats)):
                    page = browser.new_page(viewport={"width": 1400, "height": 1000})
                    aborted = block_external(page)
                    start = time.perf_counter()
                    page.goto(url)
                    drawn = page.wait_for_function(FRAMES_JS, timeout=300_000, polling=25)
                    opens.append(time.perf_counter() - start)
                    out["browser_drawn"] = drawn.json_value()
                    out["browser_external_requests"] = len(aborted)
                    page.close()
                out["browser_open_first_s"] = opens[0]  # the server also loads the data here
                out["browser_open_s"] = statistics.median(opens[1:])
                out["browser_open_runs"] = opens
                # A returning reader: the same profile, with Streamlit's and Leaflet's files
                # in the browser cache from the previous open. Without block_external, as
                # Playwright's request routing turns the cache off; the cold opens above
                # already show that the page asks nothing of the network.
                context = browser.new_context(viewport={"width": 1400, "height": 1000})
                warm = []
                for _ in range(1 + max(5, repeats)):
                    page = context.new_page()
                    start = time.perf_counter()
                    page.goto(url)
                    page.wait_for_function(FRAMES_JS, timeout=300_000, polling=25)
                    warm.append(time.perf_counter() - start)
                    page.close()
                out["browser_open_warm_s"] = statistics.median(warm[1:])
                out["browser_open_warm_runs"] = warm
                page = context.new_page()
                block_external(page)
                page.goto(url)
                page.wait_for_function(FRAMES_JS, timeout=300_000, polling=25)
                moves = []
                for _ in range(max(3, repeats)):
                    page.wait_for_timeout(1500)  # let the last rerun settle
                    before = page.evaluate(FRAMES_JS)
                    page.evaluate(CLEAR_JS)
                    # The date window's start thumb (an input of implicit role "slider").
                    thumb = page.locator('[data-testid="stSidebar"] [data-testid="stSlider"]')
                    thumb = thumb.get_by_role("slider").first
                    thumb.focus()
                    start = time.perf_counter()
                    thumb.press("PageUp")
                    drawn = page.wait_for_function(FRAMES_JS, timeout=120_000, polling=25)
                    moves.append(time.perf_counter() - start)
                    out["browser_moved_from"], out["browser_moved_to"] = before, drawn.json_value()
                out["browser_move_s"] = statistics.median(moves)
                out["browser_move_runs"] = moves
                out["browser_server_peak_mb"] = _proc_peak_mb(server.proc.pid)
            finally:
                browser.close()
    return out


def _proc_peak_mb(pid: int) -> float | None:
    try:
        text = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return None
    for line in text.splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return None


WORKERS = {
    "core": lambda a: worker_core(a["incidents"], a["routes"], a["places"], a["repeats"]),
    "baseline": lambda a: worker_baseline(a["incidents"], a["repeats"]),
    "app": lambda a: worker_app(a["incidents"], a["repeats"]),
    "browser": lambda a: worker_browser(a["incidents"], a["repeats"]),
}


def _run_worker(kind: str, args: dict, timeout: float) -> dict:
    """Run one measurement in a fresh Python process; its result, or an "error" entry."""
    cmd = [sys.executable, "-m", "dashboard.bench", kind, json.dumps(args)]
    env = dict(os.environ)
    env.pop("DASHBOARD_INCIDENTS", None)
    try:
        done = subprocess.run(
            cmd, cwd=REPO_DIR, env=env, capture_output=True, text=True, timeout=timeout
        )
    except subprocess.TimeoutExpired:
        return {"error": f"{kind} took longer than {timeout:.0f} s"}
    for line in reversed(done.stdout.splitlines()):
        if line.startswith(RESULT_MARK):
            return json.loads(line[len(RESULT_MARK) :])
    tail = (done.stderr or done.stdout).strip().splitlines()[-3:]
    return {"error": f"{kind} failed ({done.returncode}): " + " | ".join(tail)}


def _worker_main(argv: Sequence[str]) -> int:
    kind, args = argv[0], json.loads(argv[1])
    result = WORKERS[kind](args)
    print(RESULT_MARK + json.dumps(result), flush=True)
    return 0


# --- The command --------------------------------------------------------------------------------


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--sizes",
        default=",".join(str(n) for n in DEFAULT_SIZES),
        metavar="N,N,...",
        help="numbers of synthetic incidents (default: 1000,10000,100000)",
    )
    parser.add_argument("--json", metavar="PATH", help="also write every figure to this file")
    parser.add_argument(
        "--repeats", type=int, default=3, help="runs per measurement; the median is shown"
    )
    parser.add_argument("--no-browser", action="store_true", help="skip the Chromium timings")
    parser.add_argument(
        "--editing-only",
        action="store_true",
        help="only the place finder and saving figures (at the largest size)",
    )
    parser.add_argument(
        "--import-only",
        action="store_true",
        help="only the import of a synthetic ACLED extract (at the largest size)",
    )
    parser.add_argument(
        "--baseline-limit",
        type=float,
        default=BASELINE_LIMIT_S,
        metavar="SECONDS",
        help="extrapolate the plain-folium baseline instead of running it when it would take "
        f"longer (default {BASELINE_LIMIT_S:.0f})",
    )


def run(args: argparse.Namespace) -> int:
    try:
        sizes = sorted({int(s.replace("_", "")) for s in args.sizes.split(",") if s.strip()})
    except ValueError:
        print(f"error: --sizes must be whole numbers, e.g. 1000,10000 (got {args.sizes!r})")
        return 2
    if not sizes or sizes[0] < 1:
        print("error: give at least one size of 1 or more")
        return 2
    folder = Path(tempfile.mkdtemp(prefix="dashboard-bench-"))
    report: dict = {
        "machine": {"cpus": os.cpu_count(), "load_average_start": os.getloadavg()},
        "synthetic_folder": str(folder),
        "filter": {"window": [str(d) for d in BENCH_WINDOW], "category": BENCH_CATEGORY},
        "targets_at_100000": TARGETS,
        "sizes": {},
    }
    try:
        if args.import_only:
            from dashboard import bench_import

            _progress(f"{max(sizes):,}-row ACLED extract: import")
            report["import"] = bench_import.measure(max(sizes), folder)
            print(bench_import.format_section(report["import"]))
            if args.json:
                Path(args.json).write_text(json.dumps(report, indent=2, default=str))
            return 0
        previous: tuple[int, float] | None = None
        for n in [] if args.editing_only else sizes:
            entry: dict = {"size": n}
            start = time.perf_counter()
            data = write_synthetic(folder, n)
            entry["generate_s"] = time.perf_counter() - start
            entry["file_bytes"] = data.incidents.stat().st_size
            paths = {
                "incidents": str(data.incidents),
                "routes": str(data.routes),
                "places": str(data.places),
                "repeats": args.repeats,
            }
            _progress(f"{n:,} incidents: core measurements")
            entry.update(_prefixed(_run_worker("core", paths, 1800), "core"))
            _progress(f"{n:,} incidents: the app under streamlit.testing")
            entry.update(_prefixed(_run_worker("app", paths, 1800), "app"))
            estimate = previous[1] * n / previous[0] if previous else None
            if estimate is not None and estimate > args.baseline_limit:
                entry["baseline_extrapolated"] = True
                entry["baseline_map_s"] = estimate
                entry["baseline_from_size"] = previous[0]
            else:
                _progress(f"{n:,} incidents: plain-folium baseline")
                repeats = args.repeats if n <= 2000 else 1
                limit = max(600.0, 4 * (estimate or 0))
                result = _run_worker("baseline", dict(paths, repeats=repeats), limit)
                entry.update(_prefixed(result, "baseline"))
                entry["baseline_extrapolated"] = False
            if entry.get("baseline_map_s") and not entry["baseline_extrapolated"]:
                previous = (n, entry["baseline_map_s"])
                entry["baseline_bytes_per_incident"] = entry["baseline_map_bytes"] / n
            elif entry.get("baseline_extrapolated"):
                per = report["sizes"][str(previous[0])].get("baseline_bytes_per_incident")
                entry["baseline_map_bytes"] = per * n if per else None
            if entry.get("baseline_map_s") and entry.get("map_s"):
                entry["ratio_baseline_over_ours"] = entry["baseline_map_s"] / entry["map_s"]
            if entry.get("baseline_map_cpu_s") and entry.get("map_cpu_s"):
                entry["ratio_cpu"] = entry["baseline_map_cpu_s"] / entry["map_cpu_s"]
            elif entry.get("baseline_extrapolated") and entry.get("map_cpu_s"):
                base = report["sizes"][str(previous[0])].get("baseline_map_cpu_s")
                if base:
                    entry["baseline_map_cpu_s"] = base * n / previous[0]
                    entry["ratio_cpu"] = entry["baseline_map_cpu_s"] / entry["map_cpu_s"]
            report["sizes"][str(n)] = entry
        from dashboard import bench_edit

        _progress(f"{max(sizes):,} incidents: place finder and saving")
        last = write_synthetic(folder, max(sizes)) if args.editing_only else data
        report["editing"] = bench_edit.run(folder, sizes, last)
        if args.editing_only:
            report["machine"]["load_average_end"] = os.getloadavg()
            print(bench_edit.format_section(report["editing"]))
            if args.json:
                Path(args.json).write_text(json.dumps(report, indent=2, default=str))
            return 0
        if not args.no_browser:
            report["browser"] = _browser(folder, sizes, args.repeats)
        from dashboard import bench_import

        _progress(f"{max(sizes):,}-row ACLED extract: import")
        report["import"] = bench_import.measure(max(sizes), folder)
        report["machine"]["load_average_end"] = os.getloadavg()
        report["checks"] = _checks(report)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    text = format_report(report)
    if "editing" in report:
        from dashboard import bench_edit

        text += "\n" + bench_edit.format_section(report["editing"])
    if "import" in report:
        from dashboard import bench_import

        text += "\n" + bench_import.format_section(report["import"])
    print(text)
    if args.json:
        Path(args.json).write_text(json.dumps(report, indent=2, default=str), encoding="utf-8")
        print(f"wrote {args.json}")
    return 0


def _progress(message: str) -> None:
    print(f"… {message}", file=sys.stderr, flush=True)


def _prefixed(result: dict, kind: str) -> dict:
    if "error" in result:
        return {f"{kind}_error": result["error"]}
    return result


def _browser(folder: Path, sizes: list[int], repeats: int) -> dict:
    if not Path("/usr/bin/chromium").exists():
        return {"skipped": "no Chromium at /usr/bin/chromium"}
    try:
        import playwright  # noqa: F401
    except ImportError:
        return {"skipped": "playwright is not installed"}
    data = Synthetic(
        folder / f"incidents-{BROWSER_SIZE}.csv",
        folder / f"routes-{BROWSER_SIZE}.csv",
        Path(),
        BROWSER_SIZE,
    )
    if BROWSER_SIZE not in sizes:
        data = write_synthetic(folder, BROWSER_SIZE)
    _progress(f"{BROWSER_SIZE:,} incidents: Chromium against a local server")
    result = _run_worker(
        "browser", {"incidents": str(data.incidents), "repeats": repeats}, timeout=1800
    )
    return dict(result, size=BROWSER_SIZE)


def _checks(report: dict) -> dict:
    """Each target: the measured figure and whether it is met."""
    big = report["sizes"].get("100000", {})
    mid = report["sizes"].get("10000", {})
    browser = report.get("browser", {})
    pairs = {
        "load_validate_s": big.get("load_validate_s"),
        "filter_s": big.get("filter_s"),
        "map_s": big.get("map_s"),
        "map_bytes": big.get("map_bytes"),
        "png_s": big.get("png_s"),
        "app_rerun_s": big.get("app_rerun_s"),
        "peak_mb": big.get("app_peak_mb"),
        "browser_open_s": browser.get("browser_open_s"),
        "browser_move_s": browser.get("browser_move_s"),
    }
    out = {}
    for key, value in pairs.items():
        if value is not None:
            out[key] = {"value": value, "target": TARGETS[key], "met": value <= TARGETS[key]}
    for key, entry in (("ratio_100k", big), ("ratio_10k", mid)):
        value = entry.get("ratio_baseline_over_ours")
        if value is not None:
            out[key] = {"value": value, "target": TARGETS[key], "met": value >= TARGETS[key]}
    return out


def _fmt(value, kind: str = "s") -> str:
    if value is None:
        return "–"
    if kind == "s":
        return f"{value * 1000:.0f} ms" if value < 1 else f"{value:.2f} s"
    if kind == "mb":
        return f"{value / 1e6:.2f} MB"
    if kind == "mem":
        return f"{value:,.0f} MB"
    if kind == "x":
        return f"{value:,.0f}×" if value >= 10 else f"{value:.2f}×"
    return str(value)


def format_report(report: dict) -> str:
    sizes = list(report["sizes"].values())
    head = ["", *[f"{e['size']:,}" for e in sizes], "target @100k"]
    t = TARGETS
    rows: list[list[str]] = []

    def row(label, key, kind="s", target=""):
        rows.append([label, *[_fmt(e.get(key), kind) for e in sizes], target])

    row("load + validate (check_dataset)", "load_validate_s", target=f"≤ {t['load_validate_s']} s")
    row("  CPU time of those runs", "load_validate_cpu_s")
    row("  first call in a fresh process", "load_validate_first_s")
    row("prepare() for filtering (once per load)", "prepare_s")
    row("filter (date window + category)", "filter_s", target=f"≤ {t['filter_s'] * 1000:.0f} ms")
    rows.append(["  incidents selected", *[f"{e.get('filtered', '–'):,}" for e in sizes], ""])
    row("map build + HTML render, all incidents", "map_s", target=f"≤ {t['map_s']} s")
    row("  CPU time of those runs", "map_cpu_s")
    rows.append(["  route legs drawn", *[str(e.get("legs_drawn", "–")) for e in sizes], ""])
    row("  map HTML size", "map_bytes", "mb", f"≤ {t['map_bytes'] / 1e6:.0f} MB")
    row("  same map without route legs", "map_no_routes_s")
    row("  map of the filtered selection", "map_filtered_s")
    row("static PNG export, all incidents", "png_s", target=f"≤ {t['png_s']} s")
    row("  CPU time of those runs", "png_cpu_s")
    row("app rerun after a date-window change", "app_rerun_s", target=f"≤ {t['app_rerun_s']} s")
    row("  after a category change", "app_category_rerun_s")
    row("  rerun with nothing changed (cached)", "app_cached_rerun_s")
    rows.append(
        [
            "  data loads after two runs",
            *[str(e.get("app_loads_after_two_runs", "–")) for e in sizes],
            "1 (cached)",
        ]
    )
    row("  first run (load, validate, prepare, draw)", "app_first_run_s")
    row("app server peak memory (RSS)", "app_peak_mb", "mem", f"≤ {t['peak_mb']:,} MB")
    rows.append(
        [
            "BASELINE folium.Marker + popup each",
            *[
                _fmt(e.get("baseline_map_s"))
                + (" (extrapolated)" if e.get("baseline_extrapolated") else "")
                for e in sizes
            ],
            "",
        ]
    )
    row("  CPU time of those runs", "baseline_map_cpu_s")
    row("  baseline HTML size", "baseline_map_bytes", "mb")
    row(
        "ratio baseline / ours, map build + render",
        "ratio_baseline_over_ours",
        "x",
        f"≥ {t['ratio_100k']}× (≥ {t['ratio_10k']}× @10k)",
    )
    row("  the same ratio on CPU time", "ratio_cpu", "x")
    widths = [max(len(r[i]) for r in [head, *rows]) for i in range(len(head))]
    lines = [
        "Benchmark: synthetic incidents over the real region and years; "
        f"medians; {report['machine']['cpus']} CPUs, load average "
        f"{report['machine']['load_average_start'][0]:.1f} at the start",
        "  ".join(
            h.rjust(w) if i else h.ljust(w)
            for i, (h, w) in enumerate(zip(head, widths, strict=True))
        ),
    ]
    for r in rows:
        lines.append(
            "  ".join(
                c.rjust(w) if i else c.ljust(w)
                for i, (c, w) in enumerate(zip(r, widths, strict=True))
            )
        )
    for e in sizes:
        for key, value in e.items():
            if key.endswith("_error"):
                lines.append(f"! {e['size']:,}: {value}")
        if e.get("baseline_extrapolated"):
            lines.append(
                f"* baseline at {e['size']:,} extrapolated linearly from its run at "
                f"{e['baseline_from_size']:,} (it would take over the limit)"
            )
    browser = report.get("browser")
    if browser:
        if "skipped" in browser or "error" in browser:
            lines.append(f"Browser: {browser.get('skipped') or browser.get('error')}")
        else:
            lines.append(
                f"Browser (Chromium, {browser['size']:,} incidents): open → map drawn "
                f"{_fmt(browser.get('browser_open_s'))} (first, with the server loading the "
                f"data: {_fmt(browser.get('browser_open_first_s'))}; target ≤ "
                f"{t['browser_open_s']} s; with a warm browser cache "
                f"{_fmt(browser.get('browser_open_warm_s'))}); move the date window → map redrawn "
                f"{_fmt(browser.get('browser_move_s'))} (target ≤ {t['browser_move_s']} s); "
                f"server peak memory {_fmt(browser.get('browser_server_peak_mb'), 'mem')}"
            )
    checks = report.get("checks", {})
    missed = [k for k, c in checks.items() if not c["met"]]
    lines.append(
        "Targets: all met"
        if checks and not missed
        else "Targets missed: " + ", ".join(missed)
        if missed
        else "Targets: not checked (no 100,000 run)"
    )
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(_worker_main(sys.argv[1:]))
