"""The interactive map: folium layers built from filtered GeoDataFrames.

Styles come from ``dashboard.vocab``; every piece of incident text passes through
``esc``. Small selections get one icon and a full popup per incident; large ones
switch to a single canvas layer (``IncidentPoints``) whose popups are built on click.
"""

from __future__ import annotations

import base64
import json
import math
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

import folium
import geopandas as gpd
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from branca.element import Element, MacroElement
from folium.plugins import Fullscreen, PolyLineTextPath
from jinja2 import Template

from dashboard import assets, basemap
from dashboard.htmlsafe import SCRIPT_ESCAPES, esc, safe_link, script_safe
from dashboard.incidents import effective_end
from dashboard.vague import leaflet as vague_leaflet
from dashboard.vague.areas import AREA_KINDS, known_bounds
from dashboard.vocab import (
    BORDER,
    CATEGORIES,
    CONFIDENCE,
    HIGHLIGHT,
    LAND,
    OUTSIDE,
    PRECISIONS,
    PROVINCE_BORDER,
    ROUTE_MODES,
    ROUTE_STATUSES,
    SEA,
    SHAPES,
    TEXT,
    UNCERTAINTY_FILL,
)

# Above this many incidents the map draws them as one canvas layer (IncidentPoints) instead of
# one icon, tooltip, popup and uncertainty circle each. folium builds and renders those per
# incident at about 3 ms of CPU per app run (each element compiles a Jinja template whenever
# it renders, and streamlit-folium renders the map twice), so 200 icons already cost ~1 s.
LARGE_THRESHOLD = 200
REGION_BOUNDS = [[10.0, 92.0], [54.0, 138.0]]  # south-west, north-east (lat, lon)
DEFAULT_CENTER, DEFAULT_ZOOM = (36.0, 114.0), 4
PRESENTATION_MAX_ZOOM = 8  # a briefing step never zooms closer than this
BASEMAPS = {
    "offline": "Offline map (Natural Earth)",
    "light": "Light web tiles (CARTO, online only)",
    "dark": "Dark web tiles (CARTO, online only)",
}
_TILES = {"light": "CartoDB positron", "dark": "CartoDB dark_matter"}
# What the map needs of folium.Map's default_js / default_css: Leaflet, and jQuery, with which
# folium.Popup builds its content.
_MAP_JS, _MAP_CSS = {"leaflet", "jquery"}, {"leaflet_css"}


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
    if pd.isna(end):
        return f"from {start:%d %b %Y} (end not stated)"
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
        f"<div class='cat' style='color:{TEXT}'>{marker_svg(row['category'], 13)} "
        f"{esc(cat.label)} · {esc(row['incident_id'])}</div>"
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


MAP_STATIC = Path(__file__).resolve().parent / "static" / "map"


@lru_cache(maxsize=4)
def static_text(name: str) -> str:
    """A script or stylesheet shipped in ``dashboard/static/map`` (read once per process)."""
    return (MAP_STATIC / name).read_text(encoding="utf-8")


class MapBehaviour(MacroElement):
    """The map's fixed behaviour (``static/map/behaviour.js``): view requests, the legend's
    rows, clicks reported by incident id, briefing keys. Added before any layer."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        {{ this.script_text() }}
        {% endmacro %}
        """
    )

    def __init__(self, presentation: bool):
        super().__init__()
        self._name = "MapBehaviour"
        self.presentation = presentation

    def script_text(self) -> str:
        opts = {"extent": list(basemap.extent()), "presentation": self.presentation, "minZoom": 2}
        return (
            static_text("behaviour.js")
            + f"\nwindow.escapeeMap.init({self._parent.get_name()}, {_json_for_script(opts)});\n"
        )


class Legend(MacroElement):
    """The legend: every declared category and route status, drawn from ``vocab``; the rows
    for what the map does not show are hidden by ``LegendRows`` (so the map itself never
    changes with the filters). Foldable; the choice is kept in the browser's localStorage."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function() {
            var legend = L.control({position: "bottomleft"});
            legend.onAdd = function () {
                var div = L.DomUtil.create("div", "map-legend");
                var button = L.DomUtil.create("button", "lg-toggle", div);
                button.type = "button";
                var body = L.DomUtil.create("div", "lg-body", div);
                body.innerHTML = {{ this.html|tojson }};
                return div;
            };
            legend.addTo({{ this._parent.get_name() }});
            if (window.escapeeMap) { window.escapeeMap.legendSetup(); }
        })();
        {% endmacro %}
        """
    )

    def __init__(self, html: str):
        super().__init__()
        self._name = "Legend"
        self.html = html


def legend_keys(
    categories: Iterable[str], statuses: Iterable[str], any_approximate: bool, any_hollow: bool
) -> list[str]:
    """The legend rows that apply to a map showing these (keys of ``legend_html``'s rows)."""
    keys = [f"cat:{c}" for c in CATEGORIES if c in set(categories)]
    keys += [f"status:{s}" for s in ROUTE_STATUSES if s in set(statuses)]
    if any_hollow:
        keys.append("cat:_hollow")
    if any_approximate:
        keys.append("cat:_approx")
    if any(k.startswith("status:") for k in keys):
        keys.append("status:_curved")
    return keys


def legend_html() -> str:
    """Every legend row, each tagged with its key (see ``legend_keys``)."""
    parts = ["<h4 data-legend-head='cat'>Incidents</h4>"]
    for key, cat in CATEGORIES.items():
        parts.append(
            f"<div class='lg-row' data-legend='cat:{key}'>{marker_svg(key, 14)}{esc(cat.label)}</div>"
        )
    first = next(iter(CATEGORIES))
    parts.append(
        f"<div class='lg-row' data-legend='cat:_hollow'>{marker_svg(first, 14, hollow=True)}"
        "Hollow: unconfirmed</div>"
    )
    parts.append(
        "<div class='lg-row' data-legend='cat:_approx'><svg width='14' height='14'><circle cx='7' "
        f"cy='7' r='5.5' fill='{UNCERTAINTY_FILL}' stroke='#555' stroke-dasharray='3 2'/></svg>"
        "Dashed circle: approximate place</div>"
    )
    parts.append("<h4 data-legend-head='status'>Routes</h4>")
    for key, s in ROUTE_STATUSES.items():
        dash = f" stroke-dasharray='{s.dash}'" if s.dash else ""
        stop = (
            f"<line x1='26' y1='3' x2='26' y2='13' stroke='{s.colour}' stroke-width='3'/>"
            if key == "intercepted"
            else ""
        )
        parts.append(
            f"<div class='lg-row' data-legend='status:{key}'><svg width='30' height='16'>"
            f"<line x1='1' y1='8' x2='24' y2='8' stroke='{s.colour}' stroke-width='3'{dash}/>"
            f"{stop}</svg>{esc(s.label)}</div>"
        )
    parts.append(
        "<div class='lg-row muted' data-legend='status:_curved'>"
        "Curved: flight · straight: path not known</div>"
    )
    return "".join(parts)


class ScriptCall(MacroElement):
    """One call into the map's behaviour, made when its layer group is added (legend rows,
    view requests): the arguments travel as JSON, never as script text."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        window.escapeeMap && window.escapeeMap.{{ this.function }}({{ this.argument }});
        {% endmacro %}
        """
    )

    def __init__(self, function: str, argument):
        super().__init__()
        self._name = "ScriptCall"
        self.function = function
        self.argument = _json_for_script(argument)


class _Text(Element):
    """Already-rendered script text. folium wraps each rendered script in a new Jinja template
    (compiling it); for a payload of megabytes that costs more than building it, so skip it."""

    def __init__(self, text: str):
        super().__init__()
        self.text = text

    def render(self, **kwargs) -> str:
        return self.text


# What a large selection sends to the browser always includes coordinates, kind, date window,
# id and outlet (about 45 bytes an incident: 4.5 MB at 100,000). The location, the source's date
# words, the summary, the title and the quote follow, each only while the whole stays under this
# many bytes: the map stays quick to send and redraw, and what is left out is in the app's
# record panel and the CSV export (the popup says so). At 10,000 incidents a 2 MB budget made
# the page open in 3.0 s and 1 MB in 2.6 s (median of 5, bench's browser worker): the text
# that no longer fits is the source title and the date words.
PAYLOAD_BUDGET = 1_000_000
_OPTIONAL_TEXT = [
    ("l", "location"),
    ("t", "date_text"),
    ("s", "summary"),
    ("ti", "source_title"),
    ("q", "source_quote"),
]
_CONFIDENCE_KEYS = list(CONFIDENCE)
_CATEGORY_KEYS = list(CATEGORIES)


def _json_for_script(value) -> str:
    """JSON that is safe inside a <script> element (as Jinja's tojson makes it)."""
    return script_safe(json.dumps(value, ensure_ascii=False, separators=(",", ":")))


def _packed(values: np.ndarray, dtype: str) -> str:
    """Numbers as base64 of a little-endian typed array (decoded by ``unpack`` in the map)."""
    return base64.b64encode(np.ascontiguousarray(values, dtype=dtype).tobytes()).decode("ascii")


def _arrow_strings(values: pd.Series):
    """A text column as one pyarrow string array (missing values as empty strings)."""
    arr = pa.array(values.array) if isinstance(values, pd.Series) else values
    if isinstance(arr, pa.ChunkedArray):
        arr = arr.combine_chunks()
    if arr.type not in (pa.string(), pa.large_string()):
        arr = pc.cast(arr, pa.large_string())
    return pc.fill_null(arr, "")


# Characters JSON must escape as \u00XX (json.dumps does; the fast path below does not).
_CONTROL = "[\\x00-\\x1f]"
_STRING_ESCAPES = [("\\", "\\\\"), ('"', '\\"'), *SCRIPT_ESCAPES]


def _json_strings(arr) -> str:
    """A JSON array of the strings, exactly as ``_json_for_script(list_of_them)`` gives it,
    built by pyarrow without making a Python string per cell."""
    if len(arr) == 0:
        return "[]"
    if pc.any(pc.match_substring_regex(arr, _CONTROL)).as_py():
        return _json_for_script(arr.to_pylist())
    for old, new in _STRING_ESCAPES:
        arr = pc.replace_substring(arr, old, new)
    offsets = pa.array([0, len(arr)], type=pa.int32())
    separator = pa.scalar('","', type=arr.type)
    joined = pc.binary_join(pa.ListArray.from_arrays(offsets, arr), separator)
    return '["' + joined[0].as_py() + '"]'


def _text_column(values: pd.Series, room: float) -> tuple[str | None, int]:
    """A text column as JSON: distinct values plus a packed index per row, or plain values when
    nearly all differ; None when that would take more than ``room`` bytes. Also the size."""
    arr = _arrow_strings(values)
    n = len(arr)
    encoded = pc.dictionary_encode(arr)
    distinct = encoded.dictionary
    if len(distinct) > 0.6 * n:
        size = (pc.sum(pc.binary_length(arr)).as_py() or 0) + 3 * n
        return (None if size > room else '{"v":' + _json_strings(arr) + "}"), size
    size = (pc.sum(pc.binary_length(distinct)).as_py() or 0) + 3 * len(distinct) + 16 * n // 3
    if size > room:
        return None, size
    codes = encoded.indices.to_numpy(zero_copy_only=False)
    return '{"u":' + _json_strings(distinct) + ',"i":"' + _packed(codes, "<u4") + '"}', size


def _vocab_index(values: pd.Series, keys: list[str]) -> np.ndarray:
    found = pc.index_in(_arrow_strings(values), value_set=pa.array(keys))
    return pc.fill_null(found, -1).to_numpy(zero_copy_only=False).astype(np.int64)


def _days(dates: pd.Series) -> np.ndarray:
    """Days since 1970-01-01, -1 where there is no date."""
    values = np.asarray(dates.to_numpy(), dtype="datetime64[ns]").astype("datetime64[D]")
    out = values.astype("int64")
    out[np.isnat(values)] = -1
    return out


class IncidentPoints(MacroElement):
    """Many incidents as one canvas layer, drawn in the browser from compact columns.

    Each incident keeps its category's shape and colour (hollow when unconfirmed), as in the
    legend. Coordinates (4 decimals, ~10 m), category, precision, confidence, id and date window
    always travel, numbers packed as base64 typed arrays; the popup, built on click, adds
    whatever text fits ``PAYLOAD_BUDGET``. Clicking an incident reports "ID · category" as its
    tooltip, which selects it in the app's record panel. A caption in the map says that the map
    switched to this mode, and what that means.
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        {{ this.script_text(this._parent.get_name()) }}
        {% endmacro %}
        """
    )

    def __init__(self, incidents: gpd.GeoDataFrame, popups: bool = True):
        super().__init__()
        self._name = "IncidentPoints"
        self.popups = popups
        self.count = len(incidents)
        self.payload = self._payload(incidents)
        self._script_cache: tuple[str, str] | None = None

    @staticmethod
    def _payload(incidents: gpd.GeoDataFrame) -> str:
        n = len(incidents)
        xy = np.empty(2 * n, dtype=np.int64)
        xy[0::2] = np.round(incidents["longitude"].to_numpy(dtype=float) * 1e4)
        xy[1::2] = np.round(incidents["latitude"].to_numpy(dtype=float) * 1e4)
        cat = _vocab_index(incidents["category"], _CATEGORY_KEYS)
        conf = _vocab_index(incidents["confidence"], _CONFIDENCE_KEYS)
        level = incidents["geo_precision"].to_numpy(dtype=np.int64) - 1
        code = (cat * 4 + level) * 3 + conf
        start, end = _days(incidents["date_start"]), _days(effective_end(incidents))
        days = np.empty(2 * n, dtype=np.int64)
        days[0::2], days[1::2] = start, np.where(start >= 0, end - start, 0)
        parts = [
            ("n", str(n)),
            ("xy", '"' + _packed(xy, "<i4") + '"'),
            ("k", '"' + _packed(code, "<u1") + '"'),
            ("d", '"' + _packed(days, "<i4") + '"'),
            ("id", _json_strings(_arrow_strings(incidents["incident_id"]))),
        ]
        outlets, _ = _text_column(incidents["source_outlet"], float("inf"))
        parts.append(("o", outlets))
        used = sum(len(text) for _, text in parts)
        for key, column in _OPTIONAL_TEXT:
            text, size = _text_column(incidents[column], PAYLOAD_BUDGET - used)
            if text is not None:
                parts.append((key, text))
                used += size
        return "{" + ",".join(f'"{key}":{text}' for key, text in parts) + "}"

    @staticmethod
    def decode(payload: str) -> dict:
        """The payload as plain lists (for tests): xy, k, d, id and the text columns."""
        data = json.loads(payload)
        out = {"n": data["n"], "id": data["id"]}
        for key, dtype in (("xy", "<i4"), ("k", "<u1"), ("d", "<i4")):
            out[key] = np.frombuffer(base64.b64decode(data[key]), dtype=dtype).tolist()
        for key, _ in [("o", None), *_OPTIONAL_TEXT]:
            col = data.get(key)
            if col is None:
                continue
            if "v" in col:
                out[key] = col["v"]
            else:
                index = np.frombuffer(base64.b64decode(col["i"]), dtype="<u4")
                out[key] = [col["u"][i] for i in index]
        return out

    @staticmethod
    def styles() -> dict:
        return {
            "categories": [
                {
                    "label": c.label,
                    "colour": c.colour,
                    "points": [
                        float(v) for v in SHAPES[c.shape].svg_points.replace(",", " ").split()
                    ]
                    or None,
                }
                for c in CATEGORIES.values()
            ],
            "confidence": [[k, CONFIDENCE[k]] for k in _CONFIDENCE_KEYS],
            "precision": [PRECISIONS[k].label for k in sorted(PRECISIONS)],
        }

    def script_text(self, map_name: str) -> str:
        if self._script_cache is None or self._script_cache[0] != map_name:
            text = (
                _POINTS_JS.replace("__MAP__", map_name)
                .replace("__STYLES__", _json_for_script(self.styles()))
                .replace("__COUNT__", f"{self.count:,}")
                .replace("__POPUPS__", "true" if self.popups else "false")
                .replace("__DATA__", self.payload)
            )
            self._script_cache = (map_name, text)
        return self._script_cache[1]

    def render(self, **kwargs) -> None:
        self.get_root().script.add_child(
            _Text(self.script_text(self._parent.get_name())), name=self.get_name()
        )


_POINTS_JS = """
(function() {
    // In the app the layer sits in a group that is swapped on the mounted map (window.map).
    var host = __MAP__;  // the map, or (in the app) a group swapped on the mounted map
    var S = __STYLES__, D = __DATA__, POPUPS = __POPUPS__;
    function unpack(b64, Type) {
        var bin = atob(b64), bytes = new Uint8Array(bin.length);
        for (var j = 0; j < bin.length; j++) { bytes[j] = bin.charCodeAt(j); }
        return new Type(bytes.buffer);
    }
    D.xy = unpack(D.xy, Int32Array);
    D.k = unpack(D.k, Uint8Array);
    D.d = unpack(D.d, Int32Array);
    ["o", "l", "t", "s", "ti", "q"].forEach(function (key) {
        if (D[key] && D[key].i) { D[key].i = unpack(D[key].i, Uint32Array); }
    });
    var n = D.n, radius = n > 20000 ? 4 : 5, PAD = 0.25;
    var MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
    function text(col, i) { return !col ? null : col.v ? col.v[i] : col.u[col.i[i]]; }
    function day(d) {
        var t = new Date(d * 86400000);
        return String(t.getUTCDate()).padStart(2, "0") + " " + MONTHS[t.getUTCMonth()] + " " + t.getUTCFullYear();
    }
    function when(i) {
        var s = D.d[2 * i], w = D.d[2 * i + 1];
        if (s < 0) { return "year not stated"; }
        return w ? day(s) + " \\u2013 " + day(s + w) : day(s);
    }
    function node(tag, cls, content) {
        var el = document.createElement(tag);
        if (cls) { el.className = cls; }
        if (content != null) { el.textContent = content; }
        return el;
    }
    function esc(value) {
        return String(value).replace(/[&<>"']/g, function (c) { return "&#" + c.charCodeAt(0) + ";"; });
    }
    function kind(i) {
        var k = D.k[i];
        return {cat: S.categories[Math.floor(k / 12)], level: Math.floor(k / 3) % 4, conf: k % 3};
    }
    function latlng(i) { return L.latLng(D.xy[2 * i + 1] / 1e4, D.xy[2 * i] / 1e4); }
    function label(i) { return D.id[i] + " \\u00b7 " + kind(i).cat.label; }
    function popup(i) {
        var c = kind(i), box = node("div", "incident-popup");
        box.dataset.incident = D.id[i];
        var head = node("div", "cat", c.cat.label + " \\u00b7 " + D.id[i]);
        head.style.color = c.cat.colour;
        box.appendChild(head);
        var summary = text(D.s, i);
        if (summary != null) { box.appendChild(node("p", "summary", summary)); }
        var table = node("table"), words = text(D.t, i), place = text(D.l, i);
        function row(name, main, muted) {
            var tr = node("tr"), td = node("td", null, main);
            tr.appendChild(node("th", null, name));
            if (muted) { td.appendChild(document.createTextNode(" ")); td.appendChild(node("span", "muted", muted)); }
            tr.appendChild(td);
            table.appendChild(tr);
        }
        row("When", words == null ? when(i) : words, words == null ? null : "(" + when(i) + ")");
        row("Where", place == null ? "" : place,
            S.precision[c.level] + (c.level >= 1 ? " \\u2014 approximate location" : ""));
        row("Confidence", S.confidence[c.conf][0], "(" + S.confidence[c.conf][1] + ")");
        box.appendChild(table);
        var quote = text(D.q, i);
        if (quote != null) { box.appendChild(node("blockquote", null, quote)); }
        var title = text(D.ti, i);
        box.appendChild(node("p", "cite", text(D.o, i) + (title == null ? "" : ", \\u201c" + title + "\\u201d")));
        if (summary == null || quote == null) {
            box.appendChild(node("p", "muted", "The full sourced record is in the dashboard's " +
                "record panel (click selects it) and in the CSV export of this view."));
        }
        return box;
    }
    // Incidents grouped by how they are drawn (category, hollow when unconfirmed), so each
    // group is one canvas path; drawn in category order, later groups on top.
    var groups = [];
    (function () {
        var lists = {};
        for (var i = 0; i < n; i++) {
            var c = kind(i), hollow = S.confidence[c.conf][0] === "unconfirmed";
            var key = Math.floor(D.k[i] / 12) * 2 + (hollow ? 1 : 0);
            (lists[key] = lists[key] || []).push(i);
        }
        Object.keys(lists).map(Number).sort(function (a, b) { return a - b; }).forEach(function (key) {
            var cat = S.categories[key >> 1], hollow = key & 1;
            groups.push(sprite({rows: Int32Array.from(lists[key]), shape: cat.points,
                fill: hollow ? "#ffffff" : cat.colour, stroke: hollow ? cat.colour : "#1a1a1a",
                width: hollow ? 2 : 1}));
        });
    })();
    // Each group's symbol is drawn once into a small canvas and stamped at every incident:
    // far faster than tracing 100,000 paths, and each symbol is filled and outlined in turn.
    function sprite(group) {
        var ratio = window.devicePixelRatio || 1, half = radius + 2, side = Math.ceil(2 * half * ratio);
        var c = document.createElement("canvas"), ctx = c.getContext("2d"), pts = group.shape;
        c.width = c.height = side;
        ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
        ctx.beginPath();
        if (pts) {
            var k = radius / 9.5;
            ctx.moveTo(half + (pts[0] - 10) * k, half + (pts[1] - 10) * k);
            for (var q = 2; q < pts.length; q += 2) { ctx.lineTo(half + (pts[q] - 10) * k, half + (pts[q + 1] - 10) * k); }
            ctx.closePath();
        } else {
            ctx.arc(half, half, radius, 0, 2 * Math.PI);
        }
        ctx.globalAlpha = 0.9;
        ctx.fillStyle = group.fill;
        ctx.fill();
        ctx.globalAlpha = 1;
        ctx.lineWidth = group.width;
        ctx.lineJoin = "round";
        ctx.strokeStyle = group.stroke;
        ctx.stroke();
        group.image = c;
        group.half = half;
        return group;
    }
    // Leaflet puts canvases below SVG in a pane, and the basemap's land is an opaque SVG fill:
    // the symbols get a pane of their own, above the routes and below the labels. The pane
    // lets the mouse through (to routes, labels and the map), and the layer finds the symbol
    // under the pointer itself from the map's mouse events, with a grid of screen cells.
    function makePane(m) {
        if (m.getPane("incidentPoints")) { return; }
        var pane = m.createPane("incidentPoints");
        pane.style.zIndex = 450;
        pane.style.pointerEvents = "none";
    }
    var Points = L.Layer.extend({
        options: {pane: "incidentPoints"},
        beforeAdd: function (m) { makePane(m); },
        onAdd: function (m) {
            var c = this._canvas = L.DomUtil.create("canvas", "leaflet-layer incident-points");
            c.style[L.DomUtil.testProp(["transformOrigin", "WebkitTransformOrigin"])] = "50% 50%";
            var animated = m.options.zoomAnimation && L.Browser.any3d;
            L.DomUtil.addClass(c, "leaflet-zoom-" + (animated ? "animated" : "hide"));
            this.getPane().appendChild(c);
            m.on("moveend viewreset resize", this._schedule, this);
            m.on("mousemove", this._hover, this);
            // Clicks are caught on their way down (capture), before an area or a route line
            // under a symbol sees them: the symbol is drawn on top, so it alone answers.
            this._captured = L.bind(this._capture, this);
            m.getContainer().addEventListener("click", this._captured, true);
            m.on("mouseout", this._leave, this);
            if (animated) { m.on("zoomanim", this._animateZoom, this); }
            this._schedule();
        },
        _schedule: function () {
            // One redraw per frame, however many view changes (fitBounds, resize) came first.
            if (!this._frame) { this._frame = L.Util.requestAnimFrame(this._redraw, this); }
        },
        _redraw: function () {
            this._frame = null;
            // Mid zoom animation (fitBounds on load, a zoom click) the view is not settled: the
            // canvas is scaled meanwhile, and zoomend/moveend ask for the real redraw.
            if (!this._map || this._map._animatingZoom) { return; }
            this._reset();
            if (!this.drawnOnce) {
                this.drawnOnce = true;
                document.body.dataset.incidentsDrawn = this.count;
            }
        },
        onRemove: function (m) {
            m.off("moveend viewreset resize", this._schedule, this);
            if (this._frame) { L.Util.cancelAnimFrame(this._frame); this._frame = null; }
            m.off("mousemove", this._hover, this);
            m.getContainer().removeEventListener("click", this._captured, true);
            m.off("mouseout", this._leave, this);
            m.off("zoomanim", this._animateZoom, this);
            this._leave();
            L.DomUtil.remove(this._canvas);
        },
        _project: function () {
            var m = this._map, z = m.getZoom();
            if (this._zoom === z && this._px) { return; }
            var px = new Float64Array(2 * n), mercator = m.options.crs === L.CRS.EPSG3857;
            var size = 256 * Math.pow(2, z), d = Math.PI / 180, max = 85.0511287798;
            for (var i = 0; i < n; i++) {
                var lon = D.xy[2 * i] / 1e4, lat = D.xy[2 * i + 1] / 1e4;
                if (mercator) {
                    var sin = Math.sin(Math.max(Math.min(max, lat), -max) * d);
                    px[2 * i] = size * (0.5 + lon / 360);
                    px[2 * i + 1] = size * (0.5 - Math.log((1 + sin) / (1 - sin)) / (4 * Math.PI));
                } else {
                    var p = m.project([lat, lon], z);
                    px[2 * i] = p.x;
                    px[2 * i + 1] = p.y;
                }
            }
            this._px = px;
            this._zoom = z;
        },
        _reset: function () {
            var m = this._map, size = m.getSize(), ratio = window.devicePixelRatio || 1;
            var pad = size.multiplyBy(PAD).round(), full = size.add(pad.multiplyBy(2));
            var c = this._canvas, topLeft = m.containerPointToLayerPoint(pad.multiplyBy(-1));
            L.DomUtil.setPosition(c, topLeft);
            c.width = full.x * ratio;
            c.height = full.y * ratio;
            c.style.width = full.x + "px";
            c.style.height = full.y + "px";
            this._project();
            var ctx = c.getContext("2d"), origin = m.getPixelOrigin(), pos = m._getMapPanePos();
            var ox = pos.x - origin.x + pad.x, oy = pos.y - origin.y + pad.y;
            this._offset = [ox - pad.x, oy - pad.y];
            ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
            ctx.clearRect(0, 0, full.x, full.y);
            var grid = this._grid = new Map(), cell = 16, reach = radius + 3, seq = 0;
            this._order = this._order || new Int32Array(n);
            for (var g = 0; g < groups.length; g++) {
                var group = groups[g], rows = group.rows, image = group.image, half = group.half;
                for (var j = 0; j < rows.length; j++) {
                    var i = rows[j], x = this._px[2 * i] + ox, y = this._px[2 * i + 1] + oy;
                    if (x < -reach || y < -reach || x > full.x + reach || y > full.y + reach) { continue; }
                    ctx.drawImage(image, x - half, y - half, 2 * half, 2 * half);
                    this._order[i] = seq++;
                    var gx = Math.floor((x - pad.x) / cell), gy = Math.floor((y - pad.y) / cell);
                    var key = gx * 100003 + gy, bucket = grid.get(key);
                    if (bucket) { bucket.push(i); } else { grid.set(key, [i]); }
                }
            }
            this.drawn = seq;
        },
        _animateZoom: function (e) {
            var m = this._map, scale = m.getZoomScale(e.zoom);
            var pad = m.getSize().multiplyBy(PAD).round();
            var offset = m._getCenterOffset(e.center)._multiplyBy(-scale)
                .subtract(m._getMapPanePos()).subtract(pad);
            L.DomUtil.setTransform(this._canvas, offset, scale);
        },
        _find: function (point) {
            if (!this._grid) { return -1; }
            var cell = 16, gx = Math.floor(point.x / cell), gy = Math.floor(point.y / cell);
            var best = -1, reach = (radius + 2) * (radius + 2);
            for (var ax = gx - 1; ax <= gx + 1; ax++) {
                for (var ay = gy - 1; ay <= gy + 1; ay++) {
                    var bucket = this._grid.get(ax * 100003 + ay);
                    if (!bucket) { continue; }
                    for (var j = 0; j < bucket.length; j++) {
                        var i = bucket[j];
                        var dx = this._px[2 * i] + this._offset[0] - point.x;
                        var dy = this._px[2 * i + 1] + this._offset[1] - point.y;
                        if (dx * dx + dy * dy <= reach && (best < 0 || this._order[i] > this._order[best])) {
                            best = i;
                        }
                    }
                }
            }
            return best;
        },
        _hover: function (e) {
            var m = this._map;
            if (m.dragging && m.dragging.moving()) { return; }
            var i = this._find(e.containerPoint);
            if (i === this._hovered) { return; }
            this._hovered = i;
            if (i < 0) { this._leave(); return; }
            this._tip = this._tip || L.tooltip({direction: "top", offset: [0, -radius]});
            this._tip.setLatLng(latlng(i)).setContent(node("span", null, label(i)));
            if (!m.hasLayer(this._tip)) { this._tip.addTo(m); }
            m.getContainer().style.cursor = "pointer";
        },
        _leave: function () {
            this._hovered = -1;
            if (this._tip && this._map && this._map.hasLayer(this._tip)) { this._map.removeLayer(this._tip); }
            if (this._map) { this._map.getContainer().style.cursor = ""; }
        },
        _capture: function (ev) {
            var m = this._map;
            if (!m || m._draggableMoved(this)) { return; }
            var onMap = ev.target === m.getContainer() || m.getPane("mapPane").contains(ev.target);
            if (!onMap) { return; }  // a control (legend, zoom, caption) over the map
            var p = m.mouseEventToContainerPoint(ev);
            var i = this._find(p);
            if (i < 0) { return; }  // not on a symbol: areas and routes under it get the click
            ev.stopPropagation();
            this._click(i, {containerPoint: p, layerPoint: m.containerPointToLayerPoint(p),
                originalEvent: ev});
        },
        _click: function (i, e) {
            var where = latlng(i);
            if (POPUPS) {
                L.popup({maxWidth: 380}).setLatLng(where).setContent(popup(i)).openOn(this._map);
            }
            // In the app a click selects the incident (its record shows beside the map).
            if (window.escapeeMap) { window.escapeeMap.select(D.id[i]); }
            this.fire("click", {latlng: where, containerPoint: e.containerPoint, layerPoint: e.layerPoint,
                originalEvent: e.originalEvent, sourceTarget: this, incident: D.id[i]});
        }
    });
    var layer = new Points();
    layer.count = n;
    layer.addTo(host);
    var caption = L.control({position: "topright"});
    caption.onAdd = function () {
        var div = node("div", "map-caption", "Showing __COUNT__ incidents as small symbols " +
            "(too many for individual icons); uncertainty circles are not drawn. " +
            "Zoom in and click one for details.");
        div.dataset.mode = "large";
        div.style.cssText = "background:rgba(255,255,255,.94);padding:5px 8px;border-radius:6px;" +
            "font-size:12px;max-width:260px;line-height:1.35;box-shadow:0 1px 4px rgba(0,0,0,.3)";
        L.DomEvent.disableClickPropagation(div);
        return div;
    };
    if (host instanceof L.Map) {
        caption.addTo(host);
    } else {  // shown while its group is on the map
        host.on("add", function () { caption.addTo(host._map); });
        host.on("remove", function () { caption.remove(); });
    }
})();
"""


class VectorBasemap(MacroElement):
    """The shipped vector basemap: land, borders, North Korean provinces and the area beyond
    the file's extent.

    The GeoJSON text is made once per process (``basemap.*_json``) and embedded as is:
    ``folium.GeoJson`` parsed, re-serialised and measured it on every build, ~0.25 s of each
    app run for a layer that never changes. Land is drawn as fill only and its outlines as
    lines made in the browser from the same data, leaving out the straight edges where the
    file is clipped, so that cut does not look like a border. With web tiles (``online``)
    only the lines are drawn.
    """

    # streamlit-folium renders each element's script macro itself; folium's own rendering goes
    # through render() below. Both take the same text.
    _template = Template(
        """
        {% macro script(this, kwargs) %}
        {{ this.script_text() }}
        {% endmacro %}
        """
    )

    def __init__(self, online: bool):
        super().__init__()
        self._name = "VectorBasemap"
        self.online = online

    def script_text(self) -> str:
        style = _json_for_script(
            {
                "land": {"stroke": False, "fillColor": LAND, "fillOpacity": 1.0},
                "outside": {"stroke": False, "fillColor": OUTSIDE, "fillOpacity": 1.0},
                "borders": {"color": BORDER, "weight": 1.0},
                "provinces": {"color": PROVINCE_BORDER, "weight": 0.8, "dashArray": "3 3"},
            }
        )
        return (
            _BASEMAP_JS.replace("__GROUP__", self._parent.get_name())
            .replace("__ONLINE__", "true" if self.online else "false")
            .replace("__STYLE__", style)
            .replace("__FRAME__", json.dumps(list(basemap.extent())))
            .replace("__OUTSIDE__", basemap.outside_json())
            .replace("__PROVINCES__", basemap.province_lines_json() or "null")
            .replace("__LAND__", basemap.countries_json())  # last: the big one, not searched
        )

    def render(self, **kwargs) -> None:
        # Already safe script text: add it without a Jinja pass over a megabyte.
        self.get_root().script.add_child(_Text(self.script_text()), name=self.get_name())


_BASEMAP_JS = """
(function() {
    var group = __GROUP__, S = __STYLE__, frame = __FRAME__, online = __ONLINE__;
    var land = __LAND__, outside = __OUTSIDE__, provinces = __PROVINCES__;
    if (!online) {
        L.geoJson(outside, {interactive: false, style: S.outside}).addTo(group);
        L.geoJson(land, {interactive: false, style: S.land}).addTo(group);
    }
    function onFrame(a, b) {  // a ring segment lying on the clip box: not a real border
        return (a[0] === b[0] && (a[0] === frame[0] || a[0] === frame[2])) ||
               (a[1] === b[1] && (a[1] === frame[1] || a[1] === frame[3]));
    }
    var lines = [];
    land.features.forEach(function (f) {
        var g = f.geometry;
        if (!g) { return; }
        var polygons = g.type === "Polygon" ? [g.coordinates] : g.coordinates;
        polygons.forEach(function (rings) {
            rings.forEach(function (ring) {
                var run = [];
                for (var i = 0; i < ring.length; i++) {
                    if (i > 0 && onFrame(ring[i - 1], ring[i])) {
                        if (run.length > 1) { lines.push(run); }
                        run = [];
                    }
                    run.push([ring[i][1], ring[i][0]]);
                }
                if (run.length > 1) { lines.push(run); }
            });
        });
    });
    L.polyline(lines, Object.assign({interactive: false}, S.borders)).addTo(group);
    if (provinces) {
        L.geoJson(provinces, {interactive: false, style: S.provinces}).addTo(group);
    }
})();
"""


class DrawnCount(MacroElement):
    """Records how many incident markers the map drew, for tests and screen readers."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        document.body.dataset.incidentsDrawn = {{ this._parent.get_name() }}.getLayers().filter(
            function (layer) { return layer.options && layer.options.incidentId; }).length;
        {% endmacro %}
        """
    )

    def __init__(self):
        super().__init__()
        self._name = "DrawnCount"


def result_bounds(
    incidents: gpd.GeoDataFrame, routes: gpd.GeoDataFrame, places: gpd.GeoDataFrame | None = None
) -> list[list[float]]:
    """[[south, west], [north, east]] of what the sources place in a view: never stretched to
    a country's stand-in point (``vague.areas.known_bounds``); the region when empty."""
    box = known_bounds(incidents, routes, places)
    if box is None:
        return REGION_BOUNDS
    minx, miny, maxx, maxy = box
    return [[float(miny), float(minx)], [float(maxy), float(maxx)]]


def _fit(
    incidents: gpd.GeoDataFrame, routes: gpd.GeoDataFrame, places: gpd.GeoDataFrame
) -> list[list[float]]:
    (miny, minx), (maxy, maxx) = result_bounds(incidents, routes, places)
    pad_x, pad_y = max(1.5, (maxx - minx) * 0.08), max(1.5, (maxy - miny) * 0.08)
    return [[miny - pad_y, minx - pad_x], [maxy + pad_y, maxx + pad_x]]


def base_map(
    *,
    basemap_name: str = "offline",
    presentation: bool = False,
    asset_base: str | None = assets.APP_STATIC_BASE,
    height: int | str = "100%",
) -> folium.Map:
    """The part of the map that never changes with the filters: basemap, legend, controls and
    behaviour. The app keeps it mounted and swaps ``map_layers`` on it, so a filter change or
    a briefing step neither reloads nor blanks the map."""
    m = folium.Map(
        location=list(DEFAULT_CENTER),
        zoom_start=DEFAULT_ZOOM,
        tiles=None,
        control_scale=False,  # behaviour.js adds it bottom right, clear of the legend
        min_zoom=2,
        max_zoom=12,
        zoom_snap=0.25,  # fitting a result to the screen needs finer steps than whole zooms
        # Not preferCanvas: route arrows (leaflet-textpath) need SVG paths; IncidentPoints
        # draws large selections on a canvas renderer of its own.
        prefer_canvas=False,
        height=height,
        keyboard=not presentation,  # arrow keys step the briefing instead of panning
    )
    # The map draws DivIcons and controls of its own, never folium's Bootstrap, Font Awesome
    # or awesome-markers (7 files, 140 KB, which streamlit-folium loads one after another:
    # ~0.3 s of every page open). leaflet-textpath is loaded up front: route arrows arrive
    # later, with the layers.
    m.default_js = [(name, url) for name, url in m.default_js if name in _MAP_JS]
    m.default_js += list(PolyLineTextPath.default_js)
    m.default_css = [(name, url) for name, url in m.default_css if name in _MAP_CSS]
    m.get_root().header.add_child(
        Element(
            f"<style>{static_text('map.css')}\n"
            f"body .leaflet-container {{ background: {SEA}; }}</style>"
        )
    )
    MapBehaviour(presentation).add_to(m)
    online = basemap_name in _TILES
    if online:
        folium.TileLayer(_TILES[basemap_name], name=BASEMAPS[basemap_name], control=False).add_to(m)
    borders = folium.FeatureGroup(name="Borders and provinces", show=True, control=False)
    VectorBasemap(online).add_to(borders)
    borders.add_to(m)
    vague_leaflet.install(m)
    Legend(legend_html()).add_to(m)
    Fullscreen(position="topleft").add_to(m)
    if asset_base is not None:
        assets.localise_map(m, asset_base)
    return m


def _place_labels(
    places: gpd.GeoDataFrame, incidents: gpd.GeoDataFrame, routes: gpd.GeoDataFrame
) -> folium.FeatureGroup:
    """Names of the places the shown incidents and route legs are at (no others)."""
    wanted = set(incidents["place_id"]) | set(routes["from_place"]) | set(routes["to_place"])
    labels = folium.FeatureGroup(name="Place labels", show=True, control=False)
    for pid, place in places.iterrows():
        if place["kind"] in AREA_KINDS or pid not in wanted:  # a stand-in is no place to label
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
    return labels


def _route_layer(
    routes: gpd.GeoDataFrame,
    places: gpd.GeoDataFrame,
    highlight_leg: tuple[str, int] | None,
    presentation: bool,
) -> folium.FeatureGroup:
    group = folium.FeatureGroup(name="Routes", show=True, control=False)
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
            tooltip=folium.Tooltip(leg_tooltip(leg), sticky=True),
            class_name=f"route-leg route-{status.key}",
        )
        line.add_to(group)
        label = {"intended": "intended ", "alleged": "alleged "}.get(status.key, "")
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
                    html=(
                        "<svg width='26' height='26' viewBox='0 0 26 26'><circle cx='13' cy='13' r='11' "
                        f"fill='#fff' stroke='{status.colour}' stroke-width='3'/><line x1='6' y1='13' "
                        f"x2='20' y2='13' stroke='{status.colour}' stroke-width='4'/></svg>"
                    ),
                    class_name="stop-mark",
                    icon_size=(26, 26),
                    icon_anchor=(13, 13),
                ),
                tooltip=folium.Tooltip(f"Stopped here: {esc(leg['to_name'])}"),
            ).add_to(group)
    return group


def _incident_layer(
    incidents: gpd.GeoDataFrame, *, presentation: bool, popups: bool
) -> folium.FeatureGroup:
    """One icon per incident (fanned out where several share a point), with its uncertainty
    circle; a click selects it in the app (``escapeeMap.select``) or, in an exported map,
    opens its sourced record."""
    group = folium.FeatureGroup(name="Incidents", show=True, control=False)
    offsets = _ring_offsets(incidents, step_px=18 if presentation else 15)
    size = 30 if presentation else 22
    for _, row in incidents.iterrows():
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
            ).add_to(group)
    for (_, row), (dx, dy) in zip(incidents.iterrows(), offsets, strict=True):
        marker = folium.Marker(
            [row["latitude"], row["longitude"]],
            icon=folium.DivIcon(
                html=marker_svg(row["category"], size, hollow=row["confidence"] == "unconfirmed"),
                class_name=f"incident-marker cat-{row['category']}",
                icon_size=(size, size),
                icon_anchor=(size / 2 - dx, size / 2 - dy),
            ),
            tooltip=folium.Tooltip(incident_tooltip(row)),
            popup=folium.Popup(incident_popup_html(row), max_width=380, lazy=True)
            if popups
            else None,
            incident_id=str(row["incident_id"]),
            fan_offset=[round(dx, 1), round(dy, 1)],  # where the icon sits from its point, px
            z_index_offset=1000,  # above route stop marks at the same place
        )
        marker.add_child(OnClick(marker))
        marker.add_to(group)
    DrawnCount().add_to(group)
    return group


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
) -> list[folium.FeatureGroup]:
    """What a view shows on ``base_map``: place labels, route legs, incidents, the selection
    ring, the legend rows that apply and (``view``) where the map should look, as a request
    ``escapeeMap.view`` applies once: ``{"token", "bounds"}`` or ``{"token", "center", "zoom"}``.
    """
    # Places the sources leave vague are drawn as areas, not points (dashboard/vague).
    incidents, routes, vague_rest = vague_leaflet.split(incidents, routes, places)
    large = len(incidents) > LARGE_THRESHOLD
    layers = [_place_labels(places, incidents, routes)]
    layers += vague_leaflet.layers(
        vague_rest, places, presentation=presentation, highlight_leg=highlight_leg
    )
    layers.append(_route_layer(routes, places, highlight_leg, presentation))
    if large:
        points = folium.FeatureGroup(name="Incidents", show=True, control=False)
        IncidentPoints(incidents, popups=popups).add_to(points)
        layers.append(points)
    else:
        layers.append(_incident_layer(incidents, presentation=presentation, popups=popups))
    state = folium.FeatureGroup(name="View", show=True, control=False)
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
        ).add_to(state)
    keys = legend_keys(
        incidents["category"].unique(),
        routes["status"].unique(),
        bool((incidents["geo_precision"] >= 2).any()) and not large,
        bool((incidents["confidence"] == "unconfirmed").any()),
    )
    ScriptCall("legend", keys).add_to(state)
    if view is not None:
        ScriptCall("view", view).add_to(state)
    layers.append(state)
    return layers


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
    popups: bool = True,
) -> folium.Map:
    """A whole map of the given (already filtered) incidents and route legs, as one page: for
    the HTML export and the benchmark. The app uses ``base_map`` and ``map_layers`` instead.

    With no ``center``/``zoom`` the map fits what it shows.
    """
    m = base_map(
        basemap_name=basemap_name, presentation=presentation, asset_base=None, height=height
    )
    if center is not None and zoom is not None:
        view = {"token": "initial", "center": list(center), "zoom": zoom}
    else:
        view = {"token": "initial", "bounds": _fit(incidents, routes, places)}
    for layer in map_layers(
        incidents,
        routes,
        places,
        selected=selected,
        highlight_leg=highlight_leg,
        presentation=presentation,
        popups=popups,
        view=view,
    ):
        layer.add_to(m)
    if asset_base is not None:
        assets.localise_map(m, asset_base)
    return m


class OnClick(MacroElement):
    """Reports a click on an incident marker to the app by the id the marker carries."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        {{ this._parent.get_name() }}.on("click", function (e) {
            window.escapeeMap && window.escapeeMap.onIncidentClick(e);
        });
        {% endmacro %}
        """
    )

    def __init__(self, marker: folium.Marker):
        super().__init__()
        self._name = "OnClick"
