"""The scale benchmark: ``python -m benchmarks map [--sizes ...] [--json PATH]``.

Synthetic incidents (and route legs, ``benchmarks.synthetic``) are written to a temporary
folder, never over the curated files. For each size, in fresh subprocesses so sizes do not
pollute each other, it times loading and validation (and that a cached rerun does not reload),
filtering, map build + HTML render (with the HTML size), the static PNG export, a server-side
rerun of the app after a filter change (``streamlit.testing``) with the server's peak memory,
and the baseline most people would write: plain folium with one ``folium.Marker`` and popup per
incident. With Chromium present it also times, at 10,000 incidents, the page opening until the
map is drawn and a keyboard move of the date window until the map is redrawn. It ends with the
editing figures (``benchmarks.editing``) and the import (``benchmarks.importing``) at the
largest size.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import tempfile
import time
from pathlib import Path

from benchmarks import editing, importing
from benchmarks.browser import measure_browser
from benchmarks.commands import measure_commands
from benchmarks.measure import checked_sizes, progress, run_worker
from benchmarks.report import TARGETS, TARGETS_1M, checks, format_report
from benchmarks.synthetic import (
    BENCH_CATEGORY,
    BENCH_WINDOW,
    LAYOUTS,
    Synthetic,
    write_synthetic,
)

DEFAULT_SIZES = (1_000, 10_000, 100_000)
LARGE_BROWSER_SIZE = 1_000_000  # the browser is also timed at the largest size from here up
BASELINE_LIMIT_S = 60.0  # a baseline run expected to take longer is extrapolated, not run
BASELINE_UNTIMED_ABOVE = 100_000  # with no smaller size to extrapolate from, none is run above


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The ``map`` command's options."""
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
        "--layout",
        choices=LAYOUTS,
        default="spread",
        help="synthetic incidents spread over the region's countries (default), or clustered "
        "at the gazetteer's towns as real reporting is",
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
    """Every figure at every size, the table with the targets, and the JSON file if asked."""
    sizes = checked_sizes(args.sizes)
    if sizes is None:
        return 2
    folder = Path(tempfile.mkdtemp(prefix="dashboard-bench-"))
    report: dict = {
        "machine": {"cpus": os.cpu_count(), "load_average_start": os.getloadavg()},
        "synthetic_folder": str(folder),
        "filter": {"window": [str(d) for d in BENCH_WINDOW], "category": BENCH_CATEGORY},
        "targets_at_100000": TARGETS,
        "targets_at_1000000": TARGETS_1M,
        "layout": args.layout,
        "sizes": {},
    }
    try:
        previous: tuple[int, float] | None = None
        for n in sizes:
            start = time.perf_counter()
            data = write_synthetic(folder, n, layout=args.layout)
            entry = {"size": n, "generate_s": time.perf_counter() - start}
            entry.update(measure_size(data, args.repeats, args.baseline_limit, previous, report))
            if entry.get("baseline_map_s") and not entry["baseline_extrapolated"]:
                previous = (n, entry["baseline_map_s"])
            report["sizes"][str(n)] = entry
        progress(f"{max(sizes):,} incidents: place finder and saving")
        report["editing"] = editing.run(folder, sizes, data)
        if not args.no_browser:
            report["browser"] = measure_browser(folder, sizes, args.repeats)
            if max(sizes) >= LARGE_BROWSER_SIZE:
                report["browser_large"] = measure_browser(
                    folder, sizes, args.repeats, size=max(sizes), layout=args.layout
                )
        progress(f"{max(sizes):,}-row ACLED extract: import")
        report["import"] = importing.measure(max(sizes), folder)
        report["machine"]["load_average_end"] = os.getloadavg()
        report["checks"] = checks(report)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    text = format_report(report)
    text += "\n" + editing.format_section(report["editing"])
    text += "\n" + importing.format_section(report["import"])
    print(text)
    if args.json:
        Path(args.json).write_text(json.dumps(report, indent=2, default=str), encoding="utf-8")
        print(f"wrote {args.json}")
    return 0


def measure_size(
    data: Synthetic,
    repeats: int,
    baseline_limit: float,
    previous: tuple[int, float] | None,
    report: dict,
) -> dict:
    """The figures at one size: core and app in fresh processes, and the plain-folium
    baseline (extrapolated from ``previous``, the last size it ran at, when it would take
    longer than ``baseline_limit`` seconds)."""
    n = data.size
    entry: dict = {"file_bytes": data.incidents.stat().st_size}
    paths = {
        "incidents": str(data.incidents),
        "routes": str(data.routes),
        "places": str(data.places),
        "repeats": repeats,
    }
    progress(f"{n:,} incidents: core measurements")
    entry.update(_prefixed(run_worker("core", paths, 1800), "core"))
    progress(f"{n:,} incidents: validate and export as whole commands")
    entry.update(measure_commands(data.incidents, data.routes, data.incidents.parent))
    progress(f"{n:,} incidents: the app under streamlit.testing")
    entry.update(_prefixed(run_worker("app", paths, 1800), "app"))
    estimate = previous[1] * n / previous[0] if previous else None
    if estimate is None and n > BASELINE_UNTIMED_ABOVE:
        # Nothing smaller ran to extrapolate from, and plain folium at this size would take
        # hours and tens of GB: say so rather than start it.
        progress(f"{n:,} incidents: no plain-folium baseline (give a smaller size too)")
        entry["baseline_skipped"] = "no smaller size ran to extrapolate from"
    elif estimate is not None and estimate > baseline_limit:
        entry["baseline_extrapolated"] = True
        entry["baseline_map_s"] = estimate
        entry["baseline_from_size"] = previous[0]
    else:
        progress(f"{n:,} incidents: plain-folium baseline")
        runs = repeats if n <= 2000 else 1
        limit = max(600.0, 4 * (estimate or 0))
        result = run_worker("baseline", dict(paths, repeats=runs), limit)
        entry.update(_prefixed(result, "baseline"))
        entry["baseline_extrapolated"] = False
    if entry.get("baseline_map_s") and not entry["baseline_extrapolated"]:
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
    return entry


def _prefixed(result: dict, kind: str) -> dict:
    if "error" in result:
        return {f"{kind}_error": result["error"]}
    return result
