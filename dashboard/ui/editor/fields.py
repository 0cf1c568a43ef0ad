"""The editor's shared pieces: the form's columns and labels, widget keys, the author of a
change, and how problems and failed saves are shown."""

from __future__ import annotations

import streamlit as st

from dashboard.i18n import N_
from dashboard.problems import Problem
from dashboard.store.base import Rejected, default_author
from dashboard.ui.session import current_translator
from dashboard.vocab import (
    INCIDENT_COLUMNS,
    INCIDENT_EXTRA_COLUMNS,
)

COLUMNS = INCIDENT_COLUMNS + INCIDENT_EXTRA_COLUMNS
# Text fields of the form: column -> (label, help, multi-line), translated where shown
TEXT_FIELDS: dict[str, tuple[str, str, bool]] = {
    "incident_id": (N_("Incident id"), N_("Unique, e.g. JSA-01"), False),
    "date_text": (
        N_("Date in the source's words"),
        N_("e.g. 'in early June', 'last month'"),
        False,
    ),
    "date_note": (
        N_("Date note"),
        N_("Why the window is what it is (required when no window is given)"),
        False,
    ),
    "location": (N_("Location as the source says it"), "", False),
    "admin1": (N_("Province / admin1"), "", False),
    "country": (N_("Country (ISO alpha-2)"), N_("Set by the place finder or the map click"), False),
    "latitude": (N_("Latitude"), N_("Set by the place finder or the map click"), False),
    "longitude": (N_("Longitude"), N_("Set by the place finder or the map click"), False),
    "place_id": (
        N_("Gazetteer place id"),
        N_("Set when the place comes from the gazetteer"),
        False,
    ),
    "actors": (N_("Actors"), N_("e.g. Ministry of State Security (MSS)"), False),
    "people_count": (N_("People (number, if the source gives one)"), "", False),
    "summary": (N_("Summary"), "", True),
    "source_quote": (N_("Verbatim quote from the source"), N_("Copy it exactly"), True),
    "source_outlet": (N_("Outlet"), N_("e.g. Daily NK"), False),
    "source_title": (N_("Article title"), "", False),
    "source_date": (N_("Publication date (YYYY-MM-DD)"), "", False),
    "source_url": (N_("Link"), N_("http(s)://…"), False),
    "internal_notes": (N_("Internal notes (never exported)"), "", True),
}


def init_widget(key: str, value) -> None:
    """A widget's first value, set through session state (so it can also be seeded)."""
    if key not in st.session_state:
        st.session_state[key] = value


def author() -> str:
    """Who a change is by: the name typed in the editor, else the default author."""
    return (st.session_state.get("ed_author") or "").strip() or default_author()


def field_key(prefix: str, column: str) -> str:
    """The widget key of a form column (one prefix per form: add or edit)."""
    return f"{prefix}{column}"


def text_field(prefix: str, column: str) -> None:
    """A text box (or area) for a column, labelled from TEXT_FIELDS."""
    t = current_translator()
    label, help_text, multi = TEXT_FIELDS[column]
    widget = st.text_area if multi else st.text_input
    widget(
        t.gettext(label),
        key=field_key(prefix, column),
        help=t.gettext(help_text) if help_text else None,
    )


def show_problems(problems: list[Problem]) -> None:
    """The problems as plain text (the CLI's lines), so nothing in them is read as markup."""
    if problems:
        n = len(problems)
        box = st.container(key="ed_problems")
        t = current_translator()
        box.error(
            t.ngettext("{n} problem to fix before saving:", "{n} problems to fix before saving:", n)
        )
        box.code("\n".join(str(p) for p in problems), language=None, wrap_lines=True)


def project_place_ids(store) -> set[str]:
    """The place ids in the project's gazetteer, read fresh (a save may have added one)."""
    from dashboard.data.places import load_places

    return set(load_places(store.places_path).index)


def failure_text(exc: Exception) -> str:
    """What a failed save says: a first line, then the store's problems one per line."""
    t = current_translator()
    if isinstance(exc, Rejected):
        return "\n".join([t.gettext("Nothing was saved:"), *(str(p) for p in exc.problems)])
    return t.gettext("Nothing was saved: {reason}", reason=str(exc))


def error_box(key: str) -> None:
    """Show (once) the failure a callback left under ``key``."""
    message = st.session_state.pop(key, None)
    if message:
        head, _, rest = message.partition("\n")
        st.error(head)
        if rest:
            st.code(rest, language=None, wrap_lines=True)
