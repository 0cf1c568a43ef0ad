"""The interactive map: folium layers built from filtered GeoDataFrames.

Styles come from ``dashboard.vocab``; every piece of incident text passes through
``esc``. Small selections get one icon and a full popup per incident; large ones
switch to a single canvas-drawn GeoJSON layer whose popups are built on click.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

import folium
import geopandas as gpd
import pandas as pd
from branca.element import Element, MacroElement
from folium.plugins import Fullscreen, PolyLineTextPath
from jinja2 import Template

from dashboard import assets, basemap
from dashboard.htmlsafe import esc, safe_link
from dashboard.vocab import CATEGORIES, CONFIDENCE, PRECISIONS, ROUTE_MODES, ROUTE_STATUSES, SHAPES

LARGE_THRESHOLD = 1000
REGION_BOUNDS = [[10.0, 92.0], [54.0, 138.0]]  # south-west, north-east (lat, lon)
BASEMAPS = {
    "offline": "Offline map (Natural Earth)",
    "light": "Light web tiles (CARTO, online only)",
    "dark": "Dark web tiles (CARTO, online only)",
}
_TILES = {"light": "CartoDB positron", "dark": "CartoDB dark_matter"}
SEA = "#dbe6ef"
LAND = "#f5f3ee"


def marker_svg(category: str, size: int = 22, hollow: bool = False, stroke: str = "#1a1a1a") -> str:
    """The category's shape as inline SVG, shared by the map and the legend."""
    cat = CATEGORIES[category]
    shape = SHAPES[cat.shape]
    fill = "#ffffff" if hollow else cat.colour
    width = 2.5 if hollow else 1.2
    edge = cat.colour if hollow else stroke
    body = (
        f'<circle cx="10" cy="10" r="8.5" fill="{fill}" stroke="{edge}" stroke-width="{width}"/>'
        if not shape.svg_points
        else f'<polygon points="{shape.svg_points}" fill="{fill}" stroke="{edge}" '
        f'stroke-width="{width}" stroke-linejoin="round"/>'
    )
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{size}" height="{size}" '
        f'viewBox="-1 -1 22 22" aria-hidden="true">{body}</svg>'
    )


def date_window_text(row: pd.Series) -> str:
    if pd.isna(row["date_start"]):
        return "year not stated"
    start, end = row["date_start"], row["date_end"]
    if start == end:
        return f"{start:%d %b %Y}"
    return f"{start:%d %b %Y} – {end:%d %b %Y}"


def citation_html(row: pd.Series) -> str:
    published = (
        f"{row['source_date']:%d %b %Y}"
        if pd.notna(row["source_date"])
        else "publication date not stated"
    )
    title = esc(row["source_title"])
    link = f" {safe_link(row['source_url'], 'link')}" if row.get("source_url") else ""
    return f"{esc(row['source_outlet'])}, “{title}”, {published}.{link}"


def incident_popup_html(row: pd.Series) -> str:
    """The full sourced record of one incident, as escaped HTML."""
    cat = CATEGORIES[row["category"]]
    precision = PRECISIONS[int(row["geo_precision"])]
    approx = " — approximate location" if precision.level >= 2 else ""
    people = "" if pd.isna(row["people_count"]) else str(int(row["people_count"]))
    rows = [
        (
            "When",
            f"{esc(row['date_text'])} <span class='muted'>({esc(date_window_text(row))})</span>",
        ),
        (
            "Where",
            f"{esc(row['location'])}<br><span class='muted'>{esc(precision.label)}{approx}</span>",
        ),
        ("Actors", esc(row["actors"]) or "not stated"),
        ("People", people or "not stated"),
        (
            "Confidence",
            f"{esc(row['confidence'])} <span class='muted'>({esc(CONFIDENCE[row['confidence']])})</span>",
        ),
    ]
    if str(row.get("date_note", "")).strip():
        rows.append(("Date note", f"<span class='muted'>{esc(row['date_note'])}</span>"))
    table = "".join(f"<tr><th>{k}</th><td>{v}</td></tr>" for k, v in rows)
    return (
        f"<div class='incident-popup' data-incident='{esc(row['incident_id'])}'>"
        f"<div class='cat' style='color:{cat.colour}'>{esc(cat.label)} · {esc(row['incident_id'])}</div>"
        f"<p class='summary'>{esc(row['summary'])}</p><table>{table}</table>"
        f"<blockquote>{esc(row['source_quote'])}</blockquote>"
        f"<p class='cite'>{citation_html(row)}</p></div>"
    )


def incident_tooltip(row: pd.Series) -> str:
    approx = " (approximate)" if int(row["geo_precision"]) >= 2 else ""
    return (
        f"{esc(row['incident_id'])} · {esc(CATEGORIES[row['category']].label)}<br>"
        f"{esc(row['date_text'])} · {esc(row['location'])}{approx}"
    )


def _ring_offsets(frame: pd.DataFrame, step_px: float = 13) -> list[tuple[float, float]]:
    """Pixel offsets so incidents at the same point fan out around it, all clickable."""
    keys = list(zip(frame["latitude"].round(4), frame["longitude"].round(4), strict=True))
    counts = pd.Series(keys).value_counts().to_dict()
    seen: dict[tuple, int] = {}
    out = []
    for key in keys:
        n, k = counts[key], seen.get(key, 0)
        seen[key] = k + 1
        if n == 1:
            out.append((0.0, 0.0))
            continue
        angle = 2 * math.pi * k / n - math.pi / 2
        r = step_px * max(1.0, n / 4)
        out.append((r * math.cos(angle), r * math.sin(angle)))
    return out


def arc_points(
    start: tuple[float, float], end: tuple[float, float], n: int = 24
) -> list[list[float]]:
    """A gentle curve (lat, lon) between two points, so flights read as flights."""
    (lat0, lon0), (lat1, lon1) = start, end
    dlat, dlon = lat1 - lat0, lon1 - lon0
    bend = 0.18
    clat, clon = (lat0 + lat1) / 2 - dlon * bend, (lon0 + lon1) / 2 + dlat * bend
    pts = []
    for i in range(n + 1):
        t = i / n
        a, b, c = (1 - t) ** 2, 2 * (1 - t) * t, t**2
        pts.append([a * lat0 + b * clat + c * lat1, a * lon0 + b * clon + c * lon1])
    return pts


def leg_locations(leg: pd.Series) -> list[list[float]]:
    coords = [[lat, lon] for lon, lat in leg.geometry.coords]
    if leg["mode"] == "flight" and len(coords) == 2:
        return arc_points(tuple(coords[0]), tuple(coords[1]))
    return coords


def leg_tooltip(leg: pd.Series) -> str:
    status = ROUTE_STATUSES[leg["status"]]
    approx = "; path approximate (straight line)" if leg["approximate"] else ""
    when = f" · {esc(leg['date_text'])}" if str(leg.get("date_text", "")).strip() else ""
    return (
        f"<b>{esc(leg['route_name'])}</b> — leg {int(leg['leg'])}<br>"
        f"{esc(leg['from_name'])} → {esc(leg['to_name'])}<br>"
        f"{esc(ROUTE_MODES[leg['mode']])}, {esc(status.label.lower())}{approx}{when}"
        + (
            f"<br><span class='muted'>{esc(leg['note'])}</span>"
            if str(leg.get("note", "")).strip()
            else ""
        )
    )


_STYLE = f"""
<style>
.leaflet-container {{ background: {SEA}; font-family: system-ui, -apple-system, "Segoe UI", sans-serif; }}
.incident-marker {{ background: none; border: none; }}
.incident-marker svg {{ filter: drop-shadow(0 1px 1px rgba(0,0,0,.35)); cursor: pointer; }}
.place-label {{ background: none; border: none; font-size: 11px; color: #333; white-space: nowrap;
  text-shadow: 0 0 3px #fff, 0 0 3px #fff, 0 0 3px #fff; pointer-events: none; }}
.stop-mark {{ background: none; border: none; }}
.incident-popup {{ font-size: 13px; line-height: 1.35; max-width: 340px; }}
.incident-popup .cat {{ font-weight: 700; text-transform: uppercase; font-size: 11px; letter-spacing: .03em; }}
.incident-popup .summary {{ margin: 4px 0 6px; }}
.incident-popup table {{ border-collapse: collapse; margin-bottom: 6px; }}
.incident-popup th {{ text-align: left; vertical-align: top; padding: 1px 8px 1px 0; color: #555; font-weight: 600; }}
.incident-popup blockquote {{ margin: 4px 0; padding-left: 8px; border-left: 3px solid #bbb; color: #333; font-style: italic; }}
.incident-popup .cite, .muted {{ color: #666; font-size: 12px; }}
.map-legend {{ background: rgba(255,255,255,.94); padding: 8px 10px; border-radius: 6px; font-size: 12px;
  line-height: 1.45; box-shadow: 0 1px 4px rgba(0,0,0,.3); max-height: 60vh; overflow-y: auto; }}
.map-legend h4 {{ margin: 0 0 4px; font-size: 12px; text-transform: uppercase; color: #444; }}

.map-legend .lg-row {{ display: flex; align-items: center; gap: 6px; white-space: nowrap; }}
.map-legend svg {{ flex: none; }}
.presentation .map-legend {{ font-size: 16px; }}
.presentation .place-label {{ font-size: 15px; }}
</style>
"""


class Legend(MacroElement):
    """The legend, drawn from the declared styles (only what the map shows)."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function() {
            var legend = L.control({position: "bottomleft"});
            legend.onAdd = function () {
                var div = L.DomUtil.create("div", "map-legend");
                div.innerHTML = {{ this.html|tojson }};
                L.DomEvent.disableClickPropagation(div);
                return div;
            };
            legend.addTo({{ this._parent.get_name() }});
        })();
        {% endmacro %}
        """
    )

    def __init__(self, html: str):
        super().__init__()
        self._name = "Legend"
        self.html = html


def legend_html(categories: Iterable[str], statuses: Iterable[str], any_approximate: bool) -> str:
    cats = [c for c in CATEGORIES if c in set(categories)]
    parts = ["<h4>Incidents</h4>"]
    for key in cats:
        parts.append(f"<div class='lg-row'>{marker_svg(key, 16)}{esc(CATEGORIES[key].label)}</div>")
    if cats:
        parts.append(
            f"<div class='lg-row'>{marker_svg(cats[0], 16, hollow=True)}Hollow: unconfirmed</div>"
        )
    if any_approximate:
        parts.append(
            "<div class='lg-row'><svg width='16' height='16'><circle cx='8' cy='8' r='6.5' fill='rgba(0,0,0,.06)' "
            "stroke='#555' stroke-dasharray='3 2'/></svg>Dashed circle: approximate place</div>"
        )
    statuses = [s for s in ROUTE_STATUSES if s in set(statuses)]
    if statuses:
        parts.append("<h4 style='margin-top:6px'>Routes</h4>")
        for key in statuses:
            s = ROUTE_STATUSES[key]
            dash = f" stroke-dasharray='{s.dash}'" if s.dash else ""
            stop = (
                "<line x1='26' y1='3' x2='26' y2='13' stroke='#CC3311' stroke-width='3'/>"
                if key == "intercepted"
                else ""
            )
            parts.append(
                f"<div class='lg-row'><svg width='30' height='16'><line x1='1' y1='8' x2='24' y2='8' "
                f"stroke='{s.colour}' stroke-width='3'{dash}/>{stop}</svg>{esc(s.label)}</div>"
            )
        parts.append("<div class='lg-row muted'>Curved: flight · straight: path not known</div>")
    return "".join(parts)


class IncidentPoints(MacroElement):
    """Many incidents as one canvas GeoJSON layer; popups are built only when clicked."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function() {
            var styles = {{ this.styles|tojson }};
            var renderer = L.canvas({padding: 0.3});
            function esc(s) {
                return String(s == null ? "" : s).replace(/[&<>"'`$\\\\]/g, function (c) {
                    return "&#" + c.charCodeAt(0) + ";";
                });
            }
            var layer = L.geoJSON({{ this.data|tojson }}, {
                pointToLayer: function (f, latlng) {
                    var s = styles[f.properties.c] || {colour: "#777"};
                    return L.circleMarker(latlng, {renderer: renderer, radius: 5, weight: 1,
                        color: "#222", fillColor: s.colour, fillOpacity: 0.85});
                },
                onEachFeature: function (f, l) {
                    l.bindPopup(function () {
                        var p = f.properties, s = styles[p.c] || {label: p.c};
                        return "<div class='incident-popup'><div class='cat'>" + esc(s.label) + " · " +
                            esc(p.id) + "</div><p class='summary'>" + esc(p.s) + "</p><p class='muted'>" +
                            esc(p.d) + " · " + esc(p.l) + "</p><p class='cite'>" + esc(p.src) + "</p></div>";
                    });
                }
            });
            layer.addTo({{ this._parent.get_name() }});
            document.body.dataset.incidentsDrawn = layer.getLayers().length;
        })();
        {% endmacro %}
        """
    )

    def __init__(self, incidents: gpd.GeoDataFrame):
        super().__init__()
        self._name = "IncidentPoints"
        self.styles = {k: {"colour": c.colour, "label": c.label} for k, c in CATEGORIES.items()}
        self.data = {
            "type": "FeatureCollection",
            "features": [
                {
                    "type": "Feature",
                    "geometry": {"type": "Point", "coordinates": [round(lon, 4), round(lat, 4)]},
                    "properties": {"id": i, "c": c, "s": s, "d": d, "l": loc, "src": src},
                }
                for i, c, s, d, loc, src, lat, lon in zip(
                    incidents["incident_id"],
                    incidents["category"],
                    incidents["summary"],
                    incidents["date_text"],
                    incidents["location"],
                    incidents["source_outlet"],
                    incidents["latitude"],
                    incidents["longitude"],
                    strict=True,
                )
            ],
        }


class DrawnCount(MacroElement):
    """Records how many incident markers the map drew, for tests and screen readers."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        document.body.dataset.incidentsDrawn = {{ this.group }}.getLayers().length;
        {% endmacro %}
        """
    )

    def __init__(self, group: folium.FeatureGroup):
        super().__init__()
        self.group = group.get_name()


def _fit(incidents: gpd.GeoDataFrame, routes: gpd.GeoDataFrame) -> list[list[float]]:
    frames = [g for g in (incidents.geometry, routes.geometry) if len(g)]
    if not frames:
        return REGION_BOUNDS
    minx, miny, maxx, maxy = pd.concat(frames).total_bounds
    pad_x, pad_y = max(1.5, (maxx - minx) * 0.08), max(1.5, (maxy - miny) * 0.08)
    return [[miny - pad_y, minx - pad_x], [maxy + pad_y, maxx + pad_x]]


def build_map(
    incidents: gpd.GeoDataFrame,
    routes: gpd.GeoDataFrame,
    places: gpd.GeoDataFrame,
    *,
    basemap_name: str = "offline",
    center: tuple[float, float] | None = None,
    zoom: int | None = None,
    selected: str | None = None,
    highlight_leg: tuple[str, int] | None = None,
    presentation: bool = False,
    asset_base: str | None = assets.APP_STATIC_BASE,
    height: int | str = "100%",
) -> folium.Map:
    """A folium map of the given (already filtered) incidents and route legs.

    ``asset_base`` is where Leaflet and plugins are served from (None keeps the CDN
    links, for callers that inline them). With no ``center``/``zoom`` the map fits
    what it shows.
    """
    m = folium.Map(
        location=list(center) if center else [38.0, 115.0],
        zoom_start=zoom if zoom is not None else 4,
        tiles=None,
        control_scale=True,
        min_zoom=2,
        max_zoom=12,
        prefer_canvas=len(incidents) > LARGE_THRESHOLD,
        height=height,
        keyboard=not presentation,  # arrow keys step the briefing instead of panning
    )
    m.get_root().header.add_child(Element(_STYLE))
    if presentation:
        m.get_root().html.add_child(
            Element("<script>document.body.classList.add('presentation');</script>")
        )
    online = basemap_name in _TILES
    if online:
        folium.TileLayer(_TILES[basemap_name], name=BASEMAPS[basemap_name], control=False).add_to(m)

    borders = folium.FeatureGroup(name="Borders and provinces", show=True)
    countries = basemap.countries()
    folium.GeoJson(
        countries[["name", "iso_a2", "geometry"]].to_json(),
        style_function=lambda _f, fill=(not online): {
            "fillColor": LAND,
            "fillOpacity": 1.0 if fill else 0.0,
            "color": "#8a8a8a",
            "weight": 1.0,
        },
        interactive=False,
        name="Countries",
    ).add_to(borders)
    provinces = basemap.province_lines()
    if len(provinces):
        folium.GeoJson(
            provinces[["geometry"]].to_json(),
            style_function=lambda _f: {"color": "#a0a0a0", "weight": 0.8, "dashArray": "3 3"},
            interactive=False,
            name="Provinces",
        ).add_to(borders)
    borders.add_to(m)

    labels = folium.FeatureGroup(name="Place labels", show=True)
    for _, place in places.iterrows():
        if place["kind"] == "country":
            continue
        folium.Marker(
            [place["latitude"], place["longitude"]],
            icon=folium.DivIcon(
                html=f"<div style='transform:translate(10px,-18px)'>{esc(place['name'])}</div>",
                class_name="place-label",
                icon_size=(1, 1),
            ),
            interactive=False,
        ).add_to(labels)
    labels.add_to(m)

    route_group = folium.FeatureGroup(name="Routes", show=True)
    names = places["name"]
    for _, leg in routes.iterrows():
        leg = leg.copy()
        leg["from_name"] = names.get(leg["from_place"], leg["from_place"])
        leg["to_name"] = names.get(leg["to_place"], leg["to_place"])
        status = ROUTE_STATUSES[leg["status"]]
        locs = leg_locations(leg)
        highlighted = highlight_leg == (leg["route_id"], int(leg["leg"]))
        weight = (5 if presentation else 3.5) * (1.8 if highlighted else 1)
        if highlighted:
            folium.PolyLine(
                locs,
                color="#ffd23f",
                weight=weight + 8,
                opacity=0.9,
                interactive=False,
                class_name="route-highlight",
            ).add_to(route_group)
        line = folium.PolyLine(
            locs,
            color=status.colour,
            weight=weight,
            opacity=0.9,
            dash_array=status.dash,
            tooltip=folium.Tooltip(leg_tooltip(leg), sticky=True),
            class_name=f"route-leg route-{status.key}",
        )
        line.add_to(route_group)
        label = {"intended": "intended ", "alleged": "alleged "}.get(status.key, "")
        PolyLineTextPath(
            line,
            f"   {label}►   ",
            repeat=True,
            offset=5,
            attributes={
                "fill": status.colour,
                "font-size": "14" if presentation else "11",
                "font-weight": "bold",
            },
        ).add_to(route_group)
        if status.key == "intercepted":
            folium.Marker(
                locs[-1],
                icon=folium.DivIcon(
                    html=(
                        "<svg width='26' height='26' viewBox='0 0 26 26'><circle cx='13' cy='13' r='11' "
                        "fill='#fff' stroke='#CC3311' stroke-width='3'/><line x1='6' y1='13' x2='20' "
                        "y2='13' stroke='#CC3311' stroke-width='4'/></svg>"
                    ),
                    class_name="stop-mark",
                    icon_size=(26, 26),
                    icon_anchor=(13, 13),
                ),
                tooltip=folium.Tooltip(f"Stopped here: {esc(leg['to_name'])}"),
            ).add_to(route_group)
    route_group.add_to(m)

    large = len(incidents) > LARGE_THRESHOLD
    if large:
        IncidentPoints(incidents).add_to(m)
    else:
        uncertainty = folium.FeatureGroup(name="Uncertainty (approximate places)", show=True)
        group = folium.FeatureGroup(name="Incidents", show=True)
        offsets = _ring_offsets(incidents)
        size = 30 if presentation else 22
        for (_, row), (dx, dy) in zip(incidents.iterrows(), offsets, strict=True):
            level = int(row["geo_precision"])
            cat = CATEGORIES[row["category"]]
            if level >= 2:
                folium.Circle(
                    [row["latitude"], row["longitude"]],
                    radius=PRECISIONS[level].radius_km * 1000,
                    color=cat.colour,
                    weight=1.5,
                    dash_array="5 4",
                    fill=True,
                    fill_opacity=0.07,
                    interactive=False,
                ).add_to(uncertainty)
            folium.Marker(
                [row["latitude"], row["longitude"]],
                icon=folium.DivIcon(
                    html=marker_svg(
                        row["category"], size, hollow=row["confidence"] == "unconfirmed"
                    ),
                    class_name=f"incident-marker cat-{row['category']}",
                    icon_size=(size, size),
                    icon_anchor=(size / 2 - dx, size / 2 - dy),
                ),
                tooltip=folium.Tooltip(incident_tooltip(row)),
                popup=folium.Popup(incident_popup_html(row), max_width=380, lazy=True),
            ).add_to(group)
        uncertainty.add_to(m)
        group.add_to(m)
        DrawnCount(group).add_to(m)

    if selected is not None and selected in set(incidents["incident_id"]):
        row = incidents.loc[incidents["incident_id"] == selected].iloc[0]
        folium.CircleMarker(
            [row["latitude"], row["longitude"]],
            radius=24 if presentation else 18,
            color="#000",
            weight=3,
            fill=False,
            interactive=False,
            class_name="selected-ring",
        ).add_to(m)

    Legend(
        legend_html(
            incidents["category"].unique(),
            routes["status"].unique(),
            bool((incidents["geo_precision"] >= 2).any()) and not large,
        )
    ).add_to(m)
    Fullscreen(position="topleft").add_to(m)
    folium.LayerControl(collapsed=True).add_to(m)
    if center is None or zoom is None:
        m.fit_bounds(_fit(incidents, routes))
    if asset_base is not None:
        assets.localise_map(m, asset_base)
    return m


def view_for(
    bounds: tuple[float, float, float, float], width_px: int = 900, height_px: int = 640
) -> tuple[tuple[float, float], int]:
    """Centre and zoom that fit (lon_min, lat_min, lon_max, lat_max) in a map of that size."""
    minx, miny, maxx, maxy = bounds

    def merc(lat: float) -> float:
        lat = max(min(lat, 85.0), -85.0)
        return math.log(math.tan(math.pi / 4 + math.radians(lat) / 2))

    dx = max(maxx - minx, 1e-6) / 360.0
    dy = max(merc(maxy) - merc(miny), 1e-6) / (2 * math.pi)
    zoom = min(math.log2(width_px / 256 / dx), math.log2(height_px / 256 / dy)) - 0.3
    center_lat = math.degrees(2 * math.atan(math.exp((merc(miny) + merc(maxy)) / 2)) - math.pi / 2)
    return (round(center_lat, 4), round((minx + maxx) / 2, 4)), int(
        max(3, min(8, math.floor(zoom)))
    )
