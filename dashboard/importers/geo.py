"""Geodata: GeoJSON (read as JSON), KML/KMZ as Google My Maps writes them and GeoPackage
(through pyogrio/GDAL).

Each layer becomes a table whose columns are the features' properties plus ``latitude``
and ``longitude`` from point geometries. A feature that is not a point (a line drawn in My
Maps, a polygon) is kept and reported, never turned into an invented point.

The GDAL bundled with pyogrio 0.13 (GDAL 3.12) has both KML drivers: LIBKML, used here,
reads KML and KMZ directly, gives each My Maps layer (folder) as a layer and each
``<ExtendedData>`` field as a column; the older "KML" driver reads only names and
descriptions.
"""

from __future__ import annotations

import html
import json
import re
import warnings
from pathlib import Path

from dashboard.importers.base import SourceTable, UnreadableFile, cell_text
from dashboard.importers.delimited import read_bytes, table_from_records
from dashboard.problems import Problem

GEO_KINDS = ("geojson", "kml", "kmz", "gpkg")
# Columns LIBKML adds to every layer that describe drawing, not the incident.
KML_DRAWING_COLUMNS = frozenset(
    {"id", "altitudeMode", "tessellate", "extrude", "visibility", "drawOrder", "icon", "styleUrl"}
)
_TAG = re.compile(r"<[^>]+>")
_BREAK = re.compile(r"<br\s*/?>", re.IGNORECASE)


def html_text(text: str) -> str:
    """A KML description (HTML in My Maps) as plain text: breaks become newlines."""
    if "<" not in text and "&" not in text:
        return text
    return html.unescape(_TAG.sub("", _BREAK.sub("\n", text))).strip()


def _point_problem(shown: str, line: int, geom_type: str | None) -> Problem:
    what = f"a {geom_type}" if geom_type else "no geometry"
    return Problem(
        shown,
        line,
        "geometry",
        f"the feature has {what}; only points can be imported as incidents "
        "(give latitude and longitude to place it)",
    )


def read_geojson(path: Path | str) -> list[SourceTable]:
    """A GeoJSON FeatureCollection (or one Feature) as one table, types kept as text."""
    shown = str(path)
    raw = read_bytes(path, "GeoJSON file")
    try:
        doc = json.loads(raw.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise UnreadableFile([Problem(shown, None, None, f"not valid GeoJSON: {exc}")]) from exc
    if isinstance(doc, dict) and doc.get("type") == "Feature":
        features = [doc]
    elif isinstance(doc, dict) and doc.get("type") == "FeatureCollection":
        features = doc.get("features")
    else:
        raise UnreadableFile(
            [Problem(shown, None, None, "not a GeoJSON Feature or FeatureCollection")]
        )
    if not isinstance(features, list) or not features:
        raise UnreadableFile([Problem(shown, None, None, "the GeoJSON has no features")])
    columns: dict[str, None] = {}
    rows: list[dict[str, str]] = []
    problems: list[Problem] = []
    route_legs = 0
    for number, feature in enumerate(features, start=1):
        line = number + 1
        if not isinstance(feature, dict) or feature.get("type") != "Feature":
            problems.append(Problem(shown, line, None, "not a GeoJSON Feature"))
            rows.append({})
            continue
        props = feature.get("properties") or {}
        if not isinstance(props, dict):
            props = {}
        if props.get("feature_type") == "route_leg":
            route_legs += 1
            rows.append(None)  # type: ignore[arg-type]
            continue
        if props.get("feature_type") == "area":  # our export's drawing of vague incidents:
            rows.append(None)  # type: ignore[arg-type]  # the incidents are features of their own
            continue
        row = {str(k): _json_cell(v) for k, v in props.items()}
        geometry = feature.get("geometry") or {}
        if geometry.get("type") == "Point" and isinstance(geometry.get("coordinates"), list):
            coords = geometry["coordinates"]
            if len(coords) >= 2:
                row.setdefault("latitude", cell_text(coords[1]))
                row.setdefault("longitude", cell_text(coords[0]))
                if not row["latitude"]:
                    row["latitude"] = cell_text(coords[1])
                if not row["longitude"]:
                    row["longitude"] = cell_text(coords[0])
        elif not (
            props.get("latitude") not in (None, "") and props.get("longitude") not in (None, "")
        ):
            problems.append(_point_problem(shown, line, geometry.get("type")))
        for key in row:
            columns.setdefault(key, None)
        rows.append(row)
    header = [c for c in columns if c != "feature_type"]
    records: list[list[str]] = [header]
    lines: list[int] = []
    for number, row in enumerate(rows, start=1):
        if row is None:
            continue
        records.append([row.get(c, "") for c in header])
        lines.append(number + 1)
    notes = []
    if route_legs:
        notes.append(
            f"{route_legs} route leg feature{'s' if route_legs != 1 else ''} left out: "
            "only incidents are imported"
        )
    return [_with_lines(shown, records, lines, "geojson", notes, problems)]


def _with_lines(
    shown: str,
    records: list[list[str]],
    lines: list[int],
    kind: str,
    notes: list[str],
    problems: list[Problem],
) -> SourceTable:
    """A table of feature records whose line numbers are given (features may be skipped)."""
    if len(records) == 1:
        table = SourceTable(shown, records[0], [], [], kind, [], notes)
    else:
        table = table_from_records(shown, records, kind, notes, pad_short=True)
        # table_from_records numbers records 2, 3, ...; put back the features' own numbers
        # (blank features are skipped there, so map through the record's position).
        by_position = {pos: line for pos, line in enumerate(lines, start=2)}
        table.lines = [by_position[line] for line in table.lines]
        table.problems = [
            Problem(p.path, by_position.get(p.line, p.line), p.column, p.message, p.severity)
            for p in table.problems
        ]
    table.problems = problems + table.problems
    return table


def _json_cell(value: object) -> str:
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False)
    return cell_text(value)


def _gdal(exc: Exception) -> str:
    """GDAL's message without its advice for programmers (driver prefixes)."""
    return str(exc).split("; It might help")[0].strip()


def read_ogr(path: Path | str, kind: str, layer: str | None = None) -> list[SourceTable]:
    """KML, KMZ or GeoPackage layers (all, or the one named) as tables, in EPSG:4326."""
    import pyogrio

    shown = str(path)
    read_bytes(path, kind.upper() + " file")
    driver = "LIBKML" if kind in ("kml", "kmz") else None
    try:
        layers = [str(name) for name, _ in pyogrio.list_layers(path)]
    except Exception as exc:  # noqa: BLE001 - GDAL raises several types for unreadable files
        raise UnreadableFile(
            [Problem(shown, None, None, f"not a readable {kind.upper()} file: {_gdal(exc)}")]
        ) from exc
    if layer is not None:
        if layer not in layers:
            raise UnreadableFile(
                [
                    Problem(
                        shown,
                        None,
                        None,
                        f"no layer named {layer!r} (the layers are: {', '.join(layers)})",
                    )
                ]
            )
        layers = [layer]
    if not layers:
        raise UnreadableFile([Problem(shown, None, None, "the file has no layers")])
    tables = []
    for name in layers:
        where = f"{shown}[{name}]" if len(layers) > 1 or layer else shown
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                frame = pyogrio.read_dataframe(path, layer=name, driver=driver)
        except Exception as exc:  # noqa: BLE001
            raise UnreadableFile(
                [Problem(where, None, None, f"layer cannot be read: {exc}")]
            ) from exc
        if frame.crs is not None and not frame.crs.equals("EPSG:4326") and len(frame):
            frame = frame.to_crs("EPSG:4326")
        columns = [
            c
            for c in frame.columns
            if c != "geometry" and not (driver and c in KML_DRAWING_COLUMNS)
        ]
        if driver:  # My Maps leaves most of these empty; keep the ones that say something
            columns = [
                c
                for c in columns
                if c not in ("timestamp", "begin", "end") or frame[c].notna().any()
            ]
        header = [("name" if c == "Name" else c) for c in columns]
        if driver:
            header.append("layer")
        header += [c for c in ("latitude", "longitude") if c not in header]
        records: list[list[str]] = [header]
        lines: list[int] = []
        problems: list[Problem] = []
        geoms = frame.geometry if "geometry" in frame else [None] * len(frame)
        values = frame[columns].itertuples(index=False, name=None)
        for number, (cells, geom) in enumerate(zip(values, geoms, strict=True), start=1):
            line = number + 1
            row = dict(zip(header, [cell_text(v) for v in cells], strict=False))
            if driver:
                row["layer"] = name
                if row.get("description"):
                    row["description"] = html_text(row["description"])
            if geom is not None and geom.geom_type == "Point" and not geom.is_empty:
                if not row.get("latitude"):
                    row["latitude"] = cell_text(geom.y)
                if not row.get("longitude"):
                    row["longitude"] = cell_text(geom.x)
            elif not (row.get("latitude") and row.get("longitude")):
                problems.append(_point_problem(where, line, geom.geom_type if geom else None))
            records.append([row.get(c, "") for c in header])
            lines.append(line)
        tables.append(_with_lines(where, records, lines, kind, [f"layer {name!r}"], problems))
    return tables
