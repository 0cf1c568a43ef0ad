"""An end the source does not state ("from mid-May") stays empty, says so, and is understood
by the validator, the filters, the popups and the exports."""

from __future__ import annotations

import datetime as dt
import io
import json

import pandas as pd

from dashboard.data.dataset import load_dataset
from dashboard.data.incidents import check_incidents
from dashboard.export import SnapshotSpec, render
from dashboard.filters import Filters, data_window, filter_incidents, prepare
from dashboard.summary import date_window_text
from tests.conftest import write_rows


def test_open_end_needs_the_words_in_date_note(tmp_path, curated):
    header, rows = curated
    rows[0]["date_end"] = ""
    rows[0]["date_note"] = "The source says when it began; end not stated."
    inc, problems = check_incidents(write_rows(tmp_path / "open.csv", header, rows))
    assert inc is not None, [str(p) for p in problems]
    assert bool(inc.loc[0, "date_end_open"]) and pd.isna(inc.loc[0, "date_end"])
    rows[0]["date_note"] = "Something else."
    inc, problems = check_incidents(write_rows(tmp_path / "typo.csv", header, rows))
    assert inc is None
    assert any("empty while date_start is given" in str(p) for p in problems)


def test_open_end_matches_any_later_window_but_not_an_earlier_one():
    data = load_dataset()
    inc = prepare(data.incidents, data.places)
    later = Filters(start=dt.date(2021, 1, 1), end=dt.date(2021, 12, 31))
    earlier = Filters(start=dt.date(2019, 1, 1), end=dt.date(2019, 4, 30))
    assert "CHN-01" in set(filter_incidents(inc, later)["incident_id"])
    assert "CHN-01" not in set(filter_incidents(inc, earlier)["incident_id"])
    # the span of the data is what the sources date: an open end does not stretch it to today
    assert data_window(inc)[1] == dt.date(2023, 5, 10)


def test_open_end_is_shown_and_exported_as_not_stated():
    data = load_dataset()
    row = data.incidents.set_index("incident_id").loc["CHN-01"]
    assert date_window_text(row) == "from 11 May 2019 (end not stated)"
    shown = data.incidents[data.incidents["incident_id"] == "CHN-01"]
    csv = pd.read_csv(
        io.BytesIO(render("csv", shown, data.routes.iloc[:0], data.places, SnapshotSpec("T", "s"))),
        keep_default_na=False,
    )
    assert csv.loc[0, "date_end"] == "" and "date_end_open" not in csv
    gj = json.loads(
        render("geojson", shown, data.routes.iloc[:0], data.places, SnapshotSpec("T", "s"))
    )
    props = gj["features"][0]["properties"]
    assert props["date_end"] is None and props["date_end_stated"] is False
