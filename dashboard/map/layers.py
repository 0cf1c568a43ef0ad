"""What a view shows on the base map, as layer groups the app swaps without reloading the map:
place labels, vague areas, route legs, incidents, the selection ring, the legend rows that
apply and where the map should look."""

from __future__ import annotations

from dataclasses import dataclass

import folium
import geopandas as gpd
import numpy as np

from dashboard.aggregate import PyramidSource
from dashboard.htmlsafe import esc
from dashboard.i18n import DEFAULT_LANGUAGE
from dashboard.map import vague
from dashboard.map.aggregates import encode_levels
from dashboard.map.legend import legend_keys
from dashboard.map.markers import incident_markers
from dashboard.map.points import LARGE_THRESHOLD, IncidentPoints
from dashboard.map.routes import route_layer
from dashboard.map.scripts import LayerScript, ScriptCall, marker_item, ring_item
from dashboard.placenames import place_label
from dashboard.vague.areas import AREA_KINDS
from dashboard.vocab import SELECTED_RING


def place_labels(
    places: gpd.GeoDataFrame,
    place_ids: set[str],
    routes: gpd.GeoDataFrame,
    *,
    lang: str = DEFAULT_LANGUAGE,
) -> folium.FeatureGroup:
    """Names of the places the shown incidents (``place_ids``) and route legs are at (no
    others), in the reader's script where the gazetteer has it (``placenames``)."""
    wanted = set(place_ids).union(routes["from_place"].unique(), routes["to_place"].unique())
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


@dataclass(frozen=True)
class MapData:
    """What a view's layers are drawn from, worked out once per result and language: the
    split into points, areas and legs, the points' zoom levels when there are many, and the
    few facts the labels and the legend need. The app keeps one per data version and result,
    so a run that changes neither (a click, a new reader at the same filters) does not redo
    it (0.4 s at a million incidents). It holds no incident rows when there are many."""

    points: gpd.GeoDataFrame | None  # the incidents drawn as points, when few
    encoded: tuple[str, list] | None  # their zoom levels (``encode_levels``), when many
    count: int  # incidents drawn as points
    is_point: np.ndarray  # over the incidents it was made from
    routes: gpd.GeoDataFrame  # legs drawn as plain lines
    rest: dict  # ``vague.split``'s areas and legs with an unstated end
    place_ids: frozenset[str]
    categories: tuple[str, ...]
    approximate: bool  # any point placed near a town or within a district, not at it
    unconfirmed: bool

    @property
    def large(self) -> bool:
        return self.count > LARGE_THRESHOLD


def map_data(
    incidents: gpd.GeoDataFrame,
    routes: gpd.GeoDataFrame,
    places: gpd.GeoDataFrame,
    *,
    lang: str = DEFAULT_LANGUAGE,
    pyramid_of: PyramidSource | None = None,
) -> MapData:
    """``MapData`` for the shown incidents and route legs, in ``lang``. ``pyramid_of`` may
    give a large selection's zoom levels (``map.aggregates.encode_levels``)."""
    # Places the sources leave vague are drawn as areas, not points (dashboard/vague).
    points, plain, rest = vague.split(incidents, routes, places, lang=lang)
    records = rest.pop("records_of_points", None)
    large = len(points) > LARGE_THRESHOLD
    encoded = (
        encode_levels(points, places, lang=lang, records=records, pyramid_of=pyramid_of)
        if large
        else None
    )
    return MapData(
        points=None if large else points,
        encoded=encoded,
        count=len(points),
        is_point=~rest.pop("is_area"),
        routes=plain,
        rest=rest,
        place_ids=frozenset(points["place_id"].dropna().unique()),
        categories=tuple(points["category"].unique()),
        approximate=bool((points["geo_precision"] >= 2).any()),
        unconfirmed=bool((points["confidence"] == "unconfirmed").any()),
    )


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
    data: MapData | None = None,
    pyramid_of: PyramidSource | None = None,
) -> list[folium.FeatureGroup]:
    """What a view shows on ``base_map``: place labels, route legs, incidents, the selection
    ring, the legend rows that apply and (``view``) where the map should look, as a request
    ``escapeeMap.view`` applies once: ``{"token", "bounds"}`` or ``{"token", "center", "zoom"}``.
    Every word and place name in them is in ``lang``; the incidents' own text is not translated.
    ``data``: ``map_data`` of these incidents, routes and ``lang``, if already made; else it
    is made here (``pyramid_of``: see ``map_data``).
    """
    if data is None:
        data = map_data(incidents, routes, places, lang=lang, pyramid_of=pyramid_of)
    layers = [place_labels(places, data.place_ids, data.routes, lang=lang)]
    layers += vague.layers(
        data.rest, places, presentation=presentation, highlight_leg=highlight_leg, lang=lang
    )
    layers.append(route_layer(data.routes, places, highlight_leg, presentation, lang=lang))
    if data.large:
        points = folium.FeatureGroup(name="Incidents", show=True, control=False)
        IncidentPoints(None, None, popups=popups, lang=lang, encoded=data.encoded).add_to(points)
        layers.append(points)
    else:
        layers.append(
            incident_markers(data.points, presentation=presentation, popups=popups, lang=lang)
        )
    state = folium.FeatureGroup(name="View", show=True, control=False)
    ring = _selected_point(incidents, data, selected)
    if ring is not None:
        item = ring_item(
            ring,
            radius=24 if presentation else 18,
            color=SELECTED_RING,
            weight=3,
            class_name="selected-ring",
        )
        LayerScript([item]).add_to(state)
    keys = legend_keys(
        list(data.categories),
        data.routes["status"].unique(),
        data.approximate,
        data.unconfirmed,
        aggregates=data.large,
    )
    ScriptCall("legend", keys).add_to(state)
    if view is not None:
        ScriptCall("view", view).add_to(state)
    layers.append(state)
    return layers


def _selected_point(
    incidents: gpd.GeoDataFrame, data: MapData, selected: str | None
) -> list[float] | None:
    """[lat, lon] of the selected incident when the map draws it as a point, else None."""
    if selected is None:
        return None
    hit = np.flatnonzero((incidents["incident_id"] == selected).to_numpy(dtype=bool))
    hit = hit[data.is_point[hit]] if len(hit) else hit
    if not len(hit):
        return None
    row = incidents.iloc[int(hit[0])]
    return [float(row["latitude"]), float(row["longitude"])]
