"""The gazetteer: every place incidents and routes use, in every spelling we know.

Journalists search in the spelling they know (Bukchong, Pukch'ŏng, 북청), so names
are compared after folding case, diacritics and apostrophes, and only as whole
words: "Tumen" must not find "Tyumen".
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd

from dashboard import GEODATA_DIR
from dashboard.data.basemap import distance_outside_km
from dashboard.data.cells import parse_float, parse_list
from dashboard.data.checks import Checks
from dashboard.data.tables import read_table
from dashboard.problems import DataError, Problem, errors
from dashboard.vocab import PLACE_COLUMNS, PLACE_KINDS, PLACE_REQUIRED_CELLS

PLACES_PATH = GEODATA_DIR / "places.csv"
# The order of each row's problems (see data/checks.py).
_ORDER = [
    *(f"required:{c}" for c in PLACE_REQUIRED_CELLS),
    "duplicate",
    "kind",
    "latitude",
    "longitude",
]
_ORDER.append("country")
# How far a place's point may sit outside its country, by kind (km).
_KIND_TOLERANCE_KM = {"country": 0, "border_area": 60}
_DEFAULT_TOLERANCE_KM = 3


def normalise_name(text: str) -> str:
    """Fold case, diacritics, apostrophes and punctuation so spellings compare equal."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = re.sub(r"['’`ʼ‘]", "", text).casefold()
    text = re.sub(r"[^\w]+", " ", text)
    return " ".join(text.split())


def check_places(path: Path | str = PLACES_PATH) -> tuple[gpd.GeoDataFrame | None, list[Problem]]:
    """The gazetteer as points indexed by place_id, and every problem found."""
    shown = str(path)
    table, problems = read_table(path, PLACE_COLUMNS)
    if table is None:
        return None, problems
    checks = Checks(table, shown, _ORDER)
    checks.required(PLACE_REQUIRED_CELLS)
    checks.duplicates("place_id")
    checks.vocabulary("kind", PLACE_KINDS)
    lats = checks.parsed("latitude", lambda text: parse_float(text, -90, 90))
    lons = checks.parsed("longitude", lambda text: parse_float(text, -180, 180))
    located = np.flatnonzero(pd.notna(lats) & pd.notna(lons) & (table["country"] != "").to_numpy())
    for i in located:
        lat, lon, country = lats[i], lons[i], table["country"].iloc[i]
        outside = distance_outside_km(lon, lat, country)
        allowed = _KIND_TOLERANCE_KM.get(table["kind"].iloc[i], _DEFAULT_TOLERANCE_KM)
        if outside is None:
            checks.report(i, "country", "country", f"country {country!r} is not in the basemap")
        elif outside > allowed:
            message = f"({lat:g}, {lon:g}) lies {outside:,.0f} km outside {country}"
            checks.report(i, "country", "latitude", message)
    problems += checks.problems()
    if errors(problems):
        return None, problems
    frame = table.copy()
    frame["latitude"] = lats.astype(float)
    frame["longitude"] = lons.astype(float)
    frame["alt_names"] = frame["alt_names"].map(parse_list)
    places = gpd.GeoDataFrame(
        frame,
        geometry=gpd.points_from_xy(frame["longitude"], frame["latitude"]),
        crs="EPSG:4326",
    ).set_index("place_id")
    return places, problems


@lru_cache(maxsize=4)
def _load_places_cached(path: str, mtime: float) -> gpd.GeoDataFrame:
    places, problems = check_places(path)
    if places is None:
        raise DataError(problems)
    return places


def load_places(path: Path | str = PLACES_PATH) -> gpd.GeoDataFrame:
    """The validated gazetteer (cached until the file changes). Raises DataError."""
    p = Path(path)
    try:
        mtime = p.stat().st_mtime
    except OSError:
        mtime = -1.0
    return _load_places_cached(str(p), mtime).copy()


def place_names(places: gpd.GeoDataFrame) -> pd.Series:
    """Every normalised name of each place (name, alternatives and the id)."""
    return pd.Series(
        {
            pid: {
                normalise_name(n)
                for n in [row["name"], pid.replace("_", " "), *row["alt_names"]]
                if n
            }
            for pid, row in places.iterrows()
        },
        dtype=object,
    )
