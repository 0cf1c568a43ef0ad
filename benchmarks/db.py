"""``python -m benchmarks db``: the newsroom store's figures against a local database.

Always a throwaway cluster (dashboard/store/pgcluster.py, with fsync on as a real server),
never a newsroom's database: the benchmark writes synthetic rows. Measures, at each size: ``db load`` of the synthetic files
(validation included), the viewer's filter query in the database (date window + category,
the benchmark's standard filter), the app's full reload after a change, one saved edit and
whether another process sees it at its next interaction; and the map's zoom pyramid of the
standard filter and of everything, computed by the database and by Python on the loaded
rows.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import os
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.measure import parse_sizes
from benchmarks.synthetic import BENCH_CATEGORY, BENCH_WINDOW, bench_filters, write_synthetic

TARGETS = {"db_load_s": 30.0, "filter_query_ms": 100.0}


def _other_process(url: str, conn) -> None:
    """Another app process: it answers each 'interaction' with what it sees then."""
    from dashboard.store.postgis import PostgisStore

    store = PostgisStore(url)
    while True:
        ask = conn.recv()
        if ask is None:
            break
        t = time.perf_counter()
        version = store.data_version()
        row = store.get_incident(ask)
        conn.send((version, row["date_text"] if row else None, time.perf_counter() - t))
    store.close()


def _ticks(pid: int, children_done: bool = False) -> int:
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    ticks = int(fields[11]) + int(fields[12])  # utime, stime
    if children_done:
        ticks += int(fields[13]) + int(fields[14])  # of children already reaped
    return ticks


def server_cpu_s(postmaster: int | None) -> float:
    """CPU seconds the database server has used so far: the postmaster, its live children
    and the ones that exited (a fair figure on a machine shared with other work)."""
    if postmaster is None:
        return 0.0
    total = _ticks(postmaster, children_done=True)
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                ppid = int(f.read().rsplit(")", 1)[1].split()[1])
            if ppid == postmaster:
                total += _ticks(int(entry))
        except (OSError, ValueError, IndexError):
            continue
    return total / os.sysconf("SC_CLK_TCK")


def client_cpu_s() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def bench_size(
    url: str, folder: Path, n: int, repeats: int = 5, postmaster: int | None = None
) -> dict:

    from dashboard.store.postgis import PostgisStore

    data = write_synthetic(folder / str(n), n)
    store = PostgisStore(url)
    store.init()
    entry: dict = {"size": n}
    t, cpu, server = time.perf_counter(), client_cpu_s(), server_cpu_s(postmaster)
    counts, problems = store.load_files(data.incidents, data.routes, data.places, author="bench")
    entry["db_load_s"] = time.perf_counter() - t
    entry["db_load_client_cpu_s"] = client_cpu_s() - cpu
    entry["db_load_server_cpu_s"] = server_cpu_s(postmaster) - server
    entry["db_load_steps"] = dict(store.load_timings)
    if counts is None:
        raise RuntimeError(f"synthetic data did not validate: {problems[:3]}")
    start, end = (str(d) for d in BENCH_WINDOW)
    times, cpus, found = [], [], 0
    for _ in range(repeats):
        t, cpu, server = time.perf_counter(), client_cpu_s(), server_cpu_s(postmaster)
        found = len(store.filter_ids(start=start, end=end, categories=[BENCH_CATEGORY]))
        times.append(time.perf_counter() - t)
        cpus.append(client_cpu_s() - cpu + server_cpu_s(postmaster) - server)
    entry["filter_query_ms"] = 1000 * statistics.median(times)
    entry["filter_query_cpu_ms"] = 1000 * statistics.median(cpus)
    entry["filter_matches"] = found
    t = time.perf_counter()
    dataset, _ = store.load()
    entry["full_reload_s"] = time.perf_counter() - t
    first = dataset.incidents["incident_id"].iloc[0]
    # What the app does at each interaction once the data is loaded: the same in-memory
    # filter as with files (the dataset from the database is the files' dataset).

    from dashboard.filters import filter_incidents, prepare

    prepared = prepare(dataset.incidents, dataset.places)
    f = bench_filters()
    times = []
    for _ in range(repeats):
        t = time.perf_counter()
        shown = filter_incidents(prepared, f)
        times.append(time.perf_counter() - t)
    entry["app_filter_ms"] = 1000 * statistics.median(times)
    entry["app_filter_matches"] = len(shown)
    entry.update(bench_pyramid(store, dataset, prepared, repeats, postmaster))

    ctx = mp.get_context("spawn")
    mine, theirs = ctx.Pipe()
    other = ctx.Process(target=_other_process, args=(url, theirs))
    other.start()
    try:
        mine.send(first)
        before_version, _, _ = mine.recv()
        base = store.get_incident(first)
        t = time.perf_counter()
        store.update_incident(first, dict(base, date_text="bench edit"), base=base, author="bench")
        entry["save_edit_ms"] = 1000 * (time.perf_counter() - t)
        mine.send(first)
        version, seen, check_s = mine.recv()
        entry["other_process_sees_edit_next_interaction"] = (
            version != before_version and seen == "bench edit"
        )
        entry["other_process_check_ms"] = 1000 * check_s
        mine.send(None)
    finally:
        other.join(timeout=30)
    store.close()
    return entry


def bench_pyramid(store, dataset, prepared, repeats: int, postmaster: int | None) -> dict:
    """The map's zoom pyramid of the standard filter and of everything, both ways: in the
    database (``store.pyramid``: one snapshot, GROUP BY over the covering index) and in
    Python over the loaded rows (``aggregate.pyramid`` on the point incidents, after the
    app's filter), checked to agree; and the first pyramid after a new data version (which
    also reads which incidents are areas)."""
    from dashboard.aggregate import FEATURE_BUDGET, pyramid
    from dashboard.filters import Filters, filter_incidents
    from dashboard.store.postgis.pyramid import _AREA_CACHE, pyramid_source, sql_filters
    from dashboard.vague.areas import POINT, drawn_as

    out: dict = {}
    _AREA_CACHE.clear()
    t = time.perf_counter()
    store.pyramid(**sql_filters(bench_filters()))
    out["pyramid_sql_first_ms"] = 1000 * (time.perf_counter() - t)
    for name, f in (("", bench_filters()), ("_all", Filters())):
        shown = filter_incidents(prepared, f)
        points = shown[(drawn_as(shown, dataset.places) == POINT).to_numpy()]
        sql_times, sql_cpus, app_cpus, py_times, py_cpus = [], [], [], [], []
        for _ in range(repeats):
            t, cpu, server = time.perf_counter(), client_cpu_s(), server_cpu_s(postmaster)
            result = store.pyramid(**sql_filters(f))
            sql_times.append(time.perf_counter() - t)
            app_cpus.append(client_cpu_s() - cpu)
            sql_cpus.append(app_cpus[-1] + server_cpu_s(postmaster) - server)
            t, cpu = time.perf_counter(), client_cpu_s()
            levels = pyramid(points)
            py_times.append(time.perf_counter() - t)
            py_cpus.append(client_cpu_s() - cpu)
        mine = result.for_frame(dataset.store_positions[points.index.to_numpy()])
        same = mine is not None and all(
            a.zoom == b.zoom and (a.aggregates.count == b.aggregates.count).all()
            for a, b in zip(mine, levels, strict=True)
        )
        out[f"pyramid{name}_points"] = len(points)
        out[f"pyramid{name}_levels"] = [lv.zoom for lv in levels]
        out[f"pyramid{name}_sql_ms"] = 1000 * statistics.median(sql_times)
        out[f"pyramid{name}_sql_cpu_ms"] = 1000 * statistics.median(sql_cpus)
        # what the app process itself spends (the rest is the database server's)
        out[f"pyramid{name}_sql_app_cpu_ms"] = 1000 * statistics.median(app_cpus)
        out[f"pyramid{name}_python_cpu_ms"] = 1000 * statistics.median(py_cpus)
        out[f"pyramid{name}_sql_passes"] = result.passes
        out[f"pyramid{name}_python_ms"] = 1000 * statistics.median(py_times)
        out[f"pyramid{name}_agree"] = same
        # the app's way (``pyramid_source``): a rerun at the same filters (a click, a pan or
        # a zoom of the map) gets the levels it asked for before, mapped to the loaded rows
        source = pyramid_source(store, dataset, f)
        source(points, FEATURE_BUDGET)
        t = time.perf_counter()
        source(points, FEATURE_BUDGET)
        out[f"pyramid{name}_sql_rerun_ms"] = 1000 * (time.perf_counter() - t)
    return out


def run(sizes: list[int], json_path: str | None = None) -> int:
    from dashboard.store.pgcluster import Cluster

    report: dict = {
        "targets_at_100000": TARGETS,
        "cpus": os.cpu_count(),
        "load_average_start": os.getloadavg(),
        "sizes": {},
    }
    with Cluster("bench_template", durable=True) as cluster, tempfile.TemporaryDirectory() as tmp:
        for n in sizes:
            url = cluster.create_database(f"bench_{n}", template="bench_template")
            print(f"{n:,} incidents …", flush=True)
            entry = bench_size(url, Path(tmp), n, postmaster=cluster.postmaster_pid())
            report["sizes"][str(n)] = entry
            print(
                f"  db load {entry['db_load_s']:.1f} s (target {TARGETS['db_load_s']:.0f} s at "
                f"100,000); filter query {entry['filter_query_ms']:.1f} ms (target "
                f"{TARGETS['filter_query_ms']:.0f} ms), {entry['filter_matches']:,} matches; "
                f"the app's in-memory filter {entry['app_filter_ms']:.1f} ms "
                f"({entry['app_filter_matches']:,} matches); "
                f"full reload {entry['full_reload_s']:.1f} s; one edit saved in "
                f"{entry['save_edit_ms']:.0f} ms, seen by another process at its next "
                f"interaction: {'yes' if entry['other_process_sees_edit_next_interaction'] else 'NO'}"
                f" ({entry['other_process_check_ms']:.1f} ms)",
                flush=True,
            )
            steps = ", ".join(
                f"{k.removesuffix('_s')} {v:.1f} s" if isinstance(v, float) else f"{k} {v}"
                for k, v in entry["db_load_steps"].items()
            )
            print(f"  db load steps: {steps}", flush=True)
            print(
                f"  CPU time (client + server, what an idle machine would take): db load "
                f"{entry['db_load_client_cpu_s']:.1f} + {entry['db_load_server_cpu_s']:.1f} s; "
                f"filter query {entry['filter_query_cpu_ms']:.1f} ms",
                flush=True,
            )
            for name, what in (("", "the standard filter"), ("_all", "no filter")):
                print(
                    f"  map pyramid of {what} ({entry[f'pyramid{name}_points']:,} point "
                    f"incidents, zooms {entry[f'pyramid{name}_levels']}): in the database "
                    f"{entry[f'pyramid{name}_sql_ms']:.0f} ms "
                    f"({entry[f'pyramid{name}_sql_passes']} pass; CPU: app "
                    f"{entry[f'pyramid{name}_sql_app_cpu_ms']:.0f} ms + server "
                    f"{entry[f'pyramid{name}_sql_cpu_ms'] - entry[f'pyramid{name}_sql_app_cpu_ms']:.0f}"
                    f" ms), in Python on the loaded rows "
                    f"{entry[f'pyramid{name}_python_ms']:.0f} ms (CPU "
                    f"{entry[f'pyramid{name}_python_cpu_ms']:.0f} ms); agree: "
                    f"{'yes' if entry[f'pyramid{name}_agree'] else 'NO'}; the app's rerun at "
                    f"the same filters {entry[f'pyramid{name}_sql_rerun_ms']:.1f} ms",
                    flush=True,
                )
            print(
                f"  first map pyramid after a new data version: "
                f"{entry['pyramid_sql_first_ms']:.0f} ms",
                flush=True,
            )
    report["load_average_end"] = os.getloadavg()
    if json_path:
        Path(json_path).write_text(json.dumps(report, indent=2), encoding="utf-8")
        print(f"wrote {json_path}")
    return 0


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The ``db`` command's options."""
    parser.add_argument("--sizes", default="1000,100000", metavar="N,N,...")
    parser.add_argument("--json", metavar="PATH", help="also write the figures to this file")


def run_command(args: argparse.Namespace) -> int:
    """Parse the sizes, then ``run``; a database that cannot be used is one line, exit 1."""
    from dashboard.store.base import StoreError

    try:
        sizes = parse_sizes(args.sizes)
    except ValueError:
        print(f"error: --sizes must be whole numbers (got {args.sizes!r})", file=sys.stderr)
        return 2
    try:
        return run(sizes, args.json)
    except StoreError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
