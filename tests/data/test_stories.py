"""Stories: read from their CSV in step order, checked against the incidents and route legs
they name, with the problems in the ``PATH:LINE: COLUMN: message`` form; and the date-order
walk a briefing falls back to."""

from __future__ import annotations

import pandas as pd

from dashboard.data.stories import STORIES_PATH, Step, Story, check_stories, date_order_steps
from dashboard.data.tables import read_table

HEADER = "story_id,step,incident_id,route_id,leg,title,intro\n"
INCIDENTS = {"A-1", "B-1", "C-1"}
LEGS = {("R-1", 1), ("R-1", 2)}


def write(tmp_path, body: str):
    path = tmp_path / "stories.csv"
    path.write_text(HEADER + body, encoding="utf-8")
    return path


def messages(problems) -> list[str]:
    return sorted(str(p) for p in problems)


def test_steps_come_in_step_order_with_their_legs(tmp_path):
    path = write(
        tmp_path,
        "two,1,C-1,,,Second story,Only one step.\n"
        "one,3,C-1,,,,\n"
        "one,1,A-1,R-1,2,First story,It starts here.\n"
        "one,2,B-1,R-1,1,,\n",
    )
    stories, problems = check_stories(INCIDENTS, LEGS, path)
    assert problems == []
    assert list(stories) == ["two", "one"]  # in the order the file first names them
    assert stories["one"] == Story(
        "one",
        "First story",
        "It starts here.",
        (Step("A-1", "R-1", 2), Step("B-1", "R-1", 1), Step("C-1")),
    )
    assert stories["two"] == Story("two", "Second story", "Only one step.", (Step("C-1"),))


def test_unknown_incident_leg_bad_step_and_missing_title_are_reported(tmp_path):
    path = write(
        tmp_path,
        "one,1,A-1,,,,No title on the first step.\n"  # line 2
        "one,2,Z-9,,,,\n"  # line 3
        "one,3,B-1,R-1,7,,\n"  # line 4
        "one,4,B-1,R-2,1,,\n"  # line 5
        "one,x,C-1,,,,\n"  # line 6
        "one,1000,C-1,,,,\n",  # line 7
    )
    stories, problems = check_stories(INCIDENTS, LEGS, path)
    assert stories == {}
    assert messages(problems) == sorted(
        [
            f"{path}:2: title: story 'one' needs a title on its first step",
            f"{path}:3: incident_id: unknown incident 'Z-9'",
            f"{path}:4: leg: unknown route leg R-1 '7'",
            f"{path}:5: leg: unknown route leg R-2 '1'",
            f"{path}:6: step: not a whole number: 'x'",
            f"{path}:7: step: 1000 is out of range (1 to 999)",
        ]
    )


def test_a_missing_column_is_reported_and_no_story_read(tmp_path):
    path = tmp_path / "stories.csv"
    path.write_text("story_id,step,incident_id\none,1,A-1\n", encoding="utf-8")
    stories, problems = check_stories(INCIDENTS, LEGS, path)
    assert stories == {}
    assert problems and all(str(path) in str(p) for p in problems)


def test_the_shipped_stories_name_shipped_incidents():
    from dashboard.data.dataset import load_dataset

    data = load_dataset()
    legs = {(r, int(n)) for r, n in zip(data.routes["route_id"], data.routes["leg"], strict=True)}
    stories, problems = check_stories(set(data.incidents["incident_id"]), legs)
    assert [str(p) for p in problems] == []
    table, _ = read_table(STORIES_PATH, ["story_id"])
    assert set(stories) == set(table["story_id"])
    assert all(story.title.strip() and story.steps for story in stories.values())
    # the id column itself (the app passes it: a set of a million ids cost a second) gives
    # the same stories and problems, and so does a column missing one named incident
    ids = data.incidents["incident_id"]
    again, again_problems = check_stories(ids, legs)
    assert again == stories and again_problems == problems
    named = next(iter(stories.values())).steps[0].incident_id
    fewer, fewer_problems = check_stories(ids[ids != named], legs)
    by_set, by_set_problems = check_stories(set(ids[ids != named]), legs)
    assert fewer == by_set and [str(p) for p in fewer_problems] == [str(p) for p in by_set_problems]
    assert any(f"unknown incident {named!r}" in str(p) for p in fewer_problems)


def test_date_order_puts_undated_last_and_breaks_ties_by_end_then_id():
    incidents = pd.DataFrame(
        {
            "incident_id": ["U-2", "B-2", "A-9", "U-1", "A-1", "C-1"],
            "date_start": pd.to_datetime(
                [None, "2019-05-01", "2019-05-01", None, "2019-05-01", "2018-01-01"]
            ),
            "date_end": pd.to_datetime(
                [None, "2019-05-02", "2019-05-31", None, "2019-05-31", "2018-12-31"]
            ),
        }
    )
    assert [s.incident_id for s in date_order_steps(incidents)] == [
        "C-1",
        "B-2",
        "A-1",
        "A-9",
        "U-1",
        "U-2",
    ]
    assert all(s.route_id is None and s.leg is None for s in date_order_steps(incidents))
