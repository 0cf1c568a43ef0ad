"""Adding an incident, and editing or withdrawing one (with the conflict box when someone
else saved it first)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard.i18n import N_
from dashboard.store.base import Conflict, StoreError
from dashboard.ui.editor.fields import (
    author,
    error_box,
    failure_text,
    field_key,
    init_widget,
    project_place_ids,
    show_problems,
)
from dashboard.ui.editor.finder import place_to_add
from dashboard.ui.editor.form import (
    clear_form,
    incident_fields,
    live_problems,
    row_from_state,
    seed_state,
)
from dashboard.ui.session import current_translator


def add_view(store, dataset) -> None:
    """Add an incident: the empty form, its live problems, Save."""
    prefix = "ed_add_"
    incident_fields(prefix, dataset, new=True)
    problems = live_problems(store, prefix, new=True)
    show_problems(problems)
    row = row_from_state(prefix)
    ready = bool(row["incident_id"]) and not problems
    st.button(
        current_translator().gettext("Save the new incident"),
        key="ed_save_new",
        type="primary",
        disabled=not ready,
        on_click=_save_new,
        args=(store, prefix),
    )
    error_box("ed_err_add")


def _save_new(store, prefix: str) -> None:
    row = row_from_state(prefix)
    state = st.session_state
    try:
        row["place_id"] = _add_place_first(store, prefix)
        store.add_incidents([row], author=author())
    except StoreError as exc:
        state["ed_err_add"] = failure_text(exc)
        return
    clear_form(prefix)
    state["ed_flash"] = current_translator().gettext(
        "Saved {id}: it is on the map now.", id=row["incident_id"]
    )


def _add_place_first(store, prefix: str) -> str:
    """Add the new place this save needs (if any); the place_id for the incident."""
    state = st.session_state
    taken = project_place_ids(store)
    new_place = place_to_add(prefix, taken)
    if new_place is not None:
        store.add_place(new_place, author=author())
        # Added once: a retry (after a conflict, say) uses it rather than adding it again.
        state[field_key(prefix, "pending_place")] = None
        state[field_key(prefix, "clicked_place")] = False
        state[field_key(prefix, "place_id")] = new_place["place_id"]
        return new_place["place_id"]
    return (state.get(field_key(prefix, "place_id")) or "").strip()


def edit_view(store, dataset) -> None:
    """Edit or withdraw the chosen incident, seeded from the file."""
    prefix = "ed_edit_"
    t = current_translator()
    ids = list(dataset.incidents["incident_id"]) if dataset is not None else []
    init_widget("ed_choice", None)
    chosen = st.selectbox(
        t.gettext("Incident to edit"), ids, key="ed_choice", placeholder=t.gettext("Choose an id")
    )
    if not chosen:
        return
    state = st.session_state
    if state.get("ed_loaded") != chosen:
        row = store.get_incident(chosen)
        if row is None:
            st.warning(
                t.gettext("{id} is no longer in the file (withdrawn?); see History.", id=chosen)
            )
            return
        clear_form(prefix)
        seed_state(prefix, row)
        state["ed_base"] = row
        state["ed_loaded"] = chosen
    conflict: Conflict | None = state.get("ed_conflict")
    if conflict is not None and conflict.key == chosen:
        _conflict_box(store, conflict)
    incident_fields(prefix, dataset, new=False)
    problems = live_problems(store, prefix, new=False)
    show_problems(problems)
    st.button(
        t.gettext("Save changes"),
        key="ed_save_edit",
        type="primary",
        disabled=bool(problems),
        on_click=_save_edit,
        args=(store, chosen),
    )
    with st.expander(t.gettext("Withdraw this incident (it leaves the map; the history keeps it)")):
        st.text_input(t.gettext("Why is it withdrawn?"), key="ed_withdraw_reason")
        st.button(
            t.gettext("Withdraw"),
            key="ed_withdraw",
            disabled=not (state.get("ed_withdraw_reason") or "").strip(),
            on_click=_withdraw,
            args=(store, chosen),
        )
    error_box("ed_err_edit")


def _save_edit(store, incident_id: str, base: dict[str, str] | None = None) -> None:
    state = st.session_state
    row = row_from_state("ed_edit_")
    try:
        row["place_id"] = _add_place_first(store, "ed_edit_")
        store.update_incident(incident_id, row, base=base or state["ed_base"], author=author())
    except Conflict as exc:
        state["ed_conflict"] = exc
        return
    except StoreError as exc:
        state["ed_err_edit"] = failure_text(exc)
        return
    state.pop("ed_conflict", None)
    state["ed_base"] = store.get_incident(incident_id)
    state["ed_flash"] = current_translator().gettext("Saved the changes to {id}.", id=incident_id)


def _withdraw(store, incident_id: str) -> None:
    state = st.session_state
    try:
        store.withdraw_incident(
            incident_id,
            base=state["ed_base"],
            author=author(),
            reason=state.get("ed_withdraw_reason", "").strip(),
        )
    except Conflict as exc:
        state["ed_conflict"] = exc
        return
    except StoreError as exc:
        state["ed_err_edit"] = failure_text(exc)
        return
    for key in ("ed_loaded", "ed_choice", "ed_withdraw_reason", "ed_conflict"):
        state.pop(key, None)
    state["ed_flash"] = current_translator().gettext(
        "Withdrew {id}: it is off the map; History can restore it.", id=incident_id
    )


CONFLICT_COLUMNS = {
    "column": N_("column"),
    "your version": N_("your version"),
    "saved by them": N_("saved by them"),
}


def _conflict_box(store, conflict: Conflict) -> None:
    t = current_translator()
    st.error(conflict.message)
    theirs = conflict.theirs or {}
    if conflict.theirs is None:
        st.write(t.gettext("Their version: the incident is no longer in the file."))
    else:
        table = pd.DataFrame(
            [
                {"column": c, "your version": conflict.mine.get(c, ""), "saved by them": theirs.get(c, "")}
                for c in conflict.differing_columns()
            ]
        ).rename(columns=lambda c: t.gettext(CONFLICT_COLUMNS[c]))  # fmt: skip
        st.dataframe(table, hide_index=True, use_container_width=True)
    b1, b2 = st.columns(2)
    b1.button(t.gettext("Load their version"), key="ed_conflict_theirs", on_click=_take_theirs)
    if conflict.theirs is not None:
        b2.button(
            t.gettext("Save mine over theirs"),
            key="ed_conflict_mine",
            on_click=_save_edit,
            args=(store, conflict.key),
            kwargs={"base": conflict.theirs},
        )


def _take_theirs() -> None:
    state = st.session_state
    conflict: Conflict = state.pop("ed_conflict")
    state.pop("ed_loaded", None)  # reseed from the file on this run
    if conflict.theirs is None:
        state.pop("ed_choice", None)
