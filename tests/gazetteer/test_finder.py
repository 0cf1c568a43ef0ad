"""The place finder on names in several scripts and romanisations, in and outside the
project's gazetteer; and the command line."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from dashboard import REPO_DIR
from dashboard.gazetteer import romanisation_key, romanisation_variants, search
from dashboard.gazetteer.finder import SOURCE_PROJECT


@pytest.mark.parametrize(
    ("query", "name", "country", "admin1", "project"),
    [
        # The project's own places, by spellings it does not list.
        ("Bukcheong", "Bukchong", "KP", "South Hamgyong", True),
        ("Pukch'ŏng", "Bukchong", "KP", "South Hamgyong", True),
        ("Pukchong", "Bukchong", "KP", "South Hamgyong", True),
        ("Hamheung", "Hamhung", "KP", "South Hamgyong", True),
        ("북청", "Bukchong", "KP", "South Hamgyong", True),
        ("ວຽງຈັນ", "Vientiane", "LA", "Vientiane Prefecture", True),
        # Places only the regional GeoNames gazetteer has, in four scripts.
        ("개성", "Kaesŏng", "KP", "North Hwanghae", False),
        ("Gaeseong", "Kaesŏng", "KP", "North Hwanghae", False),
        ("Kaesong-si", "Kaesŏng", "KP", "North Hwanghae", False),
        ("丹东", "Dandong", "CN", "", False),
        ("Улан-Батор", "Ulan Bator", "MN", "", False),
        ("Sinuiju", "Sinŭiju", "KP", "North Pyongan", False),
        ("혜산", "Hyesan", "KP", "Ryanggang", False),
        ("吉林", "Jilin", "CN", "", False),
        ("Владивосток", "Vladivostok", "RU", "", False),
        ("ຫຼວງພະບາງ", "Luang Prabang", "LA", "", False),
    ],
)
def test_finds_places_in_any_spelling_or_script(query, name, country, admin1, project):
    result = search(query)
    assert result.found, result.nearest
    best = result.matches[0]
    assert (best.name, best.country, best.admin1) == (name, country, admin1)
    assert (best.source == SOURCE_PROJECT) is project
    assert best.kind and 1 <= best.precision <= 4
    assert -90 <= best.latitude <= 90 and -180 <= best.longitude <= 180


def test_project_places_come_first_and_are_not_repeated_from_geonames():
    result = search("Hamhung")
    assert result.matches[0].place_id == "hamhung"
    assert all(p.geonameid != 1877449 for p in result.matches)  # cited by places.csv


def test_a_place_it_lacks_is_said_plainly_with_nearest_spellings():
    result = search("Panmunjom")  # in no offline gazetteer (GeoNames cities500 lacks it)
    assert not result.found
    assert result.matches == []
    assert result.nearest, "offers the nearest spellings it has"
    assert not search("판문점").found


def test_whole_names_only():
    assert all(p.name != "Tyumen" for p in search("Tumen").matches)


def test_romanisation_key_and_variants():
    assert len({romanisation_key(n) for n in ("Bukcheong", "Pukch'ŏng", "Pukchong")}) == 1
    assert romanisation_key("Hamheung") == romanisation_key("Hamhŭng")
    assert romanisation_key("Hamhung") != romanisation_key("Hyesan")
    assert "Hamhung" in romanisation_variants("Hamheung")
    variants = romanisation_variants("Pukch'ŏng")
    assert variants[0] == "Pukch'ŏng" and "Bukcheong" in variants and "Pukchong" in variants
    assert romanisation_variants("개성") == ["개성"]


def _cli(*args):
    return subprocess.run(
        [sys.executable, "-m", "dashboard", "places", "search", *args],
        cwd=REPO_DIR,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_cli_json_lists_places_best_first():
    result = _cli("단둥", "--json")
    assert result.returncode == 0, result.stderr
    answers = json.loads(result.stdout)
    first = answers[0]
    assert {"name", "latitude", "longitude", "country", "admin1", "kind", "source"} <= set(first)
    assert (first["name"], first["country"]) == ("Dandong", "CN")


def test_cli_says_plainly_when_a_place_is_missing():
    result = _cli("Panmunjom")
    assert result.returncode == 1
    assert result.stdout.startswith("No place named 'Panmunjom' in the project's gazetteer")
    assert "Nearest spellings it has:" in result.stdout
    assert "click it on the map" in result.stdout
    assert "Traceback" not in result.stderr
