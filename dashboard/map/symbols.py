"""The incident symbol: each category's shape and colour as inline SVG, shared by the map's
icons, its legend, its popups and the app's record cards."""

from __future__ import annotations

from dashboard.vocab import CATEGORIES, HOLLOW_FILL, MARKER_OUTLINE, SHAPES


def marker_svg(
    category: str, size: int = 22, hollow: bool = False, stroke: str = MARKER_OUTLINE
) -> str:
    """The category's shape as inline SVG, shared by the map and the legend."""
    cat = CATEGORIES[category]
    shape = SHAPES[cat.shape]
    fill = HOLLOW_FILL if hollow else cat.colour
    width = 2.5 if hollow else 1.2
    edge = cat.colour if hollow else stroke
    body = (
        f'<circle cx="10" cy="10" r="8.5" fill="{fill}" stroke="{edge}" stroke-width="{width}"/>'
        if not shape.svg_points
        else f'<polygon points="{shape.svg_points}" fill="{fill}" stroke="{edge}" '
        f'stroke-width="{width}" stroke-linejoin="round"/>'
    )
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{size}" height="{size}" '
        f'viewBox="-1 -1 22 22" aria-hidden="true">{body}</svg>'
    )
