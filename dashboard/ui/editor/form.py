"""The incident form: its widgets, the row they describe, seeding them from a stored row,
and the problems the store would find, shown before saving."""

from __future__ import annotations

import datetime as dt

import streamlit as st

from dashboard.problems import Problem
from dashboard.ui.editor.fields import (
    COLUMNS,
    TEXT_FIELDS,
    field_key,
    init_widget,
    project_place_ids,
    text_field,
)
from dashboard.ui.editor.finder import place_picker, place_to_add
from dashboard.ui.session import current_translator
from dashboard.vocab import (
    CATEGORIES,
    CONFIDENCE,
)


def _iso(value) -> str:
    return value.isoformat() if isinstance(value, dt.date) else ""


def row_from_state(prefix: str) -> dict[str, str]:
    """The incident row the form's widgets describe (cell text, as in incidents.csv)."""
    state = st.session_state
    row = {c: str(state.get(field_key(prefix, c)) or "").strip() for c in COLUMNS}
    for col in ("summary", "source_quote", "internal_notes"):
        row[col] = str(state.get(field_key(prefix, col)) or "").strip()
    row["category"] = state.get(field_key(prefix, "category")) or ""
    row["confidence"] = state.get(field_key(prefix, "confidence")) or ""
    precision = state.get(field_key(prefix, "geo_precision"))
    row["geo_precision"] = str(precision) if precision else ""
    if state.get(field_key(prefix, "has_window"), True):
        row["date_start"] = _iso(state.get(field_key(prefix, "date_start")))
        row["date_end"] = _iso(state.get(field_key(prefix, "date_end")))
    else:
        row["date_start"] = row["date_end"] = ""
    route = state.get(field_key(prefix, "route_id")) or ""
    row["route_id"] = route
    return row


def seed_state(prefix: str, row: dict[str, str]) -> None:
    """Fill the form's widgets from a stored row (before they are drawn)."""
    state = st.session_state
    for col in COLUMNS:
        state[field_key(prefix, col)] = row.get(col, "")
    state[field_key(prefix, "category")] = row.get("category") or None
    state[field_key(prefix, "confidence")] = row.get("confidence") or None
    try:
        state[field_key(prefix, "geo_precision")] = int(row.get("geo_precision") or 0) or None
    except ValueError:
        state[field_key(prefix, "geo_precision")] = None
    has_window = bool(row.get("date_start") or row.get("date_end"))
    state[field_key(prefix, "has_window")] = has_window
    for col in ("date_start", "date_end"):
        try:
            state[field_key(prefix, col)] = dt.date.fromisoformat(row.get(col, ""))
        except ValueError:
            state[field_key(prefix, col)] = None
    state[field_key(prefix, "pending_place")] = None


def clear_form(prefix: str) -> None:
    """An empty form. The widgets that stay on the page get their empty values set, not just
    their keys deleted: a deleted key leaves the browser showing (and sending back) the old
    text, so the next incident would start as a copy of the last."""
    state = st.session_state
    for key in [k for k in state if str(k).startswith(prefix)]:
        del state[key]
    seed_state(prefix, {})
    state[field_key(prefix, "has_window")] = True
    state[field_key(prefix, "find")] = ""
    state[field_key(prefix, "route_id")] = ""


def incident_fields(prefix: str, dataset, *, new: bool) -> None:
    """Draw the form's widgets; their values live in session_state under ``prefix``."""
    for col in ("category", "confidence", "geo_precision", "date_start", "date_end"):
        init_widget(field_key(prefix, col), None)
    init_widget(field_key(prefix, "has_window"), True)
    init_widget(field_key(prefix, "route_id"), "")
    t = current_translator()
    c1, c2, c3 = st.columns(3)
    c1.text_input(
        t.gettext(TEXT_FIELDS["incident_id"][0]),
        key=field_key(prefix, "incident_id"),
        help=t.gettext(TEXT_FIELDS["incident_id"][1]),
        disabled=not new,
    )
    c2.selectbox(
        t.gettext("Category"),
        list(CATEGORIES),
        format_func=lambda k: t.gettext(CATEGORIES[k].label),
        key=field_key(prefix, "category"),
        placeholder=t.gettext("Choose a category"),
    )
    c3.selectbox(
        t.gettext("Confidence"),
        list(CONFIDENCE),
        format_func=lambda k: f"{k}: {t.gettext(CONFIDENCE[k])}",
        key=field_key(prefix, "confidence"),
        placeholder=t.gettext("Choose"),
    )

    st.markdown(t.gettext("**When**"))
    text_field(prefix, "date_text")
    has_window = st.checkbox(
        t.gettext("The date can be placed in a window (start and end)"),
        key=field_key(prefix, "has_window"),
    )
    if has_window:
        d1, d2 = st.columns(2)
        d1.date_input(
            t.gettext("Earliest date (date_start)"),
            min_value=dt.date(1945, 8, 15),
            max_value=dt.date.today(),
            key=field_key(prefix, "date_start"),
        )
        d2.date_input(
            t.gettext("Latest date (date_end)"),
            min_value=dt.date(1945, 8, 15),
            max_value=dt.date.today(),
            key=field_key(prefix, "date_end"),
        )
    text_field(prefix, "date_note")

    st.markdown(t.gettext("**Where**"))
    place_picker(prefix, dataset)

    st.markdown(t.gettext("**Who and what**"))
    a1, a2, a3 = st.columns([3, 1, 2])
    with a1:
        text_field(prefix, "actors")
    with a2:
        text_field(prefix, "people_count")
    routes = sorted(set(dataset.routes["route_id"])) if dataset is not None else []
    a3.selectbox(
        t.gettext("Route (optional)"),
        ["", *routes],
        key=field_key(prefix, "route_id"),
        format_func=lambda r: r or t.gettext("none"),
    )
    text_field(prefix, "summary")

    st.markdown(t.gettext("**Source**"))
    text_field(prefix, "source_quote")
    s1, s2 = st.columns(2)
    with s1:
        text_field(prefix, "source_outlet")
        text_field(prefix, "source_date")
    with s2:
        text_field(prefix, "source_title")
        text_field(prefix, "source_url")
    text_field(prefix, "internal_notes")


def live_problems(store, prefix: str, *, new: bool) -> list[Problem]:
    """What the store would reject, worded as the CLI words it (shown before saving)."""
    row = row_from_state(prefix)
    if not any(v for k, v in row.items() if k not in ("geo_precision",)):
        return []
    taken = project_place_ids(store)
    if place_to_add(prefix, taken) is not None:
        row["place_id"] = ""  # a new place is added to the gazetteer by the save, first
    problems = list(store.validate_incidents([row]))
    if new and row["incident_id"] and store.get_incident(row["incident_id"]) is not None:
        problems.insert(
            0,
            Problem(
                "new incident",
                None,
                "incident_id",
                current_translator().gettext("id {id} is taken", id=repr(row["incident_id"])),
            ),
        )
    return problems
