"""Place and country names in the reader's script: 온성 and 북한 for a Korean reader where the
data has them, the gazetteer's English name otherwise.

Names are never made up here. A place's name in another script is one of the alternate names
the gazetteer (``geodata/places.csv``, column ``alt_names``, from GeoNames) records for it; a
country's is the locale's own name for it (CLDR, through Babel). When neither has one, the
English name stays.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from functools import cache

from babel import Locale, UnknownLocaleError

from dashboard.data import basemap
from dashboard.i18n import DEFAULT_LANGUAGE, N_, translator

# The script each language writes place names in: (first, last) code points of its letters.
_SCRIPTS: dict[str, tuple[tuple[int, int], ...]] = {
    "ko": ((0xAC00, 0xD7AF), (0x1100, 0x11FF), (0x3130, 0x318F)),  # Hangul
}
_COUNTRY_KINDS = frozenset({"country"})
# What a country stand-in is called: the gazetteer says "China (place not stated)".
_COUNTRY_STANDIN = N_("{country} (place not stated)")


def in_script(name: str, lang: str) -> bool:
    """Whether a name is written in the language's own script (Hangul for Korean)."""
    ranges = _SCRIPTS.get(lang)
    letters = [ch for ch in name if ch.isalpha()]
    return bool(ranges and letters) and all(
        any(lo <= ord(ch) <= hi for lo, hi in ranges) for ch in letters
    )


def _alt_names(value: object) -> list[str]:
    if isinstance(value, str):
        return [part.strip() for part in value.split("|") if part.strip()]
    if isinstance(value, Iterable):
        return [str(part) for part in value]
    return []


def country_label(iso: str, *, lang: str = DEFAULT_LANGUAGE) -> str:
    """A country's short name: the basemap's English name ("North Korea"), or in another
    language the locale's own name for it (CLDR: 북한, 중국); the code if neither knows it."""
    return _country_label(str(iso), translator(lang).lang)


@cache
def _country_label(iso: str, lang: str) -> str:
    if lang != DEFAULT_LANGUAGE:
        try:
            local = Locale.parse(lang).territories.get(iso)
        except (UnknownLocaleError, ValueError):
            local = None
        if local:
            return str(local)
    rows = basemap.countries()
    hit = rows.loc[rows["iso_a2"] == iso, "name"]
    return str(hit.iloc[0]) if len(hit) else iso


def place_label(place: Mapping, *, lang: str = DEFAULT_LANGUAGE) -> str:
    """A gazetteer place's name for the reader: the first of its alternate names written in
    the language's script (북청 for Bukchong), a country stand-in by the country's name, else
    the English ``name``. ``place`` is a gazetteer row (anything with ``name``, ``kind``,
    ``country`` and ``alt_names``)."""
    name = str(place.get("name", ""))
    t = translator(lang)
    if t.lang == DEFAULT_LANGUAGE:
        return name
    if place.get("kind") in _COUNTRY_KINDS and place.get("country"):
        country = country_label(str(place["country"]), lang=t.lang)
        if country != str(place["country"]):
            return t.gettext(_COUNTRY_STANDIN, country=country)
    for alt in _alt_names(place.get("alt_names")):
        if in_script(alt, t.lang):
            return alt
    return name


def place_label_by_id(places, place_id: str, *, lang: str = DEFAULT_LANGUAGE) -> str:
    """``place_label`` of the gazetteer row ``place_id`` (the id itself when it is not there)."""
    if places is None or place_id not in places.index:
        return str(place_id)
    return place_label(places.loc[place_id], lang=lang)


def place_labels(places, *, lang: str = DEFAULT_LANGUAGE) -> dict[str, str]:
    """Every gazetteer place's label by place_id, for the map's route ends and labels."""
    return {str(pid): place_label(row, lang=lang) for pid, row in places.iterrows()}
