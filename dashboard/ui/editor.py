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

import datetime as dt
import os
import sys

import folium
import pandas as pd
import streamlit as st

from dashboard.gazetteer.finder import Place, place_row, search, suggest_place_id
from dashboard.problems import Problem
from dashboard.store.base import Conflict, Rejected, StoreError, default_author
from dashboard.store.csvstore import leg_geometry_wkt
from dashboard.vocab import (
    CATEGORIES,
    CONFIDENCE,
    INCIDENT_COLUMNS,
    INCIDENT_EXTRA_COLUMNS,
    PICKED_POINT,
    PICKED_UNCERTAINTY,
    PLACE_KINDS,
    PRECISIONS,
    ROUTE_MODES,
    ROUTE_STATUSES,
)

EDITING_ENV = "DASHBOARD_EDITING"
COLUMNS = INCIDENT_COLUMNS + INCIDENT_EXTRA_COLUMNS
ADD, EDIT, HISTORY, ROUTE = "Add an incident", "Edit or withdraw", "History", "Add a route"
# Text fields of the form: column -> (label, help, multi-line)
_TEXT_FIELDS: dict[str, tuple[str, str, bool]] = {
    "incident_id": ("Incident id", "Unique, e.g. JSA-01", False),
    "date_text": ("Date in the source's words", "e.g. 'in early June', 'last month'", False),
    "date_note": (
        "Date note",
        "Why the window is what it is (required when no window is given)",
        False,
    ),
    "location": ("Location as the source says it", "", False),
    "admin1": ("Province / admin1", "", False),
    "country": ("Country (ISO alpha-2)", "Set by the place finder or the map click", False),
    "latitude": ("Latitude", "Set by the place finder or the map click", False),
    "longitude": ("Longitude", "Set by the place finder or the map click", False),
    "place_id": ("Gazetteer place id", "Set when the place comes from the gazetteer", False),
    "actors": ("Actors", "e.g. Ministry of State Security (MSS)", False),
    "people_count": ("People (number, if the source gives one)", "", False),
    "summary": ("Summary", "", True),
    "source_quote": ("Verbatim quote from the source", "Copy it exactly", True),
    "source_outlet": ("Outlet", "e.g. Daily NK", False),
    "source_title": ("Article title", "", False),
    "source_date": ("Publication date (YYYY-MM-DD)", "", False),
    "source_url": ("Link", "http(s)://…", False),
    "internal_notes": ("Internal notes (never exported)", "", True),
}


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
    _init("ed_author", default_author())
    st.text_input("Your name (kept in the history)", key="ed_author")
    mode = st.radio("Editor", [ADD, EDIT, HISTORY, ROUTE], horizontal=True, key="ed_mode")
    if mode == ADD:
        _add_view(store, dataset)
    elif mode == EDIT:
        _edit_view(store, dataset)
    elif mode == HISTORY:
        _history_view(store)
    else:
        _route_view(store, dataset)


def _init(key: str, value) -> None:
    """A widget's first value, set through session state (so it can also be seeded)."""
    if key not in st.session_state:
        st.session_state[key] = value


def _author() -> str:
    return (st.session_state.get("ed_author") or "").strip() or default_author()


# --- the incident form --------------------------------------------------------------------


def _key(prefix: str, column: str) -> str:
    return f"{prefix}{column}"


def _iso(value) -> str:
    return value.isoformat() if isinstance(value, dt.date) else ""


def row_from_state(prefix: str) -> dict[str, str]:
    """The incident row the form's widgets describe (cell text, as in incidents.csv)."""
    state = st.session_state
    row = {c: str(state.get(_key(prefix, c)) or "").strip() for c in COLUMNS}
    for col in ("summary", "source_quote", "internal_notes"):
        row[col] = str(state.get(_key(prefix, col)) or "").strip()
    row["category"] = state.get(_key(prefix, "category")) or ""
    row["confidence"] = state.get(_key(prefix, "confidence")) or ""
    precision = state.get(_key(prefix, "geo_precision"))
    row["geo_precision"] = str(precision) if precision else ""
    if state.get(_key(prefix, "has_window"), True):
        row["date_start"] = _iso(state.get(_key(prefix, "date_start")))
        row["date_end"] = _iso(state.get(_key(prefix, "date_end")))
    else:
        row["date_start"] = row["date_end"] = ""
    route = state.get(_key(prefix, "route_id")) or ""
    row["route_id"] = route
    return row


def seed_state(prefix: str, row: dict[str, str]) -> None:
    """Fill the form's widgets from a stored row (before they are drawn)."""
    state = st.session_state
    for col in COLUMNS:
        state[_key(prefix, col)] = row.get(col, "")
    state[_key(prefix, "category")] = row.get("category") or None
    state[_key(prefix, "confidence")] = row.get("confidence") or None
    try:
        state[_key(prefix, "geo_precision")] = int(row.get("geo_precision") or 0) or None
    except ValueError:
        state[_key(prefix, "geo_precision")] = None
    has_window = bool(row.get("date_start") or row.get("date_end"))
    state[_key(prefix, "has_window")] = has_window
    for col in ("date_start", "date_end"):
        try:
            state[_key(prefix, col)] = dt.date.fromisoformat(row.get(col, ""))
        except ValueError:
            state[_key(prefix, col)] = None
    state[_key(prefix, "pending_place")] = None


def _clear(prefix: str) -> None:
    """An empty form. The widgets that stay on the page get their empty values set, not just
    their keys deleted: a deleted key leaves the browser showing (and sending back) the old
    text, so the next incident would start as a copy of the last."""
    state = st.session_state
    for key in [k for k in state if str(k).startswith(prefix)]:
        del state[key]
    seed_state(prefix, {})
    state[_key(prefix, "has_window")] = True
    state[_key(prefix, "find")] = ""
    state[_key(prefix, "route_id")] = ""


def _incident_fields(prefix: str, dataset, *, new: bool) -> None:
    """Draw the form's widgets; their values live in session_state under ``prefix``."""
    for col in ("category", "confidence", "geo_precision", "date_start", "date_end"):
        _init(_key(prefix, col), None)
    _init(_key(prefix, "has_window"), True)
    _init(_key(prefix, "route_id"), "")
    c1, c2, c3 = st.columns(3)
    c1.text_input(
        "Incident id",
        key=_key(prefix, "incident_id"),
        help=_TEXT_FIELDS["incident_id"][1],
        disabled=not new,
    )
    c2.selectbox(
        "Category",
        list(CATEGORIES),
        format_func=lambda k: CATEGORIES[k].label,
        key=_key(prefix, "category"),
        placeholder="Choose a category",
    )
    c3.selectbox(
        "Confidence",
        list(CONFIDENCE),
        format_func=lambda k: f"{k}: {CONFIDENCE[k]}",
        key=_key(prefix, "confidence"),
        placeholder="Choose",
    )

    st.markdown("**When**")
    _text(prefix, "date_text")
    has_window = st.checkbox(
        "The date can be placed in a window (start and end)",
        key=_key(prefix, "has_window"),
    )
    if has_window:
        d1, d2 = st.columns(2)
        d1.date_input(
            "Earliest date (date_start)",
            min_value=dt.date(1945, 8, 15),
            max_value=dt.date.today(),
            key=_key(prefix, "date_start"),
        )
        d2.date_input(
            "Latest date (date_end)",
            min_value=dt.date(1945, 8, 15),
            max_value=dt.date.today(),
            key=_key(prefix, "date_end"),
        )
    _text(prefix, "date_note")

    st.markdown("**Where**")
    _place_picker(prefix, dataset)

    st.markdown("**Who and what**")
    a1, a2, a3 = st.columns([3, 1, 2])
    with a1:
        _text(prefix, "actors")
    with a2:
        _text(prefix, "people_count")
    routes = sorted(set(dataset.routes["route_id"])) if dataset is not None else []
    a3.selectbox(
        "Route (optional)",
        ["", *routes],
        key=_key(prefix, "route_id"),
        format_func=lambda r: r or "none",
    )
    _text(prefix, "summary")

    st.markdown("**Source**")
    _text(prefix, "source_quote")
    s1, s2 = st.columns(2)
    with s1:
        _text(prefix, "source_outlet")
        _text(prefix, "source_date")
    with s2:
        _text(prefix, "source_title")
        _text(prefix, "source_url")
    _text(prefix, "internal_notes")


def _text(prefix: str, column: str) -> None:
    label, help_text, multi = _TEXT_FIELDS[column]
    widget = st.text_area if multi else st.text_input
    widget(label, key=_key(prefix, column), help=help_text or None)


def _use_place(prefix: str, place: Place, taken: set[str]) -> None:
    """Callback: fill the place fields from a finder answer."""
    state = st.session_state
    state[_key(prefix, "latitude")] = f"{place.latitude:.5f}"
    state[_key(prefix, "longitude")] = f"{place.longitude:.5f}"
    state[_key(prefix, "country")] = place.country
    state[_key(prefix, "admin1")] = place.admin1
    state[_key(prefix, "geo_precision")] = place.precision
    if not state.get(_key(prefix, "location")):
        state[_key(prefix, "location")] = place.name
    if place.place_id:
        state[_key(prefix, "place_id")] = place.place_id
        state[_key(prefix, "pending_place")] = None
    else:
        pid = suggest_place_id(place.name, taken)
        state[_key(prefix, "place_id")] = pid
        state[_key(prefix, "pending_place")] = place_row(place, pid)
        state[_key(prefix, "add_place")] = True


def _click_to_cells(lat: float, lon: float) -> tuple[str, str]:
    """(country, admin1) of a clicked point, from the shipped basemap."""
    import shapely

    from dashboard import basemap

    countries = basemap.countries()
    inside = countries[shapely.contains_xy(countries.geometry.to_numpy(), lon, lat)]
    country = str(inside["iso_a2"].iloc[0] or "") if len(inside) else ""
    admin1 = ""
    if country == "KP":
        provinces = basemap.provinces()
        hit = provinces[shapely.contains_xy(provinces.geometry.to_numpy(), lon, lat)]
        admin1 = str(hit["name"].iloc[0]) if len(hit) else ""
    return country, admin1


def _place_picker(prefix: str, dataset) -> None:
    state = st.session_state
    taken = set(dataset.places.index) if dataset is not None else set()
    query = st.text_input(
        "Find a place (any spelling or script: Pukch'ŏng, 북청, 丹东, Улан-Батор…)",
        key=_key(prefix, "find"),
    )
    if query.strip():
        places = dataset.places if dataset is not None else None  # the store's gazetteer
        result = search(query, limit=8, places=places)
        answers = result.matches
        if not result.found:
            st.warning(
                f"No place named {query!r} in the project's gazetteer or the regional "
                "GeoNames gazetteer. Click the place on the map below instead"
                + (", or choose one of the nearest spellings:" if result.nearest else ".")
            )
            answers = result.nearest
        if answers:
            labels = [_answer_label(p) for p in answers]
            pick = st.selectbox(
                "Places found", range(len(answers)), format_func=labels.__getitem__,
                key=_key(prefix, "pick"),
            )  # fmt: skip
            st.button(
                "Use this place",
                key=_key(prefix, "use"),
                on_click=_use_place,
                args=(prefix, answers[pick or 0], taken),
            )
    pending = state.get(_key(prefix, "pending_place"))
    if pending:
        _init(_key(prefix, "add_place"), True)
        st.checkbox(
            f"Add {pending['name']} to the project's gazetteer as '{pending['place_id']}' "
            f"({pending['coord_source']})",
            key=_key(prefix, "add_place"),
        )

    precision = st.selectbox(
        "How precise is the place? (draws the uncertainty circle)",
        list(PRECISIONS),
        format_func=lambda k: f"{k}: {PRECISIONS[k].label} (±{PRECISIONS[k].radius_km:g} km)",
        key=_key(prefix, "geo_precision"),
        placeholder="Choose a precision",
    )
    clicked = _edit_map(prefix, precision)
    if clicked is not None and clicked != state.get(_key(prefix, "last_click")):
        state[_key(prefix, "last_click")] = clicked
        lat, lon = clicked
        state[_key(prefix, "latitude")] = f"{lat:.5f}"
        state[_key(prefix, "longitude")] = f"{lon:.5f}"
        country, admin1 = _click_to_cells(lat, lon)
        state[_key(prefix, "country")] = country
        state[_key(prefix, "admin1")] = admin1
        state[_key(prefix, "place_id")] = ""
        state[_key(prefix, "pending_place")] = None
        state[_key(prefix, "clicked_place")] = True
    p1, p2, p3, p4 = st.columns(4)
    with p1:
        _text(prefix, "latitude")
    with p2:
        _text(prefix, "longitude")
    with p3:
        _text(prefix, "country")
    with p4:
        _text(prefix, "place_id")
    l1, l2 = st.columns(2)
    with l1:
        _text(prefix, "location")
    with l2:
        _text(prefix, "admin1")
    if state.get(_key(prefix, "clicked_place")):
        _init(_key(prefix, "add_clicked"), True)
        add = st.checkbox(
            "Also add this point to the project's gazetteer as a new place (so the map labels "
            "it and search finds it in every spelling)",
            key=_key(prefix, "add_clicked"),
        )
        if add:
            n1, n2, n3 = st.columns([2, 1, 3])
            n1.text_input("Place name", key=_key(prefix, "new_place_name"))
            _init(_key(prefix, "new_place_kind"), "town")
            n2.selectbox(
                "Kind", list(PLACE_KINDS), format_func=PLACE_KINDS.__getitem__,
                key=_key(prefix, "new_place_kind"),
            )  # fmt: skip
            n3.text_input(
                "Other names and scripts, separated by |",
                key=_key(prefix, "new_place_alt"),
                placeholder="e.g. 판문점|P'anmunjŏm|Panmunjeom",
            )


def place_to_add(prefix: str, taken: set[str]) -> dict[str, str] | None:
    """The gazetteer row this save adds first: a finder answer the project lacks, or a
    clicked point the user names. None when the incident uses a known place or none."""
    state = st.session_state
    pending = state.get(_key(prefix, "pending_place"))
    if pending:
        wanted = state.get(_key(prefix, "add_place"), True)
        return pending if wanted and pending["place_id"] not in taken else None
    if not (state.get(_key(prefix, "clicked_place")) and state.get(_key(prefix, "add_clicked"))):
        return None
    name = (state.get(_key(prefix, "new_place_name")) or "").strip()
    if not name:
        return None
    return {
        "place_id": suggest_place_id(name, taken),
        "name": name,
        "kind": state.get(_key(prefix, "new_place_kind")) or "town",
        "admin1": (state.get(_key(prefix, "admin1")) or "").strip(),
        "country": (state.get(_key(prefix, "country")) or "").strip(),
        "latitude": (state.get(_key(prefix, "latitude")) or "").strip(),
        "longitude": (state.get(_key(prefix, "longitude")) or "").strip(),
        "alt_names": (state.get(_key(prefix, "new_place_alt")) or "").strip(),
        "coord_source": f"Placed by a click on the map in the editor ({_author()}, "
        f"{dt.date.today().isoformat()}); not from a gazetteer",
        "note": "",
    }


def _answer_label(p: Place) -> str:
    where = ", ".join(x for x in (p.admin1, p.country) if x)
    also = f" (as '{p.matched}')" if p.matched and p.matched != p.name else ""
    src = "project" if p.place_id else "GeoNames"
    return f"{p.name}{also} · {p.kind}, {where} · {p.latitude:.3f}, {p.longitude:.3f} · {src}"


def _edit_map(prefix: str, precision: int | None) -> tuple[float, float] | None:
    """A small offline map: click to place the incident; the circle shows the precision."""
    from streamlit_folium import st_folium

    from dashboard.map import assets
    from dashboard.map.vector_basemap import VectorBasemap

    state = st.session_state
    try:
        lat = float(state.get(_key(prefix, "latitude")) or "nan")
        lon = float(state.get(_key(prefix, "longitude")) or "nan")
    except ValueError:
        lat = lon = float("nan")
    known = lat == lat and lon == lon
    m = folium.Map(
        location=[lat, lon] if known else [38.5, 120.0],
        zoom_start=7 if known else 4,
        tiles=None,
        min_zoom=2,
        max_zoom=12,
        height=320,
    )
    VectorBasemap(False).add_to(m)
    if known:
        radius = PRECISIONS[precision].radius_km * 1000 if precision in PRECISIONS else 0
        if radius:
            folium.Circle(
                [lat, lon], radius=radius, color=PICKED_UNCERTAINTY, fill=True, fill_opacity=0.12
            ).add_to(m)
        folium.CircleMarker([lat, lon], radius=5, color=PICKED_POINT, fill=True).add_to(m)
    assets.localise_map(m, assets.APP_STATIC_BASE)
    st.caption("Click the map to place the incident there.")
    out = st_folium(
        m,
        height=320,
        use_container_width=True,
        returned_objects=["last_clicked"],
        key=_key(prefix, "map"),
    )
    last = (out or {}).get("last_clicked") if isinstance(out, dict) else None
    if last and "lat" in last and "lng" in last:
        return (round(float(last["lat"]), 5), round(float(last["lng"]), 5))
    return None


def live_problems(store, prefix: str, *, new: bool) -> list[Problem]:
    """What the store would reject, worded as the CLI words it (shown before saving)."""
    row = row_from_state(prefix)
    if not any(v for k, v in row.items() if k not in ("geo_precision",)):
        return []
    taken = _place_ids(store)
    if place_to_add(prefix, taken) is not None:
        row["place_id"] = ""  # a new place is added to the gazetteer by the save, first
    problems = list(store.validate_incidents([row]))
    if new and row["incident_id"] and store.get_incident(row["incident_id"]) is not None:
        problems.insert(
            0,
            Problem("new incident", None, "incident_id", f"id {row['incident_id']!r} is taken"),
        )
    return problems


def _show_problems(problems: list[Problem]) -> None:
    """The problems as plain text (the CLI's lines), so nothing in them is read as markup."""
    if problems:
        n = len(problems)
        box = st.container(key="ed_problems")
        box.error(f"{n} problem{'s' if n != 1 else ''} to fix before saving:")
        box.code("\n".join(str(p) for p in problems), language=None, wrap_lines=True)


# --- add ----------------------------------------------------------------------------------


def _add_view(store, dataset) -> None:
    prefix = "ed_add_"
    _incident_fields(prefix, dataset, new=True)
    problems = live_problems(store, prefix, new=True)
    _show_problems(problems)
    row = row_from_state(prefix)
    ready = bool(row["incident_id"]) and not problems
    st.button(
        "Save the new incident",
        key="ed_save_new",
        type="primary",
        disabled=not ready,
        on_click=_save_new,
        args=(store, prefix),
    )
    _error_box("ed_err_add")


def _save_new(store, prefix: str) -> None:
    row = row_from_state(prefix)
    state = st.session_state
    try:
        row["place_id"] = _add_place_first(store, prefix)
        store.add_incidents([row], author=_author())
    except StoreError as exc:
        state["ed_err_add"] = _describe(exc)
        return
    _clear(prefix)
    state["ed_flash"] = f"Saved {row['incident_id']}: it is on the map now."


def _add_place_first(store, prefix: str) -> str:
    """Add the new place this save needs (if any); the place_id for the incident."""
    state = st.session_state
    taken = _place_ids(store)
    new_place = place_to_add(prefix, taken)
    if new_place is not None:
        store.add_place(new_place, author=_author())
        # Added once: a retry (after a conflict, say) uses it rather than adding it again.
        state[_key(prefix, "pending_place")] = None
        state[_key(prefix, "clicked_place")] = False
        state[_key(prefix, "place_id")] = new_place["place_id"]
        return new_place["place_id"]
    return (state.get(_key(prefix, "place_id")) or "").strip()


def _place_ids(store) -> set[str]:
    from dashboard.places import load_places

    return set(load_places(store.places_path).index)


def _describe(exc: Exception) -> str:
    if isinstance(exc, Rejected):
        return "\n".join(["Nothing was saved:", *(str(p) for p in exc.problems)])
    return f"Nothing was saved: {exc}"


def _error_box(key: str) -> None:
    message = st.session_state.pop(key, None)
    if message:
        head, _, rest = message.partition("\n")
        st.error(head)
        if rest:
            st.code(rest, language=None, wrap_lines=True)


# --- edit and withdraw --------------------------------------------------------------------


def _edit_view(store, dataset) -> None:
    prefix = "ed_edit_"
    ids = list(dataset.incidents["incident_id"]) if dataset is not None else []
    _init("ed_choice", None)
    chosen = st.selectbox("Incident to edit", ids, key="ed_choice", placeholder="Choose an id")
    if not chosen:
        return
    state = st.session_state
    if state.get("ed_loaded") != chosen:
        row = store.get_incident(chosen)
        if row is None:
            st.warning(f"{chosen} is no longer in the file (withdrawn?); see History.")
            return
        _clear(prefix)
        seed_state(prefix, row)
        state["ed_base"] = row
        state["ed_loaded"] = chosen
    conflict: Conflict | None = state.get("ed_conflict")
    if conflict is not None and conflict.key == chosen:
        _conflict_box(store, conflict)
    _incident_fields(prefix, dataset, new=False)
    problems = live_problems(store, prefix, new=False)
    _show_problems(problems)
    st.button(
        "Save changes",
        key="ed_save_edit",
        type="primary",
        disabled=bool(problems),
        on_click=_save_edit,
        args=(store, chosen),
    )
    with st.expander("Withdraw this incident (it leaves the map; the history keeps it)"):
        st.text_input("Why is it withdrawn?", key="ed_withdraw_reason")
        st.button(
            "Withdraw",
            key="ed_withdraw",
            disabled=not (state.get("ed_withdraw_reason") or "").strip(),
            on_click=_withdraw,
            args=(store, chosen),
        )
    _error_box("ed_err_edit")


def _save_edit(store, incident_id: str, base: dict[str, str] | None = None) -> None:
    state = st.session_state
    row = row_from_state("ed_edit_")
    try:
        row["place_id"] = _add_place_first(store, "ed_edit_")
        store.update_incident(incident_id, row, base=base or state["ed_base"], author=_author())
    except Conflict as exc:
        state["ed_conflict"] = exc
        return
    except StoreError as exc:
        state["ed_err_edit"] = _describe(exc)
        return
    state.pop("ed_conflict", None)
    state["ed_base"] = store.get_incident(incident_id)
    state["ed_flash"] = f"Saved the changes to {incident_id}."


def _withdraw(store, incident_id: str) -> None:
    state = st.session_state
    try:
        store.withdraw_incident(
            incident_id,
            base=state["ed_base"],
            author=_author(),
            reason=state.get("ed_withdraw_reason", "").strip(),
        )
    except Conflict as exc:
        state["ed_conflict"] = exc
        return
    except StoreError as exc:
        state["ed_err_edit"] = _describe(exc)
        return
    for key in ("ed_loaded", "ed_choice", "ed_withdraw_reason", "ed_conflict"):
        state.pop(key, None)
    state["ed_flash"] = f"Withdrew {incident_id}: it is off the map; History can restore it."


def _conflict_box(store, conflict: Conflict) -> None:
    st.error(conflict.message)
    theirs = conflict.theirs or {}
    if conflict.theirs is None:
        st.write("Their version: the incident is no longer in the file.")
    else:
        table = pd.DataFrame(
            [
                {"column": c, "your version": conflict.mine.get(c, ""), "saved by them": theirs.get(c, "")}
                for c in conflict.differing_columns()
            ]
        )  # fmt: skip
        st.dataframe(table, hide_index=True, use_container_width=True)
    b1, b2 = st.columns(2)
    b1.button("Load their version", key="ed_conflict_theirs", on_click=_take_theirs)
    if conflict.theirs is not None:
        b2.button(
            "Save mine over theirs",
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


# --- history ------------------------------------------------------------------------------


def _history_view(store) -> None:
    changes = store.history()
    if not changes:
        st.info("No changes yet: the history starts with the first save in the app or CLI.")
        return
    keys = list(dict.fromkeys(c.key for c in reversed(changes)))
    key = st.selectbox("Incident", keys, key="ed_hist_key")
    mine = [c for c in changes if c.key == key]
    table = pd.DataFrame(
        [
            {
                "when (UTC)": c.at.replace("T", " ").rstrip("Z"),
                "who": c.author,
                "what": c.action,
                "changed": ", ".join(k for k in (c.after or c.before or {}) if k != "incident_id")
                if c.before and c.after
                else ("whole row" if c.after else "removed"),
                "note": c.note,
            }
            for c in mine
        ]
    )
    st.dataframe(table, hide_index=True, use_container_width=True)
    labels = {c.change_id: f"{c.at} · {c.author} · {c.action}" for c in mine}
    chosen = st.selectbox(
        "Version after the change",
        list(reversed(list(labels))),
        format_func=labels.__getitem__,
        key="ed_hist_change",
    )
    if chosen:
        version = store.version_after(chosen)
        target = next(c for c in mine if c.change_id == chosen)
        shown = version if version is not None else target.before
        caption = (
            "as it was right after this change"
            if version is not None
            else ("this change withdrew it; restoring brings back this version")
        )
        st.caption(caption)
        st.dataframe(
            pd.DataFrame({"column": list(shown or {}), "value": list((shown or {}).values())}),
            hide_index=True,
            use_container_width=True,
        )
        st.button(
            "Restore this version",
            key="ed_hist_restore",
            on_click=_restore,
            args=(store, chosen),
        )
    _error_box("ed_err_hist")


def _restore(store, change_id: str) -> None:
    state = st.session_state
    try:
        store.restore(change_id, author=_author())
    except StoreError as exc:
        state["ed_err_hist"] = _describe(exc)
        return
    state.pop("ed_loaded", None)
    state["ed_flash"] = "Restored: the map shows that version now."


# --- routes -------------------------------------------------------------------------------


def _route_view(store, dataset) -> None:
    places = dataset.places
    names = {pid: f"{row['name']} ({row['country']})" for pid, row in places.iterrows()}
    c1, c2 = st.columns([1, 3])
    c1.text_input("Route id", key="ed_route_id", placeholder="R-…")
    c2.text_input("Route name", key="ed_route_name")
    stops = st.multiselect(
        "Places in order (add a missing place with the incident form first)",
        list(names),
        format_func=names.__getitem__,
        key="ed_route_stops",
    )
    ids = list(dataset.incidents["incident_id"])
    legs = []
    for n, (a, b) in enumerate(zip(stops[:-1], stops[1:], strict=False), start=1):
        st.markdown(f"**Leg {n}: {names[a]} → {names[b]}**")
        l1, l2, l3 = st.columns(3)
        mode = l1.selectbox(
            "Mode", list(ROUTE_MODES), format_func=ROUTE_MODES.__getitem__,
            key=f"ed_leg_mode_{n}",
        )  # fmt: skip
        status = l2.selectbox(
            "Status", list(ROUTE_STATUSES), format_func=lambda k: ROUTE_STATUSES[k].label,
            key=f"ed_leg_status_{n}",
        )  # fmt: skip
        date_text = l3.text_input("When (source's words)", key=f"ed_leg_date_{n}")
        linked = st.multiselect("Incidents on this leg", ids, key=f"ed_leg_incidents_{n}")
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
            "The lines are computed from the places: straight for road, river or foot legs "
            "(marked approximate), great-circle arcs for flights."
        )
        st.button(
            "Save the route",
            key="ed_route_save",
            type="primary",
            on_click=_save_route,
            args=(store, legs),
        )
    _error_box("ed_err_route")


def _save_route(store, legs: list[dict[str, str]]) -> None:
    state = st.session_state
    try:
        store.add_route_legs(legs, author=_author())
    except StoreError as exc:
        state["ed_err_route"] = _describe(exc)
        return
    for key in [k for k in state if str(k).startswith(("ed_route_", "ed_leg_"))]:
        del state[key]
    state["ed_flash"] = f"Saved route {legs[0]['route_id']} ({len(legs)} legs)."
