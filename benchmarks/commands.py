"""The commands a journalist runs on a large file, timed as whole processes: ``validate`` the
first time (nothing cached) and again (the checked file cached, ``dashboard.data.loadcache``),
then a PNG and an SVG export. Each in a fresh process, its peak memory read for that process
alone (``os.wait4``), never its parent's."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from dashboard import REPO_DIR


def run_timed(args: list[str], env: dict[str, str], timeout: float = 1800) -> dict:
    """Wall seconds, CPU seconds and peak MB of ``python -m dashboard ARGS``, and its exit
    code."""
    start = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-m", "dashboard", *args],
        cwd=REPO_DIR,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    deadline = start + timeout
    while True:
        pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            break
        if time.perf_counter() > deadline:
            proc.kill()
            pid, status, usage = os.wait4(proc.pid, 0)
            break
        time.sleep(0.05)
    seconds = time.perf_counter() - start
    err = proc.stderr.read().decode("utf-8", "replace") if proc.stderr else ""
    proc.stderr.close()
    return {
        "s": seconds,
        "cpu_s": usage.ru_utime + usage.ru_stime,
        "peak_mb": usage.ru_maxrss / 1024,
        "rc": os.waitstatus_to_exitcode(status),
        "error": err.strip().splitlines()[-1] if err.strip() and status else None,
    }


def measure_commands(incidents: Path, routes: Path, folder: Path) -> dict:
    """``validate`` cold and warm, then PNG and SVG exports, with a cache folder of their own."""
    out: dict = {}
    with tempfile.TemporaryDirectory(prefix="bench-cache-", dir=folder) as cache:
        env = dict(os.environ, DASHBOARD_CACHE_DIR=cache)
        env.pop("DASHBOARD_INCIDENTS", None)
        data = ["--incidents", str(incidents), "--routes", str(routes)]
        for key, args in (
            ("cli_validate_cold", ["validate", *data]),
            ("cli_validate", ["validate", *data]),
            ("cli_png", ["export", "--format", "png", "--out", str(folder / "b.png"), *data]),
            ("cli_svg", ["export", "--format", "svg", "--out", str(folder / "b.svg"), *data]),
        ):
            result = run_timed([*args, "--force"] if args[0] == "export" else args, env)
            for name, value in result.items():
                out[f"{key}_{name}" if name != "s" else f"{key}_s"] = value
    return out
