"""Route legs on the map: coloured and dashed by status, arrows along them, a stop mark
where an interception ended a route, flights as arcs."""

from __future__ import annotations

import folium
import geopandas as gpd
import pandas as pd
from folium.plugins import PolyLineTextPath

from dashboard.geodesy import arc_points
from dashboard.htmlsafe import esc
from dashboard.i18n import DEFAULT_LANGUAGE, N_, translator
from dashboard.map.popups import leg_tooltip
from dashboard.placenames import place_label_by_id
from dashboard.vocab import HIGHLIGHT, ROUTE_STATUSES, STOP_MARK_FILL

# The word along a leg whose route did not happen as drawn, repeated with its arrows.
_ARROW_WORDS = {"intended": N_("intended"), "alleged": N_("alleged")}


def leg_locations(leg: pd.Series) -> list[list[float]]:
    """The leg's line as [lat, lon] points; a two-point flight as an arc."""
    coords = [[lat, lon] for lon, lat in leg.geometry.coords]
    if leg["mode"] == "flight" and len(coords) == 2:
        return arc_points(tuple(coords[0]), tuple(coords[1]))
    return coords


def _stop_mark_html(colour: str) -> str:
    return (
        "<svg width='26' height='26' viewBox='0 0 26 26'><circle cx='13' cy='13' r='11' "
        f"fill='{STOP_MARK_FILL}' stroke='{colour}' stroke-width='3'/><line x1='6' y1='13' "
        f"x2='20' y2='13' stroke='{colour}' stroke-width='4'/></svg>"
    )


def route_layer(
    routes: gpd.GeoDataFrame,
    places: gpd.GeoDataFrame,
    highlight_leg: tuple[str, int] | None,
    presentation: bool,
    *,
    lang: str = DEFAULT_LANGUAGE,
) -> folium.FeatureGroup:
    """Every leg with a stated start and end (``vague`` draws the others); place names and
    words in ``lang``."""
    t = translator(lang)
    group = folium.FeatureGroup(name="Routes", show=True, control=False)
    for _, leg in routes.iterrows():
        leg = leg.copy()
        leg["from_name"] = place_label_by_id(places, leg["from_place"], lang=t.lang)
        leg["to_name"] = place_label_by_id(places, leg["to_place"], lang=t.lang)
        status = ROUTE_STATUSES[leg["status"]]
        locs = leg_locations(leg)
        highlighted = highlight_leg == (leg["route_id"], int(leg["leg"]))
        weight = (5 if presentation else 3.5) * (1.8 if highlighted else 1)
        if highlighted:
            folium.PolyLine(
                locs,
                color=HIGHLIGHT,
                weight=weight + 8,
                opacity=0.9,
                interactive=False,
                class_name="route-highlight",
            ).add_to(group)
        line = folium.PolyLine(
            locs,
            color=status.colour,
            weight=weight,
            opacity=0.9,
            dash_array=status.dash,
            tooltip=folium.Tooltip(leg_tooltip(leg, lang=t.lang), sticky=True),
            class_name=f"route-leg route-{status.key}",
        )
        line.add_to(group)
        word = _ARROW_WORDS.get(status.key)
        label = f"{t.gettext(word)} " if word else ""
        arrows = PolyLineTextPath(
            line,
            f"   {label}►   ",
            repeat=True,
            offset=5,
            attributes={
                "fill": status.colour,
                "font-size": "14" if presentation else "11",
                "font-weight": "bold",
            },
        )
        arrows.default_js = []  # base_map loads the plugin, offline, before any layer arrives
        arrows.add_to(group)
        if status.key == "intercepted":
            folium.Marker(
                locs[-1],
                icon=folium.DivIcon(
                    html=_stop_mark_html(status.colour),
                    class_name="stop-mark",
                    icon_size=(26, 26),
                    icon_anchor=(13, 13),
                ),
                tooltip=folium.Tooltip(
                    esc(t.gettext("Stopped here: {place}", place=leg["to_name"]))
                ),
                keyboard=False,  # a mark with a tooltip, not a control: not in the Tab order
            ).add_to(group)
    return group
