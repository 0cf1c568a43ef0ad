"""Benchmark of the editing path: the place finder, and saving into a large incidents file.

Part of ``python -m dashboard bench`` (or alone with ``--editing-only``). Targets at 100,000
incidents: a finder answer in at most 50 ms; saving one incident in at most 0.5 s; a history
entry no larger than the change it records.
"""

from __future__ import annotations

import shutil
import statistics
import time
from pathlib import Path

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

    lines = ["", "Editing (place finder; saving into the largest file)"]
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
            f"edit {ms(result['save_edit_s'])} (target <= 0.5 s: {ok})"
        )
        lines.append(
            f"  history entry: add {result['history_add_entry_bytes']:,.0f} bytes "
            f"(the row is {result['row_bytes']:,} bytes), edit of one cell "
            f"{result['history_edit_entry_bytes']:,.0f} bytes"
        )
    return "\n".join(lines)


def run(folder: Path, sizes: list[int], data=None) -> dict:
    """The editing figures at the largest size (synthetic files written if not given)."""
    from dashboard.bench import write_synthetic

    n = max(sizes)
    if data is None:
        data = write_synthetic(folder, n)
    result = {"size": n}
    result.update(measure_finder())
    result.update(measure_saves(Path(data.incidents), Path(data.routes), Path(data.places)))
    return result
