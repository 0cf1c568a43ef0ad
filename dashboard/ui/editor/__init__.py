"""The app's editor: add, edit, withdraw and restore incidents, add places and routes.

Streamlit-only. One entry point, ``editor_panel(store, dataset)``, which draws nothing
unless editing is switched on (``DASHBOARD_EDITING=1`` or the app argument ``--editing``):
until sign-in exists, editing is meant for a journalist's own machine.

Every save goes through the store (dashboard.store), which validates with the CLI's
messages, writes atomically and keeps the history; the form shows the same messages live,
before anything is saved. Saves run in button callbacks, so the rerun that follows already
loads the new file.
"""

from __future__ import annotations

import os
import sys

import streamlit as st

from dashboard.i18n import N_
from dashboard.store.base import default_author
from dashboard.ui.editor.fields import init_widget
from dashboard.ui.editor.history import history_view
from dashboard.ui.editor.incident import add_view, edit_view
from dashboard.ui.editor.routes import route_view
from dashboard.ui.session import current_translator

EDITING_ENV = "DASHBOARD_EDITING"
# The editor's modes: the values are these English words, shown translated.
ADD, EDIT, HISTORY, ROUTE = (
    N_("Add an incident"),
    N_("Edit or withdraw"),
    N_("History"),
    N_("Add a route"),
)


def editing_enabled(argv: list[str] | None = None) -> bool:
    """Editing is off unless DASHBOARD_EDITING=1 or the app was started with --editing."""
    if os.environ.get(EDITING_ENV, "").strip().lower() in ("1", "true", "yes", "on"):
        return True
    return "--editing" in (sys.argv[1:] if argv is None else argv)


def editor_panel(store, dataset, *, enabled: bool | None = None) -> None:
    """The whole editor (or nothing when editing is off). ``store`` is a dashboard.store
    Store; ``dataset`` the loaded Dataset (for choices: places, routes, incident ids).
    ``enabled`` overrides the local switch (the app passes whether this session may edit)."""
    if not (editing_enabled() if enabled is None else enabled):
        return
    flash = st.session_state.pop("ed_flash", None)
    if flash:
        st.success(flash)
    t = current_translator()
    init_widget("ed_author", default_author())
    st.text_input(t.gettext("Your name (kept in the history)"), key="ed_author")
    mode = st.radio(
        t.gettext("Editor"),
        [ADD, EDIT, HISTORY, ROUTE],
        horizontal=True,
        key="ed_mode",
        format_func=t.gettext,
    )
    if mode == ADD:
        add_view(store, dataset)
    elif mode == EDIT:
        edit_view(store, dataset)
    elif mode == HISTORY:
        history_view(store)
    else:
        route_view(store, dataset)
