"""Place and country names in the reader's script, only where the data has them."""

from __future__ import annotations

import pandas as pd
import pytest
from shapely.geometry import LineString

from dashboard.data.places import check_places
from dashboard.placenames import (
    country_label,
    in_script,
    place_label,
    place_label_by_id,
    place_labels,
)
from dashboard.vague.areas import area_label
from dashboard.vague.labels import leg_end_label


@pytest.fixture(scope="module")
def places():
    frame, problems = check_places()
    assert frame is not None, problems
    return frame


@pytest.mark.parametrize(
    ("place_id", "ko"),
    [("onsong", "온성"), ("bukchong", "북청"), ("hamhung", "함흥"), ("pyongyang", "평양")],
)
def test_gazetteer_places_in_hangul_and_english(places, place_id, ko):
    assert place_label_by_id(places, place_id, lang="ko") == ko
    assert place_label_by_id(places, place_id) == places.at[place_id, "name"]


def test_a_place_with_no_hangul_name_keeps_its_english_name(places):
    # the gazetteer records only Latin and Chinese names for this border stretch
    name = places.at["mn_cn_border", "name"]
    assert place_label_by_id(places, "mn_cn_border", lang="ko") == name
    made_up = pd.Series(
        {"name": "Sinuiju", "kind": "city", "country": "KP", "alt_names": ["Sinŭiju", "新義州"]}
    )
    assert place_label(made_up, lang="ko") == "Sinuiju"
    # alternate names as the CSV cell writes them work too
    assert place_label({"name": "Hyesan", "alt_names": "Hyesan-si|혜산|惠山"}, lang="ko") == "혜산"


def test_country_stand_ins_are_named_by_the_country(places):
    assert place_label_by_id(places, "north_korea", lang="ko") == "북한 (장소 밝혀지지 않음)"
    assert place_label_by_id(places, "china", lang="ko") == "중국 (장소 밝혀지지 않음)"
    assert country_label("KP") == "North Korea"
    assert country_label("MN", lang="ko") == "몽골"
    assert country_label("XX", lang="ko") == "XX"


def test_every_label_and_unknown_ids(places):
    labels = place_labels(places, lang="ko")
    assert set(labels) == set(places.index)
    assert place_label_by_id(places, "nowhere", lang="ko") == "nowhere"
    assert place_labels(places) == {pid: str(n) for pid, n in places["name"].items()}


def test_script_test():
    assert in_script("북청군", "ko") and not in_script("Bukchong", "ko")
    assert not in_script("北青", "ko") and not in_script("", "ko")
    assert not in_script("북청", "en")  # English has no script of its own to prefer


def test_vague_area_words_in_korean():
    assert area_label("country:CN", lang="ko") == "중국 내 어딘가, 장소 밝혀지지 않음"
    assert area_label("border:CN-MN", lang="ko") == "중국–몽골 국경, 지점 밝혀지지 않음"
    assert area_label("border:CN-MN") == "On the China–Mongolia border, place not stated"
    assert area_label("country:CN") == "In China, place not stated"


def test_provinces_in_hangul_only_where_the_gazetteer_has_them(places):
    assert (
        area_label("province:Ryanggang", places, lang="ko")
        == "량강도 내 어딘가, 장소 밝혀지지 않음"
    )
    assert area_label("province:Ryanggang", places) == "In Ryanggang Province, place not stated"
    # no gazetteer place for this province: its English name stays, never a made-up one
    assert area_label("province:North Hamgyong", places, lang="ko") == (
        "North Hamgyong 도 내 어딘가, 장소 밝혀지지 않음"
    )


def test_leg_end_words_in_korean(places):
    leg = pd.Series(
        {
            "from_place": "china",
            "to_place": "bukchong",
            "unknown_end": "from",
            "geometry": None,
        }
    )

    geom = LineString([(125.0, 42.0), (128.3, 40.4)])
    assert leg_end_label(leg, places, geom, lang="ko")[1] == "중국에서 출발, 지점 밝혀지지 않음"
    assert leg_end_label(leg, places, geom)[1] == "from China, where not stated"
    to_town = leg.copy()
    to_town["from_place"], to_town["to_place"], to_town["unknown_end"] = "onsong", "hamhung", "to"
    assert leg_end_label(to_town, places, geom, lang="ko")[1] == "함흥(으)로?"
