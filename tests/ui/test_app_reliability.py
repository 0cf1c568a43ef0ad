"""The app under bad input: problems shown, last good data kept, edits picked up."""

from __future__ import annotations

import os
import re
import time

from streamlit.testing.v1 import AppTest

from dashboard import DEFAULT_INCIDENTS, REPO_DIR
from tests.conftest import read_rows, write_rows

APP = str(REPO_DIR / "dashboard" / "ui" / "app.py")


def count_text(at: AppTest) -> str:
    """The count line above the map, as text."""
    body = next(e.proto.body for e in at.get("html") if "class='view-count'" in e.proto.body)
    return re.sub(r"<[^>]+>", "", body)


def touch_later(path) -> None:
    """Make sure the file's mtime moves even on coarse filesystems."""
    stamp = time.time() + 2
    os.utime(path, (stamp, stamp))


def test_bad_edits_keep_the_good_rows_then_the_last_good_data(tmp_path, monkeypatch):
    header, rows = read_rows(DEFAULT_INCIDENTS)
    path = write_rows(tmp_path / "live.csv", header, rows)
    monkeypatch.setenv("DASHBOARD_INCIDENTS", str(path))
    at = AppTest.from_file(APP, default_timeout=90)
    at.run()
    assert not at.exception
    assert count_text(at).startswith(f"{len(rows)} of {len(rows)} incidents")

    # A bad row: the others stay on screen, the bad one is named.
    bad = [dict(r) for r in rows]
    bad[1]["category"] = "kidnap"
    write_rows(path, header, bad)
    touch_later(path)
    at.run()
    assert not at.exception
    assert f"1 of {len(rows)} rows not loaded" in at.error[0].value
    messages = " ".join(c.value for c in at.code)
    assert f"{path}:3: category: unknown category 'kidnap'" in messages
    assert count_text(at).startswith(f"{len(rows) - 1} of {len(rows) - 1} incidents")

    # A file that cannot be read at all: the last good data stays on screen.
    path.write_bytes(b"\x00\x01binary")
    touch_later(path)
    at.run()
    assert not at.exception
    assert any("Showing the last good data" in e.value for e in at.error)
    assert count_text(at).startswith(f"{len(rows) - 1} of {len(rows) - 1} incidents")

    fewer = rows[:-2]
    write_rows(path, header, fewer)
    touch_later(path)
    at.run()
    assert not at.exception and not at.error
    assert count_text(at).startswith(f"{len(fewer)} of {len(fewer)} incidents")


def test_bad_file_on_first_load_shows_problems_without_crashing(tmp_path, monkeypatch):
    path = tmp_path / "garbage.csv"
    path.write_bytes(b"\x00\x01binary")
    monkeypatch.setenv("DASHBOARD_INCIDENTS", str(path))
    at = AppTest.from_file(APP, default_timeout=90)
    at.run()
    assert not at.exception
    assert at.error
    assert f"{path}: not a CSV text file" in " ".join(c.value for c in at.code)
