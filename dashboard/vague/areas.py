"""Areas for vague places and honest geometry for route legs with an unstated end.

Everything here is computed from the Natural Earth files in geodata/basemap (countries and
North Korean provinces), so no coordinate is typed in. Plain shapely/pandas: the validator,
the exports and the map all use the same answers.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from functools import lru_cache

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from shapely.geometry import LineString, MultiLineString, Point
from shapely.geometry.base import BaseGeometry
from shapely.ops import nearest_points

from dashboard.data import basemap
from dashboard.i18n import DEFAULT_LANGUAGE, translator
from dashboard.placenames import country_label, place_label
from dashboard.vocab import AREA_KEY_COLUMN

# Gazetteer kinds whose point is only a stand-in for an area: never draw them as a point.
AREA_KINDS = frozenset({"country", "province", "border_area"})
# How far (degrees of latitude, ~110 km) an arrow reaches across the border it enters through.
STUB_DEG = 1.0
POINT, AREA = "point", "area"


@lru_cache(maxsize=64)
def shared_border(iso_a: str, iso_b: str) -> BaseGeometry | None:
    """The border two countries share, as (multi)lines; None if they do not touch here."""
    a, b = basemap.country_shape(iso_a), basemap.country_shape(iso_b)
    if a is None or b is None:
        return None
    return _lines(shapely.intersection(a.boundary, b.boundary))


def _lines(geom: BaseGeometry) -> BaseGeometry | None:
    """The line parts of an intersection, merged; None if it has none."""
    parts = [
        g
        for g in shapely.get_parts(shapely.get_parts(geom))
        if g.geom_type == "LineString" and not g.is_empty
    ]
    if not parts:
        return None
    merged = shapely.line_merge(MultiLineString(parts))
    return None if merged.is_empty else merged


@lru_cache(maxsize=64)
def border_line(iso_a2: str, lon: float, lat: float) -> tuple[BaseGeometry, str] | None:
    """The border of ``iso_a2`` with the neighbour whose shared border passes nearest the
    point (a border area's stand-in), and that neighbour's code."""
    best: tuple[float, BaseGeometry, str] | None = None
    point = Point(lon, lat)
    for code in basemap.countries()["iso_a2"].dropna().unique():
        if code == iso_a2:
            continue
        line = shared_border(iso_a2, str(code))
        if line is None:
            continue
        d = line.distance(point)
        if best is None or d < best[0]:
            best = (d, line, str(code))
    return (best[1], best[2]) if best else None


@lru_cache(maxsize=32)
def province_shape(name: str) -> BaseGeometry | None:
    """A North Korean province polygon by its English name (geodata/basemap/kp_provinces)."""
    prov = basemap.provinces()
    if "name" not in prov or not name:
        return None
    rows = prov[prov["name"].str.casefold() == name.casefold()]
    return shapely.union_all(rows.geometry.values) if len(rows) else None


def place_area(place: pd.Series) -> BaseGeometry | None:
    """The area a country, province or border-area place stands for (None for towns)."""
    kind = place.get("kind", "")
    if kind == "country":
        return basemap.country_shape(str(place["country"]))
    if kind == "province":
        return province_shape(str(place.get("admin1", "") or place.get("name", "")))
    if kind == "border_area":
        found = border_line(
            str(place["country"]), float(place["longitude"]), float(place["latitude"])
        )
        return found[0] if found else None
    return None


def _unit(dx: float, dy: float, lat: float) -> tuple[float, float]:
    """A unit direction in degrees, measured with longitude shrunk by cos(lat)."""
    k = max(math.cos(math.radians(lat)), 0.05)
    length = math.hypot(dx * k, dy)
    if length == 0:
        return 0.0, 0.0
    return dx / length / k, dy / length


def _across(area: BaseGeometry, towards: Point) -> tuple[Point, Point] | None:
    """(the area's point nearest ``towards``, a point STUB_DEG further on, away from
    ``towards``: inside a country or province, across the line for a border)."""
    if area.is_empty:
        return None
    if area.geom_type in ("Polygon", "MultiPolygon") and area.covers(towards):
        return None  # the known place is inside the area: no border to cross
    edge = nearest_points(area, towards)[0]
    dx, dy = _unit(edge.x - towards.x, edge.y - towards.y, towards.y)
    if dx == dy == 0:
        rep = area.representative_point()
        dx, dy = _unit(rep.x - towards.x, rep.y - towards.y, towards.y)
    if dx == dy == 0:
        return None
    polygonal = area.geom_type in ("Polygon", "MultiPolygon")
    # a short way in: at most STUB_DEG, less for a small area such as a province
    stub = min(STUB_DEG, 0.2 * math.sqrt(area.area)) if polygonal else STUB_DEG
    for _ in range(4):  # shrink until the far point lies in the area (narrow countries)
        far = Point(edge.x + dx * stub, edge.y + dy * stub)
        if not polygonal or area.covers(far):
            break
        stub /= 2
    return edge, far


def honest_leg(
    from_area: BaseGeometry | None, from_pt: Point, to_area: BaseGeometry | None, to_pt: Point
) -> BaseGeometry | None:
    """Geometry of a leg one or both of whose ends is only an area (None if both are points).

    - from an area to a place: an arrow entering the place from across the area's nearest
      border (it starts STUB_DEG inside the area and passes the border point);
    - from a place to an area: an arrow from the place to just inside the area's nearest edge;
    - between two areas: the border they share (the crossing point is not stated).
    None also when no honest shape exists (e.g. the place lies inside the area); the caller
    then says so.
    """
    if from_area is None and to_area is None:
        return None
    if from_area is not None and to_area is not None:
        lines = [a for a in (from_area, to_area) if a.geom_type.endswith("LineString")]
        if lines:
            return lines[0]
        return _lines(shapely.intersection(from_area.boundary, to_area.boundary))
    if from_area is not None:
        found = _across(from_area, to_pt)
        return LineString([found[1], to_pt]) if found else None
    found = _across(to_area, from_pt)
    return LineString([from_pt, found[1]]) if found else None


@dataclass
class AreaGroup:
    """Incidents drawn together as one area: a country, a province or a border line."""

    key: str
    label: str  # "In China, place not stated", in the language of ``lang``
    geometry: BaseGeometry
    precision: int
    incident_ids: list[str] = field(default_factory=list)
    lang: str = DEFAULT_LANGUAGE
    # its incidents' positions in the frame ``areas_of`` grouped, in order (None otherwise)
    rows: np.ndarray | None = field(default=None, repr=False, compare=False)

    @property
    def title(self) -> str:
        """The label and how many incidents the area holds: "In China, place not stated: 3
        incidents"."""
        return translator(self.lang).ngettext(
            "{label}: {n} incident",
            "{label}: {n} incidents",
            len(self.incident_ids),
            label=self.label,
        )


def country_name(iso: str, *, lang: str = DEFAULT_LANGUAGE) -> str:
    """A country's short name: the basemap's English name, or the locale's own name for it
    (the code if neither has it)."""
    return country_label(iso, lang=lang)


def area_label(
    key: str, places: gpd.GeoDataFrame | None = None, *, lang: str = DEFAULT_LANGUAGE
) -> str:
    """The words for an area key ("country:CN", "border:CN-MN", "province:Ryanggang"):
    "In China, place not stated" and so on, in the reader's language. A province is named by
    the gazetteer's province place in the reader's script where ``places`` has one."""
    t = translator(lang)
    kind, _, what = key.partition(":")
    if kind == "country":
        return t.gettext("In {area}, place not stated", area=country_name(what, lang=t.lang))
    if kind == "border":
        # English names in alphabetical order, as the key's codes are (Mongolia–China reads
        # China–Mongolia in every language, so the words match the key)
        a, b = sorted((country_name(c) for c in what.split("-")), key=str)
        names = {country_name(c): country_name(c, lang=t.lang) for c in what.split("-")}
        return t.gettext("On the {a}–{b} border, place not stated", a=names[a], b=names[b])
    return t.gettext("In {area}, place not stated", area=_province_name(what, places, t.lang))


def _province_name(admin1: str, places: gpd.GeoDataFrame | None, lang: str) -> str:
    """ "Ryanggang Province", or the gazetteer province's name in the reader's script (량강도)
    when it has one."""
    t = translator(lang)
    if t.lang != DEFAULT_LANGUAGE and places is not None and len(places):
        rows = places[(places["kind"] == "province") & (places["admin1"] == admin1)]
        for _, row in rows.iterrows():
            name = place_label(row, lang=t.lang)
            if name != row["name"]:
                return name
    return t.gettext("{province} Province", province=admin1)


def incident_area(
    row: pd.Series, places: gpd.GeoDataFrame | None, *, lang: str = DEFAULT_LANGUAGE
) -> tuple[str, str, BaseGeometry] | None:
    """(key, label, geometry) of the area a vague incident is drawn as, or None for a point.

    Precision 4 is the country; precision 3 is the border line for a border-area place, else
    the province polygon where geodata has it (North Korea only). Anything else, or an area
    not in the basemap, stays a point with its uncertainty circle.
    """
    level = int(row["geo_precision"])
    if level == 4:
        iso = str(row["country"])
        shape = basemap.country_shape(iso)
        if shape is None:
            return None
        return f"country:{iso}", area_label(f"country:{iso}", places, lang=lang), shape
    if level != 3:
        return None
    pid = str(row.get("place_id", "") or "")
    place = places.loc[pid] if places is not None and pid in places.index else None
    if place is not None and place["kind"] == "border_area":
        found = border_line(
            str(place["country"]), float(place["longitude"]), float(place["latitude"])
        )
        if found:
            iso = "-".join(sorted((str(place["country"]), found[1])))
            return f"border:{iso}", area_label(f"border:{iso}", places, lang=lang), found[0]
    admin1 = str(row.get("admin1", "") or "")
    if place is not None and place["kind"] == "province":
        admin1 = str(place["admin1"] or place["name"])
    shape = province_shape(admin1)
    if shape is not None:
        return f"province:{admin1}", area_label(f"province:{admin1}", places, lang=lang), shape
    return None


def _area_keys(incidents: pd.DataFrame, places: gpd.GeoDataFrame | None) -> pd.Series:
    """For each incident, the key of the area it is drawn as, or None: one look-up per
    distinct (precision, country, admin1, place) rather than per row, so 100,000 incidents
    cost a few dozen look-ups."""
    return pd.Series(_area_key_array(incidents, places), index=incidents.index, dtype=object)


def _factorized(incidents: pd.DataFrame, col: str) -> tuple[np.ndarray, np.ndarray]:
    """(a code per row, the values as Python objects): a column factorized whole (pyarrow's
    dictionary encoding for text), missing values as "" (code ``len(values) - 1``)."""
    if col not in incidents:
        return np.zeros(len(incidents), dtype=np.int64), np.array([""], dtype=object)
    codes, uniques = pd.factorize(incidents[col], use_na_sentinel=True)
    values = np.array([*np.asarray(uniques, dtype=object), ""], dtype=object)
    codes = np.where(codes < 0, len(values) - 1, codes).astype(np.int64)
    return codes, values


def _area_key_array(incidents: pd.DataFrame, places: gpd.GeoDataFrame | None) -> np.ndarray:
    """``_area_keys`` as an object array: each distinct (precision, country, admin1, place)
    is one code of a single integer key, so the look-ups are a 1-D ``np.unique`` away."""
    known = _prepared_keys(incidents, places)
    if known is not None:
        return np.where(known.isna().to_numpy(), None, known.to_numpy(dtype=object))
    level = incidents["geo_precision"].to_numpy(dtype=int)
    keys = np.full(len(incidents), None, dtype=object)
    vague = level >= 3
    if not vague.any():
        return keys
    combined = np.zeros(int(vague.sum()), dtype=np.int64)
    parts = []
    for col in ("geo_precision", "country", "admin1", "place_id"):
        if col == "geo_precision":
            codes, values = pd.factorize(level)
            values = np.asarray(values, dtype=object)
        else:
            codes, values = _factorized(incidents, col)
        codes = codes[vague]
        # mixed radix, renumbered after each column so the key never overflows
        combined = pd.factorize(combined * len(values) + codes)[0].astype(np.int64)
        parts.append((codes, values))
    _, first, inverse = np.unique(combined, return_index=True, return_inverse=True)
    found = []
    for pos in first:
        prec, country, admin1, pid = (str(values[codes[pos]]) for codes, values in parts)
        row = {"geo_precision": prec, "country": country, "admin1": admin1, "place_id": pid}
        found.append(incident_area(row, places))
    _AREA_CACHE.update({v[0]: v for v in found if v})
    names = np.array([v[0] if v else None for v in found], dtype=object)
    keys[vague] = names[inverse.reshape(-1)]
    return keys


_AREA_CACHE: dict[str, tuple[str, str, BaseGeometry]] = {}


def _prepared_keys(incidents: pd.DataFrame, places: gpd.GeoDataFrame | None) -> pd.Series | None:
    """The area keys ``filters.prepare`` worked out once per load (a categorical), if the
    rows carry them, this process knows their areas, and a sample of rows shows they still
    match (rows changed after they were prepared are looked up again)."""
    known = incidents.get(AREA_KEY_COLUMN)
    if not (
        isinstance(known, pd.Series)
        and isinstance(known.dtype, pd.CategoricalDtype)
        and all(key in _AREA_CACHE for key in known.cat.categories)
    ):
        return None
    sample = np.unique(np.linspace(0, len(incidents) - 1, min(len(incidents), 64)).astype(int))
    rows = incidents.iloc[sample].drop(columns=AREA_KEY_COLUMN)
    stored = known.iloc[sample].to_numpy(dtype=object)
    fresh = _area_key_array(rows, places)
    if any((a if pd.notna(a) else None) != b for a, b in zip(stored, fresh, strict=True)):
        return None
    return known


def _area_codes(
    incidents: pd.DataFrame, places: gpd.GeoDataFrame | None
) -> tuple[np.ndarray, np.ndarray]:
    """(each incident's area as a code, -1 for a point; the area keys the codes stand for):
    from the prepared categorical when there is one (no look-up, no hashing of text)."""
    known = _prepared_keys(incidents, places)
    if known is not None:
        return known.cat.codes.to_numpy(dtype=np.int64), np.asarray(known.cat.categories)
    codes, names = pd.factorize(_area_key_array(incidents, places))
    return codes.astype(np.int64), np.asarray(names, dtype=object)


def area_key_column(incidents: pd.DataFrame, places: gpd.GeoDataFrame | None) -> pd.Categorical:
    """Each incident's area key (``None`` for a point) as a categorical: what
    ``filters.prepare`` keeps so that no rerun looks the areas up again (0.2 s a rerun at a
    million incidents), and a filter copies one small code per row."""
    return pd.Categorical(
        _area_key_array(incidents.drop(columns=AREA_KEY_COLUMN, errors="ignore"), places)
    )


def drawn_as(incidents: pd.DataFrame, places: gpd.GeoDataFrame | None = None) -> pd.Series:
    """For each incident, "point" or "area": how the map and the exports draw it.

    Town and district level (precision 1-2) are points; country level (4) is always an area;
    region level (3) is an area where the basemap has it (a border line, a North Korean
    province) and otherwise a point with its uncertainty circle.
    """
    if not len(incidents):
        return pd.Series([], index=incidents.index, dtype=object)
    keys = _area_key_array(incidents, places)
    return pd.Series(np.where(pd.notna(keys), AREA, POINT), index=incidents.index, dtype=object)


def area_groups(
    incidents: pd.DataFrame,
    places: gpd.GeoDataFrame | None = None,
    *,
    lang: str = DEFAULT_LANGUAGE,
) -> list[AreaGroup]:
    """The vague incidents grouped by the area they are drawn as, largest area first, labelled
    in the reader's language."""
    if not len(incidents):
        return []
    return areas_of(incidents, places, lang=lang)[1]


def areas_of(
    incidents: pd.DataFrame,
    places: gpd.GeoDataFrame | None = None,
    *,
    lang: str = DEFAULT_LANGUAGE,
) -> tuple[np.ndarray, list[AreaGroup]]:
    """``drawn_as`` (as a boolean array: True for an area) and ``area_groups`` at once, from
    one look-up of the areas. Each group's ``rows`` are its incidents' positions in
    ``incidents``, in order."""
    if not len(incidents):
        return np.zeros(0, dtype=bool), []
    codes, names = _area_codes(incidents, places)
    is_area = codes >= 0
    rows = np.flatnonzero(is_area)
    if not len(rows):
        return is_area, []
    codes = codes[rows]
    used = np.flatnonzero(np.bincount(codes, minlength=len(names)))  # this selection's areas
    codes, names = np.searchsorted(used, codes), np.asarray(names, dtype=object)[used]
    order = np.argsort(codes, kind="stable")  # each group's rows in the frame's order
    bounds = np.searchsorted(codes[order], np.arange(len(names) + 1))
    ids = incidents["incident_id"].take(rows).astype(str).tolist()
    ids = np.asarray(ids, dtype=object)[order]
    groups = []
    for k, key in enumerate(names):
        _, label, shape = _AREA_CACHE[key]
        if lang != DEFAULT_LANGUAGE:
            label = area_label(str(key), places, lang=lang)
        precision = 4 if key.startswith("country:") else 3
        span = slice(bounds[k], bounds[k + 1])
        groups.append(
            AreaGroup(
                str(key), label, shape, precision, ids[span].tolist(), lang, rows[order[span]]
            )
        )
    return is_area, sorted(groups, key=lambda g: (-g.precision, g.key))


def known_bounds(
    incidents: pd.DataFrame, routes: gpd.GeoDataFrame, places: gpd.GeoDataFrame | None = None
) -> tuple[float, float, float, float] | None:
    """(west, south, east, north) of what the sources place: incidents drawn as points and
    route legs. Country areas only count when nothing else is shown, so a map never stretches
    to take in a country's stand-in point (or all of China) for "somewhere in China"."""
    boxes = []
    is_area, groups = areas_of(incidents, places)
    if len(incidents) and not is_area.all():
        lon = incidents["longitude"].to_numpy(dtype=float)[~is_area]
        lat = incidents["latitude"].to_numpy(dtype=float)[~is_area]
        boxes.append(
            (
                float(np.nanmin(lon)),
                float(np.nanmin(lat)),
                float(np.nanmax(lon)),
                float(np.nanmax(lat)),
            )
        )
    both = (
        routes["unknown_end"].eq("both").to_numpy()
        if "unknown_end" in routes and len(routes)
        else [False] * len(routes)
    )
    legs = routes[~pd.Series(both, index=routes.index)] if len(routes) else routes
    if len(legs):
        boxes.append(tuple(float(v) for v in legs.total_bounds))
    # A province, a border, or a leg that is a whole border: enough of it to be seen (a point
    # on it), not all of a 4,700 km border.
    shapes = [g.geometry for g in groups if g.precision == 3]
    shapes += list(routes.geometry[pd.Series(both, index=routes.index)]) if len(routes) else []
    for geom in shapes:
        p = geom.representative_point()
        boxes.append((p.x - 1, p.y - 1, p.x + 1, p.y + 1))
    if not boxes:
        boxes = [g.geometry.bounds for g in groups]
    else:  # a small country mostly out of view (Laos, not China) is brought in whole
        view = shapely.box(
            min(b[0] for b in boxes),
            min(b[1] for b in boxes),
            max(b[2] for b in boxes),
            max(b[3] for b in boxes),
        )
        for g in groups:
            area = g.geometry.area
            if g.precision == 4 and area < 150 and g.geometry.intersection(view).area < area / 2:
                boxes.append(g.geometry.bounds)
    if not boxes:
        return None
    return (
        min(b[0] for b in boxes),
        min(b[1] for b in boxes),
        max(b[2] for b in boxes),
        max(b[3] for b in boxes),
    )
