"""The part of the map that never changes with the filters: basemap, legend, controls and
behaviour. The app keeps it mounted and swaps ``layers.map_layers`` on it."""

from __future__ import annotations

import re

import folium
from branca.element import Element, MacroElement
from folium.plugins import Fullscreen, PolyLineTextPath
from jinja2 import Template

from dashboard.data import basemap
from dashboard.i18n import DEFAULT_LANGUAGE, N_, translator
from dashboard.map import assets, vague
from dashboard.map.legend import Legend, legend_html
from dashboard.map.scripts import ScriptText, json_for_script, static_text
from dashboard.map.vector_basemap import VectorBasemap
from dashboard.map.view import DEFAULT_CENTER, DEFAULT_ZOOM
from dashboard.vocab import SEA

# The basemaps a reader can choose, with their names (marked for the catalogs: show them
# with ``translator(lang).gettext``).
BASEMAPS = {
    "offline": N_("Offline map (Natural Earth)"),
    "light": N_("Light web tiles (CARTO, online only)"),
    "dark": N_("Dark web tiles (CARTO, online only)"),
}
_TILES = {"light": "CartoDB positron", "dark": "CartoDB dark_matter"}
# What the map needs of folium.Map's default_js / default_css: Leaflet, and jQuery, with which
# folium.Popup builds its content.
_MAP_JS, _MAP_CSS = {"leaflet", "jquery"}, {"leaflet_css"}


# folium's page header forbids zooming (maximum-scale=1.0, user-scalable=no): a reader who
# needs larger text could not pinch-zoom the map's frame (WCAG 1.4.4, axe's meta-viewport).
_VIEWPORT_LOCK = re.compile(r'<meta name="viewport"[^>]*user-scalable=no[^>]*>', re.DOTALL)
_VIEWPORT = '<meta name="viewport" content="width=device-width, initial-scale=1.0" />'


class ZoomableMap(folium.Map):
    """A folium map whose page lets the reader zoom: folium's header, with its viewport
    declared without the zoom lock."""

    def render(self, **kwargs) -> None:
        super().render(**kwargs)
        header = self.get_root().header
        locked = header._children.get(self.get_name())
        if locked is not None and not isinstance(locked, ScriptText):
            header.add_child(
                ScriptText(_VIEWPORT_LOCK.sub(_VIEWPORT, locked.render())), name=self.get_name()
            )


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

    def __init__(self, presentation: bool, lang: str = DEFAULT_LANGUAGE):
        super().__init__()
        self._name = "MapBehaviour"
        self.presentation = presentation
        self.lang = lang

    def script_text(self) -> str:
        t = translator(self.lang)
        opts = {
            "extent": list(basemap.extent()),
            "presentation": self.presentation,
            "minZoom": 2,
            # the frame's document: its language and title, for screen readers
            "lang": self.lang,
            "title": t.gettext("Map of incidents"),
            # the words behaviour.js shows, in the reader's language
            "words": {
                "legend": t.gettext("Legend"),
                "hideLegend": t.gettext("Hide legend"),
                "zoomIn": t.gettext("Zoom in"),
                "zoomOut": t.gettext("Zoom out"),
            },
        }
        return (
            static_text("behaviour.js")
            + f"\nwindow.escapeeMap.init({self._parent.get_name()}, {json_for_script(opts)});\n"
        )


def base_map(
    *,
    basemap_name: str = "offline",
    presentation: bool = False,
    asset_base: str | None = assets.APP_STATIC_BASE,
    height: int | str = "100%",
    lang: str = DEFAULT_LANGUAGE,
) -> folium.Map:
    """The part of the map that never changes with the filters: basemap, legend, controls and
    behaviour (their words in ``lang``). The app keeps it mounted and swaps ``map_layers`` on
    it, so a filter change or a briefing step neither reloads nor blanks the map."""
    m = ZoomableMap(
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
    MapBehaviour(presentation, lang).add_to(m)
    online = basemap_name in _TILES
    if online:
        folium.TileLayer(_TILES[basemap_name], name=BASEMAPS[basemap_name], control=False).add_to(m)
    borders = folium.FeatureGroup(name="Borders and provinces", show=True, control=False)
    VectorBasemap(online).add_to(borders)
    borders.add_to(m)
    vague.install(m)
    Legend(legend_html(lang=lang)).add_to(m)
    t = translator(lang)
    Fullscreen(
        position="topleft",
        title=t.gettext("Full Screen"),
        title_cancel=t.gettext("Exit Full Screen"),
    ).add_to(m)
    if asset_base is not None:
        assets.localise_map(m, asset_base)
    return m
