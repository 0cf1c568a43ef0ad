"""Named stories for briefings: ordered incidents and route legs, defined as data.

Adding a story is adding rows to ``geodata/stories.csv``: the first step of a story
carries its title and intro; every step names an incident and, optionally, the route
leg to highlight with it.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from dashboard import GEODATA_DIR
from dashboard.data.cells import parse_int
from dashboard.data.checks import Checks
from dashboard.data.tables import read_table
from dashboard.problems import Problem, errors
from dashboard.vocab import STORY_COLUMNS

STORIES_PATH = GEODATA_DIR / "stories.csv"
# The order of each row's problems (see data/checks.py).
_ORDER = ["step", "incident_id", "leg", "title"]


@dataclass(frozen=True)
class Step:
    incident_id: str
    route_id: str | None = None
    leg: int | None = None


@dataclass(frozen=True)
class Story:
    story_id: str
    title: str
    intro: str
    steps: tuple[Step, ...]


def check_stories(
    incident_ids: Collection[str] | pd.Series,
    route_legs: set[tuple[str, int]],
    path: Path | str = STORIES_PATH,
) -> tuple[dict[str, Story], list[Problem]]:
    """Stories by id, checked against the loaded incidents (a set of ids, or the id column
    itself: only the ids the stories name are looked up in it) and route legs."""
    shown = str(path)
    table, problems = read_table(path, STORY_COLUMNS)
    if table is None:
        return {}, problems
    checks = Checks(table, shown, _ORDER)
    steps = checks.parsed("step", lambda text: parse_int(text, 1, 999), np.ones(len(table), bool))
    numbered = pd.notna(steps)  # a row without a step number is reported for that alone
    named = table["incident_id"]
    if isinstance(incident_ids, pd.Series):  # a million ids: look up the few the stories name
        incident_ids = set(incident_ids[incident_ids.isin(set(named))])
    unknown = numbered & ~named.isin(list(incident_ids)).to_numpy()
    for i in np.flatnonzero(unknown):
        iid = table["incident_id"].iloc[i]
        checks.report(i, "incident_id", "incident_id", f"unknown incident {iid!r}")
    with_leg = np.flatnonzero(numbered & ~checks.blank("route_id"))
    for i in with_leg:
        route_id, leg_text = table["route_id"].iloc[i], table["leg"].iloc[i]
        leg, err = parse_int(leg_text, 1, 99)
        if err or (route_id, leg) not in route_legs:
            checks.report(i, "leg", "leg", f"unknown route leg {route_id} {leg_text!r}")
    rows: dict[str, list[tuple[int, int, pd.Series]]] = {}
    for i in np.flatnonzero(numbered):
        row = table.iloc[i]
        rows.setdefault(row["story_id"], []).append((steps[i], int(checks.lines[i]), row))
    for items in rows.values():
        items.sort(key=lambda t: t[0])
        first_line, first = items[0][1], items[0][2]
        if not first["title"].strip():
            i = int(np.flatnonzero(checks.lines == first_line)[0])
            message = f"story {first['story_id']!r} needs a title on its first step"
            checks.report(i, "title", "title", message)
    problems += checks.problems()
    stories: dict[str, Story] = {}
    for story_id, items in rows.items():
        first = items[0][2]
        steps_of = tuple(
            Step(r["incident_id"], r["route_id"] or None, int(r["leg"]) if r["route_id"] else None)
            for _, _, r in items
        )
        stories[story_id] = Story(story_id, first["title"], first["intro"], steps_of)
    if errors(problems):
        return {}, problems
    return stories, problems


def date_order_steps(incidents: pd.DataFrame) -> tuple[Step, ...]:
    """Steps through the given incidents in date order, undated ones last."""
    ordered = incidents.sort_values(["date_start", "date_end", "incident_id"], na_position="last")
    return tuple(Step(iid) for iid in ordered["incident_id"])
