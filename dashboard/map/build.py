"""A whole map as one page, for the HTML export and the benchmark (the app mounts
``base.base_map`` once and swaps ``layers.map_layers`` on it instead)."""

from __future__ import annotations

from dataclasses import dataclass

import folium
import geopandas as gpd

from dashboard.i18n import DEFAULT_LANGUAGE
from dashboard.map import assets
from dashboard.map.base import base_map
from dashboard.map.layers import map_layers
from dashboard.map.view import padded_bounds


@dataclass(frozen=True)
class MapOptions:
    """How a whole-page map looks. The defaults are the HTML export's: the offline basemap,
    fitted to what it shows, nothing selected, popups on click."""

    basemap_name: str = "offline"
    center: tuple[float, float] | None = None  # with ``zoom``; otherwise fit what is shown
    zoom: float | None = None
    selected: str | None = None
    highlight_leg: tuple[str, int] | None = None
    presentation: bool = False
    height: int | str = "100%"
    popups: bool = True
    lang: str = DEFAULT_LANGUAGE  # the language of every word and place name on the map


def build_map(
    incidents: gpd.GeoDataFrame,
    routes: gpd.GeoDataFrame,
    places: gpd.GeoDataFrame,
    options: MapOptions | None = None,
    *,
    asset_base: str | None = assets.APP_STATIC_BASE,
) -> folium.Map:
    """A whole map of the given (already filtered) incidents and route legs, as one page.
    ``asset_base`` is where the page loads Leaflet from (None: leave the CDN URLs, for
    ``assets.standalone_html`` to inline)."""
    options = options or MapOptions()
    m = base_map(
        basemap_name=options.basemap_name,
        presentation=options.presentation,
        asset_base=None,
        height=options.height,
        lang=options.lang,
    )
    if options.center is not None and options.zoom is not None:
        view = {"token": "initial", "center": list(options.center), "zoom": options.zoom}
    else:
        view = {"token": "initial", "bounds": padded_bounds(incidents, routes, places)}
    for layer in map_layers(
        incidents,
        routes,
        places,
        selected=options.selected,
        highlight_leg=options.highlight_leg,
        presentation=options.presentation,
        popups=options.popups,
        view=view,
        lang=options.lang,
    ):
        layer.add_to(m)
    if asset_base is not None:
        assets.localise_map(m, asset_base)
    return m
