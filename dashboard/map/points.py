"""Large selections: the incidents that stand alone at a zoom as one canvas layer, and where
they are dense, aggregates that say how many (``static/map/points.js``), drawn in the browser
from the zoom levels of ``aggregates`` and the compact columns of ``payload``."""

from __future__ import annotations

import geopandas as gpd
import pandas as pd
from branca.element import MacroElement
from jinja2 import Template

from dashboard.aggregate import AGGREGATE_ABOVE, PyramidSource
from dashboard.i18n import DEFAULT_LANGUAGE, translator
from dashboard.map.aggregates import encode_levels
from dashboard.map.payload import CONFIDENCE_KEYS
from dashboard.map.scripts import ScriptText, json_for_script, static_text
from dashboard.summary import confidence_name
from dashboard.vocab import (
    AGGREGATE_FILL,
    AGGREGATE_MAX_RADIUS,
    AGGREGATE_MIN_RADIUS,
    AGGREGATE_TEXT,
    CATEGORIES,
    CONFIDENCE,
    HOLLOW_FILL,
    MARKER_OUTLINE,
    PRECISIONS,
    SHAPES,
)

# Above this many incidents the map draws them as aggregates and one canvas layer
# (IncidentPoints) instead of one icon, tooltip, popup and uncertainty circle each (fanned out
# where several share a place: fanning suits small groups only). folium builds and renders those per
# incident at about 3 ms of CPU per app run (each element compiles a Jinja template whenever
# it renders, and streamlit-folium renders the map twice), so 200 icons already cost ~1 s.
LARGE_THRESHOLD = AGGREGATE_ABOVE


def point_words(*, lang: str = DEFAULT_LANGUAGE) -> dict:
    """Every word ``points.js`` shows, in the reader's language (the script has none of its
    own). ``dateLocale`` is null in English, whose dates the script writes as the app always
    has ("05 Jan 2020"); otherwise the browser's Intl writes them in that locale's long form,
    as ``summary.day_text`` does."""
    t = translator(lang)
    return {
        "when": t.gettext("When"),
        "where": t.gettext("Where"),
        "confidence": t.gettext("Confidence"),
        "approximate": t.gettext(" — approximate location"),
        "yearNotStated": t.gettext("year not stated"),
        "fullRecord": t.gettext(
            "The full sourced record is in the dashboard's record panel (click selects it) "
            "and in the CSV export of this view."
        ),
        "cluster": t.gettext("{n} incidents here"),
        "clusterAround": t.gettext("{n} incidents around {place}"),
        "clusterZoom": t.gettext("click to zoom in"),
        "clusterList": t.gettext(
            "They are at one spot or too close to split at this zoom. The CSV export of this "
            "view lists every one of them."
        ),
        "numberLocale": str(t.locale).replace("_", "-"),
        "dateLocale": None if t.lang == DEFAULT_LANGUAGE else str(t.locale).replace("_", "-"),
    }


def point_styles(*, lang: str = DEFAULT_LANGUAGE) -> dict:
    """What ``points.js`` needs to draw and describe a symbol, from ``vocab``, its names in
    the reader's language. Each confidence level is [key, description, name]."""
    t = translator(lang)
    return {
        "categories": [
            {
                "label": t.gettext(c.label),
                "colour": c.colour,
                "points": [float(v) for v in SHAPES[c.shape].svg_points.replace(",", " ").split()]
                or None,
            }
            for c in CATEGORIES.values()
        ],
        "confidence": [
            [k, t.gettext(CONFIDENCE[k]), confidence_name(k, lang=t.lang)] for k in CONFIDENCE_KEYS
        ],
        "precision": [t.gettext(PRECISIONS[k].label) for k in sorted(PRECISIONS)],
        "hollowFill": HOLLOW_FILL,
        "aggregate": {
            "minRadius": AGGREGATE_MIN_RADIUS,
            "maxRadius": AGGREGATE_MAX_RADIUS,
            "fill": AGGREGATE_FILL,
            "text": AGGREGATE_TEXT,
        },
        "outline": MARKER_OUTLINE,
    }


class IncidentPoints(MacroElement):
    """Many incidents as aggregates and one canvas layer, drawn in the browser from compact
    columns: at each zoom, where several incidents share a cell of the screen grid, one circle
    says how many; the others are drawn one by one.

    Each single incident keeps its category's shape and colour (hollow when unconfirmed), as in the
    legend. The popup, built on click, shows whatever text the payload carries. Clicking an
    incident selects it in the app's record panel by the id the payload carries for it. The
    legend says what a circle means, and that uncertainty circles are not drawn here.
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        {{ this.script_text(this._parent.get_name()) }}
        {% endmacro %}
        """
    )

    def __init__(
        self,
        incidents: gpd.GeoDataFrame | None,
        places: gpd.GeoDataFrame | None,
        popups: bool = True,
        *,
        lang: str = DEFAULT_LANGUAGE,
        records: pd.DataFrame | None = None,
        encoded: tuple[str, list] | None = None,
        pyramid_of: PyramidSource | None = None,
    ):
        """The incidents' zoom levels are encoded here (``pyramid_of``: see ``encode_levels``),
        unless ``encoded`` is what ``encode_levels`` gave for them before (``layers.map_data``;
        no incidents needed then)."""
        super().__init__()
        self._name = "IncidentPoints"
        self.popups = popups
        self.lang = lang
        if encoded is None:
            encoded = encode_levels(
                incidents, places, lang=lang, records=records, pyramid_of=pyramid_of
            )
        self.payload, self.levels = encoded
        self._script_cache: tuple[str, str] | None = None

    def script_text(self, map_name: str) -> str:
        if self._script_cache is None or self._script_cache[0] != map_name:
            text = (
                static_text("points.js")
                .replace("__MAP__", map_name)
                .replace("__STYLES__", json_for_script(point_styles(lang=self.lang)))
                .replace("__WORDS__", json_for_script(point_words(lang=self.lang)))
                .replace("__POPUPS__", "true" if self.popups else "false")
                .replace("__DATA__", self.payload)
            )
            self._script_cache = (map_name, text)
        return self._script_cache[1]

    def render(self, **kwargs) -> None:
        self.get_root().script.add_child(
            ScriptText(self.script_text(self._parent.get_name())), name=self.get_name()
        )
