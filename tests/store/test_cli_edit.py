"""The editor's other actions from the command line, and the five workflow events in an
export: edit, withdraw, history, restore, places add."""

from __future__ import annotations

import csv
import json
import subprocess
import sys

from workflow_events import event_rows

from dashboard import REPO_DIR


def _run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "dashboard", *args],
        cwd=REPO_DIR,
        capture_output=True,
        text=True,
        timeout=300,
    )


def _data(store) -> list[str]:
    return [
        "--incidents", str(store.incidents_path),
        "--routes", str(store.routes_path),
        "--places", str(store.places_path),
    ]  # fmt: skip


def test_edit_withdraw_history_restore(store, tmp_path):
    cells = tmp_path / "cells.json"
    cells.write_text(json.dumps({"people_count": 2, "confidence": "confirmed"}))
    result = _run("edit", "ONS-01", "--json", str(cells), *_data(store), "--author", "cli")
    assert result.returncode == 0, result.stderr
    row = store.get_incident("ONS-01")
    assert (row["people_count"], row["confidence"]) == ("2", "confirmed")

    cells.write_text(json.dumps({"confidence": "sure"}))
    result = _run("edit", "ONS-01", "--json", str(cells), *_data(store))
    assert result.returncode == 1
    assert f"{cells}: confidence: unknown confidence 'sure'" in result.stderr

    result = _run("withdraw", "ONS-01", "--reason", "test", *_data(store))
    assert result.returncode == 0, result.stderr
    assert store.get_incident("ONS-01") is None

    result = _run("history", "ONS-01", *_data(store))
    lines = result.stdout.strip().splitlines()
    assert len(lines) == 2
    assert lines[0].endswith("  cli  edit ONS-01: people_count, confidence")
    assert "withdraw ONS-01: removed · test" in lines[1]
    withdraw_id = lines[1].split()[0]

    result = _run("restore", withdraw_id, *_data(store))
    assert result.returncode == 0, result.stderr
    assert store.get_incident("ONS-01")["people_count"] == "2"
    result = _run("withdraw", "ONS-02", "--reason", "x", *_data(store))
    assert result.returncode == 1
    assert "route R-ONSONG leg 1 names ONS-02" in result.stderr


def test_places_add_then_an_incident_uses_it(store, tmp_path):
    place = tmp_path / "place.json"
    place.write_text(
        json.dumps(
            {
                "place_id": "goseong_gangwon", "name": "Goseong", "kind": "county",
                "admin1": "Gangwon", "country": "KR", "latitude": 38.37881,
                "longitude": 128.4676, "alt_names": "고성군|Kosong",
                "coord_source": "test fixture point", "note": "",
            },
            ensure_ascii=False,
        )
    )  # fmt: skip
    result = _run("places", "add", "--json", str(place), *_data(store))
    assert result.returncode == 0, result.stderr
    result = _run("places", "add", "--json", str(place), *_data(store))
    assert result.returncode == 1
    assert "duplicate id 'goseong_gangwon'" in result.stderr
    row = tmp_path / "row.json"
    row.write_text(json.dumps({**event_rows()[3], "place_id": "goseong_gangwon"}))
    assert _run("add", "--json", str(row), *_data(store)).returncode == 0


def test_the_five_events_appear_in_an_export(store, tmp_path):
    store.add_incidents(event_rows(), author="t")
    out = tmp_path / "out.csv"
    result = _run("export", "--format", "csv", "--out", str(out), *_data(store))
    assert result.returncode == 0, result.stderr
    with open(out, newline="", encoding="utf-8-sig") as f:
        ids = {r["incident_id"] for r in csv.DictReader(f) if "incident_id" in r}
    assert {f"WF-{i}" for i in range(1, 6)} <= ids
