"""The Streamlit app without a browser (``streamlit.testing.v1.AppTest``).

Every expected number comes from the core (``load_dataset`` + ``prepare`` + ``filter_incidents``
+ ``routes_for``), so the tests check that the app shows what the core selects, in the count
line and in the map it hands to streamlit-folium. Under AppTest the map is an UnknownElement;
its generated Leaflet script is read from the element proto (``json_args``).
"""

from __future__ import annotations

import datetime as dt
import html
import json
import re
from dataclasses import dataclass

import geopandas as gpd
import pytest
from streamlit.testing.v1 import AppTest

from dashboard import DEFAULT_INCIDENTS, REPO_DIR
from dashboard.data.dataset import check_dataset, load_dataset
from dashboard.filters import Filters, data_window, filter_incidents, prepare, routes_for
from dashboard.problems import errors
from dashboard.vague.areas import drawn_as
from tests.conftest import read_rows, write_rows

APP = REPO_DIR / "dashboard" / "ui" / "app.py"
MARKER_RE = re.compile(r'"className":\s*"incident-marker\b')
MARKER_ID_RE = re.compile(r'"incidentId":\s*"([^"]+)"')


@dataclass(frozen=True)
class Core:
    incidents: gpd.GeoDataFrame
    routes: gpd.GeoDataFrame
    span: tuple[dt.date, dt.date]

    def expect(self, f: Filters) -> tuple[str, set[str]]:
        """The count line the app should show for ``f``, and the incident ids it should map."""
        shown = filter_incidents(self.incidents, f)
        legs = routes_for(self.routes, shown)
        undated = int(shown["date_start"].isna().sum())
        line = (
            f"{len(shown)} of {len(self.incidents)} incidents"
            + (f" ({undated} with no stated year)" if undated else "")
            + f", {len(legs)} of {len(self.routes)} route legs"
        )
        return line, set(shown["incident_id"])


@pytest.fixture(scope="module")
def core() -> Core:
    ds = load_dataset()
    incidents = prepare(ds.incidents, ds.places)
    return Core(incidents, ds.routes, data_window(incidents))


@pytest.fixture
def app(monkeypatch) -> AppTest:
    monkeypatch.delenv("DASHBOARD_INCIDENTS", raising=False)
    return AppTest.from_file(str(APP), default_timeout=60)


# --- reading the app's output -------------------------------------------------------------


def page_text(at: AppTest, css_class: str) -> list[str]:
    """The text of the app's HTML blocks that carry ``css_class`` (tags dropped)."""
    bodies = [e.proto.body for e in at.get("html")]
    return [
        " ".join(html.unescape(re.sub(r"<[^>]+>", " ", b)).split())
        for b in bodies
        if f"class='{css_class}'" in b
    ]


def count_line(at: AppTest) -> str:
    """The count part of the line above the map (before the words describing the filters)."""
    found = page_text(at, "view-count")
    assert len(found) == 1, found
    return found[0].split(" · ")[0]


def map_layers(at: AppTest) -> str:
    """The layers the app sends to the mounted map (streamlit-folium's feature groups)."""
    maps = [e for e in at.get("component_instance") if e.proto.component_name.endswith("st_folium")]
    assert len(maps) == 1, "expected exactly one streamlit-folium map element"
    return json.loads(maps[0].proto.json_args)["feature_group"]


def mapped_ids(at: AppTest) -> tuple[int, set[str]]:
    """How many incident markers the map draws, and the incidents they carry."""
    layers = map_layers(at)
    return len(MARKER_RE.findall(layers)), set(MARKER_ID_RE.findall(layers))


def widget(elements, label: str):
    matches = [w for w in elements if w.label == label]
    assert len(matches) == 1, f"no single widget labelled {label!r}"
    return matches[0]


def assert_shows(at: AppTest, core: Core, f: Filters) -> str:
    """The count line and the map both match what the core selects for ``f``."""
    assert not at.exception, [e.value for e in at.exception]
    line, ids = core.expect(f)
    assert count_line(at) == line
    n_markers, popup_ids = mapped_ids(at)
    # Country-level incidents (and border or province ones) are areas, not markers (issue 12);
    # their records are in the area's popup, so every id still has a popup.
    shown = core.incidents[core.incidents["incident_id"].isin(ids)]
    points = set(shown.loc[drawn_as(shown, load_dataset().places) == "point", "incident_id"])
    assert n_markers == len(points)
    assert popup_ids == points
    layers = map_layers(at)
    for iid in ids - points:  # drawn in an area, whose popup holds the record
        # (the areas travel as JSON data, quotes escaped: escapeeMap.draw in behaviour.js)
        assert f"data-incident=\\u0027{iid}\\u0027" in layers, iid
    return line


# --- tests ----------------------------------------------------------------------------------


def test_default_run_shows_every_incident(app, core):
    app.run()
    line = assert_shows(app, core, Filters())
    n = len(core.incidents)
    assert line.startswith(f"{n} of {n} incidents")
    assert not app.error
    assert dict(app.query_params) == {}, "the default view should give a clean URL"


def test_category_filter_changes_count_and_map(app, core):
    app.run()
    category = core.incidents["category"].value_counts().index[0]  # the commonest
    widget(app.multiselect, "Category").set_value([category]).run()
    f = Filters(categories=frozenset({category}))
    assert_shows(app, core, f)
    assert 0 < len(core.expect(f)[1]) < len(core.incidents)
    assert app.query_params["cat"] == category


@pytest.mark.parametrize(
    "window",
    [(dt.date(2019, 1, 1), dt.date(2019, 12, 31)), (dt.date(2013, 5, 10), dt.date(2013, 5, 27))],
    ids=["2019", "may-2013"],
)
def test_date_window_changes_count_and_map(app, core, window):
    app.run()
    assert core.span[0] <= window[0] <= window[1] <= core.span[1]
    widget(app.slider, "Date window").set_value(window).run()
    f = Filters(start=window[0], end=window[1])
    assert_shows(app, core, f)
    assert 0 < len(core.expect(f)[1]) < len(core.incidents)
    # Only the ends that differ from the data's span are written to the URL.
    expected = {
        key: d.isoformat()
        for key, d, edge in (("start", window[0], core.span[0]), ("end", window[1], core.span[1]))
        if d != edge
    }
    assert {k: app.query_params[k] for k in ("start", "end") if k in app.query_params} == expected


@pytest.mark.parametrize("text", ["북청", "Pukch'ong", "pukchong", "Bukchong"])
def test_search_in_korean_and_romanisations(app, core, text):
    app.run()
    widget(app.text_input, "Search summaries and places").input(text).run()
    f = Filters(text=text)
    assert_shows(app, core, f)
    hits = core.expect(f)[1]
    assert 0 < len(hits) < len(core.incidents)
    # All spellings of the same town find the same incidents.
    assert hits == core.expect(Filters(text="북청"))[1]
    assert app.query_params["q"] == text


def test_url_state_round_trip(app, core):
    app.query_params.update(
        {"cat": "arrest", "start": "2019-01-01", "end": "2019-12-31", "sel": "ONS-04"}
    )
    app.run()
    window = (dt.date(2019, 1, 1), dt.date(2019, 12, 31))
    assert widget(app.multiselect, "Category").value == ["arrest"]
    assert widget(app.slider, "Date window").value == window
    f = Filters(start=window[0], end=window[1], categories=frozenset({"arrest"}))
    assert_shows(app, core, f)
    record = [h.proto.body for h in app.get("html") if "data-incident='ONS-04'" in h.proto.body]
    assert record, "the selected incident's record is not shown"
    assert "ONS-04" in core.expect(f)[1]
    # Unchanged state is written back as it came in.
    assert dict(app.query_params) == {
        "cat": "arrest",
        "start": "2019-01-01",
        "end": "2019-12-31",
        "sel": "ONS-04",
    }

    # Changing a widget updates the URL ...
    widget(app.multiselect, "Category").set_value(["arrest", "deportation"]).run()
    f = Filters(start=window[0], end=window[1], categories=frozenset({"arrest", "deportation"}))
    assert_shows(app, core, f)
    assert app.query_params["cat"] == "arrest,deportation"
    assert (app.query_params["start"], app.query_params["end"]) == ("2019-01-01", "2019-12-31")

    # ... and a full window drops start/end, since they are the default.
    widget(app.slider, "Date window").set_value(core.span).run()
    assert_shows(app, core, Filters(categories=frozenset({"arrest", "deportation"})))
    assert "start" not in app.query_params and "end" not in app.query_params
    assert app.query_params["sel"] == "ONS-04"


def test_bad_url_values_fall_back_to_defaults(app, core):
    app.query_params.update({"start": "not-a-date", "z": "99", "lat": "x", "cat": "nonsense"})
    app.run()
    assert not app.exception
    assert widget(app.slider, "Date window").value == core.span
    assert widget(app.multiselect, "Category").value == []
    line, _ = core.expect(Filters())
    assert count_line(app) == line


def test_bad_rows_are_listed_and_the_good_rows_shown(app, core, tmp_path, monkeypatch):
    header, rows = read_rows(DEFAULT_INCIDENTS)
    rows[2]["category"] = "abduction"
    rows[5]["latitude"] = "95.5x"
    bad = write_rows(tmp_path / "broken.csv", header, rows)
    monkeypatch.setenv("DASHBOARD_INCIDENTS", str(bad))
    _, problems = check_dataset(bad)
    expected = [str(p) for p in errors(problems)]
    assert len(expected) == 2
    assert any(f"{bad}:4: category:" in m for m in expected)
    assert any(f"{bad}:7: latitude:" in m for m in expected)

    app.run()
    assert not app.exception, [e.value for e in app.exception]
    assert len(app.error) == 1
    assert f"2 of {len(rows)} rows not loaded" in app.error[0].value
    # Messages are shown verbatim (file:line: column: message) beside the banner.
    shown = "\n".join(c.value for c in app.code)
    for message in expected:
        assert message in shown
    # The other rows are on the map and counted; the two bad ones are not.
    n_markers, ids = mapped_ids(app)
    good, _ = check_dataset(bad, keep_valid=True)
    points = set(
        good.incidents.loc[drawn_as(good.incidents, good.places) == "point", "incident_id"]
    )
    assert len(good.incidents) == len(rows) - 2
    assert n_markers == len(points) and ids == points
    assert rows[2]["incident_id"] not in ids and rows[5]["incident_id"] not in ids
    assert count_line(app).startswith(f"{len(rows) - 2} of {len(rows) - 2} incidents")
    assert [b.label for b in app.button if b.label == "Reload the file"]


def test_empty_result_says_so_and_still_renders_the_map(app, core):
    app.run()
    text = "no such place anywhere zzqx"
    widget(app.text_input, "Search summaries and places").input(text).run()
    f = Filters(text=text)
    assert core.expect(f)[1] == set()
    assert_shows(app, core, f)
    n = len(core.incidents)
    assert count_line(app).startswith(f"0 of {n} incidents")
    assert any("No incidents match" in i.value for i in app.info)
    assert map_layers(app)  # the (empty) map is still there, with its basemap


def test_export_menu_builds_its_controls_only_when_opened(app, core):
    app.run()
    assert [e for e in app.get("popover") if e.proto.popover.label == "Export…"]
    assert len(app.get("download_button")) == 0
    assert "Title" not in [w.label for w in app.text_input]
    app.session_state["export_open"] = True  # what opening the menu does
    app.run()
    assert not app.exception, [e.value for e in app.exception]
    labels = [b.label for b in app.get("download_button")]
    assert labels == [
        "PNG image",
        "PDF map",
        "Briefing sheet (PDF)",
        "SVG image",
        "Interactive HTML map",
        "CSV data",
        "GeoJSON data",
    ]
    assert widget(app.text_input, "Title").value == "Crackdown on North Korean escapees"
    assert_shows(app, core, Filters())  # opening the menu leaves the view as it was


def test_reset_stands_against_a_rerun_sent_with_the_old_search(app, core):
    """A rerun the browser sent before it had the cleared widgets (a map move reported while
    Reset runs) carries the old search; Reset stands. Once a run carries the cleared value
    the browser has it, and the same words typed again are the user's."""
    app.run()
    search = widget(app.text_input, "Search summaries and places")
    search.set_value("Laos").run()
    assert_shows(app, core, Filters(text="Laos"))
    widget(app.button, "Reset filters").click().run()
    assert_shows(app, core, Filters())
    widget(app.text_input, "Search summaries and places").set_value("Laos").run()  # stale
    assert widget(app.text_input, "Search summaries and places").value == ""
    assert_shows(app, core, Filters())
    app.run()  # the browser now sends the cleared value
    widget(app.text_input, "Search summaries and places").set_value("Laos").run()
    assert_shows(app, core, Filters(text="Laos"))


def test_a_first_visit_draws_the_map_first_then_the_timeline_and_table(app):
    """A session's first run sends the map (and what is above the fold) without the timeline
    and the table, whose scripts held up a first visitor's map; the next run, which the map's
    first report starts in a browser, adds them."""
    app.run()
    assert not app.exception
    assert map_layers(app)
    assert len(app.dataframe) == 0 and len(app.get("vega_lite_chart")) == 0
    app.run()
    assert len(app.dataframe) == 1 and len(app.get("vega_lite_chart")) == 1
    assert map_layers(app)
