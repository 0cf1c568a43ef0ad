"""Route legs on the map: coloured and dashed by status, arrows along them, a stop mark
where an interception ended a route, flights as arcs."""

from __future__ import annotations

import folium
import geopandas as gpd

from dashboard.geodesy import arc_points
from dashboard.htmlsafe import esc
from dashboard.i18n import DEFAULT_LANGUAGE, N_, translator
from dashboard.map.popups import leg_tooltip
from dashboard.map.scripts import LayerScript, line_item, marker_item
from dashboard.placenames import place_labels
from dashboard.vocab import HIGHLIGHT, ROUTE_STATUSES, STOP_MARK_FILL

# The word along a leg whose route did not happen as drawn, repeated with its arrows.
_ARROW_WORDS = {"intended": N_("intended"), "alleged": N_("alleged")}


def leg_locations(leg) -> list[list[float]]:
    """The leg's line as [lat, lon] points; a two-point flight as an arc (``leg``: a row, as
    a Series or a dict)."""
    coords = [[lat, lon] for lon, lat in leg["geometry"].coords]
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
    words in ``lang``. One ``LayerScript`` draws them all."""
    t = translator(lang)
    names = place_labels(places, lang=t.lang)
    items = []
    for leg in routes.to_dict("records"):
        leg["from_name"] = names.get(str(leg["from_place"]), str(leg["from_place"]))
        leg["to_name"] = names.get(str(leg["to_place"]), str(leg["to_place"]))
        status = ROUTE_STATUSES[leg["status"]]
        locs = leg_locations(leg)
        highlighted = highlight_leg == (leg["route_id"], int(leg["leg"]))
        weight = (5 if presentation else 3.5) * (1.8 if highlighted else 1)
        if highlighted:
            items.append(
                line_item(
                    locs,
                    color=HIGHLIGHT,
                    weight=weight + 8,
                    opacity=0.9,
                    interactive=False,
                    class_name="route-highlight",
                )
            )
        word = _ARROW_WORDS.get(status.key)
        label = f"{t.gettext(word)} " if word else ""
        items.append(
            line_item(
                locs,
                color=status.colour,
                weight=weight,
                opacity=0.9,
                dash_array=status.dash,
                tooltip=leg_tooltip(leg, lang=t.lang),
                class_name=f"route-leg route-{status.key}",
                text=f"   {label}►   ",
                text_options={
                    "repeat": True,
                    "offset": 5,
                    "attributes": {
                        "fill": status.colour,
                        "font-size": "14" if presentation else "11",
                        "font-weight": "bold",
                    },
                },
            )
        )
        if status.key == "intercepted":
            items.append(
                marker_item(
                    locs[-1],
                    icon={
                        "html": _stop_mark_html(status.colour),
                        "iconSize": [26, 26],
                        "iconAnchor": [13, 13],
                        "className": "stop-mark",
                    },
                    tooltip=esc(t.gettext("Stopped here: {place}", place=leg["to_name"])),
                    keyboard=False,  # a mark with a tooltip, not a control: not in the Tab order
                )
            )
    group = folium.FeatureGroup(name="Routes", show=True, control=False)
    LayerScript(items).add_to(group)
    return group
