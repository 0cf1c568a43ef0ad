"""Sign-in for editors (Streamlit only): viewing needs none, saving needs an editor account.

Accounts are salted scrypt hashes under ``[editors]`` in ``.streamlit/secrets.toml``
(``python -m dashboard users add NAME`` writes them). Internal notes exist only in the data
an editor's session gets: ``visible_dataset`` drops every internal column for everyone
else, so they are never in a viewer's page, map, table or export.

The app uses: ``sign_in_panel()`` in the sidebar, ``visible_dataset(dataset, version)``
right after loading, ``current_editor()`` (or ``require_editor()``) before any save, and
``internal_notes(row)`` in the incident record.
"""

from __future__ import annotations

import dataclasses
import time

import pandas as pd
import streamlit as st

from dashboard.accounts import authenticate, editors
from dashboard.htmlsafe import esc
from dashboard.i18n import N_
from dashboard.ui.session import current_translator
from dashboard.vocab import INTERNAL_COLUMNS

EDITOR_KEY = "_editor"
_FAILS_KEY = "_sign_in_failures"
MAX_FAILURES = 5  # then the form pauses, so a session cannot guess fast
PAUSE_SECONDS = 30


def editor_accounts() -> dict[str, str]:
    """Editor names and hashes from Streamlit's secrets; none when there is no file."""
    try:
        return editors(st.secrets)
    except (FileNotFoundError, KeyError, AttributeError):
        return {}
    except Exception:  # noqa: BLE001 - st.secrets raises its own error for a missing file
        return {}


def current_editor() -> str | None:
    """The signed-in editor's name, or None for a viewer. Checked against the accounts on
    every call, so removing an account from the secrets file takes effect at once."""
    name = st.session_state.get(EDITOR_KEY)
    if name and name in editor_accounts():
        return name
    st.session_state.pop(EDITOR_KEY, None)
    return None


def can_edit() -> bool:
    return current_editor() is not None


def require_editor(what: str = N_("change the data")) -> str | None:
    """The editor's name, or None after telling a viewer that saving needs signing in
    (``what`` is marked with ``N_`` where declared)."""
    name = current_editor()
    if name is None:
        t = current_translator()
        st.info(
            t.gettext(
                "Sign in as an editor (in the sidebar) to {what}. Viewing needs no account.",
                what=t.gettext(what),
            )
        )
    return name


def sign_out() -> None:
    st.session_state.pop(EDITOR_KEY, None)


def sign_in_panel() -> str | None:
    """The sidebar's editor sign-in (or who is signed in, with Sign out). Returns the
    editor's name or None. Shows nothing when no editor accounts are configured."""
    t = current_translator()
    accounts = editor_accounts()
    name = current_editor()
    if name is not None:
        st.caption(t.gettext("Signed in as {name} (editor)", name=name))
        if st.button(t.gettext("Sign out"), key="auth_sign_out"):
            sign_out()
            st.rerun()
        return name
    if not accounts:
        return None
    with st.expander(t.gettext("Editor sign-in")):
        fails, since = st.session_state.get(_FAILS_KEY, (0, 0.0))
        wait = PAUSE_SECONDS - (time.monotonic() - since)
        if fails >= MAX_FAILURES and wait > 0:
            st.warning(t.gettext("Too many failed attempts: try again in {s} s.", s=f"{wait:.0f}"))
            return None
        with st.form("auth_sign_in", clear_on_submit=False):
            user = st.text_input(t.gettext("Editor name"), key="auth_name")
            password = st.text_input(t.gettext("Password"), type="password", key="auth_password")
            submitted = st.form_submit_button(t.gettext("Sign in"))
        if submitted:
            if authenticate(accounts, user.strip(), password):
                st.session_state[EDITOR_KEY] = user.strip()
                st.session_state.pop(_FAILS_KEY, None)
                st.session_state.pop("auth_password", None)
                st.rerun()
            fails = (0 if fails >= MAX_FAILURES else fails) + 1
            st.session_state[_FAILS_KEY] = (fails, time.monotonic())
            st.error(t.gettext("Wrong editor name or password."))
            if fails >= MAX_FAILURES:
                st.warning(
                    t.gettext("Too many failed attempts: try again in {s} s.", s=PAUSE_SECONDS)
                )
    return None


@st.cache_resource(max_entries=8)
def _public(version: str, _dataset):
    incidents = _dataset.incidents
    drop = [c for c in incidents.columns if c in INTERNAL_COLUMNS]
    return dataclasses.replace(_dataset, incidents=incidents.drop(columns=drop))


def visible_dataset(dataset, version: str):
    """The dataset this session may see: whole for a signed-in editor; for everyone else
    without internal columns (cached per data version, so it costs nothing per rerun)."""
    if dataset is None or can_edit():
        return dataset
    return _public(version, dataset)


def internal_notes(row: pd.Series | dict) -> None:
    """An incident's internal notes, for a signed-in editor only."""
    if not can_edit():
        return
    notes = str(row.get("internal_notes", "") or "").strip()
    if notes:
        t = current_translator()
        st.markdown(
            f"<div class='internal-notes'><b>{esc(t.gettext('Internal notes'))}</b> "
            f"{esc(t.gettext('(editors only):'))} {esc(notes)}</div>",
            unsafe_allow_html=True,
        )
