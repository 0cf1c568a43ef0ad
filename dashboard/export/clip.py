"""A timeline clip from start to finish, for the app and the command line alike: the frames'
plan (``motion``), their pixels (``animate``) and the file (``encode``)."""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Callable
from dataclasses import dataclass, replace

import geopandas as gpd
import pandas as pd

from dashboard.export.animate import clip_frames
from dashboard.export.encode import ffmpeg_path, gif_bytes, mp4_bytes
from dashboard.export.motion import MotionPlan, plan_frames
from dashboard.export.spec import ExportError, SnapshotSpec
from dashboard.i18n import DEFAULT_LANGUAGE, translator
from dashboard.vocab import MOTION_FORMATS

# Told (frames done, frames in all) as each frame is encoded: the app's bar, the terminal's.
ClipProgress = Callable[[int, int], None]


@dataclass(frozen=True)
class Clip:
    """The encoded clip and the plan it follows (frames, undated incidents left out)."""

    data: bytes
    plan: MotionPlan


def make_clip(
    fmt: str,
    incidents: pd.DataFrame,
    places: gpd.GeoDataFrame,
    spec: SnapshotSpec,
    step: str,
    mode: str = "moving",
    window: tuple[dt.date | None, dt.date | None] = (None, None),
    progress: ClipProgress | None = None,
) -> Clip:
    """A GIF or MP4 of ``incidents`` stepping through ``window``; ExportError for bad input."""
    if fmt not in MOTION_FORMATS:
        raise ExportError(f"unknown clip format {fmt!r} (choose from {', '.join(MOTION_FORMATS)})")
    plan = plan_frames(incidents, step, mode, window, lang=spec.lang)
    if fmt == "mp4":
        ffmpeg_path()  # before drawing anything: a missing encoder is said at once
    total = len(plan.frames)
    tick = (lambda done: progress(done, total)) if progress else None
    frames = clip_frames(plan, places, spec, fmt)
    encode = gif_bytes if fmt == "gif" else lambda f, t: mp4_bytes(f, MOTION_FORMATS[fmt], t)
    data = encode(frames, tick)
    return Clip(data, plan)


def terminal_bar(stream=None, width: int = 30) -> ClipProgress:
    """A progress bar on one line of the terminal (standard error), redrawn in place."""
    out = stream or sys.stderr

    def show(done: int, total: int) -> None:
        filled = round(width * done / total) if total else width
        end = "\n" if done >= total else ""
        out.write(f"\rframes [{'#' * filled}{'.' * (width - filled)}] {done}/{total}{end}")
        out.flush()

    return show


def clip_subtitle(f, span, shown: pd.DataFrame, total: int, *, lang: str = DEFAULT_LANGUAGE) -> str:
    """The clip's subtitle: the selection in words and how many dated incidents it moves
    through (undated ones and route legs are not in a clip, so it does not count them)."""
    from dashboard.summary import describe

    t = translator(lang)
    dated = int(shown["date_start"].notna().sum())
    words = describe(replace(f, include_undated=False), span, 0, lang=lang)
    return (
        words
        + " · "
        + t.gettext("{shown} of {total} incidents", shown=t.number(dated), total=t.number(total))
    )


def clip_command(args, incidents: pd.DataFrame, places: gpd.GeoDataFrame, spec, view) -> int:
    """``python -m dashboard export --format gif|mp4``: the clip with a progress bar on the
    terminal; what was left out is said; problems are one line, never a traceback. ``view``
    is (filters, data span, incidents in all), for the subtitle."""
    from pathlib import Path

    from dashboard.export.formats import write_output
    from dashboard.export.motion import undated_note

    if Path(args.out).expanduser().exists() and not args.force:  # say so before drawing
        print(f"error: {args.out}: already exists; use --force to overwrite it", file=sys.stderr)
        return 1
    spec = replace(spec, subtitle=clip_subtitle(*view[:2], incidents, view[2], lang=spec.lang))
    try:
        clip = make_clip(
            args.format,
            incidents,
            places,
            spec,
            args.step,
            args.mode,
            (args.start, args.end),
            progress=terminal_bar(),
        )
        out = write_output(args.out, clip.data, force=args.force)
    except ExportError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    if clip.plan.undated:
        print(f"note: {undated_note(clip.plan.undated, lang=spec.lang)}.", file=sys.stderr)
    frames = len(clip.plan.frames)
    print(f"wrote {out} ({len(clip.data):,} bytes): {frames} frames, one per {args.step}")
    return 0
