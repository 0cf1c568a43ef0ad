"""Benchmark of the importer: a synthetic ACLED extract imported into an empty file.

``python -m benchmarks import [--rows 100000]`` writes the extract (ACLED's real column
set, generated at run time in a temporary folder, never in the project's data), then runs
``python -m dashboard import`` on it in a fresh process and reports the wall time and the
process's peak memory against the targets (15 s and 1 GB at 100,000 rows). The generators
are also what the importer's tests use.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from benchmarks.synthetic import sample_in_country
from dashboard import REPO_DIR
from dashboard.importers.acled import ACLED_COLUMNS
from dashboard.importers.ucdp import UCDP_COLUMNS

TARGET_S = 15.0
TARGET_MB = 1024.0
# Mapped sub-event types (so the rows import), with the event type ACLED files them under.
ACLED_TYPES = [
    ("Strategic developments", "Arrests"),
    ("Violence against civilians", "Abduction/forced disappearance"),
    ("Strategic developments", "Looting/property destruction"),
    ("Strategic developments", "Agreement"),
]
ACLED_COUNTRIES = {"KP": ("North Korea", 408, "East Asia"), "CN": ("China", 156, "East Asia")}


def acled_rows(n: int, seed: int = 11) -> list[dict[str, str]]:
    """``n`` synthetic ACLED rows that our validator accepts (points inside their country)."""
    rng = np.random.default_rng(seed)
    codes = np.where(rng.random(n) < 0.7, "KP", "CN")
    lon, lat = np.zeros(n), np.zeros(n)
    for code in ACLED_COUNTRIES:
        idx = np.flatnonzero(codes == code)
        if len(idx):
            lon[idx], lat[idx] = sample_in_country(rng, code, len(idx))
    first = dt.date(2016, 1, 1)
    days = rng.integers(0, 365 * 8, n)
    types = rng.integers(0, len(ACLED_TYPES), n)
    time_prec = rng.choice(["1", "1", "1", "2", "3"], n)
    geo_prec = rng.choice(["1", "2", "3"], n)
    rows = []
    for i in range(n):
        country, iso, region = ACLED_COUNTRIES[codes[i]]
        day = first + dt.timedelta(days=int(days[i]))
        event_type, sub = ACLED_TYPES[types[i]]
        prefix = "PRK" if codes[i] == "KP" else "CHN"
        rows.append(
            {
                "event_id_cnty": f"{prefix}{i + 1}",
                "event_date": day.isoformat(),
                "year": str(day.year),
                "time_precision": str(time_prec[i]),
                "disorder_type": "Strategic developments"
                if event_type == "Strategic developments"
                else "Political violence",
                "event_type": event_type,
                "sub_event_type": sub,
                "actor1": f"Police Forces of {country}",
                "assoc_actor_1": "",
                "inter1": "1",
                "actor2": "Civilians (North Korea)",
                "assoc_actor_2": "Refugees/IDPs (North Korea)" if i % 3 else "",
                "inter2": "7",
                "interaction": "17",
                "civilian_targeting": "Civilian targeting" if i % 2 else "",
                "iso": str(iso),
                "region": region,
                "country": country,
                "admin1": "",
                "admin2": "",
                "admin3": "",
                "location": f"Synthetic place {i % 997}",
                "latitude": f"{lat[i]:.4f}",
                "longitude": f"{lon[i]:.4f}",
                "geo_precision": str(geo_prec[i]),
                "source": "Synthetic Wire; Synthetic Daily",
                "source_scale": "National-International",
                "notes": f"On {day:%d %B %Y}, synthetic benchmark event {i + 1}: "
                "people were detained after crossing (synthetic text).",
                "fatalities": "0",
                "tags": "",
                "timestamp": str(1_700_000_000 + i),
            }
        )
    return rows


def ucdp_rows(n: int, seed: int = 13) -> list[dict[str, str]]:
    """``n`` synthetic UCDP GED rows with the GED column set (points inside China)."""
    rng = np.random.default_rng(seed)
    lon, lat = sample_in_country(rng, "CN", n)
    rows = []
    for i in range(n):
        start = dt.date(2018, 1, 1) + dt.timedelta(days=7 * i)
        end = start + dt.timedelta(days=i % 4)
        row = dict.fromkeys(UCDP_COLUMNS, "")
        row.update(
            {
                "id": str(400000 + i),
                "relid": f"CHN-2018-1-{i}",
                "year": str(start.year),
                "active_year": "1",
                "code_status": "Clear",
                "type_of_violence": "3",
                "conflict_dset_id": "999",
                "conflict_new_id": "999",
                "conflict_name": "Synthetic actor - Civilians",
                "dyad_dset_id": "999",
                "dyad_new_id": "999",
                "dyad_name": "Synthetic actor - Civilians",
                "side_a": "Synthetic actor",
                "side_b": "Civilians",
                "number_of_sources": "1",
                "source_article": f'"Synthetic Wire,{start},Synthetic headline {i}"',
                "source_office": "Synthetic Wire",
                "source_date": start.isoformat(),
                "source_headline": f"Synthetic headline {i}",
                "source_original": "residents",
                "where_prec": "1",
                "where_coordinates": f"Synthetic town {i}",
                "where_description": "",
                "adm_1": "",
                "latitude": f"{lat[i]:.4f}",
                "longitude": f"{lon[i]:.4f}",
                "geom_wkt": f"POINT ({lon[i]:.4f} {lat[i]:.4f})",
                "country": "China",
                "country_id": "710",
                "region": "Asia",
                "event_clarity": "1",
                "date_prec": "1" if start == end else "2",
                "date_start": f"{start} 00:00:00.000",
                "date_end": f"{end} 00:00:00.000",
                "best": "1",
                "high": "1",
                "low": "1",
            }
        )
        rows.append(row)
    return rows


def write_rows(path: Path | str, header: Sequence[str], rows: list[dict[str, str]]) -> Path:
    path = Path(path)
    with open(path, "w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(header), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    return path


def measure(rows: int, folder: Path | None = None) -> dict:
    """Import a synthetic ACLED extract of ``rows`` rows into an empty file, in a fresh
    process; its wall time, peak memory and what it printed."""
    if folder is None:  # a folder of its own, removed afterwards (the files are ~120 MB)
        with tempfile.TemporaryDirectory(prefix="dashboard-bench-import-") as tmp:
            return measure(rows, Path(tmp))
    folder = Path(folder)
    source = write_rows(folder / "acled.csv", ACLED_COLUMNS, acled_rows(rows))
    target = folder / "imported.csv"
    figures = folder / "usage.json"
    cmd = [sys.executable, "-m", "dashboard", "import", str(source), "--into", str(target)]
    # Run by a small Python process that reports its child's usage: a child's peak as this
    # process sees it (RUSAGE_CHILDREN) is the largest of every child so far and, through
    # exec, at least this process's own peak (the generated rows; in ``benchmarks map``,
    # everything measured before), not the import's.
    cmd = [sys.executable, "-c", _USAGE, str(figures), *cmd]
    start = time.perf_counter()
    env = {k: v for k, v in os.environ.items() if k != "DASHBOARD_DATABASE_URL"}  # CSV store
    done = subprocess.run(cmd, cwd=REPO_DIR, env=env, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    usage = json.loads(figures.read_text()) if figures.exists() else {"maxrss": 0, "cpu": 0}
    peak = usage["maxrss"]
    # CPU time says what the import costs when the machine is shared (wall time then
    # includes waiting for a core); on an idle machine the two are close.
    cpu = usage["cpu"]
    return {
        "rows": rows,
        "seconds": round(seconds, 2),
        "cpu_seconds": round(cpu, 2),
        "load_average": os.getloadavg(),
        "peak_mb": round(peak / 1024, 1),
        "exit": done.returncode,
        "summary": (done.stdout.strip().splitlines() or [""])[-1],
        "stderr_tail": done.stderr.strip().splitlines()[-3:],
        "file_bytes": source.stat().st_size,
    }


# Runs a command and writes its peak memory (kB, itself and the children it waited for, as
# /usr/bin/time reports it) and CPU seconds to a JSON file; exits with its status.
_USAGE = """
import json, resource, subprocess, sys
code = subprocess.call(sys.argv[2:])
usage = resource.getrusage(resource.RUSAGE_CHILDREN)
with open(sys.argv[1], "w") as f:
    json.dump({"maxrss": usage.ru_maxrss, "cpu": usage.ru_utime + usage.ru_stime}, f)
sys.exit(code)
"""


def meets_targets(result: dict) -> bool:
    """Whether the import worked and, at 100,000 rows or more, met both targets."""
    return result["exit"] == 0 and (
        result["rows"] < 100_000
        or (result["seconds"] <= TARGET_S and result["peak_mb"] < TARGET_MB)
    )


def format_section(result: dict) -> str:
    """The figure as one line of the benchmark report."""
    line = (
        f"Import of a {result['rows']:,}-row ACLED extract ({result['file_bytes'] / 1e6:.1f} MB): "
        f"{result['seconds']:.1f} s wall, {result['cpu_seconds']:.1f} s CPU "
        f"(target {TARGET_S:.0f} s at 100,000; load average {result['load_average'][0]:.1f}), "
        f"peak memory {result['peak_mb']:.0f} MB (target < {TARGET_MB:.0f} MB); "
        f"{result['summary']}"
    )
    if result["exit"] != 0:
        line += "\n  " + "\n  ".join(result["stderr_tail"])
    return line


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The ``import`` command's options."""
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--json", metavar="PATH", help="also write the figures to this file")


def run_command(args: argparse.Namespace) -> int:
    """Measure, print, and exit 1 when the import failed or missed a target."""
    result = measure(args.rows)
    print(format_section(result))
    if args.json:
        Path(args.json).write_text(json.dumps(result, indent=1))
    return 0 if meets_targets(result) else 1
