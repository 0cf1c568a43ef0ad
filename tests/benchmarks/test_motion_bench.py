"""``python -m benchmarks motion``: bad options are one line; a tiny run prints blitting against
redrawing, and the MP4 against its target, from one run."""

from __future__ import annotations

import json

import pytest

from benchmarks.__main__ import main


@pytest.mark.parametrize("args", [["--sizes", "a,b"], ["--sizes", "0"], ["--frames", "1"]])
def test_bad_options_are_one_line_and_exit_2(args, capsys):
    assert main(["motion", *args]) == 2
    out = capsys.readouterr()
    assert (out.out + out.err).startswith("error: ")
    assert "Traceback" not in out.out + out.err


@pytest.mark.slow  # draws and encodes two small clips
def test_a_tiny_run_compares_blitting_with_redrawing(tmp_path, capsys):
    path = tmp_path / "motion.json"
    assert main(["motion", "--sizes", "200", "--frames", "3", "--json", str(path)]) == 0
    report = capsys.readouterr().out
    assert "load average" in report and "blit fps" in report and "redraw fps" in report
    assert "target 30 s" in report
    (row,) = json.loads(path.read_text())["rows"]
    assert row["frames"] == row["mp4_frames"] == 3
    assert row["blit_fps"] > 0 and row["redraw_fps"] > 0 and row["rebuild_fps"] > 0
