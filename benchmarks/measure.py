"""Timing helpers, and running one measurement in a fresh Python process.

Each measurement runs as ``python -m benchmarks.worker KIND JSON`` so that sizes and kinds do
not pollute each other (caches, imports, peak memory); the worker prints its figures on one
line marked ``RESULT_MARK``.
"""

from __future__ import annotations

import gc
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from dashboard import REPO_DIR

RESULT_MARK = "BENCH-RESULT "

_CPU: dict[int, float] = {}  # id(times list) -> median CPU seconds of the same calls


def timed(fn: Callable, repeats: int) -> tuple[float, list[float], object]:
    """Median wall time of ``repeats`` calls, every time, and the last result.

    The median CPU time of this process for the same calls is kept too (see ``cpu_of``): on a
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


def cpu_of(times: list[float]) -> float:
    """The median CPU time of the calls ``timed`` returned ``times`` for."""
    return _CPU[id(times)]


def peak_mb() -> float:
    """This process's peak memory (RSS) so far, in MB."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: kB


def proc_peak_mb(pid: int) -> float | None:
    """Peak memory (RSS) of another process, in MB; None when it cannot be read."""
    try:
        text = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return None
    for line in text.splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return None


def run_worker(kind: str, args: dict, timeout: float) -> dict:
    """Run one measurement in a fresh Python process; its result, or an "error" entry."""
    cmd = [sys.executable, "-m", "benchmarks.worker", kind, json.dumps(args)]
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


def parse_sizes(text: str) -> list[int]:
    """``"1000,10_000"`` as sorted distinct whole numbers; ValueError when one is not."""
    return sorted({int(s.replace("_", "")) for s in text.split(",") if s.strip()})


def checked_sizes(text: str) -> list[int] | None:
    """``parse_sizes``, or None after printing why the sizes cannot be used (exit 2)."""
    try:
        sizes = parse_sizes(text)
    except ValueError:
        print(f"error: --sizes must be whole numbers, e.g. 1000,10000 (got {text!r})")
        return None
    if not sizes or sizes[0] < 1:
        print("error: give at least one size of 1 or more")
        return None
    return sizes


def progress(message: str) -> None:
    """One line on stderr, so the report on stdout stays clean."""
    print(f"… {message}", file=sys.stderr, flush=True)
