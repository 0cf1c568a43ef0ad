"""Our own CSV and GeoJSON exports import back losslessly (internal columns aside), into an
empty file; an import interrupted part-way leaves the target exactly as it was."""

from __future__ import annotations

import csv
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from benchmarks.importing import acled_rows, write_rows
from dashboard import DEFAULT_INCIDENTS, REPO_DIR
from dashboard.cli import main
from dashboard.importers.acled import ACLED_COLUMNS
from dashboard.vocab import INTERNAL_COLUMNS


def rows_of(path: Path) -> list[dict[str, str]]:
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def same_cell(a: str, b: str) -> bool:
    if a == b:
        return True
    try:
        return float(a) == float(b)
    except ValueError:
        return False


@pytest.mark.parametrize("fmt", ["csv", "geojson"])
def test_own_export_imports_back_losslessly_into_an_empty_file(tmp_path, capsys, fmt):
    exported = tmp_path / f"export.{fmt}"
    assert main(["export", "--format", fmt, "--out", str(exported)]) == 0
    target = tmp_path / "empty.csv"
    target.write_bytes(b"")  # an empty file, as a newsroom might create one
    capsys.readouterr()
    code = main(["import", str(exported), "--into", str(target)])
    out = capsys.readouterr()
    assert code == 0, out.err
    original = rows_of(DEFAULT_INCIDENTS)
    assert f"{len(original)} imported, 0 already present, 0 rejected" in out.out
    imported = rows_of(target)
    assert [r["incident_id"] for r in imported] == [r["incident_id"] for r in original]
    for mine, theirs in zip(imported, original, strict=True):
        for column, value in theirs.items():
            if column in INTERNAL_COLUMNS:
                assert mine[column] == ""  # never exported, so never imported
                continue
            assert same_cell(mine[column], value), (mine["incident_id"], column)
    # Exporting the imported file gives the same bytes as the first export.
    again = tmp_path / f"again.{fmt}"
    assert main(["export", "--format", fmt, "--incidents", str(target), "--out", str(again)]) == 0
    if fmt == "csv":
        assert again.read_bytes() == exported.read_bytes()
    else:
        first, second = (json.loads(p.read_text(encoding="utf-8")) for p in (exported, again))
        assert first == second
    # And a second import recognises every row.
    capsys.readouterr()
    assert main(["import", str(exported), "--into", str(target)]) == 0
    assert f"0 imported, {len(original)} already present, 0 rejected" in capsys.readouterr().out


def _seeded_target(tmp_path: Path) -> Path:
    target = tmp_path / "target.csv"
    source = write_rows(tmp_path / "first.csv", ACLED_COLUMNS, acled_rows(5, seed=1))
    assert main(["import", str(source), "--into", str(target)]) == 0
    return target


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in folder.iterdir() if p.is_file() and p.suffix != ".lock"}


def test_interrupted_import_leaves_the_target_as_it_was(tmp_path, capsys, monkeypatch):
    """The process is interrupted (Ctrl-C) after the new file is fully written but before it
    replaces the old one: the worst moment for a non-atomic writer."""
    target = _seeded_target(tmp_path)
    source = write_rows(tmp_path / "second.csv", ACLED_COLUMNS, acled_rows(300, seed=2))
    folder_before = _snapshot(tmp_path)

    def interrupted(*_args, **_kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "replace", interrupted)
    capsys.readouterr()
    assert main(["import", str(source), "--into", str(target)]) == 130
    monkeypatch.undo()
    assert _snapshot(tmp_path) == folder_before  # no half file, no stray temp, no history line


def test_killed_import_never_leaves_a_half_written_target(tmp_path):
    """A real kill -9 of the importing process as soon as it starts writing: the target is
    either exactly the old file or the old file plus every new row, never anything between."""
    target = _seeded_target(tmp_path)
    old = target.read_bytes()
    source = write_rows(tmp_path / "big.csv", ACLED_COLUMNS, acled_rows(5_000, seed=3))
    proc = subprocess.Popen(
        [sys.executable, "-m", "dashboard", "import", str(source), "--into", str(target)],
        cwd=REPO_DIR,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 300
    try:
        while proc.poll() is None and time.monotonic() < deadline:
            if any(
                p.name.startswith(f".{target.name}.") and p.name.endswith(".tmp")
                for p in tmp_path.iterdir()
            ):
                proc.send_signal(signal.SIGKILL)
                break
            time.sleep(0.001)
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.wait()
    new = target.read_bytes()
    if new != old:  # the kill came after the swap: then the whole import is there
        assert new.startswith(old)
        assert len(rows_of(target)) == 5 + 5_000
