"""The app's data from a store (CSV files or the newsroom database), Streamlit side.

Loaded once per data version: several app processes on one database each check the version
at every interaction (one tiny query), so a save anywhere is seen at the next click, and an
unchanged version costs no reload. When the store cannot be reached the last good copy stays
on screen with one line saying why (host and database, never a password); the next
interaction tries again, and nothing the user was typing is lost because the page goes on
rendering the same widgets.
"""

from __future__ import annotations

import time

import streamlit as st

from dashboard.store.base import StoreError
from dashboard.ui.session import current_translator

LAST_GOOD_KEY = "_store_last_good"


@st.cache_resource(show_spinner=False, max_entries=4)
def _load(version: str, _store):
    """The prepared dataset of one data version (shared by every session of the process)."""
    from dashboard.filters import prepare

    dataset, problems = _store.load(keep_valid=True)  # the app shows the good rows
    if dataset is not None:
        dataset.incidents = prepare(dataset.incidents, dataset.places)
    return dataset, problems


def load_current(store):
    """(dataset, problems, stale, outage, version).

    ``stale`` is True when the dataset is this session's last good copy (the store failed
    now); ``outage`` is then the one-line reason to show, else None. ``version`` is the data
    version the dataset belongs to (a cache key for anything derived from it)."""
    try:
        version = store.data_version()
        with st.spinner(current_translator().gettext("Loading incidents…")):
            dataset, problems = _load(version, store)
    except StoreError as exc:
        last = st.session_state.get(LAST_GOOD_KEY)
        if last is None:
            return None, [], False, str(exc), None
        dataset, version, _at = last
        return dataset, [], True, str(exc), version
    if dataset is not None:
        st.session_state[LAST_GOOD_KEY] = (dataset, version, time.strftime("%H:%M:%S"))
        return dataset, problems, False, None, version
    last = st.session_state.get(LAST_GOOD_KEY)
    if last is not None:
        return last[0], problems, True, None, last[1]
    return None, problems, False, None, None


def map_pyramid(store, dataset, f):
    """Where the map gets a large view's zoom levels: from the newsroom database when it can
    compute them for these filters (``store/postgis/pyramid.pyramid_source``, asked at once
    so that it works while this run filters the rows), else None (the map computes them
    from the loaded rows)."""
    if dataset is None or getattr(store, "pyramid", None) is None:
        return None
    from dashboard.store.postgis.pyramid import pyramid_source

    return pyramid_source(store, dataset, f, start_now=True)


def reload() -> None:
    """Forget every loaded version, so the next run reads the store again."""
    _load.clear()


def show_outage(outage: str | None) -> None:
    """The store's one-line reason, as the app shows it (nothing when there is none)."""
    if outage:
        t = current_translator()
        last = st.session_state.get(LAST_GOOD_KEY)
        since = (
            " " + t.gettext("Showing the data as loaded at {time}.", time=last[2]) if last else ""
        )
        again = t.gettext("The next click tries again.")
        st.error(f"{outage.rstrip('.')}.{since} {again}", icon="⚠️")
