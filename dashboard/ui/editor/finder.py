"""Where an incident happened: the place finder (any spelling or script), a click on a
small offline map, and the new gazetteer place a save adds first."""

from __future__ import annotations

import datetime as dt

import folium
import streamlit as st

from dashboard.gazetteer.finder import Place, place_row, search, suggest_place_id
from dashboard.ui.editor.fields import (
    author,
    field_key,
    init_widget,
    text_field,
)
from dashboard.ui.session import current_translator
from dashboard.vocab import (
    PICKED_POINT,
    PICKED_UNCERTAINTY,
    PLACE_KINDS,
    PRECISIONS,
)


def _use_place(prefix: str, place: Place, taken: set[str]) -> None:
    """Callback: fill the place fields from a finder answer."""
    state = st.session_state
    state[field_key(prefix, "latitude")] = f"{place.latitude:.5f}"
    state[field_key(prefix, "longitude")] = f"{place.longitude:.5f}"
    state[field_key(prefix, "country")] = place.country
    state[field_key(prefix, "admin1")] = place.admin1
    state[field_key(prefix, "geo_precision")] = place.precision
    if not state.get(field_key(prefix, "location")):
        state[field_key(prefix, "location")] = place.name
    if place.place_id:
        state[field_key(prefix, "place_id")] = place.place_id
        state[field_key(prefix, "pending_place")] = None
    else:
        pid = suggest_place_id(place.name, taken)
        state[field_key(prefix, "place_id")] = pid
        state[field_key(prefix, "pending_place")] = place_row(place, pid)
        state[field_key(prefix, "add_place")] = True


def _click_to_cells(lat: float, lon: float) -> tuple[str, str]:
    """(country, admin1) of a clicked point, from the shipped basemap."""
    import shapely

    from dashboard.data import basemap

    countries = basemap.countries()
    inside = countries[shapely.contains_xy(countries.geometry.to_numpy(), lon, lat)]
    country = str(inside["iso_a2"].iloc[0] or "") if len(inside) else ""
    admin1 = ""
    if country == "KP":
        provinces = basemap.provinces()
        hit = provinces[shapely.contains_xy(provinces.geometry.to_numpy(), lon, lat)]
        admin1 = str(hit["name"].iloc[0]) if len(hit) else ""
    return country, admin1


def place_picker(prefix: str, dataset) -> None:
    """The Where section: finder, precision, click map, coordinates and place fields."""
    state = st.session_state
    t = current_translator()
    taken = set(dataset.places.index) if dataset is not None else set()
    query = st.text_input(
        t.gettext("Find a place (any spelling or script: Pukch'ŏng, 북청, 丹东, Улан-Батор…)"),
        key=field_key(prefix, "find"),
    )
    if query.strip():
        places = dataset.places if dataset is not None else None  # the store's gazetteer
        result = search(query, limit=8, places=places)
        answers = result.matches
        if not result.found:
            st.warning(
                t.gettext(
                    "No place named {query} in the project's gazetteer or the regional "
                    "GeoNames gazetteer. Click the place on the map below instead, or choose "
                    "one of the nearest spellings:",
                    query=repr(query),
                )
                if result.nearest
                else t.gettext(
                    "No place named {query} in the project's gazetteer or the regional "
                    "GeoNames gazetteer. Click the place on the map below instead.",
                    query=repr(query),
                )
            )
            answers = result.nearest
        if answers:
            labels = [_answer_label(p) for p in answers]
            pick = st.selectbox(
                t.gettext("Places found"), range(len(answers)), format_func=labels.__getitem__,
                key=field_key(prefix, "pick"),
            )  # fmt: skip
            st.button(
                t.gettext("Use this place"),
                key=field_key(prefix, "use"),
                on_click=_use_place,
                args=(prefix, answers[pick or 0], taken),
            )
    pending = state.get(field_key(prefix, "pending_place"))
    if pending:
        init_widget(field_key(prefix, "add_place"), True)
        st.checkbox(
            t.gettext(
                "Add {name} to the project's gazetteer as '{place_id}' ({source})",
                name=pending["name"],
                place_id=pending["place_id"],
                source=pending["coord_source"],
            ),
            key=field_key(prefix, "add_place"),
        )

    precision = st.selectbox(
        t.gettext("How precise is the place? (draws the uncertainty circle)"),
        list(PRECISIONS),
        format_func=lambda k: (
            f"{k}: {t.gettext(PRECISIONS[k].label)} (±{PRECISIONS[k].radius_km:g} km)"
        ),
        key=field_key(prefix, "geo_precision"),
        placeholder=t.gettext("Choose a precision"),
    )
    clicked = _edit_map(prefix, precision)
    if clicked is not None and clicked != state.get(field_key(prefix, "last_click")):
        state[field_key(prefix, "last_click")] = clicked
        lat, lon = clicked
        state[field_key(prefix, "latitude")] = f"{lat:.5f}"
        state[field_key(prefix, "longitude")] = f"{lon:.5f}"
        country, admin1 = _click_to_cells(lat, lon)
        state[field_key(prefix, "country")] = country
        state[field_key(prefix, "admin1")] = admin1
        state[field_key(prefix, "place_id")] = ""
        state[field_key(prefix, "pending_place")] = None
        state[field_key(prefix, "clicked_place")] = True
    p1, p2, p3, p4 = st.columns(4)
    with p1:
        text_field(prefix, "latitude")
    with p2:
        text_field(prefix, "longitude")
    with p3:
        text_field(prefix, "country")
    with p4:
        text_field(prefix, "place_id")
    l1, l2 = st.columns(2)
    with l1:
        text_field(prefix, "location")
    with l2:
        text_field(prefix, "admin1")
    if state.get(field_key(prefix, "clicked_place")):
        init_widget(field_key(prefix, "add_clicked"), True)
        add = st.checkbox(
            t.gettext(
                "Also add this point to the project's gazetteer as a new place (so the map "
                "labels it and search finds it in every spelling)"
            ),
            key=field_key(prefix, "add_clicked"),
        )
        if add:
            n1, n2, n3 = st.columns([2, 1, 3])
            n1.text_input(t.gettext("Place name"), key=field_key(prefix, "new_place_name"))
            init_widget(field_key(prefix, "new_place_kind"), "town")
            n2.selectbox(
                t.gettext("Kind"), list(PLACE_KINDS),
                format_func=lambda k: t.gettext(PLACE_KINDS[k]),
                key=field_key(prefix, "new_place_kind"),
            )  # fmt: skip
            n3.text_input(
                t.gettext("Other names and scripts, separated by |"),
                key=field_key(prefix, "new_place_alt"),
                placeholder=t.gettext("e.g. 판문점|P'anmunjŏm|Panmunjeom"),
            )


def place_to_add(prefix: str, taken: set[str]) -> dict[str, str] | None:
    """The gazetteer row this save adds first: a finder answer the project lacks, or a
    clicked point the user names. None when the incident uses a known place or none."""
    state = st.session_state
    pending = state.get(field_key(prefix, "pending_place"))
    if pending:
        wanted = state.get(field_key(prefix, "add_place"), True)
        return pending if wanted and pending["place_id"] not in taken else None
    if not (
        state.get(field_key(prefix, "clicked_place"))
        and state.get(field_key(prefix, "add_clicked"))
    ):
        return None
    name = (state.get(field_key(prefix, "new_place_name")) or "").strip()
    if not name:
        return None
    return {
        "place_id": suggest_place_id(name, taken),
        "name": name,
        "kind": state.get(field_key(prefix, "new_place_kind")) or "town",
        "admin1": (state.get(field_key(prefix, "admin1")) or "").strip(),
        "country": (state.get(field_key(prefix, "country")) or "").strip(),
        "latitude": (state.get(field_key(prefix, "latitude")) or "").strip(),
        "longitude": (state.get(field_key(prefix, "longitude")) or "").strip(),
        "alt_names": (state.get(field_key(prefix, "new_place_alt")) or "").strip(),
        "coord_source": f"Placed by a click on the map in the editor ({author()}, "
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
        lat = float(state.get(field_key(prefix, "latitude")) or "nan")
        lon = float(state.get(field_key(prefix, "longitude")) or "nan")
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
    st.caption(current_translator().gettext("Click the map to place the incident there."))
    out = st_folium(
        m,
        height=320,
        use_container_width=True,
        returned_objects=["last_clicked"],
        key=field_key(prefix, "map"),
    )
    last = (out or {}).get("last_clicked") if isinstance(out, dict) else None
    if last and "lat" in last and "lng" in last:
        return (round(float(last["lat"]), 5), round(float(last["lng"]), 5))
    return None
