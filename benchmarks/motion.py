"""The clip benchmark: ``python -m benchmarks motion [--sizes ...] [--frames N] [--json PATH]``.

For each size, synthetic incidents (``benchmarks.synthetic``, written to a temporary folder)
step month by month through the benchmark window. In one run it times drawing the same frames
of the 1080p clip two ways: blitting (the still map drawn once, only the incident layers and
captions per frame, as the exports do) and redrawing everything for every frame (what a plain
loop would do: the whole figure re-rendered per frame, and, on three frames, rebuilt per frame
as a loop over snapshots would), as frames per second; then the whole 24-frame 1080p MP4 of all
incidents (plan, frames, H.264 through ffmpeg) against the issue's 30-second target, and the
small GIF. The load average is printed with the figures: on a shared machine they are noisy.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import json
import os
import resource
import tempfile
import time
from pathlib import Path

from benchmarks.measure import checked_sizes, progress
from benchmarks.synthetic import write_synthetic

DEFAULT_SIZES = (1_000, 10_000)
MP4_TARGET_S = 30.0  # issue 16: a 24-frame 1080p MP4 of all incidents in at most 30 s


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The ``motion`` command's options."""
    parser.add_argument(
        "--sizes",
        default=",".join(str(n) for n in DEFAULT_SIZES),
        metavar="N,N,...",
        help="numbers of synthetic incidents (default: 1000,10000)",
    )
    parser.add_argument(
        "--frames", type=int, default=24, help="frames (monthly steps) per clip (default 24)"
    )
    parser.add_argument("--json", metavar="PATH", help="also write every figure to this file")


def _cpu_s() -> float:
    """CPU seconds used so far by this process and its finished children (ffmpeg)."""
    own, kids = (
        resource.getrusage(resource.RUSAGE_SELF),
        resource.getrusage(resource.RUSAGE_CHILDREN),
    )
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def measure(n: int, frames: int, folder: Path) -> dict:
    """Every figure for ``n`` synthetic incidents."""
    from dashboard.data.dataset import check_dataset
    from dashboard.export.animate import ClipCanvas
    from dashboard.export.clip import make_clip
    from dashboard.export.motion import plan_frames
    from dashboard.export.spec import SnapshotSpec
    from dashboard.filters import prepare

    data = write_synthetic(folder, n)
    dataset, _ = check_dataset(data.incidents, data.routes, data.places)
    incidents = prepare(dataset.incidents, dataset.places)
    dated = incidents["date_start"].dropna()
    first = dated.min().date().replace(day=1)
    last = (first + dt.timedelta(days=31 * frames - 15)).replace(day=1)
    window = (first, last)
    plan = plan_frames(incidents, "month", "moving", window)
    plan = dataclasses.replace(plan, frames=plan.frames[:frames])
    spec = SnapshotSpec(title="Benchmark", subtitle=f"{n:,} synthetic incidents")
    out = {"incidents": n, "frames": len(plan.frames), "shown_per_frame_max": 0}
    out["shown_per_frame_max"] = max(f.total for f in plan.frames)
    canvases = {}
    for blit in (True, False):  # the still drawn once for each way; warm caches first
        name = "blit" if blit else "redraw"
        start = time.perf_counter()
        canvases[name] = ClipCanvas(plan, dataset.places, spec, "mp4", blit=blit)
        out[f"{name}_still_s"] = time.perf_counter() - start
        canvases[name].frame(plan.frames[0])
    for name, canvas in canvases.items():
        start, cpu = time.perf_counter(), time.process_time()
        for frame in plan.frames:
            canvas.frame(frame)
        seconds = time.perf_counter() - start
        out[f"{name}_cpu_ms"] = (time.process_time() - cpu) / len(plan.frames) * 1000
        canvas.close()
        out[f"{name}_frames_s"] = seconds
        out[f"{name}_fps"] = len(plan.frames) / seconds
        progress(f"{n:,} incidents, {name}: {len(plan.frames) / seconds:.1f} frames/s")
    # Rebuilding the whole figure for each frame (a loop over snapshots): a few frames only.
    few = plan.frames[:3]
    start = time.perf_counter()
    for frame in few:
        canvas = ClipCanvas(plan, dataset.places, spec, "mp4", blit=False)
        canvas.frame(frame)
        canvas.close()
    out["rebuild_fps"] = len(few) / (time.perf_counter() - start)
    progress(f"{n:,} incidents, rebuild: {out['rebuild_fps']:.2f} frames/s")
    for fmt in ("mp4", "gif"):
        start, cpu = time.perf_counter(), _cpu_s()
        clip = make_clip(fmt, incidents, dataset.places, spec, "month", "moving", window)
        out[f"{fmt}_s"] = time.perf_counter() - start
        out[f"{fmt}_cpu_s"] = _cpu_s() - cpu  # this process and ffmpeg: less noisy than wall
        out[f"{fmt}_bytes"] = len(clip.data)
        out[f"{fmt}_frames"] = len(clip.plan.frames)
        progress(f"{n:,} incidents, {fmt}: {out[f'{fmt}_s']:.1f} s")
    return out


def format_report(rows: list[dict], load: tuple[float, float, float]) -> str:
    """The figures as a table, with the blitting speed-up and the MP4 target."""
    lines = [
        f"load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f} (2 cores; shared machine)",
        f"{'incidents':>10} {'frames':>6} {'blit fps':>9} {'redraw fps':>10} {'speed-up':>8} "
        f"{'blit CPU ms':>11} {'redraw CPU ms':>13} {'rebuild fps':>11} "
        f"{'still s':>7} {'MP4 s':>6} {'MP4 CPU s':>9} {'GIF s':>6} {'MP4 MB':>6}",
    ]
    for r in rows:
        lines.append(
            f"{r['incidents']:>10,} {r['mp4_frames']:>6} {r['blit_fps']:>9.2f} "
            f"{r['redraw_fps']:>10.2f} {r['blit_fps'] / r['redraw_fps']:>7.1f}× "
            f"{r['blit_cpu_ms']:>11.0f} {r['redraw_cpu_ms']:>13.0f} {r['rebuild_fps']:>11.2f} "
            f"{r['blit_still_s']:>7.2f} {r['mp4_s']:>6.1f} {r['mp4_cpu_s']:>9.1f} {r['gif_s']:>6.1f} "
            f"{r['mp4_bytes'] / 1e6:>6.2f}"
        )
    worst = max(r["mp4_s"] for r in rows)
    cpu = max(r["mp4_cpu_s"] for r in rows)
    verdict = "met" if worst <= MP4_TARGET_S else "NOT met in wall time"
    lines.append(
        f"MP4 of all incidents: at most {worst:.1f} s wall, {cpu:.1f} s CPU (target "
        f"{MP4_TARGET_S:.0f} s: {verdict}; with a load above 2, wall time counts waiting for a core)"
    )
    return "\n".join(lines)


def run_command(args: argparse.Namespace) -> int:
    """Every figure at every size; the table; the JSON file if asked."""
    sizes = checked_sizes(args.sizes)
    if sizes is None:
        return 2
    if not 2 <= args.frames <= 120:
        print("error: --frames must be between 2 and 120")
        return 2
    rows = []
    with tempfile.TemporaryDirectory(prefix="bench-motion-") as tmp:
        for n in sizes:
            rows.append(measure(n, args.frames, Path(tmp)))
    load = os.getloadavg()
    print(format_report(rows, load))
    if args.json:
        Path(args.json).write_text(json.dumps({"load": load, "rows": rows}, indent=1))
    return 0
