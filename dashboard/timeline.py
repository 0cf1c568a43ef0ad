"""The timeline under the map, and playing a date window through time.

Plain functions: the Altair chart spec (the app hands it to Streamlit) and the window arithmetic
the Play / Step buttons use, so both are tested without a browser.
"""

from __future__ import annotations

import datetime as dt

import altair as alt
import pandas as pd

from dashboard.data.incidents import effective_end
from dashboard.filters import monthly_counts, rows_in
from dashboard.i18n import DEFAULT_LANGUAGE, N_, translator
from dashboard.vocab import CATEGORIES

TIMELINE_DETAIL_LIMIT = 500  # above this the timeline shows monthly counts
WINDOW_BAND = "#f2d13c"  # the date window drawn behind the marks

Window = tuple[dt.date, dt.date]

# The detailed timeline's tooltip: each column under the heading it has always had in English
# (its own name), translated for other languages.
_TOOLTIP_FIELDS = [
    ("incident_id", N_("incident_id")),
    ("date_text", N_("date_text")),
    ("location", N_("location")),
    ("label", N_("label")),
]


def timeline_rows(
    inc: pd.DataFrame, shown: pd.DataFrame, window: Window, *, lang: str = DEFAULT_LANGUAGE
) -> pd.DataFrame:
    """One row per dated incident for the detailed timeline: its date range (an end the source
    does not state runs to the window's end, not beyond), category label (in the reader's
    language) and whether the filters show it."""
    t = translator(lang)
    dated = inc.loc[inc["date_start"].notna(), ["incident_id", "category", "date_start"]]
    detail = pd.DataFrame(
        inc.loc[dated.index, ["incident_id", "date_start", "date_end", "date_text", "location"]]
    )
    if detail.empty:
        return detail.assign(label=pd.Series(dtype=str), shown=pd.Series(dtype=bool))
    detail["date_end"] = effective_end(
        detail, max(pd.Timestamp(window[1]), detail["date_start"].max())
    )
    detail["label"] = dated["category"].map(
        {key: t.gettext(c.label) for key, c in CATEGORIES.items()}
    )
    detail["shown"] = dated.index.isin(shown.index)
    return detail


def timeline_chart(
    inc: pd.DataFrame, shown: pd.DataFrame, window: Window, *, lang: str = DEFAULT_LANGUAGE
) -> alt.Chart | None:
    """Incidents over time; one mark per incident when few, monthly counts when many.

    Above TIMELINE_DETAIL_LIMIT the browser gets ``monthly_counts`` (at most one row per month
    and category) instead of every incident: at 100,000 that was ~97,000 rows per rerun.
    None when no incident has a date.
    """
    t = translator(lang)
    dated = inc["date_start"].notna()
    if not dated.any():
        return None
    domain = [t.gettext(c.label) for c in CATEGORIES.values()]
    colours = [c.colour for c in CATEGORIES.values()]
    colour = alt.Color(
        "label:N", scale=alt.Scale(domain=domain, range=colours), title=t.gettext("Category")
    )
    band = (
        alt.Chart(
            pd.DataFrame({"start": [pd.Timestamp(window[0])], "end": [pd.Timestamp(window[1])]})
        )
        .mark_rect(color=WINDOW_BAND, opacity=0.25)
        .encode(x="start:T", x2="end:T")
    )
    if int(dated.sum()) <= TIMELINE_DETAIL_LIMIT:
        detail = timeline_rows(inc, shown, window, lang=t.lang)
        base = alt.Chart(detail).encode(
            y=alt.Y("label:N", title=None, sort=domain),
            color=colour,
            opacity=alt.condition("datum.shown", alt.value(1.0), alt.value(0.25)),
            tooltip=[alt.Tooltip(f, title=t.gettext(msg)) for f, msg in _TOOLTIP_FIELDS],
        )
        marks = base.mark_rule(strokeWidth=6).encode(
            x=alt.X("date_start:T", title=None), x2="date_end:T"
        ) + base.mark_point(filled=True, size=60).encode(x="date_start:T")
        height = 28 * detail["label"].nunique() + 40
    else:
        months = monthly_counts(inc, rows_in(inc, shown))
        months["label"] = months["label"].map(lambda label: t.gettext(label))
        months["status"] = months["shown"].map(
            {True: t.gettext("shown"), False: t.gettext("filtered out")}
        )
        marks = (
            alt.Chart(months)
            .mark_bar()
            .encode(
                x=alt.X("month:T", title=None, timeUnit="yearmonth"),
                y=alt.Y("sum(n):Q", title=t.gettext("Incidents per month")),
                color=colour,
                opacity=alt.condition("datum.shown", alt.value(1.0), alt.value(0.25)),
                order=alt.Order("shown:N", sort="descending"),
                tooltip=[
                    alt.Tooltip("month:T", timeUnit="yearmonth", title=t.gettext("Month")),
                    alt.Tooltip("label:N", title=t.gettext("label")),
                    alt.Tooltip("status:N", title=t.gettext("status")),
                    alt.Tooltip("sum(n):Q", title=t.gettext("Incidents")),
                ],
            )
        )
        height = 200
    return (band + marks).properties(height=height).configure_axisY(labelLimit=220)


def stepped_window(window: Window, span: Window, days: int) -> tuple[Window, bool]:
    """The window moved by ``days`` keeping its width, and whether it reached the span's end
    (playing stops there). A window as wide as the whole span becomes one step wide, at the
    span's start going forward or at its end going back."""
    start, end = window
    width = end - start
    if width >= span[1] - span[0]:
        width = dt.timedelta(days=abs(days))
        start = span[0] if days > 0 else span[1] - width
        return (start, min(start + width, span[1])), False
    new_start = min(max(span[0], start + dt.timedelta(days=days)), span[1] - width)
    return (new_start, new_start + width), new_start + width >= span[1]


def play_start_window(window: Window, span: Window, days: int) -> Window:
    """Where playing starts from the window shown: the whole span starts one step wide at its
    beginning, a window already at the end starts again from the beginning, any other window
    plays from where it is."""
    start, end = window
    width = end - start
    if width >= span[1] - span[0]:
        return stepped_window(window, span, days)[0]
    if end >= span[1]:
        return (span[0], span[0] + width)
    return window
