"""``python -m dashboard add``: real processes on real files, at once and killed mid-write."""

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
from workflow_events import event_rows

from dashboard import REPO_DIR
from dashboard.data.incidents import check_incidents
from dashboard.problems import errors
from dashboard.store.csvstore import CsvStore, history_path
from tests.conftest import CURATED_COUNT


def _run(*args: str, timeout: float = 300) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "dashboard", *args],
        cwd=REPO_DIR,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def _data_args(store) -> list[str]:
    return [
        "--incidents",
        str(store.incidents_path),
        "--routes",
        str(store.routes_path),
        "--places",
        str(store.places_path),
    ]


def test_add_one_incident_from_json(store, tmp_path):
    row = event_rows()[2]
    path = tmp_path / "row.json"
    path.write_text(json.dumps({**row, "people_count": 1}), encoding="utf-8")
    result = _run("add", "--json", str(path), *_data_args(store), "--author", "cli-test")
    assert result.returncode == 0, result.stderr
    assert "added WF-3" in result.stdout
    assert store.get_incident("WF-3")["people_count"] == "1"
    assert store.history("WF-3")[0].author == "cli-test"


def test_add_reports_each_problem_naming_the_json_file_and_column(store, tmp_path):
    before = store.incidents_path.read_bytes()
    path = tmp_path / "bad.json"
    row = {**event_rows()[0], "category": "kidnap", "geo_precision": "9", "source_quote": ""}
    path.write_text(json.dumps(row), encoding="utf-8")
    result = _run("add", "--json", str(path), *_data_args(store))
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert f"{path}: source_quote: empty required cell" in lines
    assert any(line.startswith(f"{path}: category: unknown category 'kidnap'") for line in lines)
    assert any(
        line.startswith(f"{path}: geo_precision: 9 is out of range (1 to 4)") for line in lines
    )
    assert lines[-1] == "3 problems found; nothing was added."
    assert "Traceback" not in result.stderr
    assert store.incidents_path.read_bytes() == before


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{not json", ":1: not valid JSON: Expecting property name enclosed in double quotes"),
        ("[1]", ": expected a JSON object of column values"),
        ('{"summary": {"a": 1}}', ": summary: expected text or a number"),
    ],
)
def test_add_rejects_json_that_is_not_one_row(store, tmp_path, content, message):
    path = tmp_path / "row.json"
    path.write_text(content, encoding="utf-8")
    result = _run("add", "--json", str(path), *_data_args(store))
    assert result.returncode == 1
    assert f"{path}{message}" in result.stderr
    assert "Traceback" not in result.stderr


def test_twenty_adds_started_at_once_keep_all_twenty(store, tmp_path):
    base = event_rows()[0]
    procs = []
    for i in range(20):
        path = tmp_path / f"row{i}.json"
        path.write_text(json.dumps({**base, "incident_id": f"PAR-{i:02d}"}), encoding="utf-8")
        procs.append(
            subprocess.Popen(
                [sys.executable, "-m", "dashboard", "add", "--json", str(path), *_data_args(store)],
                cwd=REPO_DIR,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
        )
    outcomes = [(p.wait(timeout=600), p.stderr.read()) for p in procs]
    assert all(code == 0 for code, _ in outcomes), outcomes
    dataset, problems = store.load()
    assert dataset is not None, problems
    ids = set(dataset.incidents["incident_id"])
    assert {f"PAR-{i:02d}" for i in range(20)} <= ids
    assert len(dataset.incidents) == CURATED_COUNT + 20
    assert len(store.history()) == 20


def _big_copy(store, n: int = 30_000) -> list[str]:
    """Grow the incidents file to ``n`` rows (copies of the curated ones under new ids)."""
    with open(store.incidents_path, newline="", encoding="utf-8") as f:
        reader = csv.DictReader(f)
        header, rows = reader.fieldnames, list(reader)
    with open(store.incidents_path, "a", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=header, lineterminator="\n")
        for i in range(n - len(rows)):
            writer.writerow({**rows[i % len(rows)], "incident_id": f"BIG-{i:06d}", "route_id": ""})
    return header


_EDIT_LOOP = """
import sys
from dashboard.store.csvstore import CsvStore
store = CsvStore(sys.argv[1], sys.argv[2], sys.argv[3])
while True:
    base = store.get_incident("BIG-000007")
    n = int(base["people_count"] or 0) + 1
    store.update_incident("BIG-000007", {**base, "people_count": str(n)}, base=base, author="x")
    print(n, flush=True)
"""


def test_a_save_killed_part_way_leaves_the_old_file_or_the_new_one(store):
    _big_copy(store)
    size = store.incidents_path.stat().st_size
    assert size > 20_000_000
    rng = __import__("random").Random(13)
    seen_counts = set()
    for _ in range(6):
        proc = subprocess.Popen(
            [
                sys.executable,
                "-c",
                _EDIT_LOOP,
                *map(str, (store.incidents_path, store.routes_path, store.places_path)),
            ],
            cwd=REPO_DIR,
            stdout=subprocess.PIPE,
            text=True,
        )
        first = proc.stdout.readline()  # one save done: the next ones are under way
        assert first.strip(), "the edit loop did not start"
        time.sleep(rng.uniform(0.1, 2.0))
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        frame, problems = check_incidents(store.incidents_path)
        assert frame is not None and not errors(problems), problems[:3]
        assert len(frame) == 30_000
        assert abs(store.incidents_path.stat().st_size - size) < 100
        row = store.get_incident("BIG-000007")
        seen_counts.add(row["people_count"])
        # The history never claims a save the file lacks (the data is written first): its
        # last entry matches the row, or the kill fell between the two writes.
        last = store.history("BIG-000007")[-1].after["people_count"]
        assert row["people_count"] in (last, str(int(last) + 1))
    assert len(seen_counts) > 1
    # Temporary files of killed saves do not block saves, and the next save clears them.
    store.update_incident(
        "BIG-000007", {**row, "people_count": "1"}, base=row, author="after the crash"
    )
    assert not list(store.incidents_path.parent.glob(".incidents.csv.*.tmp"))


def test_a_save_that_fails_after_writing_the_temp_file_leaves_the_old_file(store, monkeypatch):
    before = store.incidents_path.read_bytes()
    folder_before = set(Path(store.incidents_path.parent).iterdir())

    def failing_replace(src, dst):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", failing_replace)
    with pytest.raises(OSError):
        store.add_incidents([event_rows()[0]], author="a")
    monkeypatch.undo()
    assert store.incidents_path.read_bytes() == before
    assert not history_path(store.incidents_path).exists()
    left = set(Path(store.incidents_path.parent).iterdir()) - folder_before
    assert all(p.name.endswith(".lock") for p in left), left
    assert CsvStore(store.incidents_path, store.routes_path, store.places_path).add_incidents(
        [event_rows()[0]], author="a"
    ) == ["WF-1"]
