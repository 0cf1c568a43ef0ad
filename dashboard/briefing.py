"""Briefing mode without the screen: which steps a briefing walks through, and where the map
looks at each step.

A briefing presents either a named story (``dashboard.data.stories``) or, with no story chosen, the
filtered incidents in date order. The app draws what these functions return.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import geopandas as gpd
import pandas as pd

from dashboard.data.stories import Step, Story, date_order_steps
from dashboard.filters import Filters
from dashboard.i18n import DEFAULT_LANGUAGE
from dashboard.summary import describe, title
from dashboard.vague.areas import incident_area
from dashboard.vocab import PRECISIONS

KM_PER_DEGREE = 111.32  # a degree of latitude, for padding a point into a box
MIN_PAD_DEG = 0.3  # the least margin around a point, so a precise place is not a pin in a void

Bounds = list[list[float]]  # [[south, west], [north, east]], as Leaflet's fitBounds takes


@dataclass(frozen=True)
class Briefing:
    """What a briefing presents: its steps, the incidents and route legs on its map, its
    title and the line under it."""

    steps: tuple[Step, ...]
    incidents: pd.DataFrame
    route_legs: pd.DataFrame
    title: str
    intro: str


def briefing_plan(
    story: Story | None,
    incidents: pd.DataFrame,
    routes: pd.DataFrame,
    shown: pd.DataFrame,
    legs: pd.DataFrame,
    f: Filters,
    span: tuple[dt.date, dt.date],
    *,
    lang: str = DEFAULT_LANGUAGE,
) -> Briefing:
    """The named story over all loaded incidents and legs, or (no story) the incidents the
    filters show, in date order, titled with the dashboard's name and the selection in words
    (in the reader's language; a story's own title and intro are data, kept as written)."""
    if story is None:
        what = describe(f, span, int(shown["date_start"].isna().sum()), lang=lang)
        return Briefing(date_order_steps(shown), shown, legs, title(lang=lang), what)
    ids = [s.incident_id for s in story.steps]
    story_legs = {(s.route_id, s.leg) for s in story.steps if s.route_id}
    route_legs = routes[
        [(r, leg) in story_legs for r, leg in zip(routes["route_id"], routes["leg"], strict=True)]
    ]
    return Briefing(
        story.steps,
        incidents[incidents["incident_id"].isin(ids)],
        route_legs,
        story.title,
        story.intro,
    )


def clamped_step(step: object, n: int) -> int:
    """The step to show, 0-based: a step from a link or a stale session kept inside 0..n-1
    (0 when there is nothing to show)."""
    return min(max(int(step or 0), 0), max(n - 1, 0))


def step_bounds(row: pd.Series, places: gpd.GeoDataFrame | None, leg: pd.DataFrame) -> Bounds:
    """Where the map looks for a step: all of a vague incident's area (country, province or
    border), else its point padded by its uncertainty radius (at least MIN_PAD_DEG), widened
    to take in the step's route leg (``leg``: its rows, maybe none)."""
    area = incident_area(row, places)
    if area is not None:
        w, s, e, n = area[2].bounds
    else:
        pad = max(MIN_PAD_DEG, PRECISIONS[int(row["geo_precision"])].radius_km / KM_PER_DEGREE)
        s, w = row["latitude"] - pad, row["longitude"] - pad
        n, e = row["latitude"] + pad, row["longitude"] + pad
    if len(leg):
        lx0, ly0, lx1, ly1 = leg.total_bounds
        s, w, n, e = min(s, ly0), min(w, lx0), max(n, ly1), max(e, lx1)
    return [[s, w], [n, e]]


def step_leg(route_legs: pd.DataFrame, step: Step) -> pd.DataFrame:
    """The route leg a step highlights (no rows when it names none)."""
    if not step.route_id:
        return route_legs.iloc[0:0]
    return route_legs[(route_legs["route_id"] == step.route_id) & (route_legs["leg"] == step.leg)]
