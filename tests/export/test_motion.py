"""The timeline in motion: which incidents each frame shows (moving window and cumulative,
vague windows in every step they overlap, undated ones left out and counted), the captions in
both languages, a real GIF (Pillow) and a real MP4 (ffprobe), blitting drawing the same pixels
as a full redraw, clear errors for bad input, and the command line end to end.

Incidents here are synthetic, made at run time from the curated rows' shape (their places and
columns), with the dates and categories each test needs."""

from __future__ import annotations

import datetime as dt
import io
import json
import shutil
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest
from PIL import Image

from dashboard import REPO_DIR
from dashboard.data.dataset import load_dataset
from dashboard.export import ExportError, SnapshotSpec
from dashboard.export.animate import ClipCanvas
from dashboard.export.clip import make_clip, terminal_bar
from dashboard.export.motion import (
    count_lines,
    plan_frames,
    step_caption,
    step_starts,
    undated_note,
)
from dashboard.filters import prepare
from dashboard.vocab import MOTION_FORMATS

TODAY = pd.Timestamp("2025-01-15")


@pytest.fixture(scope="module")
def curated():
    ds = load_dataset()
    return ds, prepare(ds.incidents, ds.places)


def synthetic(curated, rows: list[tuple[str, str | None, str | None, str]], place="seoul"):
    """Incidents (id, first day, last day, category) at one curated place; no first day is an
    undated incident, no last day an open end ("from mid-May")."""
    _, incidents = curated
    template = incidents[incidents["place_id"] == place].iloc[[0]]
    made = []
    for iid, start, end, category in rows:
        row = template.copy()
        row["incident_id"] = iid
        row["category"] = category
        row["date_start"] = pd.Timestamp(start) if start else pd.NaT
        row["date_end"] = pd.Timestamp(end) if end else pd.NaT
        row["date_end_open"] = bool(start and not end)
        made.append(row)
    return pd.concat(made, ignore_index=True)


def ids(plan, frame) -> set[str]:
    return set(plan.incidents.iloc[frame.rows]["incident_id"])


# A, an exact day in January; B, a vague window from late January to early March ("early
# 2024"); C, mid-March; D, no stated year; E, an arrest from 20 February with no stated end.
ROWS = [
    ("A", "2024-01-10", "2024-01-10", "arrest"),
    ("B", "2024-01-25", "2024-03-10", "lure"),
    ("C", "2024-03-15", "2024-03-15", "arrest"),
    ("D", None, None, "arrest"),
]
WINDOW = (dt.date(2024, 1, 1), dt.date(2024, 3, 31))


def test_steps_follow_the_calendar():
    assert step_starts(dt.date(2024, 5, 15), dt.date(2024, 5, 31), "week") == [
        dt.date(2024, 5, 13),  # a Monday
        dt.date(2024, 5, 20),
        dt.date(2024, 5, 27),
    ]
    assert step_starts(dt.date(2023, 11, 30), dt.date(2024, 2, 1), "month") == [
        dt.date(2023, 11, 1),
        dt.date(2023, 12, 1),
        dt.date(2024, 1, 1),
        dt.date(2024, 2, 1),
    ]
    assert step_starts(dt.date(2023, 12, 31), dt.date(2024, 4, 1), "quarter") == [
        dt.date(2023, 10, 1),
        dt.date(2024, 1, 1),
        dt.date(2024, 4, 1),
    ]


def test_moving_window_counts_a_vague_window_in_every_step_it_overlaps(curated):
    plan = plan_frames(synthetic(curated, ROWS), "month", "moving", WINDOW, TODAY)
    assert [f.caption for f in plan.frames] == ["January 2024", "February 2024", "March 2024"]
    assert [ids(plan, f) for f in plan.frames] == [{"A", "B"}, {"B"}, {"B", "C"}]
    assert [f.counts for f in plan.frames] == [
        {"lure": 1, "arrest": 1},
        {"lure": 1},
        {"lure": 1, "arrest": 1},
    ]
    assert plan.undated == 1  # D: left out, and counted for the caption


def test_cumulative_shows_everything_up_to_each_step(curated):
    plan = plan_frames(synthetic(curated, ROWS), "month", "cumulative", WINDOW, TODAY)
    assert [ids(plan, f) for f in plan.frames] == [{"A", "B"}, {"A", "B"}, {"A", "B", "C"}]
    assert count_lines(plan.frames[-1], "cumulative") == [
        "3 incidents so far",
        "Lure / entrapment: 1",
        "Arrest / detention: 2",
    ]


def test_weeks_and_an_open_end(curated):
    rows = [*ROWS, ("E", "2024-02-20", None, "arrest")]
    window = (dt.date(2024, 2, 12), dt.date(2024, 3, 3))
    plan = plan_frames(synthetic(curated, rows), "week", "moving", window, TODAY)
    assert [f.start for f in plan.frames] == [
        dt.date(2024, 2, 12),
        dt.date(2024, 2, 19),
        dt.date(2024, 2, 26),
    ]
    assert [ids(plan, f) for f in plan.frames] == [{"B"}, {"B", "E"}, {"B", "E"}]
    assert plan.frames[0].caption == "Week of 12 Feb 2024"


def test_the_window_defaults_to_the_dated_incidents(curated):
    plan = plan_frames(synthetic(curated, ROWS), "quarter", today=TODAY)
    assert [f.caption for f in plan.frames] == ["Q1 2024"]
    assert ids(plan, plan.frames[0]) == {"A", "B", "C"}


def test_captions_and_notes_in_korean():
    may = dt.date(2024, 5, 1)
    assert step_caption(may, "month") == "May 2024"
    assert step_caption(may, "month", lang="ko") == "2024년 5월"
    assert step_caption(dt.date(2024, 4, 1), "quarter") == "Q2 2024"
    assert step_caption(dt.date(2024, 4, 1), "quarter", lang="ko") == "2024년 2분기"
    assert step_caption(dt.date(2024, 5, 13), "week") == "Week of 13 May 2024"
    assert "2024" in step_caption(dt.date(2024, 5, 13), "week", lang="ko")
    assert undated_note(1) == (
        "1 incident with no stated year is left out: it cannot be placed in time"
    )
    assert undated_note(4, lang="ko") == "연도가 밝혀지지 않은 사건 4건은 시점을 정할 수 없어 제외"


@pytest.mark.parametrize(
    ("kwargs", "words"),
    [
        ({"step": "fortnight"}, "unknown step 'fortnight' (choose from week, month, quarter)"),
        ({"mode": "sliding"}, "unknown mode 'sliding'"),
        (
            {"window": (dt.date(2024, 5, 1), dt.date(2024, 1, 1))},
            "the date window is empty: it starts (1 May 2024) after it ends (1 Jan 2024)",
        ),
        (
            {"window": (dt.date(2020, 1, 1), dt.date(2020, 12, 31))},
            "no dated incident falls between 1 Jan 2020 and 31 Dec 2020",
        ),
        (
            {"step": "week", "window": (dt.date(2000, 1, 1), dt.date(2024, 1, 1))},
            "steps is too many for a clip (at most 600)",
        ),
    ],
)
def test_bad_input_is_a_clear_error(curated, kwargs, words):
    args = {"step": "month", "mode": "moving", "window": WINDOW} | kwargs
    with pytest.raises(ExportError) as err:
        plan_frames(synthetic(curated, ROWS), args["step"], args["mode"], args["window"], TODAY)
    assert words in str(err.value)


def test_only_undated_incidents_say_why_nothing_moves(curated):
    with pytest.raises(ExportError, match="no dated incident to put in motion; 1 incident with"):
        plan_frames(synthetic(curated, [ROWS[3]]), "month")


def _spec(lang="en") -> SnapshotSpec:
    return SnapshotSpec(title="Synthetic clip", subtitle="January to March 2024", lang=lang)


@pytest.mark.slow  # draws frames with matplotlib
def test_blitting_draws_the_same_frame_as_a_full_redraw(curated):
    ds, _ = curated
    plan = plan_frames(synthetic(curated, ROWS), "month", "moving", WINDOW, TODAY)
    fast = ClipCanvas(plan, ds.places, _spec(), "gif", blit=True)
    full = ClipCanvas(plan, ds.places, _spec(), "gif", blit=False)
    for frame in plan.frames:
        a, b = fast.frame(frame), full.frame(frame)
        assert a.shape == b.shape == (450, 800, 3)
        assert np.abs(a.astype(int) - b.astype(int)).mean() < 0.5
    # and frames differ where the steps do: March shows C, February does not
    feb, mar = fast.frame(plan.frames[1]), fast.frame(plan.frames[2])
    assert np.abs(feb.astype(int) - mar.astype(int)).sum() > 0


@pytest.mark.slow  # encodes a GIF
def test_gif_is_small_loops_and_holds_the_last_frame(curated):
    ds, _ = curated
    seen = []
    clip = make_clip(
        "gif",
        synthetic(curated, ROWS),
        ds.places,
        _spec("ko"),
        "month",
        window=WINDOW,
        progress=lambda done, total: seen.append((done, total)),
    )
    image = Image.open(io.BytesIO(clip.data))
    assert image.format == "GIF" and image.size == MOTION_FORMATS["gif"] == (800, 450)
    assert image.n_frames == 3
    durations = []
    for i in range(image.n_frames):
        image.seek(i)
        durations.append(image.info["duration"])
    assert durations == [1000, 1000, 3000]
    assert seen == [(1, 3), (2, 3), (3, 3)]
    assert clip.plan.undated == 1


@pytest.mark.slow  # encodes an MP4 with ffmpeg
def test_mp4_is_1080p_h264_with_a_held_last_frame(curated, tmp_path):
    if not shutil.which("ffprobe"):
        pytest.fail("ffmpeg is not installed: run `make media`")
    ds, _ = curated
    clip = make_clip("mp4", synthetic(curated, ROWS), ds.places, _spec(), "month", window=WINDOW)
    path = tmp_path / "clip.mp4"
    path.write_bytes(clip.data)
    probe = subprocess.run(
        [
            *("ffprobe", "-v", "error", "-print_format", "json"),
            *("-show_streams", "-show_format", str(path)),
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    info = json.loads(probe.stdout)
    (video,) = info["streams"]
    assert video["codec_name"] == "h264" and video["pix_fmt"] == "yuv420p"
    assert (video["width"], video["height"]) == (1920, 1080)
    # three steps of a second each, the last held three seconds in all
    assert float(info["format"]["duration"]) == pytest.approx(5.0, abs=0.05)


def test_terminal_bar_redraws_one_line():
    out = io.StringIO()
    bar = terminal_bar(out, width=10)
    bar(1, 4)
    bar(4, 4)
    text = out.getvalue()
    assert text.count("\n") == 1 and text.endswith("4/4\n")
    assert text.startswith("\rframes [##........] 1/4\rframes [##########] 4/4")


def _cli(*args: str) -> subprocess.CompletedProcess:
    run = subprocess.run(  # bytes: text mode would turn the bar's carriage returns into lines
        [sys.executable, "-m", "dashboard", "export", *args],
        capture_output=True,
        cwd=REPO_DIR,
        timeout=300,
    )
    run.stdout, run.stderr = run.stdout.decode(), run.stderr.decode()
    return run


@pytest.mark.slow  # a process drawing a GIF
def test_cli_writes_a_gif_with_a_progress_bar_and_says_what_it_left_out(tmp_path, curated):
    _, incidents = curated
    out = tmp_path / "clip.gif"
    run = _cli(
        *("--format", "gif", "--out", str(out), "--step", "quarter", "--mode", "cumulative"),
        *("--start", "2019-01-01", "--end", "2019-12-31"),
    )
    assert run.returncode == 0, run.stderr
    assert "Traceback" not in run.stderr
    assert "\rframes [" in run.stderr and "4/4\n" in run.stderr  # one line, redrawn
    undated = int(incidents["date_start"].isna().sum())
    assert f"note: {undated} incidents with no stated year are left out" in run.stderr
    assert run.stdout.startswith(f"wrote {out}") and "4 frames, one per quarter" in run.stdout
    image = Image.open(out)
    assert image.n_frames == 4 and image.size == (800, 450)


@pytest.mark.slow  # processes
@pytest.mark.parametrize(
    ("args", "code", "words"),
    [
        (("--step", "fortnight"), 2, "invalid choice: 'fortnight'"),
        (("--start", "2024-05-01", "--end", "2024-01-01"), 1, "error: the date window is empty"),
        (("--start", "2001-01-01", "--end", "2001-12-31"), 1, "error: no dated incident falls"),
    ],
)
def test_cli_bad_input_is_one_clear_line(tmp_path, args, code, words):
    run = _cli("--format", "mp4", "--out", str(tmp_path / "x.mp4"), *args)
    assert run.returncode == code
    assert words in run.stderr and "Traceback" not in run.stderr
    assert not (tmp_path / "x.mp4").exists()


@pytest.mark.slow  # a process
def test_cli_will_not_overwrite_before_drawing(tmp_path):
    out = tmp_path / "clip.gif"
    out.write_bytes(b"keep")
    run = _cli("--format", "gif", "--out", str(out))
    assert run.returncode == 1 and "already exists; use --force" in run.stderr
    assert out.read_bytes() == b"keep" and "frames [" not in run.stderr


def test_mp4_without_ffmpeg_says_how_to_install_it_before_drawing(curated, monkeypatch):
    import dashboard.export.encode as encode

    monkeypatch.setattr(encode.shutil, "which", lambda name: None)
    drawn = []
    monkeypatch.setattr("dashboard.export.clip.clip_frames", lambda *a: drawn.append(a) or [])
    ds, _ = curated
    with pytest.raises(ExportError, match="MP4 needs ffmpeg.*make media"):
        make_clip("mp4", synthetic(curated, ROWS), ds.places, _spec(), "month", window=WINDOW)
    assert drawn == []


@pytest.mark.slow  # draws a frame
def test_korean_captions_have_every_glyph(curated):
    import warnings

    ds, _ = curated
    plan = plan_frames(synthetic(curated, ROWS), "quarter", "moving", WINDOW, TODAY, lang="ko")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        canvas = ClipCanvas(plan, ds.places, _spec("ko"), "gif")
        canvas.frame(plan.frames[0])
    assert plan.frames[0].caption == "2024년 1분기"
    missing = [str(w.message) for w in caught if "missing from font" in str(w.message)]
    assert missing == []
