"""Adding a route: places in order, one leg between each pair, lines drawn from the places."""

from __future__ import annotations

import streamlit as st

from dashboard.geodesy import leg_geometry_wkt
from dashboard.store.base import StoreError
from dashboard.ui.editor.fields import (
    author,
    error_box,
    failure_text,
)
from dashboard.ui.session import current_translator
from dashboard.vocab import (
    ROUTE_MODES,
    ROUTE_STATUSES,
)


def route_view(store, dataset) -> None:
    """A new route: its places in order, each leg's mode, status and incidents, Save."""
    t = current_translator()
    places = dataset.places
    names = {pid: f"{row['name']} ({row['country']})" for pid, row in places.iterrows()}
    c1, c2 = st.columns([1, 3])
    c1.text_input(t.gettext("Route id"), key="ed_route_id", placeholder="R-…")
    c2.text_input(t.gettext("Route name"), key="ed_route_name")
    stops = st.multiselect(
        t.gettext("Places in order (add a missing place with the incident form first)"),
        list(names),
        format_func=names.__getitem__,
        key="ed_route_stops",
    )
    ids = list(dataset.incidents["incident_id"])
    legs = []
    for n, (a, b) in enumerate(zip(stops[:-1], stops[1:], strict=False), start=1):
        st.markdown(t.gettext("**Leg {n}: {start} → {end}**", n=n, start=names[a], end=names[b]))
        l1, l2, l3 = st.columns(3)
        mode = l1.selectbox(
            t.gettext("Mode"), list(ROUTE_MODES),
            format_func=lambda k: t.gettext(ROUTE_MODES[k]),
            key=f"ed_leg_mode_{n}",
        )  # fmt: skip
        status = l2.selectbox(
            t.gettext("Status"), list(ROUTE_STATUSES),
            format_func=lambda k: t.gettext(ROUTE_STATUSES[k].label),
            key=f"ed_leg_status_{n}",
        )  # fmt: skip
        date_text = l3.text_input(t.gettext("When (source's words)"), key=f"ed_leg_date_{n}")
        linked = st.multiselect(
            t.gettext("Incidents on this leg"), ids, key=f"ed_leg_incidents_{n}"
        )
        leg = {
            "route_id": (st.session_state.get("ed_route_id") or "").strip(),
            "route_name": (st.session_state.get("ed_route_name") or "").strip(),
            "leg": str(n),
            "from_place": a,
            "to_place": b,
            "mode": mode,
            "status": status,
            "date_start": "",
            "date_end": "",
            "date_text": date_text,
            "incident_ids": "|".join(linked),
            "approximate": "true",
            "note": "Drawn from the places (straight, or a great-circle arc for a flight).",
            "geometry": "",
        }
        leg["geometry"] = leg_geometry_wkt(leg, places)
        legs.append(leg)
    if legs:
        st.caption(
            t.gettext(
                "The lines are computed from the places: straight for road, river or foot legs "
                "(marked approximate), great-circle arcs for flights."
            )
        )
        st.button(
            t.gettext("Save the route"),
            key="ed_route_save",
            type="primary",
            on_click=_save_route,
            args=(store, legs),
        )
    error_box("ed_err_route")


def _save_route(store, legs: list[dict[str, str]]) -> None:
    state = st.session_state
    try:
        store.add_route_legs(legs, author=author())
    except StoreError as exc:
        state["ed_err_route"] = failure_text(exc)
        return
    for key in [k for k in state if str(k).startswith(("ed_route_", "ed_leg_"))]:
        del state[key]
    state["ed_flash"] = current_translator().ngettext(
        "Saved route {route} ({n} leg).",
        "Saved route {route} ({n} legs).",
        len(legs),
        route=legs[0]["route_id"],
    )
