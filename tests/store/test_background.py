"""A large batch's history lines are built in a forked child: same bytes, nothing lost."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
import textwrap

from dashboard import REPO_DIR
from dashboard.store.base import Change
from dashboard.store.csvstore import BACKGROUND_ROWS, history_path


def _run(code: str) -> subprocess.CompletedProcess:
    """Run ``code`` in a fresh interpreter (one thread, so Background really forks)."""
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        cwd=REPO_DIR,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_child_bytes_failures_and_cancel():
    done = _run(
        """
        import os, time
        from dashboard.store.background import Background

        pieces = [bytes([i]) * 1_000_000 for i in range(10)]  # 10 MB through the pipe
        big = Background(lambda: iter(pieces))
        assert big._pid, "a one-thread process forks"
        assert b"".join(big.result()) == b"".join(pieces)
        calls = []
        def fails_in_child():
            calls.append(os.getpid())
            if len(calls) == 1 and os.getpid() != parent:
                os._exit(3)  # as if the child were killed
            return [b"made ", b"here"]
        parent = os.getpid()
        assert b"".join(Background(fails_in_child).result()) == b"made here"
        slow = Background(lambda: time.sleep(60) or [])
        started = time.monotonic()
        slow.cancel()
        assert time.monotonic() - started < 5
        print("ok")
        """
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "ok"


def test_a_large_import_writes_one_history_line_per_row_as_change_writes_it(tmp_path):
    """Through the CLI (one thread, so the child builds the lines) with more rows than the
    background threshold: every line parses and equals ``Change.to_json`` of its row."""
    from benchmarks.importing import ACLED_COLUMNS, acled_rows, write_rows

    n = BACKGROUND_ROWS + 7
    source = write_rows(tmp_path / "acled.csv", ACLED_COLUMNS, acled_rows(n))
    target = tmp_path / "into.csv"
    done = subprocess.run(
        [sys.executable, "-m", "dashboard", "import", str(source), "--into", str(target)],
        cwd=REPO_DIR,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    lines = history_path(target).read_text(encoding="utf-8").splitlines()
    assert len(lines) == n
    changes = [Change.from_json(line) for line in lines]
    with open(target, encoding="utf-8", newline="") as f:
        stored = list(csv.DictReader(f))
    assert [c.key for c in changes] == [r["incident_id"] for r in stored]
    assert changes[-1].key == f"ACLED-PRK{n}" or changes[-1].key == f"ACLED-CHN{n}"
    assert len({c.change_id for c in changes}) == n
    assert {c.action for c in changes} == {"import"} and len({c.at for c in changes}) == 1
    for line, change in zip(lines, changes, strict=True):
        assert line == change.to_json()
    for row, change in zip(stored, changes, strict=True):
        assert change.after == {k: v for k, v in row.items() if v or k == "incident_id"}
    assert json.loads(lines[-1])["before"] is None
