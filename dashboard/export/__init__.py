"""Exports for reports: print-ready snapshots, a briefing sheet, a standalone map, data.

Snapshots are drawn with geopandas/matplotlib on the shipped Natural Earth basemap,
so they work offline on any machine without a browser. Each carries its own title,
a subtitle stating the filters, the legend from the declared styles, a scale bar,
a north arrow and a credit line; data exports carry the citations and never the
columns marked internal.

Modules: ``spec`` (the request, public columns, credit line), ``extent`` (what the map
shows), ``symbols`` and ``mapdraw`` (the map on a matplotlib axes), ``legend``,
``snapshot`` (the image), ``sheet`` (the A4 briefing), ``formats`` (every format behind
``render``, data files, mime types, writing safely), ``fonts`` (Noto Sans CJK for every
text), ``wrap`` (lines fitted by width), ``alttext`` (the text description every image
carries), ``svgtext`` (an SVG's language, title and description).
"""

import matplotlib

matplotlib.use("Agg")  # before anything imports pyplot: exports draw off-screen

from dashboard.export.alttext import alt_text  # noqa: E402
from dashboard.export.extent import fitted_extent  # noqa: E402
from dashboard.export.formats import (  # noqa: E402
    geojson,
    incidents_csv,
    mime_type,
    render,
    standalone_html,
    write_output,
)
from dashboard.export.legend import legend_handles  # noqa: E402
from dashboard.export.sheet import briefing_sheet  # noqa: E402
from dashboard.export.snapshot import snapshot, snapshot_figure  # noqa: E402
from dashboard.export.spec import (  # noqa: E402
    ASPECTS,
    FORMATS,
    ExportError,
    SnapshotSpec,
    credit_line,
    public_columns,
)

__all__ = [
    "ASPECTS",
    "FORMATS",
    "ExportError",
    "SnapshotSpec",
    "alt_text",
    "briefing_sheet",
    "credit_line",
    "fitted_extent",
    "geojson",
    "incidents_csv",
    "legend_handles",
    "mime_type",
    "public_columns",
    "render",
    "snapshot",
    "snapshot_figure",
    "standalone_html",
    "write_output",
]
