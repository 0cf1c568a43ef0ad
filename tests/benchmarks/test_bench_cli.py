"""``python -m benchmarks``: every benchmark is a subcommand, and bad sizes are one line."""

from __future__ import annotations

import subprocess
import sys

import pytest

from benchmarks.__main__ import build_parser, main
from dashboard import REPO_DIR


def test_every_benchmark_is_a_subcommand():
    done = subprocess.run(
        [sys.executable, "-m", "benchmarks", "--help"],
        cwd=REPO_DIR,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    for name in ("map", "edit", "import", "db", "loadtest"):
        assert name in done.stdout
    assert build_parser().parse_args(["map", "--sizes", "300", "--no-browser"]).sizes == "300"


@pytest.mark.parametrize(
    ("command", "sizes"),
    [("map", "a,b"), ("map", "0"), ("edit", "a,b"), ("edit", "0"), ("db", "1000,x")],
)
def test_bad_sizes_are_one_line_and_exit_2(command, sizes, capsys):
    assert main([command, "--sizes", sizes]) == 2
    out = capsys.readouterr()
    assert (out.out + out.err).startswith("error: ")
    assert "Traceback" not in out.out + out.err


def test_the_dashboard_cli_has_no_benchmark_left():
    from dashboard.cli import build_parser as dashboard_parser

    with pytest.raises(SystemExit):
        dashboard_parser().parse_args(["bench"])
