"""Incident symbols on a static map: the category markers (fanned out where several share a
place), the uncertainty circles around approximate places, and the line styles of routes."""

from __future__ import annotations

import numpy as np
from matplotlib import patheffects
from matplotlib.collections import EllipseCollection
from matplotlib.colors import to_rgba
from matplotlib.transforms import Bbox

from dashboard.aggregate import AGGREGATE_ABOVE, merge_overlapping, screen_aggregates
from dashboard.i18n import DEFAULT_LANGUAGE, translator
from dashboard.vague import snapshot as vague_snapshot
from dashboard.vocab import (
    AGGREGATE_FILL,
    AGGREGATE_TEXT,
    CATEGORIES,
    INK_FAINT,
    INK_MUTED,
    PRECISIONS,
    SHAPES,
    SYMBOL_EDGE,
    TEXT,
)

# Above this many approximate places circles are not drawn (they would be a grey wash, as
# where the map draws aggregates; the map says so).
UNCERTAINTY_LIMIT = AGGREGATE_ABOVE
# An aggregate's cell, in symbol widths: incidents closer than this on the page share a circle.
AGGREGATE_CELL_SYMBOLS = 2.4
AGGREGATE_MAX_SYMBOLS = 3.2  # the largest circle's diameter, in symbol widths


def draw_uncertainty(
    ax, incidents, kx: float, scale: float, *, lang: str = DEFAULT_LANGUAGE, note: bool = True
) -> None:
    """A dashed, lightly filled circle of the precision's radius around each approximate place.

    One collection for all of them (in row order, as separate patches were drawn), so many
    incidents cost one draw call rather than one patch each. Beyond ``UNCERTAINTY_LIMIT`` the
    overlapping circles would only be a grey wash (and take seconds to fill): they are left out
    and the map says so, as the interactive map does for large selections.
    """
    if not len(incidents):
        return
    level = incidents["geo_precision"].to_numpy(dtype=int)
    approx = level >= 2
    count = int(approx.sum())
    if not count:
        return
    if count > UNCERTAINTY_LIMIT:
        if not note:  # said once, on the main map (an inset leaves it to it)
            return
        ax.text(
            0.01,
            0.01,
            translator(lang).ngettext(
                "Uncertainty circles not drawn: {n} incident has an approximate place.",
                "Uncertainty circles not drawn: {n} incidents have approximate places.",
                count,
            ),
            transform=ax.transAxes,
            fontsize=7 * scale,
            color=INK_MUTED,
            zorder=20,
            path_effects=_halo(scale),
        )
        return
    radius = {k: p.radius_km / 111.32 for k, p in PRECISIONS.items()}
    r = np.array([radius[k] for k in level[approx]])
    rgba = {k: to_rgba(c.colour) for k, c in CATEGORIES.items()}
    colours = np.array([rgba[c] for c in incidents["category"].to_numpy()[approx]])
    offsets = np.column_stack(
        [incidents["longitude"].to_numpy(dtype=float), incidents["latitude"].to_numpy(dtype=float)]
    )[approx]
    ax.add_collection(
        EllipseCollection(
            2 * r / kx,
            2 * r,
            np.zeros(len(r)),
            units="xy",
            offsets=offsets,
            offset_transform=ax.transData,
            facecolors=colours,
            edgecolors=colours,
            alpha=0.10,
            linestyles=[(0, (4, 3))],
            linewidths=1.2 * scale,
            zorder=3,
        ),
        autolim=False,
    )


def compact_number(n: int, *, lang: str = DEFAULT_LANGUAGE) -> str:
    """A count short enough for a circle, in one style from a thousand up: 12, 999, 2.8K,
    21K, 249K (Babel's compact form, one decimal below ten thousand; 2.8천, 2.1만 in Korean).
    The exact number is in the export's data and its text description."""
    from babel.numbers import format_compact_decimal

    t = translator(lang)
    if n < 1_000:
        return t.number(n)
    return format_compact_decimal(n, locale=t.locale, fraction_digits=1 if n < 10_000 else 0)


def _draw_symbols(ax, lon, lat, categories, hollow, size_pt: float, scale: float) -> None:
    """Category markers (hollow when unconfirmed): one scatter call per category and fill."""
    for key, cat in CATEGORIES.items():
        for is_hollow in (False, True):
            rows = (categories == key) & (hollow == is_hollow)
            if not rows.any():
                continue
            ax.scatter(
                lon[rows],
                lat[rows],
                s=size_pt**2,
                marker=SHAPES[cat.shape].mpl_marker,
                facecolors="white" if is_hollow else cat.colour,
                edgecolors=cat.colour if is_hollow else SYMBOL_EDGE,
                linewidths=(2.2 if is_hollow else 0.8) * scale,
                zorder=10,
            )


def _diameters(counts: np.ndarray, top: float, size_pt: float) -> np.ndarray:
    """A circle's diameter in points: its area in proportion to its count, the largest ``top``
    wide; a lone incident is its symbol's size, and no circle is smaller than 1.5 symbols."""
    d = np.maximum(top * np.sqrt(counts / max(int(counts.max()), 1)), 1.5 * size_pt)
    return np.where(counts == 1, size_pt, d)


def draw_aggregates(ax, incidents, scale: float, *, lang: str = DEFAULT_LANGUAGE) -> list[Bbox]:
    """Incidents too many to draw one by one: where several fall within a few symbol widths
    of each other on the page, one dark circle stands for them, its area in proportion to
    their number and the number written in it; an incident alone keeps its symbol. The
    artists drawn are bounded by the page's size, not by the number of incidents (one
    scatter for the circles, one per category for the singles, one text per circle).
    Returns the circles' and symbols' boxes in pixels (for label placement)."""
    size_pt = 11 * scale
    px_per_pt = ax.figure.dpi / 72
    lon = incidents["longitude"].to_numpy(dtype=float)
    lat = incidents["latitude"].to_numpy(dtype=float)
    xy = ax.transData.transform(np.column_stack([lon, lat]))
    box = ax.get_window_extent()
    inside = (
        (xy[:, 0] >= box.x0) & (xy[:, 0] <= box.x1) & (xy[:, 1] >= box.y0) & (xy[:, 1] <= box.y1)
    )
    if not inside.all():  # only what this map (or inset) shows
        incidents, lon, lat, xy = incidents[inside], lon[inside], lat[inside], xy[inside]
    cell = AGGREGATE_CELL_SYMBOLS * size_pt * px_per_pt
    agg = screen_aggregates(xy[:, 0], xy[:, 1], lon, lat, incidents["category"], cell)
    # circles drawn over each other hide both numbers: merge them (and a lone symbol under a
    # circle into it), then size them by the merged counts
    top = AGGREGATE_MAX_SYMBOLS * size_pt
    centres = ax.transData.transform(np.column_stack([agg.lon, agg.lat]))
    agg = merge_overlapping(
        agg, centres[:, 0], centres[:, 1], _diameters(agg.count, top, size_pt) * px_per_pt / 2
    )
    boxes: list[Bbox] = []
    alone = agg.count == 1
    if alone.any():
        rows = agg.first[alone]
        _draw_symbols(
            ax,
            lon[rows],
            lat[rows],
            incidents["category"].to_numpy()[rows],
            (incidents["confidence"] == "unconfirmed").to_numpy()[rows],
            size_pt,
            scale,
        )
        half = size_pt * px_per_pt / 2
        boxes += [Bbox.from_extents(x - half, y - half, x + half, y + half) for x, y in xy[rows]]
    many = ~alone
    if many.any():
        counts = agg.count[many]
        diameter = _diameters(counts, top, size_pt)
        ax.scatter(
            agg.lon[many],
            agg.lat[many],
            s=diameter**2,
            marker="o",
            facecolors=AGGREGATE_FILL,
            edgecolors="white",
            linewidths=1.2 * scale,
            alpha=0.92,
            zorder=10.5,
        )
        centres = ax.transData.transform(np.column_stack([agg.lon[many], agg.lat[many]]))
        for x, y, n, d, lo, la in zip(
            centres[:, 0],
            centres[:, 1],
            counts,
            diameter,
            agg.lon[many],
            agg.lat[many],
            strict=True,
        ):
            text = compact_number(int(n), lang=lang)
            ax.text(
                lo,
                la,
                text,
                ha="center",
                va="center",
                fontsize=float(min(8.5 * scale, max(5.5 * scale, 1.5 * d / max(len(text), 2)))),
                fontweight="bold",
                color=AGGREGATE_TEXT,
                zorder=10.6,
                clip_on=True,
            )
            half = d * px_per_pt / 2
            boxes.append(Bbox.from_extents(x - half, y - half, x + half, y + half))
    return boxes


def draw_incidents(ax, incidents, scale: float, *, lang: str = DEFAULT_LANGUAGE) -> list[Bbox]:
    """Each incident as its category's marker (hollow when unconfirmed). Incidents at one
    place sit on a small ring around it, joined to it by a thin line, so Onsong's five are five
    symbols. Above ``AGGREGATE_ABOVE`` incidents fanning would cover the map:
    ``draw_aggregates`` says how many instead. Returns the symbols' boxes in pixels (for
    label placement)."""
    if not len(incidents):
        return []
    if len(incidents) > AGGREGATE_ABOVE:
        return draw_aggregates(ax, incidents, scale, lang=lang)
    categories = incidents["category"].to_numpy()
    hollow = (incidents["confidence"] == "unconfirmed").to_numpy()
    lon0 = incidents["longitude"].to_numpy(dtype=float)
    lat0 = incidents["latitude"].to_numpy(dtype=float)
    size_pt = 11 * scale
    fan = vague_snapshot.fan_offsets(incidents, size_pt * 1.1)
    shift = vague_snapshot.points_to_data(ax, fan)
    lon, lat = lon0 + shift[:, 0], lat0 + shift[:, 1]
    moved = np.flatnonzero((fan != 0).any(axis=1))
    for i in moved:
        ax.plot(
            [lon0[i], lon[i]], [lat0[i], lat[i]], color=INK_FAINT, linewidth=0.6 * scale, zorder=9
        )
    if len(moved):
        ax.scatter(lon0[moved], lat0[moved], s=(2.2 * scale) ** 2, color=TEXT, zorder=9.5)
    _draw_symbols(ax, lon, lat, categories, hollow, size_pt, scale)
    half = size_pt * ax.figure.dpi / 72 / 2
    centres = ax.transData.transform(np.column_stack([lon, lat]))
    return [Bbox.from_extents(x - half, y - half, x + half, y + half) for x, y in centres]


def _halo(scale: float) -> list:
    """A white outline that keeps text readable over symbols and lines."""
    return [patheffects.withStroke(linewidth=3 * scale, foreground="white")]


def route_linestyle(status: str):
    """Matplotlib line style of a route status, shared by the map and its legend."""
    return {"intended": (0, (6, 4)), "alleged": (0, (1.5, 3))}.get(status, "-")
