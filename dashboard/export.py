"""Exports for reports: print-ready snapshots, a briefing sheet, a standalone map, data.

Snapshots are drawn with geopandas/matplotlib on the shipped Natural Earth basemap,
so they work offline on any machine without a browser. Each carries its own title,
a subtitle stating the filters, the legend from the declared styles, a scale bar,
a north arrow and a credit line; data exports carry the citations and never the
columns marked internal.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import math
import os
import textwrap
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import shapely.geometry  # noqa: E402
from matplotlib import patheffects  # noqa: E402
from matplotlib.backends.backend_pdf import PdfPages  # noqa: E402
from matplotlib.collections import EllipseCollection  # noqa: E402
from matplotlib.colors import to_rgba  # noqa: E402
from matplotlib.lines import Line2D  # noqa: E402
from matplotlib.patches import FancyArrowPatch, Patch, Rectangle  # noqa: E402
from matplotlib.transforms import Bbox  # noqa: E402

from dashboard import basemap  # noqa: E402
from dashboard.mapview import arc_points, date_window_text  # noqa: E402
from dashboard.summary import totals_line  # noqa: E402
from dashboard.vague import snapshot as vague_snapshot  # noqa: E402
from dashboard.vague.areas import (  # noqa: E402
    AREA,
    AREA_KINDS,
    POINT,
    area_groups,
    drawn_as,
    known_bounds,
)
from dashboard.vocab import (  # noqa: E402
    CATEGORIES,
    CONFIDENCE,
    EXPORT_ASPECTS,
    EXPORT_FORMATS,
    INTERNAL_COLUMNS,
    PRECISIONS,
    ROUTE_MODES,
    ROUTE_STATUSES,
    SHAPES,
)

FORMATS = EXPORT_FORMATS
ASPECTS = EXPORT_ASPECTS
DERIVED_COLUMNS = frozenset(
    {"search_text", "actor_groups", "line", "geometry", "date_end_open", "drawn_as"}
)
BASEMAP_BOX = (88.0, 8.0, 142.0, 56.0)  # the clip box of geodata/basemap (see its README)
BASEMAP_CREDIT = "Basemap: Natural Earth (public domain)"
SEA, LAND = "#dbe6ef", "#f5f3ee"


class ExportError(Exception):
    """A user-facing problem with an export request (bad path, bad option)."""


@dataclass(frozen=True)
class SnapshotSpec:
    title: str
    subtitle: str
    aspect: str = "16:9"
    width_px: int = 2400
    dpi: int = 200
    extent: tuple[float, float, float, float] | None = None  # lon_min, lat_min, lon_max, lat_max


def public_columns(frame: pd.DataFrame) -> list[str]:
    """Columns that may leave the project: not internal, not derived."""
    return [c for c in frame.columns if c not in INTERNAL_COLUMNS and c not in DERIVED_COLUMNS]


def credit_line(incidents: pd.DataFrame, made: dt.date | None = None) -> str:
    outlets = sorted(set(incidents["source_outlet"])) if len(incidents) else []
    made = made or dt.date.today()
    sources = "Sources: " + ", ".join(outlets) if outlets else "Sources: none shown"
    return f"{sources}. {BASEMAP_CREDIT}. Made {made:%d %b %Y}."


def fitted_extent(
    incidents: gpd.GeoDataFrame,
    routes: gpd.GeoDataFrame,
    aspect: float,
    places: gpd.GeoDataFrame | None = None,
) -> tuple[float, float, float, float]:
    """What the sources place (never a country's stand-in point: see
    ``vague.areas.known_bounds``), padded and widened to the page's aspect ratio."""
    bounds = known_bounds(incidents, routes, places)
    if bounds is not None:
        minx, miny, maxx, maxy = bounds
    else:
        minx, miny, maxx, maxy = 95.0, 15.0, 135.0, 50.0
    pad = max(2.0, 0.1 * max(maxx - minx, maxy - miny))
    minx, miny, maxx, maxy = minx - pad, miny - pad, maxx + pad, maxy + pad
    mid_lat = (miny + maxy) / 2
    kx = math.cos(math.radians(mid_lat))  # degrees of longitude are shorter
    w, h = (maxx - minx) * kx, maxy - miny
    if w / h < aspect:
        extra = (h * aspect / kx - (maxx - minx)) / 2
        minx, maxx = minx - extra, maxx + extra
    else:
        extra = ((maxx - minx) * kx / aspect - h) / 2
        miny, maxy = miny - extra, maxy + extra
    return _clamp((minx, miny, maxx, maxy))


def _clamp(extent: tuple[float, float, float, float]) -> tuple[float, float, float, float]:
    """Shift (not shrink) the view inside the basemap's clip box where it fits."""
    lo_x, lo_y, hi_x, hi_y = BASEMAP_BOX
    minx, miny, maxx, maxy = extent
    if maxx - minx <= hi_x - lo_x:
        shift = max(0.0, lo_x - minx) - max(0.0, maxx - hi_x)
        minx, maxx = minx + shift, maxx + shift
    if maxy - miny <= hi_y - lo_y:
        shift = max(0.0, lo_y - miny) - max(0.0, maxy - hi_y)
        miny, maxy = miny + shift, maxy + shift
    return minx, miny, maxx, maxy


def _scale_bar(ax, extent, fontsize: float, inset=None) -> None:
    """A scale bar in the lower right, or just left of an inset that holds that corner."""
    minx, miny, maxx, maxy = extent
    lat = miny + (maxy - miny) * 0.06
    km_per_deg = 111.32 * math.cos(math.radians(lat))
    target = (maxx - minx) * km_per_deg / 5
    nice = min((100, 200, 250, 500, 1000, 2000), key=lambda v: abs(v - target))
    length = nice / km_per_deg
    right = 0.96
    if inset is not None and inset[0] > 0.5 and inset[1] < 0.5:  # the inset holds the corner
        right = inset[0] - 0.03
    x0 = minx + (maxx - minx) * right - length
    ax.add_patch(Rectangle((x0, lat), length, (maxy - miny) * 0.006, color="#222", zorder=20))
    ax.text(
        x0 + length / 2,
        lat + (maxy - miny) * 0.015,
        f"{nice:,} km",
        ha="center",
        va="bottom",
        fontsize=fontsize,
        zorder=20,
    )


def _north_arrow(ax, extent, fontsize: float) -> None:
    minx, miny, maxx, maxy = extent
    x = maxx - (maxx - minx) * 0.04
    y0, y1 = maxy - (maxy - miny) * 0.16, maxy - (maxy - miny) * 0.06
    ax.add_patch(
        FancyArrowPatch(
            (x, y0),
            (x, y1),
            arrowstyle="-|>",
            mutation_scale=fontsize * 2.2,
            color="#222",
            zorder=20,
        )
    )
    ax.text(
        x,
        y1 + (maxy - miny) * 0.01,
        "N",
        ha="center",
        va="bottom",
        fontsize=fontsize * 1.2,
        fontweight="bold",
        zorder=20,
    )


def _draw_map(
    ax,
    incidents,
    routes,
    places,
    extent,
    scale: float = 1.0,
    inset: tuple[tuple[float, float, float, float], tuple[float, float, float, float]]
    | None = None,
    reserve_corners: bool = True,
) -> None:
    """The map: basemap, vague areas, routes, incidents (fanned out where several share a
    place) and labels that never overlap. With ``inset`` ((lon/lat box, axes-fraction rect)),
    places in the box are labelled in the inset instead, and no label goes under it."""
    minx, miny, maxx, maxy = extent
    mid_lat = (miny + maxy) / 2
    kx = math.cos(math.radians(mid_lat))
    ax.set_xlim(minx, maxx)  # limits first: fanning and labels work in screen units
    ax.set_ylim(miny, maxy)
    ax.set_aspect(1 / kx)
    ax.apply_aspect()
    ax.set_facecolor(SEA)
    countries = basemap.countries()
    countries.plot(ax=ax, color=LAND, edgecolor="#8a8a8a", linewidth=0.6 * scale, zorder=1)
    lines = basemap.province_lines()
    if len(lines):
        lines.plot(ax=ax, color="#a8a8a8", linewidth=0.4 * scale, linestyle=(0, (3, 3)), zorder=2)
    how = drawn_as(incidents, places)
    points = incidents[how == POINT] if len(incidents) else incidents
    groups = area_groups(incidents[how == AREA], places) if len(incidents) else []
    vague = (
        routes["unknown_end"].ne("").to_numpy()
        if "unknown_end" in routes and len(routes)
        else np.zeros(len(routes), dtype=bool)
    )
    plain_legs, vague_legs = routes[~vague], routes[vague]
    vague_snapshot.draw_areas(ax, groups, scale)
    _draw_uncertainty(ax, points, kx, scale)
    for _, leg in plain_legs.iterrows():
        status = ROUTE_STATUSES[leg["status"]]
        pts = [(lat, lon) for lon, lat in leg.geometry.coords]
        if leg["mode"] == "flight" and len(pts) == 2:
            pts = [tuple(p) for p in arc_points(pts[0], pts[1])]
        xs, ys = [p[1] for p in pts], [p[0] for p in pts]
        dash = _route_linestyle(status.key)
        ax.plot(
            xs,
            ys,
            color=status.colour,
            linewidth=2.2 * scale,
            linestyle=dash,
            zorder=5,
            solid_capstyle="round",
        )
        mid = len(xs) // 2
        ax.annotate(
            "",
            xy=(xs[mid], ys[mid]),
            xytext=(xs[mid - 1], ys[mid - 1]) if mid else (xs[0], ys[0]),
            arrowprops={
                "arrowstyle": "-|>",
                "color": status.colour,
                "lw": 0,
                "mutation_scale": 16 * scale,
            },
            zorder=6,
        )
        if status.key == "intercepted":
            ax.plot(
                xs[-1],
                ys[-1],
                marker="o",
                markersize=11 * scale,
                markerfacecolor="white",
                markeredgecolor="#CC3311",
                markeredgewidth=2.5 * scale,
                zorder=7,
            )
            ax.plot(
                xs[-1],
                ys[-1],
                marker="_",
                markersize=8 * scale,
                color="#CC3311",
                markeredgewidth=3 * scale,
                zorder=8,
            )
    end_labels = vague_snapshot.draw_vague_legs(ax, vague_legs, places, scale)
    symbols = _draw_incidents(ax, points, scale)
    # Labels: the areas' counts first, then places with incidents or legs, then unstated ends.
    avoid = list(zip(points["longitude"], points["latitude"], strict=True)) if len(points) else []
    area_style = {"fontsize": 7.5 * scale, "color": "#222", "fontstyle": "italic"}
    place_style = {"fontsize": 8 * scale, "color": "#333"}
    end_style = {"fontsize": 7 * scale, "color": "#444", "fontstyle": "italic"}
    items = [
        (vague_snapshot.area_label_anchor(g, extent, avoid), g.title, area_style) for g in groups
    ]
    shown_places = (
        set(points.get("place_id", pd.Series(dtype=str)))
        | set(plain_legs.get("from_place", []))
        | set(plain_legs.get("to_place", []))
        | {
            pid
            for _, leg in vague_legs.iterrows()
            for pid, end in ((leg["from_place"], "from"), (leg["to_place"], "to"))
            if leg["unknown_end"] not in (end, "both")
        }
    )
    for pid, place in places.iterrows():
        if pid not in shown_places or place["kind"] in AREA_KINDS:
            continue
        items.append(((place["longitude"], place["latitude"]), place["name"], place_style))
    items += [(anchor, text, end_style) for anchor, text in end_labels]
    obstacles = list(symbols)
    if (
        reserve_corners
    ):  # the scale bar (either lower corner) and the north arrow: no label under them
        for fx0, fy0, fx1, fy1 in ((0.3, 0, 1, 0.1), (0.9, 0.75, 1, 1)):
            corners = ax.transAxes.transform([(fx0, fy0), (fx1, fy1)])
            obstacles.append(Bbox(corners))
    if inset is not None:
        (bx0, by0, bx1, by1), (ix, iy, iw, ih) = inset
        items = [it for it in items if not (bx0 <= it[0][0] <= bx1 and by0 <= it[0][1] <= by1)]
        corners = ax.transAxes.transform([(ix, iy), (ix + iw, iy + ih)])
        obstacles.append(Bbox(corners))
        ax.add_patch(
            Rectangle(
                (bx0, by0),
                bx1 - bx0,
                by1 - by0,
                fill=False,
                edgecolor="#222",
                linewidth=1.0 * scale,
                zorder=13,
            )
        )
        (px0, py0), (px1, py1) = ax.transData.transform([(bx0, by0), (bx1, by1)])
        obstacles.append(Bbox.from_extents(px0, py0, px1, py1))
    vague_snapshot.place_labels(ax, items, obstacles, scale)
    ax.set_xlim(minx, maxx)
    ax.set_ylim(miny, maxy)
    ax.set_xticks([])
    ax.set_yticks([])
    ax.set_xlabel("")
    ax.set_ylabel("")
    for spine in ax.spines.values():
        spine.set_edgecolor("#888")


def dense_box(incidents: pd.DataFrame, places, extent) -> tuple[float, float, float, float] | None:
    """Where symbols crowd on a wide map (the Korean peninsula next to Laos and Mongolia):
    a lon/lat box worth an inset, or None."""
    minx, miny, maxx, maxy = extent
    if maxx - minx < 18 or not len(incidents):
        return None
    pts = incidents[drawn_as(incidents, places) == POINT]
    if len(pts) < 5:
        return None
    xy = np.column_stack([pts["longitude"].to_numpy(float), pts["latitude"].to_numpy(float)])
    counts = [int(((abs(xy[:, 0] - x) <= 4) & (abs(xy[:, 1] - y) <= 3.5)).sum()) for x, y in xy]
    best = int(np.argmax(counts))
    if counts[best] < 5 or counts[best] == len(xy):
        return None if counts[best] < 5 else _dense_from(xy, xy[best], extent)
    return _dense_from(xy, xy[best], extent)


def _dense_from(xy, centre, extent):
    near = xy[(abs(xy[:, 0] - centre[0]) <= 4) & (abs(xy[:, 1] - centre[1]) <= 3.5)]
    x0, y0 = near.min(axis=0) - 1.2
    x1, y1 = near.max(axis=0) + 1.2
    if (x1 - x0) > 0.35 * (extent[2] - extent[0]):
        return None
    return float(x0), float(y0), float(x1), float(y1)


def _draw_with_inset(
    ax, incidents, routes, places, extent, scale: float
) -> tuple[float, float, float, float] | None:
    """The map, plus an inset of the dense area where there is one, in the emptiest corner."""
    box = dense_box(incidents, places, extent)
    if box is None:
        _draw_map(ax, incidents, routes, places, extent, scale)
        return None
    minx, miny, maxx, maxy = extent
    ax_w, ax_h = ax.get_position().width, ax.get_position().height
    fig_w, fig_h = ax.figure.get_size_inches()
    ratio = (ax_w * fig_w) / (ax_h * fig_h)  # width / height of the axes on paper
    bx0, by0, bx1, by1 = box
    bkx = math.cos(math.radians((by0 + by1) / 2))
    w = 0.36
    h = w * ratio * (by1 - by0) / ((bx1 - bx0) * bkx)
    if h > 0.55:
        w, h = w * 0.55 / h, 0.55
    xs = incidents["longitude"].to_numpy(float) if len(incidents) else np.array([])
    ys = incidents["latitude"].to_numpy(float) if len(incidents) else np.array([])
    if len(routes):
        coords = shapely.get_coordinates(routes.geometry.values)
        xs, ys = np.concatenate([xs, coords[:, 0]]), np.concatenate([ys, coords[:, 1]])
    fx, fy = (xs - minx) / (maxx - minx), (ys - miny) / (maxy - miny)
    bfx0, bfx1 = (bx0 - minx) / (maxx - minx), (bx1 - minx) / (maxx - minx)
    bfy0, bfy1 = (by0 - miny) / (maxy - miny), (by1 - miny) / (maxy - miny)
    best = None
    for cx, cy in ((0.985 - w, 0.015), (0.015, 0.015), (0.015, 0.985 - h), (0.985 - w, 0.985 - h)):
        if not (cx + w < bfx0 or cx > bfx1 or cy + h < bfy0 or cy > bfy1):
            continue  # never cover the area the inset enlarges
        crowd = int(((fx >= cx) & (fx <= cx + w) & (fy >= cy) & (fy <= cy + h)).sum())
        if best is None or crowd < best[0]:
            best = (crowd, (cx, cy, w, h))
    if best is None:
        _draw_map(ax, incidents, routes, places, extent, scale)
        return None
    rect = best[1]
    _draw_map(ax, incidents, routes, places, extent, scale, inset=(box, rect))
    inner = ax.inset_axes(rect, zorder=30)
    _draw_map(inner, incidents, routes, places, box, scale * 0.85, reserve_corners=False)
    for spine in inner.spines.values():
        spine.set_edgecolor("#222")
        spine.set_linewidth(1.2 * scale)
    return rect


UNCERTAINTY_LIMIT = 20_000  # above this many approximate places, circles are not drawn


def _draw_uncertainty(ax, incidents, kx: float, scale: float) -> None:
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
        ax.text(
            0.01,
            0.01,
            f"Uncertainty circles not drawn: {count:,} incidents have approximate places.",
            transform=ax.transAxes,
            fontsize=7 * scale,
            color="#444",
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


def _draw_incidents(ax, incidents, scale: float) -> list[Bbox]:
    """Each incident as its category's marker (hollow when unconfirmed): one scatter call per
    category and fill. Incidents at one place sit on a small ring around it, joined to it by
    a thin line, so Onsong's five are five symbols. Returns the symbols' boxes in pixels (for
    label placement)."""
    if not len(incidents):
        return []
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
        ax.plot([lon0[i], lon[i]], [lat0[i], lat[i]], color="#555", linewidth=0.6 * scale, zorder=9)
    if len(moved):
        ax.scatter(lon0[moved], lat0[moved], s=(2.2 * scale) ** 2, color="#222", zorder=9.5)
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
                edgecolors=cat.colour if is_hollow else "#1a1a1a",
                linewidths=(2.2 if is_hollow else 0.8) * scale,
                zorder=10,
            )
    if len(incidents) > 2000:  # labels avoid symbols; beyond this, only their extent matters
        return []
    half = size_pt * ax.figure.dpi / 72 / 2
    centres = ax.transData.transform(np.column_stack([lon, lat]))
    return [Bbox.from_extents(x - half, y - half, x + half, y + half) for x, y in centres]


def _halo(scale: float) -> list:
    return [patheffects.withStroke(linewidth=3 * scale, foreground="white")]


def _route_linestyle(status: str):
    """Matplotlib line style of a route status, shared by the map and its legend."""
    return {"intended": (0, (6, 4)), "alleged": (0, (1.5, 3))}.get(status, "-")


def legend_handles(
    incidents: pd.DataFrame, routes: pd.DataFrame, places: gpd.GeoDataFrame | None = None
) -> list[Line2D]:
    """Legend entries drawn from the declared styles, only for what is shown (a category
    only drawn as an area has no symbol on the map, so no symbol in the legend)."""
    handles = []
    symbols = incidents[drawn_as(incidents, places) == POINT] if len(incidents) else incidents
    for key, cat in CATEGORIES.items():
        if key in set(symbols["category"]):
            handles.append(
                Line2D(
                    [],
                    [],
                    marker=SHAPES[cat.shape].mpl_marker,
                    linestyle="none",
                    markerfacecolor=cat.colour,
                    markeredgecolor="#1a1a1a",
                    markersize=9,
                    label=cat.label,
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
                markeredgecolor="#555",
                markeredgewidth=2,
                markersize=9,
                label="Hollow: unconfirmed",
            )
        )
    if len(incidents) and (incidents["geo_precision"] == 4).any():
        handles.append(
            Patch(
                facecolor="white",
                edgecolor="#555",
                hatch="////",
                linestyle=(0, (5, 3)),
                label=textwrap.fill("Hatched: a country; the place there is not stated", 26),
            )
        )
    if len(incidents) and (incidents["geo_precision"] == 3).any():
        handles.append(
            Line2D(
                [],
                [],
                color="#AA4499",
                alpha=0.45,
                linewidth=6,
                label=textwrap.fill("Broad band: a border or region; place not stated", 26),
            )
        )
    if "unknown_end" in routes and routes["unknown_end"].ne("").any():
        handles.append(
            Line2D(
                [],
                [],
                color="#555",
                linewidth=2.2,
                linestyle=(0, (4, 2.5)),
                label=textwrap.fill("Dashed leg: one end not stated (see its label)", 26),
            )
        )
    if len(incidents) and (incidents["geo_precision"] == 2).any():
        handles.append(
            Line2D(
                [],
                [],
                marker="o",
                linestyle="none",
                markerfacecolor="#dddddd",
                markeredgecolor="#777",
                markersize=12,
                label=textwrap.fill("Shaded circle: near a town or within a district", 26),
            )
        )
    for key, status in ROUTE_STATUSES.items():
        if key in set(routes.get("status", [])):
            style = _route_linestyle(key)
            handles.append(
                Line2D(
                    [],
                    [],
                    color=status.colour,
                    linewidth=2.4,
                    linestyle=style,
                    label=textwrap.fill(f"Route: {status.label.lower()}", 26),
                )
            )
    return handles


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
    rect = _draw_with_inset(ax, incidents, routes, places, extent, scale)
    _scale_bar(ax, extent, 9 * scale, rect)
    _north_arrow(ax, extent, 9 * scale)
    fig.text(0.015, 0.975, spec.title, fontsize=20 * scale, fontweight="bold", va="top")
    fig.text(0.015, 0.905, spec.subtitle, fontsize=12 * scale, va="top", color="#333")
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
        0.015, 0.015, credit_line(incidents, made), fontsize=8 * scale, color="#444", va="bottom"
    )
    fig.text(
        0.985,
        0.015,
        totals_line(len(incidents), len(routes)),
        fontsize=8 * scale,
        color="#444",
        va="bottom",
        ha="right",
    )
    return fig


SHEET_SIZE = (8.27, 11.69)  # A4 portrait, inches
_LINE = 1.38  # line height as a multiple of the font size


def _sheet_entry(row: pd.Series, wrap: int) -> list[tuple[str, dict]]:
    """One incident as lines of (text, style): heading, the whole summary, confidence, source."""
    cat = CATEGORIES[row["category"]]
    published = (
        f"{row['source_date']:%d %b %Y}" if pd.notna(row["source_date"]) else "date not stated"
    )
    head = f"{row['date_text']} ({date_window_text(row)}) · {row['location']} · {cat.label}"
    confidence = f"Confidence: {row['confidence']} ({CONFIDENCE[row['confidence']]})"
    wrapped = lambda text, width=wrap - 10: textwrap.wrap(  # noqa: E731
        " ".join(str(text).split()), width, break_long_words=False, break_on_hyphens=False
    )
    lines = [(t, {"fontsize": 7, "fontweight": "bold"}) for t in wrapped(head)]
    lines += [(t, {"fontsize": 7}) for t in wrapped(row["summary"], wrap)]
    style = {"fontsize": 6.6, "color": "#8a1c1c" if row["confidence"] == "unconfirmed" else "#333"}
    if row["confidence"] == "unconfirmed":
        style["fontweight"] = "bold"
    lines += [(t, style) for t in wrapped(confidence)]
    cite = f"{row['source_outlet']}, “{row['source_title']}”, {published}"
    lines += [(t, {"fontsize": 6.3, "color": "#555", "style": "italic"}) for t in wrapped(cite)]
    return lines


def briefing_sheet(
    incidents: gpd.GeoDataFrame,
    routes: gpd.GeoDataFrame,
    places: gpd.GeoDataFrame,
    title: str,
    subtitle: str,
    made: dt.date | None = None,
) -> bytes:
    """An A4 PDF briefing: the map with its legend beside it (covering nothing), then every
    incident of the selection in date order with its whole summary, its confidence stated and
    its citation, continuing on further pages as needed."""
    width_in, height_in = SHEET_SIZE
    left, right, bottom = 0.07, 0.95, 0.045
    pages: list[plt.Figure] = []
    fig = plt.figure(figsize=SHEET_SIZE, dpi=150)
    pages.append(fig)
    fig.text(left, 0.965, title, fontsize=16, fontweight="bold", va="top")
    for k, line in enumerate(textwrap.wrap(subtitle, 110)[:3]):
        fig.text(left, 0.937 - k * 0.014, line, fontsize=9.5, va="top", color="#333")
    ax = fig.add_axes((left, 0.50, 0.64, 0.40))
    extent = fitted_extent(incidents, routes, (0.64 * width_in) / (0.40 * height_in), places)
    rect = _draw_with_inset(ax, incidents, routes, places, extent, 0.6)
    _scale_bar(ax, extent, 6, rect)
    _north_arrow(ax, extent, 6)
    handles = legend_handles(incidents, routes, places)
    if handles:
        fig.legend(
            handles=handles,
            loc="upper left",
            bbox_to_anchor=(left + 0.655, 0.90),
            fontsize=5.6,
            frameon=False,
            title="Legend",
            title_fontsize=6.5,
            alignment="left",
            borderaxespad=0,
            handlelength=2.2,
        )
    ordered = incidents.sort_values(["date_start", "incident_id"], na_position="last")
    y = 0.475
    fig.text(
        left,
        y,
        f"Incidents shown ({len(ordered)})",
        fontsize=10,
        fontweight="bold",
        va="top",
    )
    y -= 0.022
    text_left = left + 0.075
    wrap = 122
    for _, row in ordered.iterrows():
        lines = _sheet_entry(row, wrap)
        need = sum(st["fontsize"] * _LINE for _, st in lines) / 72 / height_in + 0.008
        if y - need < bottom + 0.02:
            fig.text(
                right, bottom - 0.02, "continued overleaf", fontsize=6.5, ha="right", color="#555"
            )
            fig = plt.figure(figsize=SHEET_SIZE, dpi=150)
            pages.append(fig)
            fig.text(left, 0.965, f"{title} (continued)", fontsize=11, fontweight="bold", va="top")
            y = 0.94
        cat = CATEGORIES[row["category"]]
        fig.text(
            left,
            y,
            str(row["incident_id"]),
            fontsize=7,
            fontweight="bold",
            va="top",
            color=cat.colour,
        )
        for text, style in lines:
            fig.text(text_left, y, text, va="top", **style)
            y -= style["fontsize"] * _LINE / 72 / height_in
        y -= 0.008
    for n, page in enumerate(pages, 1):
        page.text(left, bottom - 0.02, credit_line(incidents, made), fontsize=6.5, color="#444")
        if len(pages) > 1:
            page.text(
                right, 0.975, f"page {n} of {len(pages)}", fontsize=6.5, ha="right", color="#555"
            )
    buf = io.BytesIO()
    with (
        matplotlib.rc_context({"pdf.fonttype": 42}),
        PdfPages(buf, metadata={"Title": title}) as pdf,
    ):
        for page in pages:
            pdf.savefig(page)
            plt.close(page)
    return buf.getvalue()


def _clip(text: str, n: int) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= n else text[: n - 1] + "…"


def incidents_csv(incidents: pd.DataFrame) -> bytes:
    """The filtered incidents with their citations, minus internal and derived columns."""
    frame = pd.DataFrame(incidents[public_columns(incidents)]).copy()
    for col in ("date_start", "date_end", "source_date"):
        if col in frame:
            frame[col] = frame[col].dt.strftime("%Y-%m-%d").fillna("")
    return frame.to_csv(index=False).encode("utf-8")


def geojson(
    incidents: gpd.GeoDataFrame, routes: gpd.GeoDataFrame, places: gpd.GeoDataFrame | None = None
) -> bytes:
    """Incidents, route legs and vague areas as one FeatureCollection with citations.

    An incident the map draws as an area (a country, a province, a border) has no point
    geometry here either (``null``, as RFC 7946 allows) and names its area in ``drawn_in``;
    the area is one ``feature_type: "area"`` feature listing its incidents. Route legs carry
    ``unknown_end`` (from, to, both or empty) and ``from_known`` / ``to_known``.
    """
    how = drawn_as(incidents, places)
    groups = area_groups(incidents[how == AREA], places) if len(incidents) else []
    area_of = {iid: g.key for g in groups for iid in g.incident_ids}
    features = []
    for idx, row in incidents.iterrows():
        props = {c: _jsonable(row[c]) for c in public_columns(incidents)}
        props["feature_type"] = "incident"
        props["date_end_stated"] = not bool(row.get("date_end_open", False))
        props["drawn_in"] = area_of.get(row["incident_id"]) if how[idx] == AREA else None
        geometry = None if how[idx] == AREA else row.geometry.__geo_interface__
        features.append({"type": "Feature", "geometry": geometry, "properties": props})
    for g in groups:
        features.append(
            {
                "type": "Feature",
                "geometry": shapely.geometry.mapping(g.geometry),
                "properties": {
                    "feature_type": "area",
                    "area": g.key,
                    "label": g.label,
                    "geo_precision": g.precision,
                    "incident_ids": list(g.incident_ids),
                },
            }
        )
    for _, leg in routes.iterrows():
        props = {c: _jsonable(leg[c]) for c in routes.columns if c not in DERIVED_COLUMNS}
        props["feature_type"] = "route_leg"
        props["mode_label"] = ROUTE_MODES.get(leg["mode"], leg["mode"])
        unknown = str(leg.get("unknown_end", "") or "")
        props["unknown_end"] = unknown
        props["from_known"] = unknown not in ("from", "both")
        props["to_known"] = unknown not in ("to", "both")
        features.append(
            {"type": "Feature", "geometry": leg.geometry.__geo_interface__, "properties": props}
        )
    return json.dumps(
        {"type": "FeatureCollection", "features": features}, ensure_ascii=False, indent=1
    ).encode("utf-8")


def _jsonable(value):
    if isinstance(value, pd.Timestamp):
        return value.strftime("%Y-%m-%d")
    if value is None or (not isinstance(value, (list, tuple, str)) and pd.isna(value)):
        return None
    if hasattr(value, "item"):
        return value.item()
    if isinstance(value, tuple):
        return list(value)
    return value


def standalone_html(incidents, routes, places, title: str) -> bytes:
    """The interactive map as one HTML file that opens offline (assets inlined)."""
    from dashboard import assets
    from dashboard.htmlsafe import esc
    from dashboard.mapview import build_map

    m = build_map(incidents, routes, places, asset_base=None)
    html = assets.standalone_html(m)
    html = html.replace("<head>", f"<head><title>{esc(title)}</title>", 1)
    return html.encode("utf-8")


def write_output(path: Path | str, data: bytes, force: bool = False) -> Path:
    """Write ``data`` to ``path``, refusing to overwrite unless ``force``; clear errors."""
    out = Path(path).expanduser()
    if out.exists() and out.is_dir():
        raise ExportError(f"{out}: is a folder; give a file name")
    if out.exists() and not force:
        raise ExportError(f"{out}: already exists; use --force to overwrite it")
    parent = out.parent if str(out.parent) else Path(".")
    if not parent.is_dir():
        raise ExportError(f"{out}: folder {parent} does not exist")
    if not os.access(parent, os.W_OK):
        raise ExportError(f"{out}: folder {parent} is not writable")
    tmp = out.with_name(f".{out.name}.partial")
    try:
        tmp.write_bytes(data)
        tmp.replace(out)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise ExportError(f"{out}: cannot write: {exc.strerror or exc}") from exc
    return out


def render(
    fmt: str,
    incidents: gpd.GeoDataFrame,
    routes: gpd.GeoDataFrame,
    places: gpd.GeoDataFrame,
    spec: SnapshotSpec,
    sheet: bool = False,
) -> bytes:
    """One entry point for every export format, used by the app and the CLI alike."""
    if fmt not in FORMATS:
        raise ExportError(f"unknown format {fmt!r} (choose from {', '.join(FORMATS)})")
    if fmt == "csv":
        return incidents_csv(incidents)
    if fmt == "geojson":
        return geojson(incidents, routes, places)
    if fmt == "html":
        return standalone_html(incidents, routes, places, spec.title)
    if fmt == "pdf" and sheet:
        return briefing_sheet(incidents, routes, places, spec.title, spec.subtitle)
    return snapshot(incidents, routes, places, spec, fmt)


def mime_type(fmt: str) -> str:
    return {
        "png": "image/png",
        "svg": "image/svg+xml",
        "pdf": "application/pdf",
        "html": "text/html",
        "csv": "text/csv",
        "geojson": "application/geo+json",
    }[fmt]
