"""Vague places and clean labels in the matplotlib snapshots and the briefing sheet.

Areas are hatched with a count label; legs with an unstated end are dashed and labelled at
that end; incidents at one place are fanned out around it (a thin line to the place), never
hidden under each other; labels are placed so their boxes never intersect (a greedy search
over positions around each anchor, with a leader line when a label has to move away).
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from matplotlib import patheffects
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.patches import PathPatch
from matplotlib.path import Path as MplPath
from matplotlib.transforms import Bbox
from shapely.geometry import LineString

from dashboard.geodesy import arc_points
from dashboard.i18n import DEFAULT_LANGUAGE
from dashboard.vague.areas import AreaGroup
from dashboard.vague.labels import clearance, leg_end_label  # the same words as the live map
from dashboard.vocab import AREA_EDGE, BORDER_HIGHLIGHT, ROUTE_STATUSES

AREA_HATCH = "#8a8a8a"


def _halo(scale: float) -> list:
    return [patheffects.withStroke(linewidth=3 * scale, foreground="white")]


def _polygon_path(geom) -> MplPath:
    """A matplotlib path of a (multi)polygon, holes included."""
    verts, codes = [], []
    for poly in getattr(geom, "geoms", [geom]):
        for ring in [poly.exterior, *poly.interiors]:
            xy = np.asarray(ring.coords)
            verts.append(xy)
            codes += [MplPath.MOVETO] + [MplPath.LINETO] * (len(xy) - 2) + [MplPath.CLOSEPOLY]
    return MplPath(np.concatenate(verts), codes)


def draw_areas(ax, groups: list[AreaGroup], scale: float) -> None:
    """Hatch each area (a border: a thick translucent line), clipped to the view."""
    import shapely

    (x0, x1), (y0, y1) = ax.get_xlim(), ax.get_ylim()
    view = shapely.box(x0 - 1, y0 - 1, x1 + 1, y1 + 1)
    for g in groups:
        geom = shapely.intersection(g.geometry, view)
        if geom.is_empty:
            continue
        if geom.geom_type == "GeometryCollection":  # keep the parts of the kind drawn
            want = "Line" if g.geometry.geom_type.endswith("LineString") else "Polygon"
            parts = [q for q in shapely.get_parts(geom) if want in q.geom_type]
            if not parts:
                continue
            geom = shapely.union_all(parts)
        if geom.geom_type.endswith("LineString"):
            for part in getattr(geom, "geoms", [geom]):
                xs, ys = part.xy
                ax.plot(xs, ys, color=BORDER_HIGHLIGHT, linewidth=6 * scale, alpha=0.45, zorder=3.5)
        else:
            ax.add_artist(  # not add_patch: recomputing data limits of China costs seconds
                PathPatch(
                    _polygon_path(geom),
                    facecolor="none",
                    edgecolor=AREA_HATCH,
                    hatch="////",
                    linewidth=0,
                    alpha=0.55,
                    zorder=1.5,
                )
            )
            ax.add_artist(
                PathPatch(
                    _polygon_path(geom),
                    facecolor="none",
                    edgecolor=AREA_EDGE,
                    linestyle=(0, (5, 3)),
                    linewidth=1.1 * scale,
                    zorder=1.6,
                )
            )


def area_label_anchor(
    g: AreaGroup, extent, avoid: list[tuple[float, float]]
) -> tuple[float, float]:
    """A point of the area inside the view, clear of the incident symbols."""
    import shapely

    minx, miny, maxx, maxy = extent
    view = shapely.box(minx, miny, maxx, maxy)
    geom = g.geometry
    if geom.geom_type.endswith("LineString"):
        part = shapely.intersection(geom, view)
        if part.is_empty:
            part = geom
        merged = shapely.line_merge(part) if part.geom_type != "LineString" else part
        longest = max(getattr(merged, "geoms", [merged]), key=lambda p: p.length)
        p = longest.interpolate(0.5, normalized=True)
        return p.x, p.y
    inside = shapely.intersection(geom, view.buffer(-(maxx - minx) * 0.05))
    if inside.is_empty:
        inside = geom
    mid = inside.representative_point()
    w, s, e, n = inside.bounds
    steps = 14
    candidates = [mid] + [
        shapely.Point(w + (e - w) * (i + 0.5) / steps, s + (n - s) * (j + 0.5) / steps)
        for i in range(steps)
        for j in range(steps)
    ]
    candidates = [c for c in candidates if inside.contains(c)] or [mid]
    reach = (maxx - minx) * 0.12
    cx = np.array([c.x for c in candidates])
    cy = np.array([c.y for c in candidates])
    pts = np.asarray(avoid, dtype=float).reshape(-1, 2)
    # one grid of the symbols near the candidates, however many incidents (labels.clearance)
    clear = clearance(cx, cy, pts, cap=reach)
    score = clear - 0.05 * np.hypot(cx - mid.x, cy - mid.y)
    best = candidates[int(np.argmax(score))]  # the first of equal scores, as max() chose
    return best.x, best.y


def draw_vague_legs(
    ax, legs: pd.DataFrame, places, scale: float, *, lang: str = DEFAULT_LANGUAGE
) -> list[tuple[tuple[float, float], str]]:
    """Dashed legs with an unstated end; returns the end labels (in the reader's language)
    to place."""
    labels = []
    for _, leg in legs.iterrows():
        status = ROUTE_STATUSES[leg["status"]]
        geom = leg.geometry
        for part in getattr(geom, "geoms", [geom]):
            xs, ys = part.xy
            if leg["mode"] == "flight" and len(xs) == 2:  # flights read as arcs, as elsewhere
                arc = arc_points((ys[0], xs[0]), (ys[1], xs[1]))
                xs, ys = [p[1] for p in arc], [p[0] for p in arc]
                geom = LineString(list(zip(xs, ys, strict=True)))
            ax.plot(
                xs,
                ys,
                color=status.colour,
                linewidth=2.0 * scale,
                linestyle=(0, (4, 2.5)),
                zorder=5,
            )
        if leg["unknown_end"] != "both" and geom.geom_type == "LineString":
            (x0, y0), (x1, y1) = geom.coords[-2], geom.coords[-1]
            ax.annotate(
                "",
                xy=(x1, y1),
                xytext=(x0 + (x1 - x0) * 0.6, y0 + (y1 - y0) * 0.6),
                arrowprops={
                    "arrowstyle": "-|>",
                    "color": status.colour,
                    "lw": 0,
                    "mutation_scale": 14 * scale,
                },
                zorder=6,
            )
        label = leg_end_label(leg.drop("geometry"), places, geom, lang=lang)
        if label:
            (lat, lon), text = label
            labels.append(((lon, lat), text))
    return labels


def fan_offsets(frame: pd.DataFrame, step_pt: float) -> np.ndarray:
    """Offsets in points so incidents at one place sit on a small ring around it."""
    keys = list(zip(frame["latitude"].round(3), frame["longitude"].round(3), strict=True))
    counts = pd.Series(keys).value_counts().to_dict()
    seen: dict[tuple, int] = {}
    out = np.zeros((len(keys), 2))
    for i, key in enumerate(keys):
        n, k = counts[key], seen.get(key, 0)
        seen[key] = k + 1
        if n == 1:
            continue
        angle = 2 * math.pi * k / n + math.pi / 2
        r = step_pt * max(1.0, n / 4)
        out[i] = (r * math.cos(angle), r * math.sin(angle))
    return out


def points_to_data(ax, offsets_pt: np.ndarray) -> np.ndarray:
    """Convert offsets in points to data units for the axes' current limits."""
    fig = ax.figure
    box = ax.get_window_extent()
    x0, x1 = ax.get_xlim()
    y0, y1 = ax.get_ylim()
    px_per_pt = fig.dpi / 72
    return np.column_stack(
        [
            offsets_pt[:, 0] * px_per_pt * (x1 - x0) / box.width,
            offsets_pt[:, 1] * px_per_pt * (y1 - y0) / box.height,
        ]
    )


def _overlaps_any(box: Bbox, others: np.ndarray) -> bool:
    """Whether ``box`` overlaps any of ``others`` (rows x0, y0, x1, y1; ordered boxes, as
    ``Bbox.from_bounds`` makes them), touching edges included, as ``Bbox.overlaps`` counts it."""
    if not len(others):
        return False
    x0, y0, x1, y1 = box.extents
    return bool(
        (
            (x0 <= others[:, 2])
            & (others[:, 0] <= x1)
            & (y0 <= others[:, 3])
            & (others[:, 1] <= y1)
        ).any()
    )


def place_labels(
    ax,
    items: list[tuple[tuple[float, float], str, dict]],
    obstacles_px: list[Bbox],
    scale: float,
) -> list:
    """Place each label near its anchor so no two label boxes (nor a label and an obstacle,
    such as a symbol) intersect. Tries positions around the anchor at growing distances and
    draws a thin leader line when the label ends up away from it. Returns the Text artists.
    """
    fig = ax.figure
    if not hasattr(fig.canvas, "get_renderer"):  # a server may have left pyplot on no backend
        FigureCanvasAgg(fig)
    renderer = fig.canvas.get_renderer()
    axes_box = ax.get_window_extent()
    placed: list[Bbox] = []
    # boxes as arrays (x0, y0, x1, y1): one vectorised test per candidate, however many
    # symbols and aggregates the map has
    blocked = np.array([b.extents for b in obstacles_px], dtype=float).reshape(-1, 4)
    placed_arr = np.empty((len(items), 4))
    texts = []
    pad = 2 * scale * fig.dpi / 72
    for (x, y), text, style in items:
        ax_x, ax_y = ax.transData.transform((x, y))
        if not axes_box.contains(ax_x, ax_y):
            continue
        probe = ax.text(x, y, text, zorder=12, path_effects=_halo(scale), **style)
        box = probe.get_window_extent(renderer)
        w, h = box.width + pad, box.height + pad
        best = None
        for ring in (1.0, 2.0, 3.2, 4.6, 6.5, 9.0):
            d = ring * 9 * scale * fig.dpi / 72
            for ang in (20, -20, 160, 200, 90, 270, 55, 125, 235, 305, 0, 180):
                cx = ax_x + d * math.cos(math.radians(ang))
                cy = ax_y + d * math.sin(math.radians(ang))
                # anchor the box on its near side
                left = cx if math.cos(math.radians(ang)) >= -0.01 else cx - w
                if abs(math.cos(math.radians(ang))) < 0.2:
                    left = cx - w / 2
                bottom = cy if math.sin(math.radians(ang)) >= 0 else cy - h
                cand = Bbox.from_bounds(left, bottom, w, h)
                if not (
                    axes_box.x0 <= cand.x0
                    and cand.x1 <= axes_box.x1
                    and axes_box.y0 <= cand.y0
                    and cand.y1 <= axes_box.y1
                ):
                    continue
                if _overlaps_any(cand, placed_arr[: len(placed)]) or _overlaps_any(cand, blocked):
                    continue
                best = (cand, ring)
                break
            if best:
                break
        if best is None:
            probe.remove()
            continue
        cand, ring = best
        inv = ax.transData.inverted()
        tx, ty = inv.transform((cand.x0 + pad / 2, cand.y0 + pad / 2))
        probe.set_position((tx, ty))
        probe.set_ha("left")
        probe.set_va("bottom")
        placed_arr[len(placed)] = cand.extents
        placed.append(cand)
        texts.append(probe)
        if ring > 1.5:
            near = (min(max(ax_x, cand.x0), cand.x1), min(max(ax_y, cand.y0), cand.y1))
            lx, ly = inv.transform(near)
            ax.plot([x, lx], [y, ly], color="#777", linewidth=0.6 * scale, zorder=11)
    return texts
