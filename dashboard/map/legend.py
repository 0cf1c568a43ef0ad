"""The map's legend: every declared category and route status, drawn from ``vocab``. The
whole legend is on the base map; each view only says which rows apply (``legend_keys``), so
the map itself never changes with the filters."""

from __future__ import annotations

from collections.abc import Iterable

from branca.element import MacroElement
from jinja2 import Template

from dashboard.htmlsafe import esc
from dashboard.i18n import DEFAULT_LANGUAGE, N_, translator
from dashboard.map.symbols import marker_svg
from dashboard.vocab import (
    AGGREGATE_FILL,
    AGGREGATE_TEXT,
    CATEGORIES,
    ROUTE_STATUSES,
    UNCERTAINTY_EDGE,
    UNCERTAINTY_FILL,
)


class Legend(MacroElement):
    """The legend control; the rows for what the map does not show are hidden by the
    ``legend`` call each view makes. Foldable; the choice is kept in the browser's
    localStorage (``escapeeMap.legendSetup``)."""

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


#: The map legend's words for an aggregate (the static exports have no clicks to mention).
AGGREGATE_LEGEND = N_(
    "Circle with a number: that many incidents (area in proportion); click it or zoom in to "
    "split it"
)


def legend_keys(
    categories: Iterable[str],
    statuses: Iterable[str],
    any_approximate: bool,
    any_hollow: bool,
    *,
    aggregates: bool = False,
) -> list[str]:
    """The legend rows that apply to a map showing these (keys of ``legend_html``'s rows)."""
    keys = [f"cat:{c}" for c in CATEGORIES if c in set(categories)]
    keys += [f"status:{s}" for s in ROUTE_STATUSES if s in set(statuses)]
    if any_hollow:
        keys.append("cat:_hollow")
    if any_approximate and not aggregates:  # drawn only one incident at a time
        keys.append("cat:_approx")
    if aggregates:
        keys.append("cat:_aggregate")
        if any_approximate:
            keys.append("cat:_nocircles")
    if any(k.startswith("status:") for k in keys):
        keys.append("status:_curved")
    return keys


def legend_html(*, lang: str = DEFAULT_LANGUAGE) -> str:
    """Every legend row, each tagged with its key (see ``legend_keys``), in the reader's
    language."""
    t = translator(lang)
    parts = [f"<h4 data-legend-head='cat'>{esc(t.gettext('Incidents'))}</h4>"]
    for key, cat in CATEGORIES.items():
        parts.append(
            f"<div class='lg-row' data-legend='cat:{key}'>{marker_svg(key, 14)}"
            f"{esc(t.gettext(cat.label))}</div>"
        )
    first = next(iter(CATEGORIES))
    parts.append(
        f"<div class='lg-row' data-legend='cat:_hollow'>{marker_svg(first, 14, hollow=True)}"
        f"{esc(t.gettext('Hollow: unconfirmed'))}</div>"
    )
    parts.append(
        "<div class='lg-row' data-legend='cat:_approx'><svg width='14' height='14'><circle cx='7' "
        f"cy='7' r='5.5' fill='{UNCERTAINTY_FILL}' stroke='{UNCERTAINTY_EDGE}' "
        "stroke-dasharray='3 2'/></svg>"
        f"{esc(t.gettext('Dashed circle: approximate place'))}</div>"
    )
    parts.append(
        "<div class='lg-row' data-legend='cat:_aggregate'><span class='lg-cluster' aria-hidden='true' "
        f"style='background:{AGGREGATE_FILL};color:{AGGREGATE_TEXT}'>12</span>"
        f"{esc(t.gettext(AGGREGATE_LEGEND))}</div>"
    )
    parts.append(
        "<div class='lg-row muted' data-legend='cat:_nocircles'>"
        f"{esc(t.gettext('Uncertainty circles are not drawn for this many incidents'))}</div>"
    )
    parts.append(f"<h4 data-legend-head='status'>{esc(t.gettext('Routes'))}</h4>")
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
            f"{stop}</svg>{esc(t.gettext(s.label))}</div>"
        )
    parts.append(
        "<div class='lg-row muted' data-legend='status:_curved'>"
        f"{esc(t.gettext('Curved: flight · straight: path not known'))}</div>"
    )
    return "".join(parts)
