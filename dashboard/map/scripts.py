"""How the map's own scripts reach the page: the files in ``dashboard/static/map``, JSON that
is safe inside a <script>, and the two small elements that carry script text."""

from __future__ import annotations

import json
import re
import uuid
from functools import lru_cache
from pathlib import Path
from typing import Any

from branca.element import Element, MacroElement
from folium.utilities import camelize, remove_empty
from folium.vector_layers import path_options
from jinja2 import Template

from dashboard.htmlsafe import script_safe

MAP_STATIC = Path(__file__).resolve().parent.parent / "static" / "map"


@lru_cache(maxsize=8)
def static_text(name: str) -> str:
    """A script or stylesheet shipped in ``dashboard/static/map`` (read once per process)."""
    return (MAP_STATIC / name).read_text(encoding="utf-8")


def json_for_script(value: Any) -> str:
    """JSON that is safe inside a <script> element (as Jinja's tojson makes it)."""
    return script_safe(json.dumps(value, ensure_ascii=False, separators=(",", ":")))


class ScriptText(Element):
    """Already-rendered script text. folium wraps each rendered script in a new Jinja template
    (compiling it); for a payload of megabytes that costs more than building it, so skip it."""

    def __init__(self, text: str):
        super().__init__()
        self.text = text

    def render(self, **kwargs) -> str:
        return self.text


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

    def __init__(self, function: str, argument: Any):
        super().__init__()
        self._name = "ScriptCall"
        self.function = function
        self.argument = json_for_script(argument)


class LayerScript(MacroElement):
    """A whole layer as data, drawn into its layer group by one call (``escapeeMap.draw`` in
    ``behaviour.js``): route legs, labels and areas each as one element and one JSON argument,
    instead of several folium elements per item that each compile a Jinja template when they
    render. Each item is drawn as the folium element it stands for would be (``line_item``,
    ``marker_item``, ``area_item``)."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        {{ this.script_text() }}
        {% endmacro %}
        """
    )

    def __init__(self, items: list[dict]):
        super().__init__()
        self._name = "LayerScript"
        self.items = items

    def script_text(self) -> str:
        # GeoJSON geometries (RawJSON) go in as shapely wrote them, not parsed and re-encoded
        token, raw = uuid.uuid4().hex, []

        def keep(value: Any) -> str:
            if not isinstance(value, RawJSON):
                raise TypeError(f"not JSON serialisable: {type(value).__name__}")
            raw.append(value.text)
            return f"{token}:{len(raw) - 1}"

        text = script_safe(
            json.dumps(self.items, ensure_ascii=False, separators=(",", ":"), default=keep)
        )
        for k, geometry in enumerate(raw):
            text = text.replace(f'"{token}:{k}"', geometry, 1)
        return f"window.escapeeMap && window.escapeeMap.draw({self._parent.get_name()}, {text});"

    def render(self, **kwargs) -> None:
        # already script text: no second pass through Jinja (MacroElement.render would compile
        # it as a template)
        self.get_root().script.add_child(ScriptText(self.script_text()), name=self.get_name())


class RawJSON:
    """JSON text that goes into a ``LayerScript``'s argument as it is: a GeoJSON geometry as
    shapely writes it (numbers, brackets and its two keys; anything else is re-encoded)."""

    __slots__ = ("text",)

    def __init__(self, text: str):
        self.text = text if _PLAIN_JSON.fullmatch(text) else json_for_script(json.loads(text))


_PLAIN_JSON = re.compile(r'[\[\]{}",:0-9eE.+\-a-zA-Z ]*')


def line_item(
    locations: list,
    *,
    tooltip: str | None = None,
    text: str | None = None,
    text_options: dict | None = None,
    **path_kwargs: Any,
) -> dict:
    """A ``folium.PolyLine(locations, tooltip=folium.Tooltip(tooltip, sticky=True),
    **path_kwargs)``, with ``PolyLineTextPath(line, text, **text_options)`` along it."""
    item: dict[str, Any] = {
        "line": [[float(lat), float(lon)] for lat, lon in locations],
        "options": path_options(line=True, **path_kwargs),
    }
    if tooltip is not None:
        item["tooltip"] = tooltip
    if text is not None:
        options = {"center": False, "below": False, "offset": 0, "orientation": 0}
        item["text"] = [text, remove_empty(**{**options, **(text_options or {})})]
    return item


def marker_item(
    location,
    *,
    icon: dict | None = None,
    tooltip: str | None = None,
    popup: tuple[str, dict] | int | None = None,
    **options: Any,
) -> dict:
    """A ``folium.Marker(location, **options)`` with a ``DivIcon`` (``icon``: its Leaflet
    options, camelCase), a sticky tooltip and a lazy popup ((html, Leaflet options), or the
    index of the item in the same ``LayerScript`` whose popup this marker opens too)."""
    item: dict[str, Any] = {
        "marker": [float(location[0]), float(location[1])],
        "options": {camelize(k): v for k, v in options.items()},
    }
    if icon is not None:
        item["icon"] = icon
    if tooltip is not None:
        item["tooltip"] = tooltip
    if popup is not None:
        item["popup"] = popup if isinstance(popup, int) else list(popup)
    return item


def ring_item(location, *, radius: float, color: str, weight: float, class_name: str) -> dict:
    """A ring round a point (``L.circleMarker``, not interactive), drawn above every marker
    and aggregate circle (``behaviour.js``: the "ring" pane), so a selected incident inside a
    circle of thousands still shows where it is."""
    return {
        "ring": [float(location[0]), float(location[1])],
        "options": {
            "radius": radius,
            "color": color,
            "weight": weight,
            "fill": False,
            "interactive": False,
            "className": class_name,
        },
    }


def area_item(
    geojson: str,
    *,
    style: dict,
    highlight: dict,
    tooltip: str | None = None,
    popup: tuple[str, dict] | None = None,
) -> dict:
    """A ``folium.GeoJson`` of one geometry (``geojson``: its GeoJSON text) with a style, a
    highlight on hover, a sticky tooltip and a lazy popup ((html, Leaflet options))."""
    feature = {"type": "Feature", "id": "0", "geometry": RawJSON(geojson)}
    item: dict[str, Any] = {
        "geojson": {"type": "FeatureCollection", "features": [feature]},
        "style": style,
        "highlight": highlight,
    }
    if tooltip is not None:
        item["tooltip"] = tooltip
    if popup is not None:
        item["popup"] = list(popup)
    return item
