"""A bounded load test of the newsroom store: editors saving while viewers filter.

``run_load_test(url)`` starts editor and viewer processes against one database for a fixed
time. Editors add incidents (synthetic copies of a stored one, with new ids) and edit the
incidents that were there at the start, with a pause between opening and saving so that they
do collide; a Conflict is answered as an editor would (reload, save again). Viewers run the
app's filter query (random categories and years), pausing 0.2 s between queries. Afterwards every write any editor was told succeeded is looked up in the
table and the history: none may be missing or doubled. Each viewer query is checked against
a recount of the same snapshot, and the total may never go down (nobody withdraws).

Run it with ``python -m benchmarks loadtest`` (against a throwaway cluster of its own).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import multiprocessing as mp
import random
import statistics
import sys
import time
import types
from collections import Counter

from dashboard.store.base import Conflict


def _editor(url: str, k: int, shared: list[str], barrier, seconds: float, out) -> None:
    from dashboard.store.postgis import PostgisStore

    store = PostgisStore(url)
    rng = random.Random(k)  # noqa: S311 - test traffic, not secrets
    template = store.get_incident(shared[0])
    result = {"role": "editor", "k": k, "adds": [], "edits": [], "conflicts": 0, "saves": []}
    try:
        barrier.wait(timeout=600)
        deadline = time.monotonic() + seconds
        n = 0
        while time.monotonic() < deadline:
            n += 1
            row = dict(
                template,
                incident_id=f"LT-{k:02d}-{n:05d}",
                summary=f"Synthetic load-test incident {n} by editor {k}",
            )
            t = time.perf_counter()
            store.add_incidents([row], author=f"editor{k}")
            result["saves"].append(time.perf_counter() - t)
            result["adds"].append(row["incident_id"])
            target = rng.choice(shared)
            for _ in range(50):
                base = store.get_incident(target)
                mine = dict(base, date_text=f"load test: editor {k}, save {n}")
                time.sleep(rng.uniform(0, 0.05))  # reading before saving: collisions happen
                t = time.perf_counter()
                try:
                    store.update_incident(target, mine, base=base, author=f"editor{k}")
                except Conflict:
                    result["conflicts"] += 1
                    continue
                result["saves"].append(time.perf_counter() - t)
                result["edits"].append((target, mine["date_text"]))
                break
    except Exception as exc:  # noqa: BLE001 - reported to the parent, which fails the run
        result["error"] = f"{type(exc).__name__}: {exc}"
    finally:
        store.close()
        out.put(result)


def _viewer(url: str, k: int, barrier, seconds: float, out, pause: float = 0.2) -> None:
    import sqlalchemy as sa

    from dashboard.store.postgis import engine_url, filter_query
    from dashboard.vocab import CATEGORIES

    rng = random.Random(1000 + k)  # noqa: S311
    engine = sa.create_engine(engine_url(url), isolation_level="REPEATABLE READ")
    result = {"role": "viewer", "k": k, "queries": [], "wrong": [], "totals": []}
    try:
        barrier.wait(timeout=600)
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            cats = rng.sample(sorted(CATEGORIES), rng.randint(1, 4))
            year = rng.randint(2015, 2024)
            filters = {
                "start": f"{year}-01-01",
                "end": f"{year + rng.randint(0, 3)}-12-31",
                "include_undated": rng.random() < 0.5,
                "categories": cats,
            }
            sql, params = filter_query(**filters)
            with engine.begin() as con:  # one snapshot: the query and its recount
                t = time.perf_counter()
                ids = [r[0] for r in con.exec_driver_sql(sql, params)]
                result["queries"].append(time.perf_counter() - t)
                rows = con.execute(
                    sa.text("SELECT incident_id, category, window_start, window_end FROM incidents")
                ).all()
            expected = sorted(
                iid
                for iid, cat, ws, we in rows
                if cat in cats
                and (
                    (ws is None and filters["include_undated"])
                    or (  # an open end (dated start, no end) runs on to today
                        ws is not None
                        and (we is None or str(we) >= filters["start"])
                        and str(ws) <= filters["end"]
                    )
                )
            )
            if sorted(ids) != expected:
                result["wrong"].append((filters, len(ids), len(expected)))
            result["totals"].append(len(rows))
            time.sleep(pause)  # a person reads the map before the next filter
    except Exception as exc:  # noqa: BLE001 - reported to the parent, which fails the run
        result["error"] = f"{type(exc).__name__}: {exc}"
    finally:
        engine.dispose()
        out.put(result)


def _pct(values: list[float], q: float) -> float | None:
    if not values:
        return None
    values = sorted(values)
    return values[min(len(values) - 1, int(q * len(values)))]


def _collect(out, procs: list, deadline: float) -> list[dict]:
    """Every worker's result; a worker that died without one fails the run at once (rather
    than at the deadline)."""
    import queue

    results: list[dict] = []
    while len(results) < len(procs):
        try:
            results.append(out.get(timeout=2))
            continue
        except queue.Empty:
            pass
        dead = [p for p in procs if p.exitcode not in (None, 0)]
        if dead or time.monotonic() > deadline:
            for p in procs:
                p.terminate()
            why = f"{len(dead)} worker(s) died (exit codes {[p.exitcode for p in dead]})"
            raise RuntimeError(why if dead else "the load test did not finish in time")
    return results


@contextlib.contextmanager
def _plain_main():
    """Start spawned workers without re-running the parent's ``__main__``.

    A spawned child first imports the parent's main script. Under pytest that can be a page
    script Streamlit's AppTest left as ``__main__`` (it needs that test's environment); the
    workers only need this module, so they are started with a bare ``__main__``."""
    saved = sys.modules["__main__"]
    sys.modules["__main__"] = types.ModuleType("__main__")
    try:
        yield
    finally:
        sys.modules["__main__"] = saved


def run_load_test(url: str, editors: int = 10, viewers: int = 10, seconds: float = 60) -> dict:
    """Run the load test; returns its figures and every check's findings (``ok`` is the
    verdict). The database must hold a loaded dataset."""
    import sqlalchemy as sa

    from dashboard.store.postgis import PostgisStore, engine_url

    store = PostgisStore(url)
    header, rows = store.rows("incidents")
    shared = [r[header.index("incident_id")] for r in rows]
    start_count = len(shared)
    ctx = mp.get_context("spawn")
    barrier = ctx.Barrier(editors + viewers)
    out = ctx.Queue()
    procs = [
        ctx.Process(target=_editor, args=(url, k, shared, barrier, seconds, out))
        for k in range(editors)
    ] + [ctx.Process(target=_viewer, args=(url, k, barrier, seconds, out)) for k in range(viewers)]
    with _plain_main():
        for p in procs:
            p.start()
    results = _collect(out, procs, deadline=time.monotonic() + seconds + 900)
    for p in procs:
        p.join(timeout=60)
    eds = [r for r in results if r["role"] == "editor"]
    vws = [r for r in results if r["role"] == "viewer"]
    added = [i for r in eds for i in r["adds"]]
    edits = [e for r in eds for e in r["edits"]]

    engine = sa.create_engine(engine_url(url))
    with engine.connect() as con:
        stored_ids = [r[0] for r in con.execute(sa.text("SELECT incident_id FROM incidents"))]
        hist = con.execute(
            sa.text(
                "SELECT action, key, after->>'date_text' FROM history"
                " WHERE table_name = 'incidents' AND action IN ('add', 'edit')"
                " AND author LIKE 'editor%' ORDER BY change_id"
            )
        ).all()
        final = dict(
            con.execute(
                sa.text("SELECT incident_id, date_text FROM incidents WHERE incident_id = ANY(:i)"),
                {"i": shared},
            ).all()
        )
    engine.dispose()
    store.close()
    hist_adds = Counter(k for a, k, _ in hist if a == "add")
    hist_edits = Counter((k, d) for a, k, d in hist if a == "edit")
    last_edit = {k: d for a, k, d in hist if a == "edit"}
    lt_stored = Counter(i for i in stored_ids if i.startswith("LT-"))
    findings = {
        "errors": [r["error"] for r in results if "error" in r],
        "adds_missing": sorted(set(added) - set(lt_stored)),
        "adds_unexpected": sorted(set(lt_stored) - set(added)),
        "adds_duplicated": sorted(i for i, n in lt_stored.items() if n > 1),
        "adds_history_wrong": sorted(i for i in added if hist_adds[i] != 1),
        "edits_missing_from_history": [e for e in edits if hist_edits[e] != 1],
        "edits_unreported": sum(hist_edits.values()) - len(edits),
        "final_not_last_edit": sorted(k for k, d in last_edit.items() if final.get(k) != d),
        "viewer_wrong_counts": [w for r in vws for w in r["wrong"]],
        "viewer_total_went_down": [
            r["k"]
            for r in vws
            if any(b < a for a, b in zip(r["totals"], r["totals"][1:], strict=False))
        ],
        "start_count": start_count,
        "end_count": len(stored_ids),
    }
    ok = (
        not findings["errors"]
        and not findings["adds_missing"]
        and not findings["adds_unexpected"]
        and not findings["adds_duplicated"]
        and not findings["adds_history_wrong"]
        and not findings["edits_missing_from_history"]
        and findings["edits_unreported"] == 0
        and not findings["final_not_last_edit"]
        and not findings["viewer_wrong_counts"]
        and not findings["viewer_total_went_down"]
        and len(stored_ids) == start_count + len(added)
    )
    saves = [s for r in eds for s in r["saves"]]
    queries = [q for r in vws for q in r["queries"]]
    return {
        "ok": ok,
        "editors": editors,
        "viewers": viewers,
        "seconds": seconds,
        "adds": len(added),
        "edits": len(edits),
        "conflicts_resolved": sum(r["conflicts"] for r in eds),
        "save_p50_ms": 1000 * (statistics.median(saves) if saves else 0),
        "save_p95_ms": 1000 * (_pct(saves, 0.95) or 0),
        "viewer_queries": len(queries),
        "query_p50_ms": 1000 * (statistics.median(queries) if queries else 0),
        "query_p95_ms": 1000 * (_pct(queries, 0.95) or 0),
        "findings": findings,
    }


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The ``loadtest`` command's options."""
    parser.add_argument("--editors", type=int, default=10)
    parser.add_argument("--viewers", type=int, default=10)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--json", metavar="PATH", help="also write the figures to this file")


def run_command(args: argparse.Namespace) -> int:
    """The load test on a throwaway cluster loaded with the curated files; exit 1 unless
    every check passed (or when the database cannot be used)."""
    from dashboard import DEFAULT_INCIDENTS
    from dashboard.data.places import PLACES_PATH
    from dashboard.data.routes import ROUTES_PATH
    from dashboard.store.base import StoreError
    from dashboard.store.pgcluster import Cluster
    from dashboard.store.postgis import PostgisStore

    try:
        with Cluster("loadtest") as cluster:
            store = PostgisStore(cluster.url)
            store.init()
            counts, problems = store.load_files(
                DEFAULT_INCIDENTS, ROUTES_PATH, PLACES_PATH, author="loadtest"
            )
            store.close()
            if counts is None:
                for p in problems:
                    print(p, file=sys.stderr)
                return 1
            result = run_load_test(cluster.url, args.editors, args.viewers, args.seconds)
    except StoreError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(json.dumps(result, indent=2))
    if args.json:
        with open(args.json, "w", encoding="utf-8") as f:
            json.dump(result, f, indent=2)
    return 0 if result["ok"] else 1
