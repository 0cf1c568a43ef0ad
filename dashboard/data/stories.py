"""Named stories for briefings: ordered incidents and route legs, defined as data.

Adding a story is adding rows to ``geodata/stories.csv``: the first step of a story
carries its title and intro; every step names an incident and, optionally, the route
leg to highlight with it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from dashboard import GEODATA_DIR
from dashboard.data.cells import parse_int
from dashboard.data.tables import read_table
from dashboard.problems import Problem, errors

STORIES_PATH = GEODATA_DIR / "stories.csv"
STORY_COLUMNS = ["story_id", "step", "incident_id", "route_id", "leg", "title", "intro"]


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
    incident_ids: set[str],
    route_legs: set[tuple[str, int]],
    path: Path | str = STORIES_PATH,
) -> tuple[dict[str, Story], list[Problem]]:
    """Stories by id, checked against the loaded incidents and route legs."""
    shown = str(path)
    table, problems = read_table(path, STORY_COLUMNS)
    if table is None:
        return {}, problems
    rows: dict[str, list[tuple[int, int, pd.Series]]] = {}
    for line, row in table.iterrows():
        step, err = parse_int(row["step"], 1, 999)
        if err:
            problems.append(Problem(shown, line, "step", err))
            continue
        if row["incident_id"] not in incident_ids:
            problems.append(
                Problem(shown, line, "incident_id", f"unknown incident {row['incident_id']!r}")
            )
        if row["route_id"]:
            leg, err = parse_int(row["leg"], 1, 99)
            if err or (row["route_id"], leg) not in route_legs:
                problems.append(
                    Problem(
                        shown, line, "leg", f"unknown route leg {row['route_id']} {row['leg']!r}"
                    )
                )
        rows.setdefault(row["story_id"], []).append((step, line, row))
    stories: dict[str, Story] = {}
    for story_id, items in rows.items():
        items.sort(key=lambda t: t[0])
        first_line, first = items[0][1], items[0][2]
        if not first["title"].strip():
            problems.append(
                Problem(
                    shown,
                    first_line,
                    "title",
                    f"story {story_id!r} needs a title on its first step",
                )
            )
        steps = tuple(
            Step(r["incident_id"], r["route_id"] or None, int(r["leg"]) if r["route_id"] else None)
            for _, _, r in items
        )
        stories[story_id] = Story(story_id, first["title"], first["intro"], steps)
    if errors(problems):
        return {}, problems
    return stories, problems


def date_order_steps(incidents: pd.DataFrame) -> tuple[Step, ...]:
    """Steps through the given incidents in date order, undated ones last."""
    ordered = incidents.sort_values(["date_start", "date_end", "incident_id"], na_position="last")
    return tuple(Step(iid) for iid in ordered["incident_id"])
