"""``filter_incidents`` on six made-up incidents, against ids worked out by hand.

The expected ids below were written from the table in ``TINY`` and the rules in the docstring
of ``dashboard.filters`` (a window keeps an incident whose own window overlaps it; an end the
source does not state runs to today; undated incidents follow ``include_undated``), never by
calling the code under test.
"""

from __future__ import annotations

import datetime as dt

import geopandas as gpd
import pandas as pd
import pytest
from shapely.geometry import Point

from dashboard.filters import Filters, filter_incidents, prepare

D = dt.date

# id, start, end, end open, category, actors, country, admin1, place, confidence, summary
TINY = [
    ("A-1", "2019-01-01", "2019-01-31", False, "arrest", "Ministry of State Security (MSS)",
     "KP", "North Hamgyong", "onsong", "reported", "A defector's parents were arrested at home."),
    ("B-1", "2019-03-01", "2019-03-31", False, "lure", "Chinese authorities",
     "CN", "", "yanji", "reported", "Police visited relatives to ask about a broker."),
    ("C-1", None, None, False, "deportation", "Lao authorities",
     "LA", "", "vientiane", "unconfirmed", "Nine were sent back; no year is given."),
    ("D-1", "2020-05-15", None, True, "checkpoint", "Ministry of People's Safety (MPS)",
     "KP", "South Hamgyong", "hamhung", "reported", "Cars are stopped at a checkpoint."),
    ("E-1", "2021-06-01", "2021-06-01", False, "release", "a local smuggler",
     "MN", "", "ulaanbaatar", "confirmed", "Four were released after a month."),
    ("F-1", "2019-02-10", "2019-02-20", False, "arrest", "Chinese authorities; Lao authorities",
     "CN", "", "yanji", "reported", "Two were taken on a bus."),
]  # fmt: skip

PLACES = {
    # place_id: (name, alternative names, latitude, longitude)
    "onsong": ("Onsong County", ["Onsŏng", "온성", "穩城"], 42.96, 129.99),
    "hamhung": ("Hamhung", ["Hamhŭng", "Hamheung", "함흥", "咸兴"], 39.92, 127.54),
    "yanji": ("Yanji", ["Yŏn'gil", "연길", "延吉"], 42.89, 129.5),
    "vientiane": ("Vientiane", ["비엔티안", "万象"], 17.97, 102.6),
    "ulaanbaatar": ("Ulaanbaatar", ["울란바토르", "乌兰巴托"], 47.91, 106.88),
}


@pytest.fixture(scope="module")
def tiny() -> gpd.GeoDataFrame:
    places = gpd.GeoDataFrame(
        {
            "name": [p[0] for p in PLACES.values()],
            "alt_names": [p[1] for p in PLACES.values()],
        },
        index=pd.Index(list(PLACES), name="place_id"),
        geometry=[Point(p[3], p[2]) for p in PLACES.values()],
        crs="EPSG:4326",
    )
    rows = [
        {
            "incident_id": iid,
            "date_start": pd.Timestamp(start) if start else pd.NaT,
            "date_end": pd.Timestamp(end) if end else pd.NaT,
            "date_end_open": open_end,
            "date_text": "",
            "category": category,
            "actors": actors,
            "country": country,
            "admin1": admin1,
            "place_id": place,
            "location": PLACES[place][0],
            "confidence": confidence,
            "summary": summary,
            "source_title": "",
        }
        for iid, start, end, open_end, category, actors, country, admin1, place, confidence, summary in TINY
    ]  # fmt: skip
    frame = gpd.GeoDataFrame(
        rows,
        geometry=[Point(*reversed(PLACES[r[8]][2:])) for r in TINY],
        crs="EPSG:4326",
    )
    return prepare(frame, places)


def ids(tiny: gpd.GeoDataFrame, **filters) -> list[str]:
    return sorted(filter_incidents(tiny, Filters(**filters))["incident_id"])


def test_no_filters_keeps_everything(tiny):
    assert ids(tiny) == ["A-1", "B-1", "C-1", "D-1", "E-1", "F-1"]


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        # A window ending on A-1's first day, and one starting on its last day, both hold it.
        (D(2018, 12, 1), D(2019, 1, 1), ["A-1"]),
        (D(2019, 1, 31), D(2019, 2, 9), ["A-1"]),
        # One day either side of A-1 misses it.
        (D(2018, 12, 1), D(2018, 12, 31), []),
        (D(2019, 2, 1), D(2019, 2, 9), []),
        # Overlapping F-1 at its end and B-1 at its start, and both inside.
        (D(2019, 2, 20), D(2019, 3, 1), ["B-1", "F-1"]),
        (D(2019, 1, 15), D(2019, 3, 15), ["A-1", "B-1", "F-1"]),
        # A window inside F-1 (the incident is longer than the window).
        (D(2019, 2, 12), D(2019, 2, 13), ["F-1"]),
        # A one-day incident: its day only (D-1, open since 2020, is in every later window).
        (D(2021, 6, 1), D(2021, 6, 1), ["D-1", "E-1"]),
        (D(2021, 6, 2), D(2021, 12, 31), ["D-1"]),  # D-1's end is open, E-1 is over
    ],
)
def test_date_window_overlaps_the_incident_window(tiny, start, end, expected):
    assert ids(tiny, start=start, end=end, include_undated=False) == expected


def test_undated_incidents_follow_the_switch_not_the_window(tiny):
    window = {"start": D(2019, 2, 1), "end": D(2019, 2, 9)}  # no dated incident in it
    assert ids(tiny, **window) == ["C-1"]
    assert ids(tiny, **window, include_undated=False) == []
    assert ids(tiny, include_undated=False) == ["A-1", "B-1", "D-1", "E-1", "F-1"]


def test_a_window_with_one_end_only(tiny):
    assert ids(tiny, end=D(2019, 1, 1), include_undated=False) == ["A-1"]
    assert ids(tiny, start=D(2021, 1, 1), include_undated=False) == ["D-1", "E-1"]


def test_an_open_end_runs_to_today_and_no_further(tiny):
    assert ids(tiny, start=D(2024, 1, 1), end=D(2024, 12, 31), include_undated=False) == ["D-1"]
    assert ids(tiny, start=D(2020, 5, 1), end=D(2020, 5, 14), include_undated=False) == []
    assert ids(tiny, start=D(2020, 5, 15), end=D(2020, 5, 15), include_undated=False) == ["D-1"]
    next_year = dt.date.today().year + 1
    future = {"start": D(next_year, 1, 1), "end": D(next_year, 12, 31)}
    assert ids(tiny, **future, include_undated=False) == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # Latin script: words of the summary, the place as written and in other romanisations.
        ("arrested", ["A-1"]),
        ("CHECKPOINT", ["D-1"]),
        ("check", ["D-1"]),  # a word's start matches ...
        ("heckpoint", []),  # ... its middle does not
        ("onsong", ["A-1"]),
        ("Onsŏng", ["A-1"]),
        ("Hamheung", ["D-1"]),
        ("parents onsong", ["A-1"]),  # every word must match
        ("parents vientiane", []),
        # Hangul.
        ("온성", ["A-1"]),
        ("함흥", ["D-1"]),
        ("연길", ["B-1", "F-1"]),
        # Chinese characters.
        ("穩城", ["A-1"]),
        ("延吉", ["B-1", "F-1"]),
        ("万象", ["C-1"]),
        ("乌兰巴托", ["E-1"]),
        # No words at all: no restriction.
        ("  ", ["A-1", "B-1", "C-1", "D-1", "E-1", "F-1"]),
    ],
)
def test_search_in_latin_hangul_and_chinese(tiny, text, expected):
    assert ids(tiny, text=text) == expected


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({"actors": frozenset({"China: authorities"})}, ["B-1", "F-1"]),
        ({"actors": frozenset({"Laos: authorities"})}, ["C-1", "F-1"]),  # F-1 names both
        (
            {
                "actors": frozenset(
                    {
                        "North Korea: Ministry of State Security (MSS)",
                        "North Korea: Ministry of People's Safety (MPS)",
                    }
                )
            },
            ["A-1", "D-1"],
        ),
        ({"actors": frozenset({"Other or not stated"})}, ["E-1"]),
        ({"categories": frozenset({"arrest"})}, ["A-1", "F-1"]),
        ({"categories": frozenset({"arrest", "release"})}, ["A-1", "E-1", "F-1"]),
        ({"countries": frozenset({"KP"})}, ["A-1", "D-1"]),
        ({"countries": frozenset({"CN", "MN"})}, ["B-1", "E-1", "F-1"]),
        ({"admin1": frozenset({"South Hamgyong"})}, ["D-1"]),
        ({"confidence": frozenset({"unconfirmed", "confirmed"})}, ["C-1", "E-1"]),
        # Filters combine with "and"; values within one filter with "or".
        ({"countries": frozenset({"CN"}), "categories": frozenset({"arrest"})}, ["F-1"]),
        ({"countries": frozenset({"KP"}), "text": "checkpoint"}, ["D-1"]),
        # An undated incident passes a window but not a filter it fails.
        (
            {"start": D(2019, 1, 1), "end": D(2019, 1, 5), "countries": frozenset({"LA"})},
            ["C-1"],
        ),
        (
            {"start": D(2019, 1, 1), "end": D(2019, 1, 5), "countries": frozenset({"KP"})},
            ["A-1"],
        ),
        ({"countries": frozenset({"KR"})}, []),
    ],
)
def test_actor_category_country_and_other_filters(tiny, filters, expected):
    assert ids(tiny, **filters) == expected


def test_search_text_is_folded_column_wise_as_row_by_row():
    from dashboard.filters import _FOLD, _joined, normalised_text

    every_ascii = "".join(chr(c) for c in range(1, 128))
    cells = pd.Series(
        ["", "Plain words", every_ascii, f"It's `quoted`, (a_b) {every_ascii} x", "Ünï ’x 北青"],
        index=[5, 6, 7, 8, 9],
    )
    folded = normalised_text(cells)
    ascii_rows = cells.str.isascii()
    assert (
        folded[ascii_rows].tolist() == cells[ascii_rows].str.lower().str.translate(_FOLD).tolist()
    )
    assert folded.index.equals(cells.index)
    part = cells.iloc[1:4]  # a slice: Arrow arrays with an offset
    assert normalised_text(part).tolist() == folded.iloc[1:4].tolist()
    other = pd.Series(["a", "", "c d"], index=[5, 6, 7])
    assert _joined(["", cells.iloc[:3], other, ""]).tolist() == [
        " ".join(["", a, b, ""]) for a, b in zip(cells.iloc[:3], other, strict=True)
    ]


def test_search_text_made_in_chunks_is_the_same(monkeypatch):
    """A large file's search text is made a chunk of rows at a time (bounded memory); the
    text, row for row, is what one pass makes."""
    from dashboard import filters
    from dashboard.data.dataset import load_dataset

    ds = load_dataset()
    whole = filters.search_text(ds.incidents, ds.places)
    monkeypatch.setattr(filters, "SEARCH_CHUNK", 4)
    chunked = filters.search_text(ds.incidents, ds.places)
    assert len(ds.incidents) > 4 * 2
    assert chunked.index.equals(whole.index)
    assert list(chunked.astype(str)) == list(whole.astype(str))
