"""An incident's history of changes, and restoring any version."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard.i18n import N_
from dashboard.store.base import StoreError
from dashboard.ui.editor.fields import (
    author,
    error_box,
    failure_text,
)
from dashboard.ui.session import current_translator

# The history table's columns (keys kept as the data's; headers shown translated).
HISTORY_COLUMNS = {
    "when (UTC)": N_("when (UTC)"),
    "who": N_("who"),
    "what": N_("what"),
    "changed": N_("changed"),
    "note": N_("note"),
}
VERSION_COLUMNS = {"column": N_("column"), "value": N_("value")}


def history_view(store) -> None:
    """The changes to one incident, a chosen version, and Restore."""
    t = current_translator()
    changes = store.history()
    if not changes:
        st.info(
            t.gettext("No changes yet: the history starts with the first save in the app or CLI.")
        )
        return
    keys = list(dict.fromkeys(c.key for c in reversed(changes)))
    key = st.selectbox(t.gettext("Incident"), keys, key="ed_hist_key")
    mine = [c for c in changes if c.key == key]
    table = pd.DataFrame(
        [
            {
                "when (UTC)": c.at.replace("T", " ").rstrip("Z"),
                "who": c.author,
                "what": c.action,
                "changed": ", ".join(k for k in (c.after or c.before or {}) if k != "incident_id")
                if c.before and c.after
                else (t.gettext("whole row") if c.after else t.gettext("removed")),
                "note": c.note,
            }
            for c in mine
        ]
    )
    table = table.rename(columns=lambda c: t.gettext(HISTORY_COLUMNS[c]))
    st.dataframe(table, hide_index=True, use_container_width=True)
    labels = {c.change_id: f"{c.at} · {c.author} · {c.action}" for c in mine}
    chosen = st.selectbox(
        t.gettext("Version after the change"),
        list(reversed(list(labels))),
        format_func=labels.__getitem__,
        key="ed_hist_change",
    )
    if chosen:
        version = store.version_after(chosen)
        target = next(c for c in mine if c.change_id == chosen)
        shown = version if version is not None else target.before
        caption = (
            t.gettext("as it was right after this change")
            if version is not None
            else t.gettext("this change withdrew it; restoring brings back this version")
        )
        st.caption(caption)
        st.dataframe(
            pd.DataFrame(
                {"column": list(shown or {}), "value": list((shown or {}).values())}
            ).rename(columns=lambda c: t.gettext(VERSION_COLUMNS[c])),
            hide_index=True,
            use_container_width=True,
        )
        st.button(
            t.gettext("Restore this version"),
            key="ed_hist_restore",
            on_click=_restore,
            args=(store, chosen),
        )
    error_box("ed_err_hist")


def _restore(store, change_id: str) -> None:
    state = st.session_state
    try:
        store.restore(change_id, author=author())
    except StoreError as exc:
        state["ed_err_hist"] = failure_text(exc)
        return
    state.pop("ed_loaded", None)
    state["ed_flash"] = current_translator().gettext("Restored: the map shows that version now.")
