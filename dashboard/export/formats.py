"""Every export format behind one entry point (``render``), the data exports (CSV with
citations, GeoJSON, the standalone HTML map), their mime types, and writing a file safely."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import geopandas as gpd
import pandas as pd
import shapely.geometry

from dashboard.export.alttext import alt_text
from dashboard.export.sheet import briefing_sheet
from dashboard.export.snapshot import snapshot
from dashboard.export.spec import (
    DERIVED_COLUMNS,
    FORMATS,
    ExportError,
    SnapshotSpec,
    public_columns,
)
from dashboard.i18n import DEFAULT_LANGUAGE
from dashboard.vague.areas import AREA, area_groups, drawn_as
from dashboard.vocab import ROUTE_MODES


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


def standalone_html(
    incidents, routes, places, title: str, *, lang: str = DEFAULT_LANGUAGE
) -> bytes:
    """The interactive map as one HTML file that opens offline (assets inlined), in ``lang``:
    the page's language, its title, and the map's text description as the page's meta
    description and the map's accessible description (a hidden paragraph the map names with
    aria-describedby; it stays interactive, so it is a labelled region, not an image)."""
    from dashboard.htmlsafe import esc
    from dashboard.map import assets
    from dashboard.map.build import MapOptions, build_map

    described = alt_text(incidents, routes, places, title, lang=lang)
    m = build_map(incidents, routes, places, MapOptions(lang=lang), asset_base=None)
    html = assets.standalone_html(m)
    head = f'<head><title>{esc(title)}</title><meta name="description" content="{esc(described)}">'
    html = html.replace("<head>", head, 1)
    html = re.sub(r"<html\b[^>]*>", f'<html lang="{esc(lang)}">', html, count=1)
    html = re.sub(
        r'(<div class="folium-map" id="(map_[0-9a-f]+)")',
        rf'<p id="export-alt-text" hidden>{esc(described)}</p>\1 role="region" '
        rf'aria-label="{esc(title)}" aria-describedby="export-alt-text"',
        html,
        count=1,
    )
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
        return standalone_html(incidents, routes, places, spec.title, lang=spec.lang)
    if fmt == "pdf" and sheet:
        return briefing_sheet(incidents, routes, places, spec.title, spec.subtitle, lang=spec.lang)
    return snapshot(incidents, routes, places, spec, fmt)


def mime_type(fmt: str) -> str:
    """The media type a download of the format is served with."""
    return {
        "png": "image/png",
        "svg": "image/svg+xml",
        "pdf": "application/pdf",
        "html": "text/html",
        "csv": "text/csv",
        "geojson": "application/geo+json",
    }[fmt]
