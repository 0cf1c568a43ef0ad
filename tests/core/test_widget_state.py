"""The app's widgets mapped to a view and back (dashboard.urlstate's widget functions), with
expected values written out by hand. The URL round trip itself is tested in tests/data."""

from __future__ import annotations

import datetime as dt

from dashboard.filters import Filters
from dashboard.urlstate import (
    ViewState,
    filter_widget_values,
    filters_from_widgets,
    parse_state,
    state_params,
    view_from_widgets,
    widget_values,
)

D = dt.date
SPAN = (D(2013, 4, 1), D(2023, 5, 10))
BASEMAPS = ("offline", "osm")


def test_no_filter_is_what_reset_puts_back():
    assert filter_widget_values(Filters(), SPAN) == {
        "window": (D(2013, 4, 1), D(2023, 5, 10)),
        "undated": True,
        "categories": [],
        "actors": [],
        "countries": [],
        "admin1": [],
        "confidence": [],
        "text": "",
    }


def test_a_link_seeds_every_widget():
    params = {
        "start": "2016-01-01",
        "cat": "lure,kidnap,arrest",  # "kidnap" is no category: dropped
        "conf": "rumour,reported",  # "rumour" is no confidence level: dropped
        "country": "KP,CN",
        "actor": "police",
        "admin1": "Ryanggang",
        "undated": "0",
        "q": "Hyesan",
        "base": "satellite",  # not one of BASEMAPS: the offline map
        "sel": "ONS-01",
        "lat": "40.5",
        "lon": "128.25",
        "z": "6.5",
        "brief": "1",
        "story": "escape",
        "step": "3",
        "lang": "ko-KR",
    }
    assert widget_values(parse_state(params, SPAN), SPAN, BASEMAPS) == {
        "window": (D(2016, 1, 1), D(2023, 5, 10)),
        "undated": False,
        "categories": ["arrest", "lure"],
        "actors": ["police"],
        "countries": ["CN", "KP"],
        "admin1": ["Ryanggang"],
        "confidence": ["reported"],
        "text": "Hyesan",
        "basemap": "offline",
        "selected": "ONS-01",
        "view": ((40.5, 128.25), 6.5),
        "briefing": True,
        "story": "escape",
        "step": 3,
        "lang": "ko",
    }


def test_a_known_basemap_and_no_story():
    values = widget_values(ViewState(basemap="osm"), SPAN, BASEMAPS)
    assert values["basemap"] == "osm"
    assert values["story"] == ""
    assert values["selected"] is None
    assert values["view"] == ((36.0, 114.0), 4)


def test_a_window_over_the_whole_span_is_no_date_filter():
    values = filter_widget_values(Filters(), SPAN)
    assert filters_from_widgets(values, SPAN) == Filters()


def test_widgets_to_filters():
    values = {
        "window": (D(2018, 1, 1), D(2023, 5, 10)),
        "undated": False,
        "categories": ["arrest"],
        "actors": [],
        "countries": ["CN"],
        "admin1": [],
        "confidence": ["confirmed", "reported"],
        "text": "Dandong",
    }
    assert filters_from_widgets(values, SPAN) == Filters(
        start=D(2018, 1, 1),
        end=D(2023, 5, 10),  # only the start moved, but a partial window states both ends
        include_undated=False,
        categories=frozenset({"arrest"}),
        countries=frozenset({"CN"}),
        confidence=frozenset({"confirmed", "reported"}),
        text="Dandong",
    )


def test_widgets_to_view_for_the_url():
    f = Filters(text="Dandong")
    values = {
        "basemap": "osm",
        "selected": "ONS-02",
        "view": ((41.2, 124.35), 7.25),
        "briefing": False,
        "story": "",
        "step": None,
    }
    assert view_from_widgets(values, f) == ViewState(
        filters=f,
        basemap="osm",
        selected="ONS-02",
        center=(41.2, 124.35),
        zoom=7.25,
        briefing=False,
        story=None,
        step=0,
    )


def test_widgets_to_url_parameters_and_back_to_widgets():
    """One concrete view through URL and back: the widgets come back as they were."""
    values = {
        "window": (D(2015, 6, 1), D(2019, 12, 31)),
        "undated": True,
        "categories": ["deportation"],
        "actors": [],
        "countries": [],
        "admin1": [],
        "confidence": [],
        "text": "",
        "basemap": "offline",
        "selected": None,
        "view": ((36.0, 114.0), 4),
        "briefing": True,
        "story": "",
        "step": 2,
        "lang": "ko",
    }
    params = state_params(view_from_widgets(values, filters_from_widgets(values, SPAN)), SPAN)
    assert params == {
        "start": "2015-06-01",
        "end": "2019-12-31",
        "cat": "deportation",
        "brief": "1",
        "step": "2",
        "lang": "ko",
    }
    assert widget_values(parse_state(params, SPAN), SPAN, BASEMAPS) == values


def test_english_is_the_default_and_left_out_of_the_link():
    assert parse_state({}, SPAN).lang == "en"
    assert parse_state({"lang": "xx"}, SPAN).lang == "en"  # unknown: English, no error
    assert "lang" not in state_params(ViewState(lang="en"), SPAN)
    assert state_params(ViewState(lang="ko"), SPAN) == {"lang": "ko"}
