"""The bounded load test: 10 editors saving for 60 s while 10 viewers filter (slow)."""

from __future__ import annotations

import json
import os

import pytest

from benchmarks.loadtest import run_load_test
from dashboard import DEFAULT_INCIDENTS, REPO_DIR
from dashboard.data.places import PLACES_PATH
from dashboard.data.routes import ROUTES_PATH
from dashboard.store.postgis import PostgisStore
from tests.conftest import CURATED_COUNT

SECONDS = float(os.environ.get("DASHBOARD_LOAD_SECONDS", "60"))


@pytest.mark.slow
def test_ten_editors_and_ten_viewers_lose_nothing(pg_url):
    store = PostgisStore(pg_url)
    store.init()
    assert store.load_files(DEFAULT_INCIDENTS, ROUTES_PATH, PLACES_PATH, author="t")[0]
    store.close()
    result = run_load_test(pg_url, editors=10, viewers=10, seconds=SECONDS)
    artifacts = REPO_DIR / "tests" / "artifacts"
    artifacts.mkdir(exist_ok=True)
    (artifacts / "loadtest-postgis.json").write_text(json.dumps(result, indent=2))
    print(json.dumps({k: v for k, v in result.items() if k != "findings"}, indent=2))
    assert result["findings"]["errors"] == []
    assert result["ok"], result["findings"]
    assert result["adds"] >= 10 and result["edits"] >= 10 and result["viewer_queries"] >= 10
    assert result["findings"]["end_count"] == CURATED_COUNT + result["adds"]
