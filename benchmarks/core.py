"""The core library's figures, in a fresh process: load + validate, filter, map, PNG export.

Also the baseline most people would write: plain folium with one ``folium.Marker`` and popup
per incident.
"""

from __future__ import annotations

import time

from benchmarks.measure import cpu_of, peak_mb, timed
from benchmarks.synthetic import bench_filters


def worker_core(incidents: str, routes: str, places: str, repeats: int) -> dict:
    """Load + validate, filter, map build + render and PNG export, in this (fresh) process."""
    from dashboard.data.dataset import check_dataset
    from dashboard.export import SnapshotSpec, render
    from dashboard.filters import filter_incidents, prepare, routes_for
    from dashboard.map.build import build_map
    from dashboard.map.points import LARGE_THRESHOLD

    out: dict = {}
    start = time.perf_counter()
    dataset, problems = check_dataset(incidents, routes, places)
    out["load_validate_first_s"] = time.perf_counter() - start
    if dataset is None:
        raise RuntimeError("synthetic data did not validate: " + "; ".join(map(str, problems[:5])))
    out["validation_errors"] = sum(p.severity == "error" for p in problems)
    out["validation_warnings"] = sum(p.severity == "warning" for p in problems)
    out["load_validate_s"], out["load_validate_runs"], _ = timed(
        lambda: check_dataset(incidents, routes, places), repeats
    )
    out["load_validate_cpu_s"] = cpu_of(out["load_validate_runs"])
    out["prepare_s"], _, prepared = timed(lambda: prepare(dataset.incidents, dataset.places), 1)
    f = bench_filters()
    out["filter_s"], out["filter_runs"], shown = timed(
        lambda: filter_incidents(prepared, f), max(5, repeats)
    )
    out["filter_cpu_s"] = cpu_of(out["filter_runs"])
    out["filtered"] = len(shown)

    everything = prepared
    legs = routes_for(dataset.routes, everything)
    out["incidents"], out["legs_drawn"] = len(everything), len(legs)

    def map_html(frame, lines) -> str:
        m = build_map(frame, lines, dataset.places)
        return m.get_root().render()

    out["map_s"], out["map_runs"], html = timed(lambda: map_html(everything, legs), repeats)
    out["map_cpu_s"] = cpu_of(out["map_runs"])
    out["map_bytes"] = len(html.encode("utf-8"))
    out["map_mode"] = "dots" if len(everything) > LARGE_THRESHOLD else "icons"
    no_legs = dataset.routes.iloc[:0]
    out["map_no_routes_s"], _, _ = timed(lambda: map_html(everything, no_legs), repeats)
    shown_legs = routes_for(dataset.routes, shown)
    out["map_filtered_s"], _, html = timed(lambda: map_html(shown, shown_legs), repeats)
    out["map_filtered_bytes"] = len(html.encode("utf-8"))
    del html

    spec = SnapshotSpec(title="Benchmark", subtitle=f"{len(everything):,} synthetic incidents")
    out["png_s"], out["png_runs"], png = timed(
        lambda: render("png", everything, legs, dataset.places, spec), min(repeats, 2)
    )
    out["png_cpu_s"] = cpu_of(out["png_runs"])
    out["png_bytes"] = len(png)
    out["core_peak_mb"] = peak_mb()
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

    seconds, runs, html = timed(plain, repeats)
    return {
        "baseline_map_s": seconds,
        "baseline_map_cpu_s": cpu_of(runs),
        "baseline_map_runs": runs,
        "baseline_map_bytes": len(html.encode("utf-8")),
        "baseline_peak_mb": peak_mb(),
    }
