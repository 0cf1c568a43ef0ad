"""Synthetic incidents and route legs at newsroom scale, and the benchmark's standard filter.

Written to a temporary folder, never over the curated files. They are spread over the real
region and time span, with real categories, confidence values and precision levels, and every
point lies inside the country it is filed under (sampled inside the basemap's polygons), so the
project's own validator accepts them.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from dashboard.vocab import (
    CATEGORIES,
    INCIDENT_COLUMNS,
    INCIDENT_EXTRA_COLUMNS,
    ROUTE_MODES,
    ROUTE_STATUSES,
)

if TYPE_CHECKING:
    from dashboard.filters import Filters

REGION = (95.0, 15.0, 135.0, 50.0)  # lon_min, lat_min, lon_max, lat_max
FIRST_DAY = dt.date(2013, 1, 1)
LAST_DAY = dt.date(2023, 12, 31)
# Share of incidents filed under each country (all inside the region box).
COUNTRY_WEIGHTS: dict[str, float] = {
    "KP": 0.36,
    "CN": 0.36,
    "KR": 0.05,
    "LA": 0.05,
    "MN": 0.05,
    "RU": 0.04,
    "VN": 0.05,
    "TH": 0.04,
}
CATEGORY_WEIGHTS: dict[str, float] = {
    "lure": 0.06,
    "crossing": 0.16,
    "checkpoint": 0.10,
    "arrest": 0.26,
    "extortion": 0.08,
    "deportation": 0.10,
    "repatriation": 0.12,
    "release": 0.06,
    "diplomacy": 0.06,
}
CONFIDENCE_WEIGHTS = {"reported": 0.7, "confirmed": 0.18, "unconfirmed": 0.12}
PRECISION_WEIGHTS = {1: 0.35, 2: 0.35, 3: 0.2, 4: 0.1}
ACTORS = (
    "Ministry of State Security (MSS)",
    "Ministry of People's Safety (MPS) checkpoint",
    "North Korean authorities",
    "Chinese authorities",
    "Lao authorities",
    "General Authority for Border Protection (Mongolia)",
    "South Korean government",
    "",
    "local brokers",
)
OUTLETS = ("Daily NK", "Yonhap News", "NK News", "Radio Free Asia", "Benchmark Wire")
UNDATED_SHARE = 0.03
# The benchmark's filter: a date window plus a category.
BENCH_WINDOW = (dt.date(2016, 1, 1), dt.date(2018, 12, 31))
BENCH_CATEGORY = "arrest"

_WORDS = [
    "officials",
    "family",
    "border",
    "river",
    "checkpoint",
    "broker",
    "visa",
    "passport",
    "train",
    "bus",
    "night",
    "village",
    "county",
    "town",
    "station",
    "market",
    "relatives",
    "phone",
    "money",
    "bribe",
    "document",
    "truck",
    "road",
    "bridge",
    "camp",
    "detention",
    "interrogation",
    "list",
    "names",
    "guards",
    "patrol",
    "escape",
    "return",
    "flight",
    "embassy",
    "appeal",
]


@dataclass(frozen=True)
class Synthetic:
    """Paths of one synthetic data set; places are the shipped gazetteer."""

    incidents: Path
    routes: Path
    places: Path
    size: int


def sample_in_country(rng: np.random.Generator, iso: str, n: int) -> tuple[np.ndarray, np.ndarray]:
    """``n`` uniformly random lon/lat points inside the country's basemap polygon and REGION."""
    import shapely

    from dashboard.data import basemap

    shape = basemap.country_shape(iso)
    if shape is None:
        raise ValueError(f"country {iso!r} is not in the basemap")
    area = shapely.intersection(shape, shapely.box(*REGION))
    shapely.prepare(area)
    minx, miny, maxx, maxy = area.bounds
    lons, lats = np.empty(0), np.empty(0)
    while len(lons) < n:
        want = max(64, 3 * (n - len(lons)))
        x = rng.uniform(minx, maxx, want).round(5)
        y = rng.uniform(miny, maxy, want).round(5)
        keep = shapely.contains_xy(area, x, y)
        lons, lats = np.concatenate([lons, x[keep]]), np.concatenate([lats, y[keep]])
    return lons[:n], lats[:n]


def _choice(rng: np.random.Generator, weights: dict, n: int) -> np.ndarray:
    keys = list(weights)
    p = np.array([weights[k] for k in keys], dtype=float)
    return np.array(keys, dtype=object)[rng.choice(len(keys), size=n, p=p / p.sum())]


def _words(rng: np.random.Generator, n: int, low: int, high: int) -> list[str]:
    """``n`` strings of random filler words (``low``..``high`` words each)."""
    counts = rng.integers(low, high + 1, n)
    picks = rng.integers(0, len(_WORDS), counts.sum())
    out, i = [], 0
    for c in counts:
        out.append(" ".join(_WORDS[j] for j in picks[i : i + c]))
        i += c
    return out


LAYOUTS = ("spread", "clustered")
CLUSTER_JITTER_DEG = 0.018  # about 2 km: reporting clusters at a few towns


def _clustered(rng, places, precision, lon, lat, countries, admin1, place_ids) -> None:
    """Put the incidents with a point place (precision 1 or 2) at the gazetteer's towns,
    jittered by about 2 km, the busiest town taking the most (weights 1, 1/2, 1/3, ...), as
    real reporting clusters: 100,000 rows put about 20,000 at the first town."""
    from dashboard.vague.areas import AREA_KINDS

    towns = places[~places["kind"].isin(AREA_KINDS)]
    weights = 1.0 / np.arange(1, len(towns) + 1)
    rows = np.flatnonzero(np.isin(np.asarray(precision).astype(int), [1, 2]))
    pick = rng.choice(len(towns), size=len(rows), p=weights / weights.sum())
    jitter = rng.uniform(-CLUSTER_JITTER_DEG, CLUSTER_JITTER_DEG, (len(rows), 2))
    lon[rows] = (towns["longitude"].to_numpy(float)[pick] + jitter[:, 0]).round(5)
    lat[rows] = (towns["latitude"].to_numpy(float)[pick] + jitter[:, 1]).round(5)
    countries[rows] = towns["country"].to_numpy(object)[pick]
    admin1[rows] = towns["admin1"].fillna("").to_numpy(object)[pick]
    place_ids[rows] = towns.index.to_numpy(object)[pick]


def synthetic_incidents(n: int, seed: int = 5, layout: str = "spread") -> list[dict[str, str]]:
    """``n`` valid incident rows as CSV cells (strings): spread evenly over the region's
    countries, or (``layout="clustered"``) with the point incidents at a few towns."""
    import shapely

    from dashboard.data import basemap
    from dashboard.data.places import load_places

    rng = np.random.default_rng(seed)
    countries = _choice(rng, COUNTRY_WEIGHTS, n)
    lon, lat = np.zeros(n), np.zeros(n)
    for iso in COUNTRY_WEIGHTS:
        idx = np.flatnonzero(countries == iso)
        if len(idx):
            lon[idx], lat[idx] = sample_in_country(rng, iso, len(idx))
    admin1 = np.full(n, "", dtype=object)
    provinces = basemap.provinces()
    kp = np.flatnonzero(countries == "KP")
    for _, prov in provinces.iterrows():
        inside = shapely.contains_xy(prov.geometry, lon[kp], lat[kp])
        admin1[kp[inside]] = prov["name"]
    places = load_places()
    by_country: dict[str, list[str]] = {}
    for pid, country in zip(places.index, places["country"], strict=True):
        by_country.setdefault(country, []).append(pid)

    categories = _choice(rng, CATEGORY_WEIGHTS, n)
    confidence = _choice(rng, CONFIDENCE_WEIGHTS, n)
    precision = _choice(rng, PRECISION_WEIGHTS, n)
    span = (LAST_DAY - FIRST_DAY).days
    start_off = rng.integers(0, span + 1, n)
    length = np.where(rng.random(n) < 0.5, 0, rng.integers(1, 60, n))
    end_off = np.minimum(start_off + length, span)
    undated = rng.random(n) < UNDATED_SHARE
    people = rng.integers(1, 40, n)
    no_people = rng.random(n) < 0.4
    actors = rng.integers(0, len(ACTORS), n)
    outlets = rng.integers(0, len(OUTLETS), n)
    place_pick = rng.random(n)
    place_ids = np.array(
        [
            (lambda c: c[int(place_pick[i] * len(c))] if c else "")(
                by_country.get(countries[i], [])
            )
            for i in range(n)
        ],
        dtype=object,
    )
    if layout == "clustered":
        countries = countries.astype(object)
        _clustered(rng, places, precision, lon, lat, countries, admin1, place_ids)
    from dashboard.filters import country_names

    names = country_names()
    summaries = _words(rng, n, 18, 34)
    quotes = _words(rng, n, 16, 30)
    rows = []
    for i in range(n):
        cat = categories[i]
        country = countries[i]
        start = FIRST_DAY + dt.timedelta(days=int(start_off[i]))
        end = FIRST_DAY + dt.timedelta(days=int(end_off[i]))
        published = min(end + dt.timedelta(days=int(3 + i % 20)), LAST_DAY + dt.timedelta(30))
        place_id = place_ids[i]
        where = admin1[i] or names.get(country, country)
        rows.append(
            {
                "incident_id": f"SYN-{i + 1:07d}",
                "date_start": "" if undated[i] else start.isoformat(),
                "date_end": "" if undated[i] else end.isoformat(),
                "date_text": (
                    "last month"
                    if undated[i]
                    else f"on {start:%d %B %Y}"
                    if start == end
                    else f"between {start:%d %B} and {end:%d %B %Y}"
                ),
                "category": cat,
                "actors": ACTORS[actors[i]],
                "people_count": "" if no_people[i] else str(people[i]),
                "location": f"Synthetic site {i % 9973} near {where}",
                "admin1": admin1[i],
                "country": country,
                "latitude": f"{lat[i]:.5f}",
                "longitude": f"{lon[i]:.5f}",
                "geo_precision": str(precision[i]),
                "route_id": "",
                "summary": (
                    f"Synthetic benchmark incident {i + 1} ({CATEGORIES[cat].label.lower()}): "
                    f"{summaries[i]}."
                ),
                "source_quote": f"“{quotes[i].capitalize()},” a source said.",
                "source_outlet": OUTLETS[outlets[i]],
                "source_title": f"[Synthetic benchmark record] {where}: {summaries[i][:48]}",
                "source_date": "" if undated[i] else published.isoformat(),
                "source_url": f"https://example.org/benchmark/{i + 1}" if i % 3 == 0 else "",
                "confidence": confidence[i],
                "place_id": place_id,
                "date_note": "Synthetic: the source gives no year." if undated[i] else "",
                "internal_notes": "synthetic benchmark row",
            }
        )
    return rows


def synthetic_routes(incident_ids: Sequence[str], seed: int = 7) -> list[dict[str, str]]:
    """Route legs between gazetteer places that name synthetic incidents (~1 leg per 1,000)."""
    from dashboard.data.places import load_places

    rng = np.random.default_rng(seed)
    places = [p for p in load_places().index]
    n_legs = max(3, min(200, len(incident_ids) // 1000))
    rows, route = [], 0
    while len(rows) < n_legs:
        route += 1
        stops = rng.choice(len(places), size=int(rng.integers(2, 5)), replace=False)
        status = list(ROUTE_STATUSES)[int(rng.integers(0, len(ROUTE_STATUSES)))]
        for leg, (a, b) in enumerate(zip(stops[:-1], stops[1:], strict=True), start=1):
            ids = rng.choice(len(incident_ids), size=int(rng.integers(1, 4)), replace=False)
            rows.append(
                {
                    "route_id": f"R-SYN-{route:04d}",
                    "route_name": f"Synthetic route {route}",
                    "leg": str(leg),
                    "from_place": places[a],
                    "to_place": places[b],
                    "mode": list(ROUTE_MODES)[int(rng.integers(0, len(ROUTE_MODES)))],
                    "status": status,
                    "date_start": "",
                    "date_end": "",
                    "date_text": "not stated",
                    "incident_ids": "|".join(incident_ids[j] for j in sorted(ids)),
                    "approximate": "true",
                    "note": "Synthetic benchmark leg, drawn straight.",
                    "geometry": "",
                }
            )
    return rows[:n_legs]


def _write_csv(path: Path, header: Sequence[str], rows: list[dict[str, str]]) -> Path:
    with open(path, "w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=list(header), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    return path


def write_synthetic(folder: Path | str, n: int, seed: int = 5, layout: str = "spread") -> Synthetic:
    """Write ``n`` synthetic incidents and matching route legs into ``folder`` (``layout``:
    see ``synthetic_incidents``)."""
    from dashboard.data.places import PLACES_PATH
    from dashboard.vocab import ROUTE_COLUMNS

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    rows = synthetic_incidents(n, seed, layout)
    suffix = "" if layout == "spread" else f"-{layout}"
    incidents = _write_csv(
        folder / f"incidents-{n}{suffix}.csv", INCIDENT_COLUMNS + INCIDENT_EXTRA_COLUMNS, rows
    )
    legs = synthetic_routes([r["incident_id"] for r in rows], seed + 2)
    routes = _write_csv(folder / f"routes-{n}{suffix}.csv", ROUTE_COLUMNS, legs)
    return Synthetic(incidents, routes, Path(PLACES_PATH), n)


def bench_filters() -> Filters:
    """The benchmark's filter: ``BENCH_WINDOW`` and ``BENCH_CATEGORY``."""
    from dashboard.filters import Filters

    return Filters(
        start=BENCH_WINDOW[0], end=BENCH_WINDOW[1], categories=frozenset({BENCH_CATEGORY})
    )
