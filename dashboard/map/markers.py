"""Small selections: one icon per incident, with its tooltip, its popup (in exported maps) and
its uncertainty circle. Each icon carries its incident's id; a click reports that id."""

from __future__ import annotations

import math

import folium
import geopandas as gpd
import pandas as pd
from branca.element import MacroElement
from jinja2 import Template

from dashboard.i18n import DEFAULT_LANGUAGE
from dashboard.map.names import marker_name_html
from dashboard.map.popups import incident_popup_html, incident_tooltip
from dashboard.map.symbols import marker_svg
from dashboard.vocab import CATEGORIES, PRECISIONS


def ring_offsets(frame: pd.DataFrame, step_px: float = 13) -> list[tuple[float, float]]:
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


class OnClick(MacroElement):
    """Reports a click on an incident marker to the app by the id the marker carries; Enter or
    Space on a marker focused with the keyboard does the same."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        {{ this._parent.get_name() }}.on("click", function (e) {
            window.escapeeMap && window.escapeeMap.onIncidentClick(e);
        });
        {{ this._parent.get_name() }}.on("keydown", function (e) {
            window.escapeeMap && window.escapeeMap.onIncidentKey(e);
        });
        {% endmacro %}
        """
    )

    def __init__(self, marker: folium.Marker):
        super().__init__()
        self._name = "OnClick"


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


def incident_markers(
    incidents: gpd.GeoDataFrame,
    *,
    presentation: bool,
    popups: bool,
    lang: str = DEFAULT_LANGUAGE,
) -> folium.FeatureGroup:
    """One icon per incident (fanned out where several share a point), with its uncertainty
    circle; a click selects it in the app (``escapeeMap.select``) or, in an exported map,
    opens its sourced record."""
    group = folium.FeatureGroup(name="Incidents", show=True, control=False)
    offsets = ring_offsets(incidents, step_px=18 if presentation else 15)
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
                html=marker_svg(row["category"], size, hollow=row["confidence"] == "unconfirmed")
                + marker_name_html(row, lang=lang),
                class_name=f"incident-marker cat-{row['category']}",
                icon_size=(size, size),
                icon_anchor=(size / 2 - dx, size / 2 - dy),
            ),
            tooltip=folium.Tooltip(incident_tooltip(row, lang=lang)),
            popup=folium.Popup(incident_popup_html(row, lang=lang), max_width=380, lazy=True)
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
