"""Vague places on the folium map: country and province areas, border lines, and route legs
whose end the source does not state (the geometry is ``dashboard.vague``'s).

The map calls three hooks: ``install`` (once, on the base map), ``split`` (before drawing
markers and routes) takes out what must not be drawn as a point or a plain line, and ``layers``
draws it as layer groups the app swaps like the others. Its script and stylesheet are
``static/map/vague.js`` and ``vague.css``.
"""

from __future__ import annotations

import folium
import geopandas as gpd
import pandas as pd
import shapely
from branca.element import Element, MacroElement
from folium.plugins import PolyLineTextPath
from jinja2 import Template

from dashboard.htmlsafe import esc
from dashboard.i18n import DEFAULT_LANGUAGE, translator
from dashboard.map.popups import incident_popup_html, leg_tooltip
from dashboard.map.routes import leg_locations
from dashboard.map.scripts import static_text
from dashboard.placenames import place_label_by_id
from dashboard.vague.areas import AREA_KINDS, POINT, AreaGroup, area_groups, drawn_as
from dashboard.vague.labels import label_point, leg_end_label
from dashboard.vocab import AREA_EDGE, AREA_FILL, BORDER_HIGHLIGHT, HIGHLIGHT, ROUTE_STATUSES

POPUP_RECORDS = 25  # full records in an area's popup; beyond that it says how many more


class _ZoomClass(MacroElement):
    """Runs vague.js once the map exists (a macro renders after its parent map)."""

    _template = Template("{% macro script(this, kwargs) %}{{ this.js }}{% endmacro %}")

    def __init__(self):
        super().__init__()
        self._name = "VagueZoomClass"

    def render(self, **kwargs) -> None:
        self.js = static_text("vague.js").replace("{{map}}", self._parent.get_name())
        super().render(**kwargs)


def split(
    incidents: gpd.GeoDataFrame,
    routes: gpd.GeoDataFrame,
    places: gpd.GeoDataFrame,
    *,
    lang: str = DEFAULT_LANGUAGE,
) -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame, dict]:
    """(incidents drawn as points, route legs drawn as plain lines, the rest for add_layers).

    Country-level incidents, and region-level ones whose area the basemap has, become areas;
    legs with an end the source does not state are drawn by ``add_layers``.
    """
    how = drawn_as(incidents, places)
    vague_legs = (
        routes["unknown_end"].ne("")
        if "unknown_end" in routes
        else pd.Series(False, index=routes.index)
    )
    rest = {
        "groups": area_groups(incidents[how != POINT], places, lang=lang),
        "incidents": incidents[how != POINT],
        "legs": routes[vague_legs],
        "points": incidents[how == POINT],
    }
    return incidents[how == POINT], routes[~vague_legs], rest


def area_popup_html(
    group: AreaGroup, incidents: pd.DataFrame, *, lang: str = DEFAULT_LANGUAGE
) -> str:
    """The group's heading and the full sourced record of each of its incidents."""
    t = translator(lang)
    rows = incidents[incidents["incident_id"].isin(group.incident_ids)]
    body = "".join(
        incident_popup_html(row, lang=t.lang) for _, row in rows.head(POPUP_RECORDS).iterrows()
    )
    if len(rows) > POPUP_RECORDS:  # a newsroom database can hold thousands "in China"
        more = t.gettext(
            "… and {n} more: filter the table by country to read them all.",
            n=t.number(len(rows) - POPUP_RECORDS),
        )
        body += f"<p class='muted'>{esc(more)}</p>"
    return f"<div class='area-popup' data-area='{esc(group.key)}'><h4>{esc(group.title)}</h4>{body}</div>"


def _leg_names(
    leg: pd.Series, places: gpd.GeoDataFrame, lang: str = DEFAULT_LANGUAGE
) -> tuple[str, str]:
    """The ends' names as the tooltip shows them, saying which the source does not state."""
    t = translator(lang)

    def name(pid: str, end: str) -> str:
        text = place_label_by_id(places, pid, lang=t.lang)
        if leg["unknown_end"] in (end, "both") and places.at[pid, "kind"] not in AREA_KINDS:
            text = t.gettext("{place} (inferred: the source does not say)", place=text)
        return text

    return name(leg["from_place"], "from"), name(leg["to_place"], "to")


def install(m: folium.Map) -> None:
    """What the areas need on the map itself, once: their stylesheet and the zoom class."""
    m.get_root().header.add_child(Element(f"<style>{static_text('vague.css')}</style>"))
    _ZoomClass().add_to(m)


def layers(
    rest: dict,
    places: gpd.GeoDataFrame,
    *,
    presentation: bool = False,
    highlight_leg: tuple[str, int] | None = None,
    lang: str = DEFAULT_LANGUAGE,
) -> list[folium.FeatureGroup]:
    """What ``split`` took out, as layer groups: areas with a count label and a popup of their
    records, and route legs with an unstated end (dashed, labelled, no stop mark at a
    stand-in). The map needs ``install`` first."""
    avoid = rest["points"][["longitude", "latitude"]].to_numpy(dtype=float)
    group = folium.FeatureGroup(name="Places not stated (areas)", show=True, control=False)
    for area in rest["groups"]:
        popup = area_popup_html(area, rest["incidents"], lang=lang)
        is_line = area.geometry.geom_type.endswith("LineString")
        style = (
            {"color": BORDER_HIGHLIGHT, "weight": 7, "opacity": 0.55}
            if is_line
            else {
                "color": AREA_EDGE,
                "weight": 1.5,
                "dashArray": "6 4",
                "fillColor": AREA_FILL,
                "fillOpacity": 0.16,
            }
        )
        folium.GeoJson(
            shapely.to_geojson(area.geometry),
            style_function=lambda _f, s=style: s,
            highlight_function=lambda _f: {"fillOpacity": 0.22, "opacity": 0.8},
            tooltip=folium.Tooltip(esc(area.title)),
            popup=folium.Popup(popup, max_width=400, lazy=True, auto_pan=False),
            name=area.key,
        ).add_to(group)
        folium.Marker(
            label_point(area.geometry, avoid),
            icon=folium.DivIcon(
                html=f"<div>{esc(area.label)}: <b>{len(area.incident_ids)}</b></div>",
                class_name=f"area-label area-{area.key.split(':')[0]}",
                icon_size=(1, 1),
            ),
            popup=folium.Popup(popup, max_width=400, lazy=True, auto_pan=False),
        ).add_to(group)

    legs = folium.FeatureGroup(name="Routes with an unstated end", show=True, control=False)
    for _, leg in rest["legs"].iterrows():
        leg = leg.copy()
        leg["from_name"], leg["to_name"] = _leg_names(leg, places, lang)
        status = ROUTE_STATUSES[leg["status"]]
        weight = 5 if presentation else 3.5
        geoms = getattr(leg.geometry, "geoms", [leg.geometry])
        for part in geoms:
            part_leg = leg.copy()
            part_leg["geometry"] = part
            locs = leg_locations(part_leg) if len(geoms) == 1 else [[y, x] for x, y in part.coords]
            if highlight_leg == (leg["route_id"], int(leg["leg"])):
                folium.PolyLine(
                    locs, color=HIGHLIGHT, weight=weight + 10, opacity=0.9, interactive=False
                ).add_to(legs)
            line = folium.PolyLine(
                locs,
                color=status.colour,
                weight=weight,
                opacity=0.9,
                dash_array="8 6" if status.dash is None else status.dash,
                tooltip=folium.Tooltip(leg_tooltip(leg, lang=lang), sticky=True),
                class_name=f"route-leg route-{status.key} route-unknown-{leg['unknown_end']}",
            )
            line.add_to(legs)
            if leg["unknown_end"] != "both":  # an arrow; a shared border has no direction
                arrows = PolyLineTextPath(
                    line,
                    "   ►   ",
                    repeat=True,
                    offset=5,
                    attributes={"fill": status.colour, "font-size": "11", "font-weight": "bold"},
                )
                arrows.default_js = []  # the base map loads the plugin before any layer
                arrows.add_to(legs)
        label = leg_end_label(leg, places, lang=lang)
        if label:
            folium.Marker(
                label[0],
                icon=folium.DivIcon(
                    html=f"<div>{esc(label[1])}</div>", class_name="leg-end-label", icon_size=(1, 1)
                ),
                interactive=False,
                keyboard=False,  # a label, not a control: not in the Tab order
            ).add_to(legs)
    return [group, legs]
