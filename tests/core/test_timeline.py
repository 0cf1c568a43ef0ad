"""The timeline chart spec and the Play / Step window arithmetic (dashboard.timeline), with
expected values written out by hand."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from dashboard import timeline
from dashboard.timeline import play_start_window, stepped_window, timeline_chart, timeline_rows

D = dt.date
SPAN = (D(2020, 1, 1), D(2020, 12, 31))
WINDOW = (D(2020, 1, 1), D(2020, 6, 30))


@pytest.fixture
def incidents() -> pd.DataFrame:
    """Four incidents: a closed window, an open end (B), an undated one (C), a single day."""
    return pd.DataFrame(
        {
            "incident_id": ["A", "B", "C", "D"],
            "category": ["arrest", "lure", "arrest", "release"],
            "date_start": pd.to_datetime(["2020-01-10", "2020-03-01", None, "2020-02-15"]),
            "date_end": pd.to_datetime(["2020-01-20", None, None, "2020-02-15"]),
            "date_text": ["mid-January", "from March", "no year", "15 February"],
            "location": ["Dandong", "Yanji", "Hyesan", "Shenyang"],
        },
        index=[10, 11, 12, 13],
    )


def _datasets(spec: dict) -> list[list[dict]]:
    return list(spec["datasets"].values())


def test_rows_leave_out_the_undated_and_end_an_open_end_at_the_window(incidents):
    rows = timeline_rows(incidents, incidents.loc[[10, 12]], WINDOW)
    assert list(rows["incident_id"]) == ["A", "B", "D"]
    assert list(rows["date_end"]) == [
        pd.Timestamp("2020-01-20"),
        pd.Timestamp("2020-06-30"),  # open end: the window's end, not today
        pd.Timestamp("2020-02-15"),
    ]
    assert list(rows["label"]) == ["Arrest / detention", "Lure / entrapment", "Release"]
    assert list(rows["shown"]) == [True, False, False]


def test_an_open_end_after_the_window_runs_to_its_own_start(incidents):
    rows = timeline_rows(incidents, incidents, (D(2020, 1, 1), D(2020, 2, 1)))
    assert rows.loc[11, "date_end"] == pd.Timestamp("2020-03-01")


def test_no_dated_incident_no_chart(incidents):
    undated = incidents.loc[[12]]
    assert timeline_chart(undated, undated, WINDOW) is None


def test_few_incidents_one_mark_each_over_the_window_band(incidents):
    spec = timeline_chart(incidents, incidents.loc[[10, 12]], WINDOW).to_dict()
    band, marks = spec["layer"]
    assert band["mark"] == {"type": "rect", "color": "#f2d13c", "opacity": 0.25}
    assert [layer["mark"]["type"] for layer in marks["layer"]] == ["rule", "point"]
    assert spec["height"] == 28 * 3 + 40  # three categories on the y axis
    band_rows, detail_rows = _datasets(spec)
    assert band_rows == [{"start": "2020-01-01T00:00:00", "end": "2020-06-30T00:00:00"}]
    assert [(r["incident_id"], r["shown"]) for r in detail_rows] == [
        ("A", True),
        ("B", False),
        ("D", False),
    ]
    assert spec["config"]["axisY"] == {"labelLimit": 220}


def test_many_incidents_monthly_bars(incidents, monkeypatch):
    monkeypatch.setattr(timeline, "TIMELINE_DETAIL_LIMIT", 2)
    spec = timeline_chart(incidents, incidents.loc[[10, 12]], WINDOW).to_dict()
    assert spec["height"] == 200
    assert spec["layer"][1]["mark"] == {"type": "bar"}
    months = _datasets(spec)[1]
    assert [(r["month"][:7], r["label"], r["status"], r["n"]) for r in months] == [
        ("2020-01", "Arrest / detention", "shown", 1),
        ("2020-02", "Release", "filtered out", 1),
        ("2020-03", "Lure / entrapment", "filtered out", 1),
    ]


@pytest.mark.parametrize(
    ("window", "days", "expected"),
    [
        # a window inside the span moves by the step and keeps its width
        ((D(2020, 3, 1), D(2020, 3, 31)), 30, ((D(2020, 3, 31), D(2020, 4, 30)), False)),
        ((D(2020, 3, 1), D(2020, 3, 31)), -30, ((D(2020, 1, 31), D(2020, 3, 1)), False)),
        # stepping back stops at the span's start
        ((D(2020, 1, 10), D(2020, 2, 9)), -30, ((D(2020, 1, 1), D(2020, 1, 31)), False)),
        # stepping on stops at the span's end, and says so (playing stops)
        ((D(2020, 11, 20), D(2020, 12, 20)), 30, ((D(2020, 12, 1), D(2020, 12, 31)), True)),
        # the whole span becomes one step wide, at its start going on, at its end going back
        (SPAN, 7, ((D(2020, 1, 1), D(2020, 1, 8)), False)),
        (SPAN, -7, ((D(2020, 12, 24), D(2020, 12, 31)), False)),
    ],
)
def test_stepped_window(window, days, expected):
    assert stepped_window(window, SPAN, days) == expected


def test_play_starts_one_step_wide_from_the_whole_span():
    assert play_start_window(SPAN, SPAN, 30) == (D(2020, 1, 1), D(2020, 1, 31))


def test_play_from_the_end_starts_again_at_the_beginning():
    assert play_start_window((D(2020, 12, 1), D(2020, 12, 31)), SPAN, 30) == (
        D(2020, 1, 1),
        D(2020, 1, 31),
    )


def test_play_from_inside_the_span_starts_where_it_is():
    window = (D(2020, 5, 1), D(2020, 5, 31))
    assert play_start_window(window, SPAN, 30) == window
