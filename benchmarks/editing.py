"""Benchmark of the editing path: the place finder, and saving into a large incidents file.

Part of ``python -m benchmarks map`` (or alone: ``python -m benchmarks edit``). Targets at 100,000
incidents: a finder answer in at most 50 ms; saving one incident in at most 0.5 s; a history
entry no larger than the change it records.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import tempfile
import time
from pathlib import Path

from benchmarks.measure import checked_sizes, progress
from benchmarks.synthetic import Synthetic, write_synthetic

FINDER_TARGET_S = 0.05
SAVE_TARGET_S = 0.5
# Found and not found, in five scripts and both romanisations.
FINDER_QUERIES = [
    "Pukch'ŏng",
    "Bukcheong",
    "Hamheung",
    "북청",
    "개성",
    "丹东",
    "Улан-Батор",
    "ວຽງຈັນ",
    "Sinuiju",
    "Yanji",
    "Panmunjom",  # not in any offline gazetteer: the 'nearest spellings' path
    "판문점",
    "Xyzzyville",
]


def measure_finder(repeats: int = 5) -> dict:
    """Cold index load (from the cache file) and warm answer times per query."""
    from dashboard.gazetteer import finder

    finder.regional_index.cache_clear()
    start = time.perf_counter()
    finder.regional_index()
    load_s = time.perf_counter() - start
    finder.search("warm-up")
    per_query = {}
    for query in FINDER_QUERIES:
        times = []
        for _ in range(repeats):
            t0 = time.perf_counter()
            finder.search(query)
            times.append(time.perf_counter() - t0)
        per_query[query] = statistics.median(times)
    return {
        "finder_index_load_s": load_s,
        "finder_median_s": statistics.median(per_query.values()),
        "finder_max_s": max(per_query.values()),
        "finder_per_query_s": per_query,
    }


def measure_saves(incidents: Path, routes: Path, places: Path, repeats: int = 3) -> dict:
    """Add and edit one incident in a copy of ``incidents``; sizes of the history entries."""
    from dashboard.store.csvstore import CsvStore, history_path

    work = incidents.with_name(f"edit-{incidents.name}")
    shutil.copy(incidents, work)
    store = CsvStore(work, routes, places)
    history = history_path(work)
    template = dict(store.get_incident("SYN-0000001") or {})
    # The first save in a process also reads the file's ids once; later ones reuse them.
    t0 = time.perf_counter()
    store.add_incidents([{**template, "incident_id": "BENCH-first"}], author="bench")
    first_s = time.perf_counter() - t0
    adds, edits, add_bytes, edit_bytes = [], [], [], []
    for i in range(repeats):
        row = {**template, "incident_id": f"BENCH-{i}", "summary": f"Bench save {i}."}
        before = history.stat().st_size if history.exists() else 0
        t0 = time.perf_counter()
        store.add_incidents([row], author="bench")
        adds.append(time.perf_counter() - t0)
        add_bytes.append(history.stat().st_size - before)

        target = f"SYN-{(i + 1) * 30_000 % 99_999 + 1:07d}"
        base = store.get_incident(target) or store.get_incident("SYN-0000002")
        before = history.stat().st_size
        t0 = time.perf_counter()
        store.update_incident(
            base["incident_id"], {**base, "people_count": str(90 + i)}, base=base, author="bench"
        )
        edits.append(time.perf_counter() - t0)
        edit_bytes.append(history.stat().st_size - before)
    row_bytes = len(_row_bytes(store, "BENCH-0"))
    work.unlink(missing_ok=True)
    history.unlink(missing_ok=True)
    return {
        "save_first_add_s": first_s,
        "save_add_s": statistics.median(adds),
        "save_edit_s": statistics.median(edits),
        "history_add_entry_bytes": statistics.median(add_bytes),
        "history_edit_entry_bytes": statistics.median(edit_bytes),
        "row_bytes": row_bytes,
        "file_bytes": incidents.stat().st_size,
    }


def _row_bytes(store, incident_id: str) -> bytes:
    from dashboard.store.csvfile import CsvBytes

    with CsvBytes(store.incidents_path) as f:
        rec = f.find(incident_id)
        return bytes(f.buf[rec.start : rec.end])


def format_section(result: dict) -> str:
    """A few lines for the bench report."""

    def ms(v: float) -> str:
        return f"{v * 1000:.1f} ms" if v < 1 else f"{v:.2f} s"

    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    lines = ["", f"Editing (place finder; saving into the largest file; load average {load})"]
    if "finder_max_s" in result:
        ok = "met" if result["finder_max_s"] <= FINDER_TARGET_S else "NOT met"
        lines.append(
            f"  place finder: median {ms(result['finder_median_s'])}, slowest "
            f"{ms(result['finder_max_s'])} over {len(FINDER_QUERIES)} names "
            f"(target <= 50 ms: {ok}); index load from cache {ms(result['finder_index_load_s'])}"
        )
    if "save_add_s" in result:
        ok = "met" if result["save_add_s"] <= SAVE_TARGET_S else "NOT met"
        lines.append(
            f"  save one incident into {result.get('size', 0):,} rows "
            f"({result['file_bytes'] / 1e6:.0f} MB): add {ms(result['save_add_s'])}, "
            f"edit {ms(result['save_edit_s'])} (target <= 0.5 s: {ok}); the first save in a "
            f"process {ms(result['save_first_add_s'])}"
        )
        lines.append(
            f"  history entry: add {result['history_add_entry_bytes']:,.0f} bytes "
            f"(the row is {result['row_bytes']:,} bytes), edit of one cell "
            f"{result['history_edit_entry_bytes']:,.0f} bytes"
        )
    return "\n".join(lines)


def run(folder: Path, sizes: list[int], data: Synthetic | None = None) -> dict:
    """The editing figures at the largest size (synthetic files written if not given)."""
    n = max(sizes)
    if data is None:
        data = write_synthetic(folder, n)
    result = {"size": n}
    result.update(measure_finder())
    result.update(measure_saves(Path(data.incidents), Path(data.routes), Path(data.places)))
    return result


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The ``edit`` command's options."""
    parser.add_argument(
        "--sizes",
        default="1000,10000,100000",
        metavar="N,N,...",
        help="synthetic incidents; the figures are taken at the largest (default: 100000)",
    )
    parser.add_argument("--json", metavar="PATH", help="also write every figure to this file")


def run_command(args: argparse.Namespace) -> int:
    """Only the place finder and saving figures, at the largest size."""
    sizes = checked_sizes(args.sizes)
    if sizes is None:
        return 2
    folder = Path(tempfile.mkdtemp(prefix="dashboard-bench-"))
    report: dict = {
        "machine": {"cpus": os.cpu_count(), "load_average_start": os.getloadavg()},
        "synthetic_folder": str(folder),
    }
    try:
        progress(f"{max(sizes):,} incidents: place finder and saving")
        report["editing"] = run(folder, sizes)
        report["machine"]["load_average_end"] = os.getloadavg()
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    print(format_section(report["editing"]))
    if args.json:
        Path(args.json).write_text(json.dumps(report, indent=2, default=str), encoding="utf-8")
    return 0
