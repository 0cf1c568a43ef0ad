"""URL state: a view written as query parameters and read back is the same view, and a bad
link falls back to the defaults instead of failing."""

from __future__ import annotations

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from dashboard.filters import Filters
from dashboard.urlstate import DEFAULT_VIEW, ViewState, parse_state, state_params

SPAN = (dt.date(2013, 4, 1), dt.date(2023, 5, 31))

# Values a link carries in a comma-separated list: non-empty, no comma.
words = st.text(st.characters(blacklist_characters=",", blacklist_categories=("Cs",)), min_size=1)
value_sets = st.frozensets(words, max_size=4)
# The selection text as the app keeps it: trimmed, at most 200 characters.
search_text = st.text(st.characters(blacklist_categories=("Cs",)), max_size=200).map(str.strip)
non_empty = st.none() | words


@st.composite
def windows(draw) -> tuple[dt.date | None, dt.date | None]:
    """A date window as the app stores it: a start after the data's first day (the first day
    itself is "no start"), an end before its last day, and start <= end."""
    day = dt.timedelta(days=1)
    start = draw(st.none() | st.dates(SPAN[0] + day, SPAN[1]))
    if start == SPAN[1]:  # no end can follow it but the last day, which is "no end"
        return start, None
    return start, draw(st.none() | st.dates(start or SPAN[0], SPAN[1] - day))


@st.composite
def view_states(draw) -> ViewState:
    start, end = draw(windows())
    filters = Filters(
        start=start,
        end=end,
        include_undated=draw(st.booleans()),
        categories=draw(value_sets),
        actors=draw(value_sets),
        countries=draw(value_sets),
        admin1=draw(value_sets),
        confidence=draw(value_sets),
        text=draw(search_text),
    )
    # The link keeps 4 decimals of the centre and the zoom as written (2 to 12).
    lat = draw(st.integers(-900_000, 900_000)) / 10_000
    lon = draw(st.integers(-1_800_000, 1_800_000)) / 10_000
    zoom = draw(st.integers(200, 1200)) / 100
    center, zoom = draw(st.sampled_from([((lat, lon), zoom), DEFAULT_VIEW]))
    return ViewState(
        filters=filters,
        basemap=draw(st.just("offline") | words),
        selected=draw(non_empty),
        center=center,
        zoom=zoom,
        briefing=draw(st.booleans()),
        story=draw(non_empty),
        step=draw(st.integers(0, 10_000)),
    )


@given(view_states())
def test_a_view_survives_the_round_trip_through_its_link(state):
    assert parse_state(state_params(state, SPAN), SPAN) == state


def test_the_default_view_has_an_empty_link():
    assert state_params(ViewState(), SPAN) == {}
    assert parse_state({}, SPAN) == ViewState()


def test_a_view_written_out():
    state = ViewState(
        filters=Filters(
            start=dt.date(2019, 5, 1),
            end=SPAN[1],  # the data's last day: the same as no end
            include_undated=False,
            categories=frozenset({"lure", "arrest"}),
            countries=frozenset({"KP"}),
            text="  Onsong ",
        ),
        selected="ONS-04",
        center=(42.5, 129.5),
        zoom=6.25,
        story="laos-nine",
        step=2,
    )
    assert state_params(state, SPAN) == {
        "start": "2019-05-01",
        "undated": "0",
        "cat": "arrest,lure",
        "country": "KP",
        "q": "Onsong",
        "sel": "ONS-04",
        "lat": "42.5000",
        "lon": "129.5000",
        "z": "6.25",
        "story": "laos-nine",
        "step": "2",
    }


def test_bad_values_in_a_link_give_the_defaults():
    params = {
        "start": "2019-13-01",
        "end": "yesterday",
        "lat": "91",
        "lon": "10",
        "z": "99",
        "step": "-1",
        "sel": "",
        "story": "",
        "brief": "yes",
    }
    assert parse_state(params, SPAN) == ViewState()


def test_dates_outside_the_data_are_clamped_and_a_reversed_window_dropped():
    wide = parse_state({"start": "2000-01-01", "end": "2099-12-31"}, SPAN)
    assert (wide.filters.start, wide.filters.end) == SPAN
    reversed_window = parse_state({"start": "2020-01-02", "end": "2020-01-01"}, SPAN)
    assert (reversed_window.filters.start, reversed_window.filters.end) == (None, None)


def test_search_text_is_cut_at_200_characters():
    assert parse_state({"q": "x" * 500}, SPAN).filters.text == "x" * 200
