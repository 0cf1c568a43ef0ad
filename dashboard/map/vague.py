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
import numpy as np
import pandas as pd
import shapely
from branca.element import Element, MacroElement
from jinja2 import Template

from dashboard.aggregate import AGGREGATE_ABOVE
from dashboard.htmlsafe import esc
from dashboard.i18n import DEFAULT_LANGUAGE, translator
from dashboard.map.popups import incident_popup_html, leg_tooltip
from dashboard.map.routes import leg_locations
from dashboard.map.scripts import LayerScript, area_item, line_item, marker_item, static_text
from dashboard.placenames import place_label_by_id
from dashboard.vague.areas import AREA_KINDS, AreaGroup, areas_of
from dashboard.vague.labels import distinct_spots, label_point, leg_end_label
from dashboard.vocab import (
    AREA_EDGE,
    AREA_FILL,
    BORDER_HIGHLIGHT,
    HIGHLIGHT,
    ROUTE_STATUSES,
    ZCODE_COLUMN,
)

POPUP_RECORDS = 25  # full records in an area's popup; beyond that it says how many more
# ... when the map shows many incidents: 20 areas' popups of 25 records were 1.5 MB of a
# million-incident map's 1.9 MB, sent at every filter change.
POPUP_RECORDS_MANY = 5


class _ZoomClass(MacroElement):
    """Runs vague.js once the map exists (a macro renders after its parent map)."""

    _template = Template("{% macro script(this, kwargs) %}{{ this.js }}{% endmacro %}")

    def __init__(self):
        super().__init__()
        self._name = "VagueZoomClass"

    def render(self, **kwargs) -> None:
        self.js = static_text("vague.js").replace("{{map}}", self._parent.get_name())
        super().render(**kwargs)


# What the map reads of each incident when there are many (aggregates and lone symbols): their
# text comes by position from the whole rows, for the few thousand it shows at most.
MANY_POINT_COLUMNS = (
    "incident_id",
    "category",
    "geo_precision",
    "confidence",
    "latitude",
    "longitude",
    "place_id",
    ZCODE_COLUMN,
)


def split(
    incidents: gpd.GeoDataFrame,
    routes: gpd.GeoDataFrame,
    places: gpd.GeoDataFrame,
    *,
    lang: str = DEFAULT_LANGUAGE,
) -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame, dict]:
    """(incidents drawn as points, route legs drawn as plain lines, the rest for add_layers).

    Country-level incidents, and region-level ones whose area the basemap has, become areas;
    legs with an end the source does not state are drawn by ``add_layers``. Of the areas'
    incidents only the records their popups show are kept (``records``, by area key); of the
    points only where they are (``avoid``, lon/lat), which the areas' labels keep clear of.
    """
    is_area, groups = areas_of(incidents, places, lang=lang)
    vague_legs = (
        routes["unknown_end"].ne("")
        if "unknown_end" in routes
        else pd.Series(False, index=routes.index)
    )
    xy = distinct_spots(
        incidents["longitude"].to_numpy(dtype=float)[~is_area],
        incidents["latitude"].to_numpy(dtype=float)[~is_area],
    )
    each = POPUP_RECORDS if len(incidents) <= AGGREGATE_ABOVE else POPUP_RECORDS_MANY
    shown = [g.rows[:each] for g in groups]  # a popup's records, in the frame's order
    records = incidents.take(np.concatenate(shown)) if shown else incidents.iloc[:0]
    records = records.drop(columns="geometry", errors="ignore").to_dict("records")
    starts = np.cumsum([0] + [len(rows) for rows in shown])
    rest = {
        "groups": groups,
        "records": {g.key: records[starts[k] : starts[k + 1]] for k, g in enumerate(groups)},
        "legs": routes[vague_legs],
        "avoid": xy,
        "is_area": is_area,
    }
    if int((~is_area).sum()) > AGGREGATE_ABOVE:
        # many: aggregates and lone symbols, whose text (a few thousand records at most) the
        # points layer takes from ``rest["records_of_points"]``; the long text is not copied
        light = [c for c in MANY_POINT_COLUMNS if c in incidents.columns]
        points = incidents.loc[~is_area, light] if is_area.any() else incidents[light]
        rest["records_of_points"] = incidents
    else:
        points = incidents[~is_area] if is_area.any() else incidents
    return points, routes[~vague_legs], rest


def area_popup_html(group: AreaGroup, records: list, *, lang: str = DEFAULT_LANGUAGE) -> str:
    """The group's heading and the full sourced record of each of its first incidents
    (``records``: the group's first rows, as dicts or Series, in order; at most
    ``POPUP_RECORDS``), and how many more there are."""
    t = translator(lang)
    records = records[:POPUP_RECORDS]
    body = "".join(incident_popup_html(row, lang=t.lang) for row in records)
    total = len(group.incident_ids)
    if total > len(records):  # a newsroom database can hold thousands "in China"
        more = t.gettext(
            "… and {n} more: filter the table by country to read them all.",
            n=t.number(total - len(records)),
        )
        body += f"<p class='muted'>{esc(more)}</p>"
    return f"<div class='area-popup' data-area='{esc(group.key)}'><h4>{esc(group.title)}</h4>{body}</div>"


def _leg_names(leg, places: gpd.GeoDataFrame, lang: str = DEFAULT_LANGUAGE) -> tuple[str, str]:
    """The ends' names as the tooltip shows them, saying which the source does not state
    (``leg``: a row, as a Series or a dict)."""
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
    stand-in). The map needs ``install`` first. Each group is one ``LayerScript``."""
    t = translator(lang)
    avoid = rest["avoid"]
    areas = []
    for area in rest["groups"]:
        popup = (
            area_popup_html(area, rest["records"][area.key], lang=lang),
            {"maxWidth": 400, "autoPan": False},
        )
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
        areas.append(
            area_item(
                shapely.to_geojson(area.geometry),
                style=style,
                highlight={"fillOpacity": 0.22, "opacity": 0.8},
                tooltip=esc(area.title),
                popup=popup,
            )
        )
        areas.append(
            marker_item(
                label_point(area.geometry, avoid),
                icon={
                    "html": (
                        f"<div>{esc(area.label)}: <b>{esc(t.number(len(area.incident_ids)))}</b>"
                        "</div>"
                    ),
                    "iconSize": [1, 1],
                    "className": f"area-label area-{area.key.split(':')[0]}",
                },
                popup=len(areas) - 1,  # the area's own popup, sent once
            )
        )
    group = folium.FeatureGroup(name="Places not stated (areas)", show=True, control=False)
    LayerScript(areas).add_to(group)

    items = []
    for leg in rest["legs"].to_dict("records"):
        leg["from_name"], leg["to_name"] = _leg_names(leg, places, lang)
        status = ROUTE_STATUSES[leg["status"]]
        weight = 5 if presentation else 3.5
        geoms = getattr(leg["geometry"], "geoms", [leg["geometry"]])
        for part in geoms:
            if len(geoms) == 1:
                locs = leg_locations({**leg, "geometry": part})
            else:
                locs = [[y, x] for x, y in part.coords]
            if highlight_leg == (leg["route_id"], int(leg["leg"])):
                items.append(
                    line_item(
                        locs, color=HIGHLIGHT, weight=weight + 10, opacity=0.9, interactive=False
                    )
                )
            arrows = leg["unknown_end"] != "both"  # a shared border has no direction
            items.append(
                line_item(
                    locs,
                    color=status.colour,
                    weight=weight,
                    opacity=0.9,
                    dash_array="8 6" if status.dash is None else status.dash,
                    tooltip=leg_tooltip(leg, lang=lang),
                    class_name=f"route-leg route-{status.key} route-unknown-{leg['unknown_end']}",
                    text="   ►   " if arrows else None,
                    text_options={
                        "repeat": True,
                        "offset": 5,
                        "attributes": {
                            "fill": status.colour,
                            "font-size": "11",
                            "font-weight": "bold",
                        },
                    },
                )
            )
        label = leg_end_label(leg, places, lang=lang)
        if label:
            items.append(
                marker_item(
                    label[0],
                    icon={
                        "html": f"<div>{esc(label[1])}</div>",
                        "iconSize": [1, 1],
                        "className": "leg-end-label",
                    },
                    interactive=False,
                    keyboard=False,  # a label, not a control: not in the Tab order
                )
            )
    legs = folium.FeatureGroup(name="Routes with an unstated end", show=True, control=False)
    LayerScript(items).add_to(legs)
    return [group, legs]
