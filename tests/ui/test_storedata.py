"""The app's data from the database (AppTest): reload on a new version, outage handling."""

from __future__ import annotations

import json

import pytest
from streamlit.testing.v1 import AppTest

from benchmarks.synthetic import write_synthetic
from dashboard import DEFAULT_INCIDENTS, REPO_DIR
from dashboard.data.places import PLACES_PATH
from dashboard.data.routes import ROUTES_PATH
from dashboard.store.pgcluster import free_port
from dashboard.store.postgis import PostgisStore
from tests.conftest import CURATED_COUNT

URL_VAR = "DASHBOARD_TEST_PAGE_URL"
APP = REPO_DIR / "dashboard" / "ui" / "app.py"


def page():
    """A page wired the way app.py would: one store, data by version, outage line."""
    import os

    import streamlit as st

    from dashboard.store import open_store
    from dashboard.ui import storedata

    store = open_store(database_url=os.environ["DASHBOARD_TEST_PAGE_URL"])
    dataset, problems, stale, outage, version = storedata.load_current(store)
    storedata.show_outage(outage)
    st.text_input("Summary of the new incident", key="draft")
    if dataset is not None:
        st.write(f"{len(dataset.incidents)} incidents; stale={stale}")


@pytest.fixture
def loaded(pg_url, monkeypatch):
    store = PostgisStore(pg_url)
    store.init()
    assert store.load_files(DEFAULT_INCIDENTS, ROUTES_PATH, PLACES_PATH, author="t")[0]
    monkeypatch.setenv(URL_VAR, pg_url)
    yield store
    store.close()


def shown(at: AppTest) -> str:
    return " ".join(str(m.value) for m in at.markdown)


def test_a_save_elsewhere_shows_at_the_next_interaction(loaded):
    at = AppTest.from_function(page, default_timeout=120).run()
    assert not at.exception and f"{CURATED_COUNT} incidents; stale=False" in shown(at)
    other = PostgisStore(loaded.url)  # another app process's save
    row = other.get_incident("ONS-01")
    other.add_incidents([dict(row, incident_id="NEW-01")], author="ed")
    at.run()
    assert f"{CURATED_COUNT + 1} incidents; stale=False" in shown(at)


def test_outage_keeps_the_page_and_the_draft_and_retries(loaded, monkeypatch):
    at = AppTest.from_function(page, default_timeout=120).run()
    at.text_input(key="draft").input("Half-typed summary")
    at.run()
    monkeypatch.setenv(URL_VAR, f"postgresql://ed:pw-secret@127.0.0.1:{free_port()}/newsroom")
    at.run()
    assert not at.exception
    [error] = at.error
    assert "'newsroom' on 127.0.0.1" in error.value and "pw-secret" not in error.value
    assert "next click tries again" in error.value
    assert f"{CURATED_COUNT} incidents; stale=True" in shown(at)
    assert at.text_input(key="draft").value == "Half-typed summary"
    monkeypatch.setenv(URL_VAR, loaded.url)  # the database is back
    at.run()
    assert not at.error and f"{CURATED_COUNT} incidents; stale=False" in shown(at)
    assert at.text_input(key="draft").value == "Half-typed summary"


def test_first_visit_during_an_outage_says_why(monkeypatch):
    monkeypatch.setenv(URL_VAR, f"postgresql://ed:pw-secret@127.0.0.1:{free_port()}/newsroom")
    at = AppTest.from_function(page, default_timeout=120).run()
    assert not at.exception and "'newsroom' on 127.0.0.1" in at.error[0].value
    assert "pw-secret" not in at.error[0].value
    assert at.text_input(key="draft")  # the page is still there to type into


def map_data(at: AppTest) -> dict:
    """The large-selection payload (``IncidentPoints``) the app sends to the map."""
    [element] = [e for e in at.get("component_instance") if "st_folium" in e.proto.component_name]
    layers = json.loads(element.proto.json_args)["feature_group"]
    start = layers.index("A = ") + len("A = ")
    return json.JSONDecoder().raw_decode(layers[start:])[0]


def test_a_large_view_gets_its_map_levels_from_the_database(pg_url, tmp_path, monkeypatch):
    """In newsroom mode the map's zoom levels of a view the database can select are the
    database's (``store/postgis/pyramid.py``), and the map is the one Python draws; a text
    search leaves them to Python."""
    data = write_synthetic(tmp_path, 1_000)
    store = PostgisStore(pg_url)
    store.init()
    assert store.load_files(data.incidents, data.routes, data.places, author="t")[0]
    store.close()
    monkeypatch.setenv("DASHBOARD_DATABASE_URL", pg_url)
    asked = []
    computed = PostgisStore.pyramid

    def counted(self, **kwargs):
        asked.append(kwargs)
        return computed(self, **kwargs)

    monkeypatch.setattr(PostgisStore, "pyramid", counted)  # the real query, counted
    at = AppTest.from_file(str(APP), default_timeout=180).run()
    assert not at.exception
    assert len(asked) == 1 and asked[0]["categories"] is None
    from_sql = map_data(at)
    assert from_sql["total"] > 200 and len(from_sql["levels"]) > 1
    at.run()  # a rerun at the same filters (a click, a pan): the levels are kept
    assert not at.exception and len(asked) == 1 and map_data(at) == from_sql

    monkeypatch.setenv("DASHBOARD_SQL_PYRAMID", "0")
    asked.clear()
    at = AppTest.from_file(str(APP), default_timeout=180).run()
    assert not at.exception and not asked
    from_python = map_data(at)
    for level in (*from_sql["levels"], *from_python["levels"]):
        level.pop("xy")  # centres may round to a neighbouring 1e-4 degree (test_pyramid.py)
    assert from_sql == from_python

    monkeypatch.delenv("DASHBOARD_SQL_PYRAMID")
    at.text_input(key="text").input("Synthetic").run()
    assert not at.exception and not asked  # a text search: Python's filter, Python's levels
    assert map_data(at)["total"] > 200  # (still a view of aggregates)
