"""What a view shows on the base map, as layer groups the app swaps without reloading the map:
place labels, vague areas, route legs, incidents, the selection ring, the legend rows that
apply and where the map should look."""

from __future__ import annotations

import folium
import geopandas as gpd

from dashboard.aggregate import PyramidSource
from dashboard.htmlsafe import esc
from dashboard.i18n import DEFAULT_LANGUAGE
from dashboard.map import vague
from dashboard.map.legend import legend_keys
from dashboard.map.markers import incident_markers
from dashboard.map.points import LARGE_THRESHOLD, IncidentPoints
from dashboard.map.routes import route_layer
from dashboard.map.scripts import LayerScript, ScriptCall, marker_item
from dashboard.placenames import place_label
from dashboard.vague.areas import AREA_KINDS
from dashboard.vocab import SELECTED_RING


def place_labels(
    places: gpd.GeoDataFrame,
    incidents: gpd.GeoDataFrame,
    routes: gpd.GeoDataFrame,
    *,
    lang: str = DEFAULT_LANGUAGE,
) -> folium.FeatureGroup:
    """Names of the places the shown incidents and route legs are at (no others), in the
    reader's script where the gazetteer has it (``placenames``)."""
    wanted = set(incidents["place_id"].unique()).union(
        routes["from_place"].unique(), routes["to_place"].unique()
    )
    # a stand-in is no place to label
    shown = places[~places["kind"].isin(AREA_KINDS) & places.index.isin(list(wanted))]
    items = [
        marker_item(
            [place["latitude"], place["longitude"]],
            icon={
                "html": (
                    "<div style='transform:translate(10px,-18px)'>"
                    f"{esc(place_label(place, lang=lang))}</div>"
                ),
                "iconSize": [1, 1],
                "className": "place-label",
            },
            interactive=False,
            keyboard=False,  # a label, not a control: not in the Tab order
        )
        for place in shown.to_dict("records")
    ]
    labels = folium.FeatureGroup(name="Place labels", show=True, control=False)
    LayerScript(items).add_to(labels)
    return labels


def map_layers(
    incidents: gpd.GeoDataFrame,
    routes: gpd.GeoDataFrame,
    places: gpd.GeoDataFrame,
    *,
    selected: str | None = None,
    highlight_leg: tuple[str, int] | None = None,
    presentation: bool = False,
    popups: bool = False,
    view: dict | None = None,
    lang: str = DEFAULT_LANGUAGE,
    pyramid_of: PyramidSource | None = None,
) -> list[folium.FeatureGroup]:
    """What a view shows on ``base_map``: place labels, route legs, incidents, the selection
    ring, the legend rows that apply and (``view``) where the map should look, as a request
    ``escapeeMap.view`` applies once: ``{"token", "bounds"}`` or ``{"token", "center", "zoom"}``.
    Every word and place name in them is in ``lang``; the incidents' own text is not translated.
    ``pyramid_of`` may give a large selection's zoom levels (``map.aggregates.encode_levels``).
    """
    # Places the sources leave vague are drawn as areas, not points (dashboard/vague).
    incidents, routes, vague_rest = vague.split(incidents, routes, places, lang=lang)
    large = len(incidents) > LARGE_THRESHOLD
    layers = [place_labels(places, incidents, routes, lang=lang)]
    layers += vague.layers(
        vague_rest, places, presentation=presentation, highlight_leg=highlight_leg, lang=lang
    )
    layers.append(route_layer(routes, places, highlight_leg, presentation, lang=lang))
    if large:
        points = folium.FeatureGroup(name="Incidents", show=True, control=False)
        records = vague_rest.get("records_of_points")
        IncidentPoints(
            incidents, places, popups=popups, lang=lang, records=records, pyramid_of=pyramid_of
        ).add_to(points)
        layers.append(points)
    else:
        layers.append(
            incident_markers(incidents, presentation=presentation, popups=popups, lang=lang)
        )
    state = folium.FeatureGroup(name="View", show=True, control=False)
    if selected is not None and selected in set(incidents["incident_id"]):
        row = incidents.loc[incidents["incident_id"] == selected].iloc[0]
        folium.CircleMarker(
            [row["latitude"], row["longitude"]],
            radius=24 if presentation else 18,
            color=SELECTED_RING,
            weight=3,
            fill=False,
            interactive=False,
            class_name="selected-ring",
        ).add_to(state)
    keys = legend_keys(
        incidents["category"].unique(),
        routes["status"].unique(),
        bool((incidents["geo_precision"] >= 2).any()),
        bool((incidents["confidence"] == "unconfirmed").any()),
        aggregates=large,
    )
    ScriptCall("legend", keys).add_to(state)
    if view is not None:
        ScriptCall("view", view).add_to(state)
    layers.append(state)
    return layers
