"""The frames of a timeline clip as pixels: the snapshot's map, drawn once, with only the
incident layers and the captions redrawn for each step.

Drawing the basemap (coastlines, provinces), the place labels, the legend, the scale bar and
the credit line is most of a snapshot's cost, and none of it changes from step to step. So the
still part is drawn once and kept as a pixel copy (matplotlib's blitting): each frame restores
that copy, draws the step's symbols, areas and captions on top, and reads the pixels out.
``blit=False`` redraws everything for every frame instead; the benchmark
(``python -m benchmarks motion``) compares the two.
"""

from __future__ import annotations

import math
from collections.abc import Iterator

import geopandas as gpd
import matplotlib
import numpy as np
import pandas as pd
from matplotlib import patheffects
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from dashboard.export.extent import fitted_extent
from dashboard.export.fonts import font_rc
from dashboard.export.legend import legend_handles
from dashboard.export.mapdraw import draw_map, north_arrow, scale_bar
from dashboard.export.motion import Frame, MotionPlan, count_lines, undated_note, vague_note
from dashboard.export.spec import SnapshotSpec, credit_line
from dashboard.export.symbols import draw_incidents, draw_uncertainty
from dashboard.placenames import place_label
from dashboard.vague import snapshot as vague_snapshot
from dashboard.vague.areas import AREA, AREA_KINDS, POINT, area_groups, drawn_as
from dashboard.vague.labels import distinct_spots
from dashboard.vocab import INK_MUTED, INK_SECONDARY, MOTION_FORMATS, TEXT

# Inches across a frame: type is set in points, so a narrower page makes the small GIF's
# words relatively larger (readable in a chat app), the 1080p frame's finer.
PAGE_WIDTH_IN = {"mp4": 12.0, "gif": 9.0}
HEADER, FOOTER, PANEL = 0.14, 0.085, 0.25
TRACK = "#d9d9d9"  # the unfilled part of the clip's progress track


def _halo(scale: float) -> list:
    return [patheffects.withStroke(linewidth=3 * scale, foreground="white")]


class ClipCanvas:
    """One figure for a whole clip: the still part drawn once, a frame drawn per step."""

    def __init__(
        self,
        plan: MotionPlan,
        places: gpd.GeoDataFrame,
        spec: SnapshotSpec,
        fmt: str,
        blit: bool = True,
        made=None,
    ) -> None:
        self.plan, self.places, self.blit = plan, places, blit
        self.lang = spec.lang
        width_px, height_px = MOTION_FORMATS[fmt]
        width_in = PAGE_WIDTH_IN[fmt]
        self.size = (width_px, height_px)
        with matplotlib.rc_context(font_rc()):
            self._draw_still(spec, width_in, width_px / width_in, height_px, made)

    def _draw_still(self, spec: SnapshotSpec, width_in: float, dpi: float, height_px, made):
        plan = self.plan
        self.fig = fig = Figure(figsize=(width_in, height_px / dpi), dpi=dpi)
        self.canvas = FigureCanvasAgg(fig)
        self.scale = scale = 1.0
        map_w = 1 - PANEL - 0.015
        self.ax = ax = fig.add_axes((0.015, FOOTER, map_w, 1 - HEADER - FOOTER))
        fig_w, fig_h = fig.get_size_inches()
        map_aspect = (map_w * fig_w) / ((1 - HEADER - FOOTER) * fig_h)
        no_routes = gpd.GeoDataFrame(
            {"unknown_end": pd.Series(dtype=str), "status": pd.Series(dtype=str)},
            geometry=gpd.GeoSeries([], crs="EPSG:4326"),
        )
        self.extent = extent = spec.extent or fitted_extent(
            plan.incidents, no_routes, map_aspect, self.places
        )
        self.kx = math.cos(math.radians((extent[1] + extent[3]) / 2))
        # point or area, decided once for the whole clip (frames pick their rows from it)
        self.how = drawn_as(plan.incidents, self.places).to_numpy()
        self.anchors: dict[str, tuple[float, float]] = {}
        draw_map(
            ax, plan.incidents.iloc[0:0], no_routes, self.places, extent, scale, lang=self.lang
        )
        self._label_places(ax, scale)
        scale_bar(ax, extent, 9 * scale, lang=self.lang)
        north_arrow(ax, extent, 9 * scale, lang=self.lang)
        fig.text(0.015, 0.975, spec.title, fontsize=18 * scale, fontweight="bold", va="top")
        fig.text(0.015, 0.905, spec.subtitle, fontsize=9.5 * scale, va="top", color=INK_SECONDARY)
        handles = legend_handles(plan.incidents, no_routes, self.places, lang=self.lang)
        left = 1 - PANEL + 0.01
        if handles:
            fig.legend(
                handles=handles,
                loc="lower left",
                bbox_to_anchor=(left, FOOTER),
                fontsize=8 * scale,
                frameon=False,
                alignment="left",
                borderaxespad=0,
            )
        fig.text(
            0.015,
            0.012,
            credit_line(plan.incidents, made, lang=self.lang),
            fontsize=7 * scale,
            color=INK_MUTED,
        )
        notes = [undated_note(plan.undated, lang=self.lang)] if plan.undated else []
        if plan.mode == "moving":
            notes.append(vague_note(lang=self.lang))
        fig.text(
            0.015,
            0.045,
            ". ".join(notes) + ("." if notes else ""),
            fontsize=7 * scale,
            color=INK_MUTED,
        )
        # The words that change with each step: drawn per frame, never into the still copy.
        self.caption = fig.text(
            left,
            1 - HEADER + 0.005,
            "",
            fontsize=24 * scale,
            fontweight="bold",
            va="top",
            color=TEXT,
        )
        # Where the step is in the clip: a track from the first step to the last, filled so far.
        track_y, track_w = 1 - HEADER - 0.085, PANEL - 0.04
        fig.add_artist(
            Rectangle((left, track_y), track_w, 0.008, transform=fig.transFigure, color=TRACK)
        )
        self.done = Rectangle((left, track_y), 0, 0.008, transform=fig.transFigure, color=TEXT)
        fig.add_artist(self.done)
        ends = (plan.frames[0].caption, plan.frames[-1].caption)
        for x, words, ha in ((left, ends[0], "left"), (left + track_w, ends[1], "right")):
            fig.text(
                x, track_y - 0.006, words, fontsize=7 * scale, color=INK_MUTED, ha=ha, va="top"
            )
        self.counts = fig.text(
            left,
            1 - HEADER - 0.135,
            "",
            fontsize=10.5 * scale,
            va="top",
            color=TEXT,
            linespacing=1.5,
        )
        for artist in (self.caption, self.counts, self.done):
            artist.set_animated(self.blit)
        self.canvas.draw()
        self.background = self.canvas.copy_from_bbox(fig.bbox) if self.blit else None

    def _label_places(self, ax, scale: float) -> None:
        """Name every place that any step shows, once, clear of where its symbols will be."""
        incidents = self.plan.incidents
        points = incidents[self.how == POINT]
        before = set(ax.get_children())
        boxes = draw_incidents(ax, points, scale, lang=self.lang)  # only to know where symbols fall
        for artist in set(ax.get_children()) - before:
            artist.remove()
        style = {"fontsize": 8 * scale, "color": INK_SECONDARY}
        shown = set(points.get("place_id", pd.Series(dtype=str)))
        items = [
            ((place["longitude"], place["latitude"]), place_label(place, lang=self.lang), style)
            for pid, place in self.places.iterrows()
            if pid in shown and place["kind"] not in AREA_KINDS
        ]
        vague_snapshot.place_labels(ax, items, boxes, scale)
        ax.set_xlim(self.extent[0], self.extent[2])
        ax.set_ylim(self.extent[1], self.extent[3])

    def _area_anchor(self, group) -> tuple[float, float]:
        """Where an area's count goes: found once per area for the whole clip, clear of the
        symbols the clip shows, so the label stays put from step to step."""
        if group.key not in self.anchors:
            points = self.plan.incidents[self.how == POINT]
            avoid = distinct_spots(points["longitude"], points["latitude"])
            self.anchors[group.key] = vague_snapshot.area_label_anchor(group, self.extent, avoid)
        return self.anchors[group.key]

    def _draw_step(self, frame: Frame) -> list:
        """The step's incident layers (areas, uncertainty circles, symbols, area counts)."""
        ax, scale = self.ax, self.scale
        incidents = self.plan.incidents.iloc[frame.rows]
        before = set(ax.get_children())
        if len(incidents):
            how = self.how[frame.rows]
            points = incidents[how == POINT]
            groups = area_groups(incidents[how == AREA], self.places, lang=self.lang)
            vague_snapshot.draw_areas(ax, groups, scale)
            draw_uncertainty(ax, points, self.kx, scale)
            draw_incidents(ax, points, scale, lang=self.lang)
            for g in groups:
                ax.text(
                    *self._area_anchor(g),
                    g.title,
                    fontsize=7.5 * scale,
                    fontstyle="italic",
                    color=TEXT,
                    ha="center",
                    zorder=12,
                    # a plain box, not the snapshot's halo: a halo is drawn as paths, 10× slower
                    bbox={"facecolor": "white", "edgecolor": "none", "alpha": 0.8, "pad": 1.5},
                )
        self.caption.set_text(frame.caption)
        self.counts.set_text("\n".join(count_lines(frame, self.plan.mode, lang=self.lang)))
        first, last = self.plan.frames[0].start, self.plan.frames[-1].end
        share = ((frame.end - first).days + 1) / ((last - first).days + 1)
        self.done.set_width((PANEL - 0.04) * share)
        return [a for a in ax.get_children() if a not in before]

    def frame(self, frame: Frame) -> np.ndarray:
        """The pixels (height × width × RGB) of one step."""
        with matplotlib.rc_context(font_rc()):
            artists = self._draw_step(frame)
            if self.blit:
                self.canvas.restore_region(self.background)
                for artist in sorted(artists, key=lambda a: a.get_zorder()):
                    self.fig.draw_artist(artist)
                for artist in (self.done, self.caption, self.counts):
                    self.fig.draw_artist(artist)
            else:
                self.canvas.draw()
        pixels = np.asarray(self.canvas.buffer_rgba())[:, :, :3].copy()
        for artist in artists:
            artist.remove()
        return pixels

    def close(self) -> None:
        self.fig.clear()


def clip_frames(
    plan: MotionPlan,
    places: gpd.GeoDataFrame,
    spec: SnapshotSpec,
    fmt: str,
    blit: bool = True,
) -> Iterator[np.ndarray]:
    """Each step's frame, in order, drawn as it is asked for (an encoder streams them)."""
    canvas = ClipCanvas(plan, places, spec, fmt, blit=blit)
    try:
        for frame in plan.frames:
            yield canvas.frame(frame)
    finally:
        canvas.close()
