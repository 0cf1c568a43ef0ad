"""The timeline in motion, as data: the steps of a clip, which incidents each frame shows, and
the words around them (date caption, counts, what was left out). Pure functions: no drawing
(``animate``) and no files (``encode``), so what a clip shows is tested without making one.

A frame in the moving window shows every incident whose date window overlaps its step, so a
vague date ("mid-May", "spring 2023") counts in each step it may fall in; a cumulative frame
shows everything that began by the step's end. An open end ("from mid-May") runs to today, as
in the filters. Undated incidents (no stated year) cannot be placed in time: they are left out
and the plan counts them, for the caption and the terminal to say so.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd

from dashboard.data.incidents import effective_end
from dashboard.export.spec import ExportError
from dashboard.i18n import DEFAULT_LANGUAGE, translator
from dashboard.vocab import CATEGORIES, MOTION_MAX_STEPS, MOTION_MODES, MOTION_STEPS


@dataclass(frozen=True)
class Frame:
    """One step of a clip: its days, its caption, the rows it shows and their counts."""

    start: dt.date
    end: dt.date  # the step's last day
    caption: str  # "May 2024", "2024년 5월", "Week of 6 May 2024", "Q2 2024"
    rows: np.ndarray  # positions in MotionPlan.incidents
    counts: dict[str, int]  # category key -> incidents shown, declared order, none at zero

    @property
    def total(self) -> int:
        return len(self.rows)


@dataclass(frozen=True)
class MotionPlan:
    """Every frame of a clip over the dated incidents, and how many undated ones were left out."""

    frames: list[Frame]
    incidents: pd.DataFrame  # the dated incidents, the rows the frames point into
    undated: int
    step: str
    mode: str


def step_starts(start: dt.date, end: dt.date, step: str) -> list[dt.date]:
    """The first day of every step from the one holding ``start`` to the one holding ``end``:
    weeks from Monday, calendar months, calendar quarters."""
    if step not in MOTION_STEPS:
        raise ExportError(f"unknown step {step!r} (choose from {', '.join(MOTION_STEPS)})")
    if step == "week":
        first = start - dt.timedelta(days=start.weekday())
        return [first + dt.timedelta(weeks=i) for i in range((end - first).days // 7 + 1)]
    months = 3 if step == "quarter" else 1
    month = (start.month - 1) // months * months + 1
    first = dt.date(start.year, month, 1)
    count = ((end.year - first.year) * 12 + end.month - first.month) // months + 1
    return [_add_months(first, i * months) for i in range(count)]


def step_end(first: dt.date, step: str) -> dt.date:
    """The last day of the step that begins on ``first``."""
    if step == "week":
        return first + dt.timedelta(days=6)
    return _add_months(first, 3 if step == "quarter" else 1) - dt.timedelta(days=1)


def _add_months(day: dt.date, months: int) -> dt.date:
    index = day.year * 12 + day.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


def step_caption(first: dt.date, step: str, *, lang: str = DEFAULT_LANGUAGE) -> str:
    """The frame's date caption: "Week of 6 May 2024", "May 2024", "Q2 2024" (in ``lang``)."""
    t = translator(lang)
    if step == "week":
        return t.gettext("Week of {date}", date=t.date(first))
    if step == "quarter":
        return t.gettext(
            "Q{quarter} {year}", quarter=(first.month - 1) // 3 + 1, year=str(first.year)
        )
    return t.month(first)


def plan_frames(
    incidents: pd.DataFrame,
    step: str,
    mode: str = "moving",
    window: tuple[dt.date | None, dt.date | None] = (None, None),
    today: pd.Timestamp | None = None,
    *,
    lang: str = DEFAULT_LANGUAGE,
) -> MotionPlan:
    """The frames of a clip of ``incidents`` stepping through ``window`` (the filters' dates;
    an open side is the dated incidents' span). Raises ExportError, in words for the reader,
    for an unknown step or mode, an empty window, or a clip with no incident in it."""
    t = translator(lang)
    if step not in MOTION_STEPS:
        raise ExportError(
            t.gettext(
                "unknown step {step!r} (choose from {choices})",
                step=step,
                choices=", ".join(MOTION_STEPS),
            )
        )
    if mode not in MOTION_MODES:
        raise ExportError(
            t.gettext(
                "unknown mode {mode!r} (choose from {choices})",
                mode=mode,
                choices=", ".join(MOTION_MODES),
            )
        )
    has_date = incidents["date_start"].notna().to_numpy()
    dated = incidents[has_date]
    undated = int((~has_date).sum())
    starts = pd.to_datetime(dated["date_start"])
    ends = pd.to_datetime(effective_end(dated, today)).fillna(starts)
    first, last = window
    if first is None or last is None:
        if not len(dated):
            raise ExportError(
                t.gettext("no dated incident to put in motion")
                + ("; " + undated_note(undated, lang=lang) if undated else "")
            )
        stated_end = pd.to_datetime(dated["date_end"]).max()  # open ends do not stretch it
        latest = starts.max() if pd.isna(stated_end) else max(starts.max(), stated_end)
        first = first or starts.min().date()
        last = last or latest.date()
    if first > last:
        raise ExportError(
            t.gettext(
                "the date window is empty: it starts ({start}) after it ends ({end})",
                start=t.date(first),
                end=t.date(last),
            )
        )
    firsts = step_starts(first, last, step)
    if len(firsts) > MOTION_MAX_STEPS:
        raise ExportError(
            t.gettext(
                "{n} steps is too many for a clip (at most {limit}): choose a longer step or a "
                "shorter date window",
                n=t.number(len(firsts)),
                limit=t.number(MOTION_MAX_STEPS),
            )
        )
    s, e = starts.to_numpy(), ends.to_numpy()
    categories = dated["category"].to_numpy()
    frames = []
    for day in firsts:
        lo, hi = (
            pd.Timestamp(day).to_datetime64(),
            pd.Timestamp(step_end(day, step)).to_datetime64(),
        )
        keep = s <= hi if mode == "cumulative" else (s <= hi) & (e >= lo)
        rows = np.flatnonzero(keep)
        found = pd.Series(categories[rows]).value_counts()
        counts = {k: int(found[k]) for k in CATEGORIES if k in found.index}
        frames.append(
            Frame(day, step_end(day, step), step_caption(day, step, lang=lang), rows, counts)
        )
    if not any(f.total for f in frames):
        raise ExportError(
            t.gettext(
                "no dated incident falls between {start} and {end}: widen the date window or "
                "clear a filter",
                start=t.date(first),
                end=t.date(last),
            )
        )
    return MotionPlan(frames, dated, undated, step, mode)


def count_lines(frame: Frame, mode: str, *, lang: str = DEFAULT_LANGUAGE) -> list[str]:
    """The frame's counts: a total ("12 incidents in this step" / "… so far"), then one line per
    category shown ("Arrest: 5")."""
    t = translator(lang)
    if mode == "cumulative":
        head = t.ngettext("{n} incident so far", "{n} incidents so far", frame.total)
    else:
        head = t.ngettext("{n} incident in this step", "{n} incidents in this step", frame.total)
    lines = [head]
    for key, n in frame.counts.items():
        lines.append(
            t.gettext("{category}: {n}", category=t.gettext(CATEGORIES[key].label), n=t.number(n))
        )
    return lines


def undated_note(n: int, *, lang: str = DEFAULT_LANGUAGE) -> str:
    """Why some incidents are missing from a clip: they have no stated year."""
    return translator(lang).ngettext(
        "{n} incident with no stated year is left out: it cannot be placed in time",
        "{n} incidents with no stated year are left out: they cannot be placed in time",
        n,
    )


def vague_note(*, lang: str = DEFAULT_LANGUAGE) -> str:
    """How a vague date is counted, for the clip's footer."""
    return translator(lang).gettext(
        "A vague date (such as mid-May) counts in every step it may fall in"
    )
