"""Around the data: rows that did not load (and reloading the file), and the desk where those
who may add, edit and import incidents."""

from __future__ import annotations

import streamlit as st

from dashboard.data.dataset import Dataset
from dashboard.problems import Problem, errors
from dashboard.ui import auth, storedata
from dashboard.ui.editor import editing_enabled, editor_panel
from dashboard.ui.importer import import_panel
from dashboard.ui.session import current_translator


def may_edit() -> bool:
    """Editing: once editor accounts exist (a shared app) only for a signed-in editor;
    before that only on a journalist's own machine, switched on with DASHBOARD_EDITING=1 or
    --editing. Viewing is always open."""
    if auth.editor_accounts():
        return auth.can_edit()
    return editing_enabled()


def problems_banner(dataset: Dataset | None, problems: list[Problem], stale: bool) -> None:
    """Rows that were not loaded, each with its problem, and a way to load the file again."""
    rejected = dataset.rejected if dataset is not None and not stale else errors(problems)
    if not rejected:
        return
    t = current_translator()
    if dataset is not None and not stale:
        head = t.gettext(
            "{rejected} of {total} rows not loaded from {path}: the map shows the other {shown}.",
            rejected=t.number(dataset.rows_rejected),
            total=t.number(dataset.rows_in_file),
            path=dataset.incidents_path,
            shown=t.number(len(dataset.incidents)),
        )
    else:
        head = t.gettext("The incidents file could not be loaded.")
        if stale:
            last = st.session_state.get(storedata.LAST_GOOD_KEY)
            if last:
                head += " " + t.gettext(
                    "Showing the last good data, loaded at {time}.", time=last[2]
                )
    box = st.container(border=True)
    box.error(head, icon="⚠️")
    listing = "\n".join(str(p) for p in rejected[:200])
    more = (
        "\n" + t.gettext("… and {n} more", n=t.number(len(rejected) - 200))
        if len(rejected) > 200
        else ""
    )
    box.code(listing + more, language=None, wrap_lines=True)
    c1, c2 = box.columns([1, 4], vertical_alignment="center")
    c1.button(t.gettext("Reload the file"), key="reload", on_click=storedata.reload)
    c2.caption(t.gettext("Fix the rows in the file, save it, then reload (or just keep working)."))


def data_warnings(problems: list[Problem]) -> None:
    """Warnings about the data files, folded away."""
    notes = [str(p) for p in problems if p.severity == "warning"]
    if notes:
        t = current_translator()
        title = t.ngettext(
            "{n} warning about the data files", "{n} warnings about the data files", len(notes)
        )
        with st.expander(title):
            st.code("\n".join(notes), language=None, wrap_lines=True)


def data_desk(store, dataset: Dataset) -> None:
    """Adding, editing and importing incidents, for those who may (``may_edit``)."""
    if not may_edit():
        return
    t = current_translator()
    st.subheader(t.gettext("Add, edit or import incidents"))
    editor = auth.current_editor()
    if editor:  # a signed-in editor's changes carry their account name in the history
        st.session_state["ed_author"] = editor
    editor_panel(store, dataset, enabled=True)
    with st.expander(
        t.gettext("Import incidents from a file (spreadsheet, ACLED, UCDP, GeoJSON, KML)")
    ):
        if import_panel(store, editing=True):
            storedata.reload()
            st.rerun()
