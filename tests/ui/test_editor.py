"""The editor in the app (AppTest), on copies of the shipped files: a valid save, each invalid
field, edit, withdraw, a conflict with another editor, history restore, a route, and that
editing is off unless switched on."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from dashboard import DEFAULT_INCIDENTS
from dashboard.data.places import PLACES_PATH
from dashboard.data.routes import ROUTES_PATH
from dashboard.store.csvstore import CsvStore

APP = Path(__file__).with_name("editor_app.py")


@pytest.fixture
def store(tmp_path, monkeypatch) -> CsvStore:
    for src in (DEFAULT_INCIDENTS, ROUTES_PATH, PLACES_PATH):
        shutil.copy(src, tmp_path / src.name)
    monkeypatch.setenv("ED_INCIDENTS", str(tmp_path / "incidents.csv"))
    monkeypatch.setenv("ED_ROUTES", str(tmp_path / "routes.csv"))
    monkeypatch.setenv("ED_PLACES", str(tmp_path / "places.csv"))
    monkeypatch.setenv("DASHBOARD_EDITING", "1")
    monkeypatch.setenv("DASHBOARD_AUTHOR", "desk")
    return CsvStore(tmp_path / "incidents.csv", tmp_path / "routes.csv", tmp_path / "places.csv")


def _app() -> AppTest:
    at = AppTest.from_file(str(APP), default_timeout=180)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _problems(at: AppTest) -> list[str]:
    lines: list[str] = []
    for block in at.code:
        lines += block.value.splitlines()
    return lines


def _save_button(at: AppTest, key: str = "ed_save_new"):
    return at.button(key=key)


TEXT = {
    "incident_id": "WF-3",
    "date_text": "July 2020",
    "location": "Ganghwa Island",
    "summary": "Workflow test row (Ganghwa Island).",
    "source_quote": "Test fixture text, not a quote from any source.",
    "source_outlet": "Test fixture",
    "source_title": "Workflow test: Ganghwa Island",
}


def _fill_valid(at: AppTest, prefix: str = "ed_add_", skip: tuple[str, ...] = ()) -> AppTest:
    """Fill the add form as a journalist would, placing the incident with the finder
    (leaving out the choices named in ``skip``)."""
    for col, value in TEXT.items():
        at.text_input(key=prefix + col).input(value) if col not in (
            "summary",
            "source_quote",
        ) else at.text_area(key=prefix + col).input(value)
    for key, value in (("category", "crossing"), ("confidence", "reported")):
        if key not in skip:
            at.selectbox(key=prefix + key).set_value(value)
    at.date_input(key=prefix + "date_start").set_value(dt.date(2020, 7, 1))
    at.date_input(key=prefix + "date_end").set_value(dt.date(2020, 7, 31))
    at.run()
    at.text_input(key=prefix + "find").input("강화군").run()
    at.button(key=prefix + "use").click().run()
    if "geo_precision" not in skip:
        at.selectbox(key=prefix + "geo_precision").set_value(2)
    at.run()
    return at


def test_editing_is_off_unless_switched_on(store, monkeypatch):
    monkeypatch.delenv("DASHBOARD_EDITING")
    at = AppTest.from_file(str(APP), default_timeout=180)
    at.run()
    assert not at.exception
    assert len(at.text_input) == 0 and len(at.button) == 0


def test_a_valid_save_adds_the_incident_and_the_new_place(store):
    at = _fill_valid(_app())
    assert at.text_input(key="ed_add_latitude").value == "37.74722"
    assert at.text_input(key="ed_add_country").value == "KR"
    assert at.text_input(key="ed_add_place_id").value == "ganghwa_gun"
    assert _problems(at) == []
    assert not _save_button(at).disabled
    _save_button(at).click().run()
    assert not at.exception
    assert any("Saved WF-3" in s.value for s in at.success)
    row = store.get_incident("WF-3")
    assert (row["latitude"], row["place_id"], row["geo_precision"]) == (
        "37.74722",
        "ganghwa_gun",
        "2",
    )
    assert (row["date_start"], row["date_end"]) == ("2020-07-01", "2020-07-31")
    dataset, problems = store.load()
    assert dataset is not None, problems
    assert "ganghwa_gun" in dataset.places.index
    assert "강화군" in dataset.places.loc["ganghwa_gun", "alt_names"]
    assert store.history("WF-3")[0].author == "desk"
    # The form is empty again for the next one.
    assert at.text_input(key="ed_add_incident_id").value == ""


@pytest.mark.parametrize(
    ("widget", "key", "value", "message"),
    [
        ("text_input", "incident_id", "ONS-01", "new incident: incident_id: id 'ONS-01' is taken"),
        ("text_input", "date_text", "", "new incident: date_text: empty required cell"),
        ("selectbox", "category", None, "new incident: category: empty required cell"),
        ("date_input", "date_end", dt.date(2020, 6, 1), "new incident: date_end: 2020-06-01 is before date_start 2020-07-01"),
        ("text_input", "latitude", "north", "new incident: latitude: not a number: 'north'"),
        ("text_input", "longitude", "200", "new incident: longitude: 200 is out of range (-180 to 180)"),
        ("text_input", "country", "XX", "new incident: country: country 'XX' is not in the basemap region"),
        ("text_input", "people_count", "many", "new incident: people_count: not a whole number: 'many'"),
        ("text_area", "source_quote", "", "new incident: source_quote: empty required cell"),
        ("text_input", "source_url", "ftp://example.org", "new incident: source_url: not an http(s) link: 'ftp://example.org'"),
        ("text_input", "source_date", "July 2020", "new incident: source_date: not a date in YYYY-MM-DD form: 'July 2020'"),
    ],
)  # fmt: skip
def test_each_invalid_field_is_named_live_and_nothing_can_be_saved(
    store, widget, key, value, message
):
    if value is None:  # a choice never made (a selectbox cannot be emptied again)
        at = _fill_valid(_app(), skip=(key,))
    else:
        at = _fill_valid(_app())
        element = getattr(at, widget)(key="ed_add_" + key)
        element.set_value(value) if widget == "date_input" else element.input(value)
        at.run()
    before = store.incidents_path.read_bytes()
    assert message in _problems(at), _problems(at)
    assert _save_button(at).disabled
    assert store.incidents_path.read_bytes() == before


def test_a_point_far_outside_its_country_is_caught(store):
    at = _fill_valid(_app())
    at.text_input(key="ed_add_latitude").input("17.96667")
    at.text_input(key="ed_add_longitude").input("102.6").run()
    assert any(
        line.startswith("new incident: latitude: (17.9667, 102.6) lies") and "outside KR" in line
        for line in _problems(at)
    ), _problems(at)


def _open_for_edit(at: AppTest, incident_id: str) -> AppTest:
    at.radio(key="ed_mode").set_value("Edit or withdraw").run()
    at.selectbox(key="ed_choice").set_value(incident_id).run()
    return at


def test_edit_saves_only_that_row(store):
    at = _open_for_edit(_app(), "ONS-01")
    assert at.text_input(key="ed_edit_location").value == "Onsong County (family home)"
    assert at.text_input(key="ed_edit_incident_id").disabled
    old = store.incidents_path.read_bytes().splitlines()
    at.text_area(key="ed_edit_summary").input("Edited in the app.").run()
    assert _problems(at) == []
    at.button(key="ed_save_edit").click().run()
    assert any("Saved the changes to ONS-01" in s.value for s in at.success)
    new = store.incidents_path.read_bytes().splitlines()
    assert [i for i, (a, b) in enumerate(zip(old, new, strict=True)) if a != b] == [1]
    change = store.history("ONS-01")[-1]
    assert change.action == "edit" and change.after == {
        "incident_id": "ONS-01",
        "summary": "Edited in the app.",
    }


def test_withdraw_takes_it_off_and_history_restores_it(store):
    at = _open_for_edit(_app(), "ONS-01")
    assert at.button(key="ed_withdraw").disabled  # a reason is required
    at.text_input(key="ed_withdraw_reason").input("Duplicate of ONS-04").run()
    at.button(key="ed_withdraw").click().run()
    assert any("Withdrew ONS-01" in s.value for s in at.success)
    assert store.get_incident("ONS-01") is None
    at.radio(key="ed_mode").set_value("History").run()
    assert at.selectbox(key="ed_hist_key").value == "ONS-01"
    assert "Duplicate of ONS-04" in at.dataframe[0].value["note"].tolist()
    at.button(key="ed_hist_restore").click().run()
    assert any("Restored" in s.value for s in at.success)
    assert store.get_incident("ONS-01")["incident_id"] == "ONS-01"
    assert [c.action for c in store.history("ONS-01")] == ["withdraw", "restore"]


def test_a_conflict_shows_both_versions_and_saves_nothing(store):
    at = _open_for_edit(_app(), "ONS-01")
    # Someone else saves the same incident after this editor opened it.
    theirs = store.get_incident("ONS-01")
    store.update_incident("ONS-01", {**theirs, "people_count": "5"}, base=theirs, author="other")
    saved = store.incidents_path.read_bytes()
    at.text_input(key="ed_edit_actors").input("Changed by me").run()
    at.button(key="ed_save_edit").click().run()
    assert any("someone saved ONS-01 after you opened it" in e.value for e in at.error)
    table = at.dataframe[0].value
    assert set(table["column"]) == {"people_count", "actors"}
    mine = table.set_index("column")
    assert mine.loc["people_count", "saved by them"] == "5"
    assert mine.loc["actors", "your version"] == "Changed by me"
    assert store.incidents_path.read_bytes() == saved
    # Keeping mine over theirs is an explicit choice.
    at.button(key="ed_conflict_mine").click().run()
    row = store.get_incident("ONS-01")
    assert row["actors"] == "Changed by me"
    assert row["people_count"] == ""  # mine, as the conflict table showed


def test_load_their_version_after_a_conflict(store):
    at = _open_for_edit(_app(), "ONS-01")
    theirs = store.get_incident("ONS-01")
    store.update_incident("ONS-01", {**theirs, "people_count": "5"}, base=theirs, author="other")
    at.text_input(key="ed_edit_actors").input("Changed by me").run()
    at.button(key="ed_save_edit").click().run()
    at.button(key="ed_conflict_theirs").click().run()
    assert at.text_input(key="ed_edit_people_count").value == "5"
    assert at.text_input(key="ed_edit_actors").value == theirs["actors"]


def test_a_route_is_built_from_places_in_order_with_a_flight_arc(store):
    at = _app()
    at.radio(key="ed_mode").set_value("Add a route").run()
    at.text_input(key="ed_route_id").input("R-TEST")
    at.text_input(key="ed_route_name").input("Test route").run()
    at.multiselect(key="ed_route_stops").set_value(["kunming", "vientiane", "seoul"]).run()
    at.selectbox(key="ed_leg_mode_2").set_value("flight")
    at.multiselect(key="ed_leg_incidents_1").set_value(["LAO-01"])
    at.multiselect(key="ed_leg_incidents_2").set_value(["LAO-01"]).run()
    at.button(key="ed_route_save").click().run()
    assert any("Saved route R-TEST (2 legs)" in s.value for s in at.success), [
        e.value for e in at.error
    ]
    dataset, problems = store.load()
    assert dataset is not None, problems
    legs = dataset.routes[dataset.routes["route_id"] == "R-TEST"].set_index("leg")
    assert len(legs.geometry[1].coords) == 2 and len(legs.geometry[2].coords) > 10
