"""The map of a snapshot or sheet on a matplotlib axes: basemap, vague areas, routes,
incidents, labels that never overlap, an inset where symbols crowd, the scale bar and the
north arrow."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import shapely
from matplotlib.patches import FancyArrowPatch, Rectangle
from matplotlib.transforms import Bbox

from dashboard.data import basemap
from dashboard.export.extent import dense_box
from dashboard.export.symbols import draw_incidents, draw_uncertainty, route_linestyle
from dashboard.geodesy import arc_points
from dashboard.i18n import DEFAULT_LANGUAGE, translator
from dashboard.placenames import place_label
from dashboard.vague import snapshot as vague_snapshot
from dashboard.vague.areas import AREA, AREA_KINDS, POINT, area_groups, drawn_as
from dashboard.vague.labels import distinct_spots
from dashboard.vocab import (
    BORDER,
    INK_MUTED,
    INK_SECONDARY,
    LAND,
    MAP_FRAME,
    ROUTE_STATUSES,
    SEA,
    SNAPSHOT_PROVINCE_BORDER,
    TEXT,
)


def scale_bar(ax, extent, fontsize: float, inset=None, *, lang: str = DEFAULT_LANGUAGE) -> None:
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
    ax.add_patch(Rectangle((x0, lat), length, (maxy - miny) * 0.006, color=TEXT, zorder=20))
    ax.text(
        x0 + length / 2,
        lat + (maxy - miny) * 0.015,
        translator(lang).gettext("{n} km", n=translator(lang).number(nice)),
        ha="center",
        va="bottom",
        fontsize=fontsize,
        zorder=20,
    )


def north_arrow(ax, extent, fontsize: float, *, lang: str = DEFAULT_LANGUAGE) -> None:
    """An arrow pointing north with an N (or the language's letter for north), in the upper
    right corner."""
    minx, miny, maxx, maxy = extent
    x = maxx - (maxx - minx) * 0.04
    y0, y1 = maxy - (maxy - miny) * 0.16, maxy - (maxy - miny) * 0.06
    ax.add_patch(
        FancyArrowPatch(
            (x, y0),
            (x, y1),
            arrowstyle="-|>",
            mutation_scale=fontsize * 2.2,
            color=TEXT,
            zorder=20,
        )
    )
    ax.text(
        x,
        y1 + (maxy - miny) * 0.01,
        translator(lang).gettext("N"),
        ha="center",
        va="bottom",
        fontsize=fontsize * 1.2,
        fontweight="bold",
        zorder=20,
    )


def draw_map(
    ax,
    incidents,
    routes,
    places,
    extent,
    scale: float = 1.0,
    inset: tuple[tuple[float, float, float, float], tuple[float, float, float, float]]
    | None = None,
    reserve_corners: bool = True,
    *,
    lang: str = DEFAULT_LANGUAGE,
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
    countries.plot(ax=ax, color=LAND, edgecolor=BORDER, linewidth=0.6 * scale, zorder=1)
    lines = basemap.province_lines()
    if len(lines):
        lines.plot(
            ax=ax,
            color=SNAPSHOT_PROVINCE_BORDER,
            linewidth=0.4 * scale,
            linestyle=(0, (3, 3)),
            zorder=2,
        )
    how = drawn_as(incidents, places)
    points = incidents[how == POINT] if len(incidents) else incidents
    groups = area_groups(incidents[how == AREA], places, lang=lang) if len(incidents) else []
    vague = (
        routes["unknown_end"].ne("").to_numpy()
        if "unknown_end" in routes and len(routes)
        else np.zeros(len(routes), dtype=bool)
    )
    plain_legs, vague_legs = routes[~vague], routes[vague]
    vague_snapshot.draw_areas(ax, groups, scale)
    draw_uncertainty(ax, points, kx, scale, lang=lang, note=reserve_corners)
    for _, leg in plain_legs.iterrows():
        status = ROUTE_STATUSES[leg["status"]]
        pts = [(lat, lon) for lon, lat in leg.geometry.coords]
        if leg["mode"] == "flight" and len(pts) == 2:
            pts = [tuple(p) for p in arc_points(pts[0], pts[1])]
        xs, ys = [p[1] for p in pts], [p[0] for p in pts]
        dash = route_linestyle(status.key)
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
                markeredgecolor=status.colour,
                markeredgewidth=2.5 * scale,
                zorder=7,
            )
            ax.plot(
                xs[-1],
                ys[-1],
                marker="_",
                markersize=8 * scale,
                color=status.colour,
                markeredgewidth=3 * scale,
                zorder=8,
            )
    end_labels = vague_snapshot.draw_vague_legs(ax, vague_legs, places, scale, lang=lang)
    symbols = draw_incidents(ax, points, scale, lang=lang)
    # Labels: the areas' counts first, then places with incidents or legs, then unstated ends.
    avoid = distinct_spots(points["longitude"], points["latitude"])
    area_style = {"fontsize": 7.5 * scale, "color": TEXT, "fontstyle": "italic"}
    place_style = {"fontsize": 8 * scale, "color": INK_SECONDARY}
    end_style = {"fontsize": 7 * scale, "color": INK_MUTED, "fontstyle": "italic"}
    items = [
        (vague_snapshot.area_label_anchor(g, extent, avoid), g.title, area_style) for g in groups
    ]
    shown_places = (
        set(points.get("place_id", pd.Series(dtype=str)).unique())
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
        items.append(
            ((place["longitude"], place["latitude"]), place_label(place, lang=lang), place_style)
        )
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
                edgecolor=TEXT,
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
        spine.set_edgecolor(MAP_FRAME)


CORNER_GRID = (48, 27)  # cells across and down the map when an inset's corner is chosen
INSET_SIZES = (1.0, 0.9, 0.8, 0.7)  # an inset's size tried in a corner, largest first


def draw_with_inset(
    ax, incidents, routes, places, extent, scale: float, *, lang: str = DEFAULT_LANGUAGE
) -> tuple[float, float, float, float] | None:
    """The map, plus an inset of the dense area where there is one, in the emptiest corner."""
    box = dense_box(incidents, places, extent)
    if box is None:
        draw_map(ax, incidents, routes, places, extent, scale, lang=lang)
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
    points = incidents[drawn_as(incidents, places) == POINT] if len(incidents) else incidents
    xs = points["longitude"].to_numpy(float) if len(points) else np.array([])
    ys = points["latitude"].to_numpy(float) if len(points) else np.array([])
    if len(routes):
        coords = shapely.get_coordinates(routes.geometry.values)
        xs, ys = np.concatenate([xs, coords[:, 0]]), np.concatenate([ys, coords[:, 1]])
    fx, fy = (xs - minx) / (maxx - minx), (ys - miny) / (maxy - miny)
    # What a corner would hide: the symbols there, not the incidents (a corner over one circle
    # of 25,000 hides less than one over thirty circles of a hundred). A cell of a fine grid
    # stands for a symbol; incidents break ties. Areas are drawn as areas, not at their points.
    cells = np.unique(
        np.floor(np.clip(fx, 0, 0.999) * CORNER_GRID[0]) * CORNER_GRID[1]
        + np.floor(np.clip(fy, 0, 0.999) * CORNER_GRID[1])
    )
    cfx = (cells // CORNER_GRID[1] + 0.5) / CORNER_GRID[0]
    cfy = (cells % CORNER_GRID[1] + 0.5) / CORNER_GRID[1]
    inside = (fx >= 0) & (fx <= 1) & (fy >= 0) & (fy <= 1)
    bfx0, bfx1 = (bx0 - minx) / (maxx - minx), (bx1 - minx) / (maxx - minx)
    bfy0, bfy1 = (by0 - miny) / (maxy - miny), (by1 - miny) / (maxy - miny)
    best = None
    corners = ((1, 0), (0, 0), (0, 1), (1, 1))  # lower right, lower left, upper left, upper right
    for right, top in corners:
        for size in INSET_SIZES:  # a little smaller rather than over the area it enlarges
            iw, ih = w * size, h * size
            cx = 0.985 - iw if right else 0.015
            cy = 0.985 - ih if top else 0.015
            if cx + iw < bfx0 or cx > bfx1 or cy + ih < bfy0 or cy > bfy1:
                break
        else:
            continue  # never cover the area the inset enlarges
        hidden = int(((cfx >= cx) & (cfx <= cx + iw) & (cfy >= cy) & (cfy <= cy + ih)).sum())
        under = inside & (fx >= cx) & (fx <= cx + iw) & (fy >= cy) & (fy <= cy + ih)
        crowd = (hidden, int(under.sum()))
        if best is None or crowd < best[0]:
            best = (crowd, (cx, cy, iw, ih))
    if best is None:
        draw_map(ax, incidents, routes, places, extent, scale, lang=lang)
        return None
    rect = best[1]
    draw_map(ax, incidents, routes, places, extent, scale, inset=(box, rect), lang=lang)
    inner = ax.inset_axes(rect, zorder=30)
    draw_map(inner, incidents, routes, places, box, scale * 0.85, reserve_corners=False, lang=lang)
    for spine in inner.spines.values():
        spine.set_edgecolor(TEXT)
        spine.set_linewidth(1.2 * scale)
    return rect
