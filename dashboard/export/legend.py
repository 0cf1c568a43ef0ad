"""The legend of a static map, drawn from the declared styles, only for what is shown."""

from __future__ import annotations

import geopandas as gpd
import pandas as pd
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from dashboard.aggregate import AGGREGATE_ABOVE
from dashboard.export.symbols import route_linestyle
from dashboard.export.wrap import wrap_to_width
from dashboard.i18n import DEFAULT_LANGUAGE, N_, translator
from dashboard.vague.areas import POINT, drawn_as
from dashboard.vocab import (
    AGGREGATE_FILL,
    APPROXIMATE_SWATCH,
    APPROXIMATE_SWATCH_EDGE,
    BORDER_HIGHLIGHT,
    CATEGORIES,
    INK_FAINT,
    ROUTE_STATUSES,
    SHAPES,
    SYMBOL_EDGE,
)

#: The legend's heading, on the snapshot and the sheet.
LEGEND_TITLE = N_("Legend")
#: Labels are wrapped to this many times their font size (about 26 Latin letters).
LABEL_WIDTH_EM = 15


def legend_handles(
    incidents: pd.DataFrame,
    routes: pd.DataFrame,
    places: gpd.GeoDataFrame | None = None,
    *,
    lang: str = DEFAULT_LANGUAGE,
    fontsize: float = 8.5,
) -> list[Line2D]:
    """Legend entries drawn from the declared styles, only for what is shown (a category
    only drawn as an area has no symbol on the map, so no symbol in the legend), in ``lang``,
    each label wrapped to the same width on the page in any language."""
    t = translator(lang)

    def fill(text: str) -> str:
        return "\n".join(wrap_to_width(text, LABEL_WIDTH_EM * fontsize, fontsize))

    handles = []
    symbols = incidents[drawn_as(incidents, places) == POINT] if len(incidents) else incidents
    shown = set(symbols["category"].unique())  # once: a set of 100,000 Arrow strings costs 0.5 s
    for key, cat in CATEGORIES.items():
        if key in shown:
            handles.append(
                Line2D(
                    [],
                    [],
                    marker=SHAPES[cat.shape].mpl_marker,
                    linestyle="none",
                    markerfacecolor=cat.colour,
                    markeredgecolor=SYMBOL_EDGE,
                    markersize=9,
                    label=fill(t.gettext(cat.label)),
                )
            )
    if len(symbols) > AGGREGATE_ABOVE:
        handles.append(
            Line2D(
                [],
                [],
                marker="o",
                linestyle="none",
                markerfacecolor=AGGREGATE_FILL,
                markeredgecolor="white",
                markersize=12,
                label=fill(
                    t.gettext("Circle with a number: that many incidents (area in proportion)")
                ),
            )
        )
    if len(incidents) and (incidents["confidence"] == "unconfirmed").any():
        handles.append(
            Line2D(
                [],
                [],
                marker="o",
                linestyle="none",
                markerfacecolor="white",
                markeredgecolor=INK_FAINT,
                markeredgewidth=2,
                markersize=9,
                label=fill(t.gettext("Hollow: unconfirmed")),
            )
        )
    if len(incidents) and (incidents["geo_precision"] == 4).any():
        handles.append(
            Patch(
                facecolor="white",
                edgecolor=INK_FAINT,
                hatch="////",
                linestyle=(0, (5, 3)),
                label=fill(t.gettext("Hatched: a country; the place there is not stated")),
            )
        )
    if len(incidents) and (incidents["geo_precision"] == 3).any():
        handles.append(
            Line2D(
                [],
                [],
                color=BORDER_HIGHLIGHT,
                alpha=0.45,
                linewidth=6,
                label=fill(t.gettext("Broad band: a border or region; place not stated")),
            )
        )
    if "unknown_end" in routes and routes["unknown_end"].ne("").any():
        handles.append(
            Line2D(
                [],
                [],
                color=INK_FAINT,
                linewidth=2.2,
                linestyle=(0, (4, 2.5)),
                label=fill(t.gettext("Dashed leg: one end not stated (see its label)")),
            )
        )
    if len(incidents) and (incidents["geo_precision"] == 2).any():
        handles.append(
            Line2D(
                [],
                [],
                marker="o",
                linestyle="none",
                markerfacecolor=APPROXIMATE_SWATCH,
                markeredgecolor=APPROXIMATE_SWATCH_EDGE,
                markersize=12,
                label=fill(t.gettext("Shaded circle: near a town or within a district")),
            )
        )
    statuses = set(pd.unique(routes["status"])) if "status" in routes else set()
    for key, status in ROUTE_STATUSES.items():
        if key in statuses:
            style = route_linestyle(key)
            handles.append(
                Line2D(
                    [],
                    [],
                    color=status.colour,
                    linewidth=2.4,
                    linestyle=style,
                    label=fill(
                        t.gettext("Route: {status}", status=t.gettext(status.label).lower())
                    ),
                )
            )
    return handles
