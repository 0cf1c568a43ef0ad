"""Open a file with bad rows and keep working with the good ones (issue 10, item 11)."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest
from playwright.sync_api import expect

from dashboard import DEFAULT_INCIDENTS, REPO_DIR
from dashboard.data.dataset import check_dataset
from dashboard.problems import errors
from dashboard.vague.areas import drawn_as
from harness.server import AppServer
from tests.conftest import read_rows, write_rows

from .ui import FIRST_DRAW, MAP_IFRAME, UI

pytestmark = pytest.mark.browser

BROKEN = {2: ("category", ""), 5: ("latitude", "abc")}  # row index -> (column, bad value)


@pytest.fixture(scope="module")
def bad_file(tmp_path_factory):
    header, rows = read_rows(DEFAULT_INCIDENTS)
    for index, (column, value) in BROKEN.items():
        rows[index][column] = value
    path = write_rows(tmp_path_factory.mktemp("bad") / "incidents-with-bad-rows.csv", header, rows)
    return path, [r["incident_id"] for i, r in enumerate(rows) if i not in BROKEN], len(rows)


@pytest.fixture(scope="module")
def server(bad_file):
    """Overrides the shared server: this module's app opens the broken file."""
    with AppServer(incidents=bad_file[0], timeout=90) as s:
        yield s


def test_bad_rows_are_reported_and_the_rest_load(app: UI, bad_file):
    path, good_ids, total = bad_file
    expected = [str(p) for p in errors(check_dataset(path)[1])]
    assert len(expected) == len(BROKEN)
    assert all(re.match(rf"^{re.escape(str(path))}:\d+: \w+: .+", m) for m in expected), expected

    app.open()
    main = app.page.get_by_test_id("stMain")
    notice = main.get_by_text(f"{len(BROKEN)} of {total} rows not loaded")
    expect(notice.first).to_be_visible(timeout=FIRST_DRAW)
    box = notice.first.bounding_box()
    assert box is not None and box["y"] < app.viewport["height"], "the notice is below the fold"
    for message in expected:  # each problem verbatim, on the page
        expect(app.page.get_by_text(message, exact=False).first).to_be_visible()
    expect(app.page.get_by_role("button", name=re.compile(r"Reload"))).to_be_visible()

    # The page is the whole dashboard, with the good rows.
    expect(
        app.page.get_by_role("heading", name="Crackdown on North Korean escapees")
    ).to_be_visible()
    expect(app.sidebar()).to_be_visible()
    expect(app.page.locator(MAP_IFRAME)).to_have_count(1)
    drawn, _ = check_dataset(path, keep_valid=True)
    points = set(
        drawn.incidents.loc[drawn_as(drawn.incidents, drawn.places) == "point", "incident_id"]
    )
    assert points and points <= set(good_ids)
    app.wait_for_markers(points, timeout=FIRST_DRAW)
    n = len(good_ids)
    expect(app.count_line()).to_have_text(re.compile(rf"^\s*{n} of ({n}|{total}) incidents"))


def test_validate_still_exits_1_on_that_file(bad_file):
    path = bad_file[0]
    proc = subprocess.run(
        [sys.executable, "-m", "dashboard", "validate", "--incidents", str(path)],
        cwd=REPO_DIR,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 1, proc.stdout + proc.stderr
    for message in (str(p) for p in errors(check_dataset(path)[1])):
        assert message in proc.stdout + proc.stderr
