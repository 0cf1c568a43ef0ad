"""The app's importer under Streamlit's AppTest: upload, mapping, problems, import."""

from __future__ import annotations

import csv
import io

import pytest
from streamlit.testing.v1 import AppTest

from benchmarks.importing import acled_rows
from dashboard.importers.acled import ACLED_COLUMNS
from tests.importers.test_formats import MY_MAPS_KML

SCRIPT = """
import os
import streamlit as st
from dashboard.store.csvstore import CsvStore
from dashboard.ui.importer import import_panel

store = CsvStore(os.environ["IMPORT_TARGET"])
mode = os.environ.get("IMPORT_EDITING")
ids = import_panel(store, editing=None if mode == "switch" else mode == "1")
if ids:
    st.write(f"imported {len(ids)}")
"""


@pytest.fixture
def target(tmp_path, monkeypatch):
    path = tmp_path / "incidents.csv"
    monkeypatch.setenv("IMPORT_TARGET", str(path))
    monkeypatch.setenv("IMPORT_EDITING", "1")
    return path


def app() -> AppTest:
    at = AppTest.from_string(SCRIPT, default_timeout=120)
    at.run()
    assert not at.exception, at.exception
    return at


def stored(path) -> list[dict[str, str]]:
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def acled_bytes() -> bytes:
    rows = acled_rows(4)
    rows[2]["sub_event_type"] = "Peaceful protest"
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=ACLED_COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


def problems_of(at: AppTest):
    """The problems table: the second dataframe, after the preview."""
    assert len(at.dataframe) == 2
    return at.dataframe[1].value


def import_button(at: AppTest):
    return next(b for b in at.button if b.label.startswith("Import "))


def test_read_only_without_editing(target, monkeypatch):
    monkeypatch.setenv("IMPORT_EDITING", "0")
    at = app()
    assert len(at.file_uploader) == 0
    assert "only when editing is switched on" in at.info[0].value


@pytest.mark.parametrize(("switch", "shown"), [("1", True), ("", False)])
def test_follows_the_editors_switch(target, monkeypatch, switch, shown):
    monkeypatch.setenv("IMPORT_EDITING", "switch")
    monkeypatch.setenv("DASHBOARD_EDITING", switch)
    at = app()
    assert (len(at.file_uploader) == 1) is shown


def test_acled_upload_shows_the_bad_row_then_imports_the_rest(target):
    at = app()
    at.file_uploader[0].set_value(("acled.csv", acled_bytes(), "text/csv"))
    at.run()
    assert not at.exception, at.exception
    assert any("Recognised as ACLED" in m.value for m in at.markdown)
    problems = problems_of(at)
    bad = problems[problems["severity"] == "error"]
    assert list(bad["line"]) == [4]
    assert list(bad["column"]) == ["sub_event_type"]
    assert "'Peaceful protest' has no category of ours" in bad["problem"].iloc[0]
    preview = at.dataframe[0].value
    assert list(preview["line"]) == [2, 3, 4, 5]
    assert any("3 imported, 0 already present, 1 rejected" in m.value for m in at.markdown)
    button = import_button(at)
    assert button.label == "Import 3 incidents" and not button.disabled
    button.click()
    at.run()
    assert not at.exception, at.exception
    assert any(m.value == "imported 3" for m in at.markdown)
    assert len(stored(target)) == 3
    # The same file again: nothing new, and the button says so by being disabled.
    at.run()
    assert any("0 imported, 3 already present, 1 rejected" in m.value for m in at.markdown)
    assert import_button(at).disabled


def test_my_maps_kml_asks_for_what_it_lacks(target):
    at = app()
    at.file_uploader[0].set_value(("My Map.kml", MY_MAPS_KML.encode("utf-8"), "application/xml"))
    at.run()
    assert not at.exception, at.exception
    # The proposed mapping: placemark name -> location, description -> summary.
    assert at.selectbox(key="importer-map-0-name").value == "location"
    assert at.selectbox(key="importer-map-1-description").value == "summary"
    asked = {s.label for s in at.selectbox} | {t.label for t in at.text_input}
    for field in ("category", "geo_precision", "confidence", "source_outlet", "source_title"):
        assert f"{field} for every row" in asked
    assert import_button(at).disabled  # nothing is invented: the fields must be given
    problems = problems_of(at)
    assert "no column gives this required field" in " ".join(problems["problem"])
    at.selectbox(key="importer-set-category").set_value("arrest")
    at.selectbox(key="importer-set-geo_precision").set_value("2")
    at.selectbox(key="importer-set-confidence").set_value("reported")
    at.text_input(key="importer-set-source_outlet").input("Newsroom map")
    at.text_input(key="importer-set-source_title").input("[Reporter's My Maps layer]")
    at.run()
    assert not at.exception, at.exception
    problems = problems_of(at)
    errors = problems[problems["severity"] == "error"]
    assert list(errors["line"]) == [3] and list(errors["column"]) == ["geometry"]
    import_button(at).click()
    at.run()
    rows = stored(target)
    assert [r["location"] for r in rows] == ["온성 Onsong", "Kunming"]
    assert {r["category"] for r in rows} == {"arrest"}
    assert {r["source_outlet"] for r in rows} == {"Newsroom map"}


def test_file_contents_are_never_markdown(target):
    hostile = "![x](http://example.org/x.png)"
    at = app()
    data = f"{hostile},latitude\n:red[boom],1\n".encode()
    at.file_uploader[0].set_value(("hostile.csv", data, "text/csv"))
    at.run()
    assert not at.exception, at.exception
    labels = [s.label for s in at.selectbox]
    assert hostile not in labels
    assert r"\!\[x\]\(http\://example\.org/x\.png\)" in labels
    notes = " ".join(c.value for c in at.caption)
    assert "](http" not in notes
