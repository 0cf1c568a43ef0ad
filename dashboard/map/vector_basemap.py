"""The shipped vector basemap on the folium map (``static/map/vector_basemap.js``), drawn
from the Natural Earth files ``dashboard.data.basemap`` reads."""

from __future__ import annotations

import json

from branca.element import MacroElement
from jinja2 import Template

from dashboard.data import basemap
from dashboard.map.scripts import ScriptText, json_for_script, static_text
from dashboard.vocab import BORDER, LAND, OUTSIDE, PROVINCE_BORDER


class VectorBasemap(MacroElement):
    """Land, borders, North Korean provinces and the area beyond the file's extent.

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
        style = json_for_script(
            {
                "land": {"stroke": False, "fillColor": LAND, "fillOpacity": 1.0},
                "outside": {"stroke": False, "fillColor": OUTSIDE, "fillOpacity": 1.0},
                "borders": {"color": BORDER, "weight": 1.0},
                "provinces": {"color": PROVINCE_BORDER, "weight": 0.8, "dashArray": "3 3"},
            }
        )
        return (
            static_text("vector_basemap.js")
            .replace("__GROUP__", self._parent.get_name())
            .replace("__ONLINE__", "true" if self.online else "false")
            .replace("__STYLE__", style)
            .replace("__FRAME__", json.dumps(list(basemap.extent())))
            .replace("__OUTSIDE__", basemap.outside_json())
            .replace("__PROVINCES__", basemap.province_lines_json() or "null")
            .replace("__LAND__", basemap.countries_json())  # last: the big one, not searched
        )

    def render(self, **kwargs) -> None:
        # Already safe script text: add it without a Jinja pass over a megabyte.
        self.get_root().script.add_child(ScriptText(self.script_text()), name=self.get_name())
