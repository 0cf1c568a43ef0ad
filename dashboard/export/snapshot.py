"""A print-ready map image (PNG, SVG or PDF): title, subtitle stating the filters, the map,
its legend, a scale bar, a north arrow and a credit line, every word in the export's language
and set in Noto Sans CJK (``fonts``), with its text description (``alttext``) inside the file."""

from __future__ import annotations

import datetime as dt
import io

import geopandas as gpd
import matplotlib
import matplotlib.pyplot as plt
from matplotlib.text import Text
from PIL.PngImagePlugin import PngInfo

from dashboard.export.alttext import alt_text
from dashboard.export.extent import fitted_extent
from dashboard.export.fonts import export_families, font_rc, generic_family_last
from dashboard.export.legend import LEGEND_TITLE, legend_handles
from dashboard.export.mapdraw import draw_with_inset, north_arrow, scale_bar
from dashboard.export.spec import ASPECTS, ExportError, SnapshotSpec, credit_line
from dashboard.export.svgtext import describe_svg
from dashboard.export.wrap import text_width_pt, wrap_to_width
from dashboard.i18n import translator
from dashboard.summary import totals_line
from dashboard.vocab import INK_MUTED, INK_SECONDARY, LONG_TEXT_COLUMNS

_LINE = 1.25  # line height as a multiple of the font size


def drawn_columns(incidents: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """The incidents without the text a snapshot never draws (``vocab.LONG_TEXT_COLUMNS``)."""
    return incidents.drop(columns=[c for c in LONG_TEXT_COLUMNS if c in incidents.columns])


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
    """A print-ready map image (png, svg or pdf) of exactly the given rows, carrying its text
    description: PNG iTXt "Title"/"Description", PDF Title/Subject, SVG ``<title>``/``<desc>``."""
    if fmt not in ("png", "svg", "pdf"):
        raise ExportError(f"snapshot format must be png, svg or pdf, not {fmt!r}")
    incidents = drawn_columns(incidents)
    described = alt_text(incidents, routes, places, spec.title, lang=spec.lang)
    with matplotlib.rc_context(font_rc()):
        fig = _snapshot_figure(incidents, routes, places, spec, made)
        buf = io.BytesIO()
        try:
            if fmt == "png":
                info = PngInfo()
                info.add_itxt("Title", spec.title, lang=spec.lang)
                info.add_itxt("Description", described, lang=spec.lang)
                fig.savefig(buf, format="png", dpi=spec.dpi, pil_kwargs={"pnginfo": info})
            elif fmt == "pdf":
                meta = {"Title": spec.title, "Subject": described}
                fig.savefig(buf, format="pdf", dpi=spec.dpi, metadata=meta)
            else:
                # the title goes in as <title> with the <desc> (describe_svg), not twice
                meta = {"Description": described}
                fig.savefig(buf, format="svg", dpi=spec.dpi, metadata=meta)
        finally:
            plt.close(fig)
    data = buf.getvalue()
    if fmt == "svg":
        data = describe_svg(generic_family_last(data), spec.title, described, spec.lang)
    return data


def snapshot_figure(
    incidents: gpd.GeoDataFrame,
    routes: gpd.GeoDataFrame,
    places: gpd.GeoDataFrame,
    spec: SnapshotSpec,
    made: dt.date | None = None,
) -> plt.Figure:
    """The snapshot as a matplotlib figure (the caller saves and closes it, as raster frames
    for instance), its words in ``spec.lang``. Every text names the export font itself, so
    the figure draws Hangul wherever it is saved (to write a PDF or SVG, use ``snapshot``:
    they need ``fonts.font_rc`` while saving)."""
    incidents = drawn_columns(incidents)
    with matplotlib.rc_context(font_rc()):
        fig = _snapshot_figure(incidents, routes, places, spec, made)
    families = export_families()
    for text in fig.findobj(Text):
        text.set_fontfamily(families)
    return fig


def _snapshot_figure(incidents, routes, places, spec: SnapshotSpec, made) -> plt.Figure:
    t = translator(spec.lang)
    fig, width_in, height_in = _figure(spec)
    scale = width_in / 12  # type and symbols grow with the page
    header, footer, panel = 0.13, 0.05, 0.24
    map_w = 0.985 - panel - 0.015
    ax = fig.add_axes((0.015, footer, map_w, 1 - header - footer))
    map_aspect = (map_w * width_in) / ((1 - header - footer) * height_in)
    extent = spec.extent or fitted_extent(incidents, routes, map_aspect, places)
    rect = draw_with_inset(ax, incidents, routes, places, extent, scale, lang=spec.lang)
    scale_bar(ax, extent, 9 * scale, rect, lang=spec.lang)
    north_arrow(ax, extent, 9 * scale, lang=spec.lang)
    line_pt = 0.97 * width_in * 72  # the header runs across the page
    size = 20 * scale
    while size > 14 * scale and text_width_pt(spec.title, size, bold=True) > line_pt:
        size -= 0.5 * scale  # a long title gets smaller type before it is cut
    title = wrap_to_width(spec.title, line_pt, size, bold=True, max_lines=1)[0]
    fig.text(0.015, 0.975, title, fontsize=size, fontweight="bold", va="top")
    sub_size = 12 * scale
    sub = wrap_to_width(spec.subtitle, line_pt, sub_size)
    if len(sub) > 1:  # two lines in the space of one and a half
        sub_size = 9.5 * scale
        sub = wrap_to_width(spec.subtitle, line_pt, sub_size, max_lines=2)
    fig.text(
        0.015,
        0.905,
        "\n".join(sub),
        fontsize=sub_size,
        va="top",
        color=INK_SECONDARY,
        linespacing=_LINE,
    )
    handles = legend_handles(incidents, routes, places, lang=spec.lang, fontsize=8.5 * scale)
    if handles:
        fig.legend(
            handles=handles,
            loc="upper left",
            bbox_to_anchor=(1 - panel + 0.01, 1 - header),
            fontsize=8.5 * scale,
            frameon=False,
            title=t.gettext(LEGEND_TITLE),
            title_fontsize=10 * scale,
            alignment="left",
            borderaxespad=0,
        )
    foot_size = 8 * scale
    totals = totals_line(len(incidents), len(routes), lang=spec.lang)
    fig.text(0.985, 0.015, totals, fontsize=foot_size, color=INK_MUTED, va="bottom", ha="right")
    room = 0.97 * width_in * 72 - text_width_pt(totals, foot_size) - 24 * scale
    credit = wrap_to_width(
        credit_line(incidents, made, lang=spec.lang), room, foot_size, max_lines=2
    )
    fig.text(
        0.015,
        0.015 if len(credit) == 1 else 0.006,
        "\n".join(credit),
        fontsize=foot_size,
        color=INK_MUTED,
        va="bottom",
        linespacing=_LINE,
    )
    return fig
