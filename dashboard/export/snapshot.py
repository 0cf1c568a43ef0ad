"""A print-ready map image (PNG, SVG or PDF): title, subtitle stating the filters, the map,
its legend, a scale bar, a north arrow and a credit line."""

from __future__ import annotations

import datetime as dt
import io

import geopandas as gpd
import matplotlib
import matplotlib.pyplot as plt

from dashboard.export.extent import fitted_extent
from dashboard.export.legend import legend_handles
from dashboard.export.mapdraw import draw_with_inset, north_arrow, scale_bar
from dashboard.export.spec import ASPECTS, ExportError, SnapshotSpec, credit_line
from dashboard.summary import totals_line
from dashboard.vocab import INK_MUTED, INK_SECONDARY


def _figure(spec: SnapshotSpec) -> tuple[plt.Figure, float, float]:
    aspect = ASPECTS.get(spec.aspect)
    if aspect is None:
        raise ExportError(f"unknown aspect {spec.aspect!r} (choose from {', '.join(ASPECTS)})")
    if not 600 <= spec.width_px <= 12000:
        raise ExportError("width must be between 600 and 12000 pixels")
    if not 50 <= spec.dpi <= 1200:
        raise ExportError("dpi must be between 50 and 1200")
    width_in = spec.width_px / spec.dpi
    height_in = width_in / aspect
    return plt.figure(figsize=(width_in, height_in), dpi=spec.dpi), width_in, height_in


def snapshot(
    incidents: gpd.GeoDataFrame,
    routes: gpd.GeoDataFrame,
    places: gpd.GeoDataFrame,
    spec: SnapshotSpec,
    fmt: str = "png",
    made: dt.date | None = None,
) -> bytes:
    """A print-ready map image (png, svg or pdf) of exactly the given rows."""
    if fmt not in ("png", "svg", "pdf"):
        raise ExportError(f"snapshot format must be png, svg or pdf, not {fmt!r}")
    fig = snapshot_figure(incidents, routes, places, spec, made)
    buf = io.BytesIO()
    metadata = {"Title": spec.title} if fmt in ("pdf", "svg") else None
    with matplotlib.rc_context({"svg.fonttype": "none", "pdf.fonttype": 42}):
        fig.savefig(buf, format=fmt, dpi=spec.dpi, metadata=metadata)
    plt.close(fig)
    return buf.getvalue()


def snapshot_figure(
    incidents: gpd.GeoDataFrame,
    routes: gpd.GeoDataFrame,
    places: gpd.GeoDataFrame,
    spec: SnapshotSpec,
    made: dt.date | None = None,
) -> plt.Figure:
    """The snapshot as a matplotlib figure (the caller saves and closes it)."""
    fig, width_in, height_in = _figure(spec)
    scale = width_in / 12  # type and symbols grow with the page
    header, footer, panel = 0.13, 0.05, 0.24
    map_w = 0.985 - panel - 0.015
    ax = fig.add_axes((0.015, footer, map_w, 1 - header - footer))
    map_aspect = (map_w * width_in) / ((1 - header - footer) * height_in)
    extent = spec.extent or fitted_extent(incidents, routes, map_aspect, places)
    rect = draw_with_inset(ax, incidents, routes, places, extent, scale)
    scale_bar(ax, extent, 9 * scale, rect)
    north_arrow(ax, extent, 9 * scale)
    fig.text(0.015, 0.975, spec.title, fontsize=20 * scale, fontweight="bold", va="top")
    fig.text(0.015, 0.905, spec.subtitle, fontsize=12 * scale, va="top", color=INK_SECONDARY)
    handles = legend_handles(incidents, routes, places)
    if handles:
        fig.legend(
            handles=handles,
            loc="upper left",
            bbox_to_anchor=(1 - panel + 0.01, 1 - header),
            fontsize=8.5 * scale,
            frameon=False,
            title="Legend",
            title_fontsize=10 * scale,
            alignment="left",
            borderaxespad=0,
        )
    fig.text(
        0.015, 0.015, credit_line(incidents, made), fontsize=8 * scale, color=INK_MUTED, va="bottom"
    )
    fig.text(
        0.985,
        0.015,
        totals_line(len(incidents), len(routes)),
        fontsize=8 * scale,
        color=INK_MUTED,
        va="bottom",
        ha="right",
    )
    return fig
