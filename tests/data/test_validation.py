"""The validator: the shipped data passes; each kind of bad input is named precisely."""

from __future__ import annotations

import subprocess
import sys

import pytest

from dashboard import DEFAULT_INCIDENTS, REPO_DIR
from dashboard.data.dataset import check_dataset, load_dataset
from dashboard.problems import DataError, errors
from tests.conftest import write_rows


def messages(path) -> list[str]:
    _, problems = check_dataset(path)
    return [str(p) for p in errors(problems)]


def test_shipped_data_validates():
    dataset, problems = check_dataset()
    assert dataset is not None, [str(p) for p in problems]
    assert errors(problems) == []
    assert len(dataset.incidents) >= 15
    assert dataset.incidents.crs.to_epsg() == 4326
    assert set(dataset.incidents.geom_type) == {"Point"}
    assert dataset.routes.crs.to_epsg() == 4326
    lines = dataset.routes.geom_type == "LineString"
    # A leg between two areas is their shared border, which may come in several pieces.
    assert (lines | (dataset.routes["unknown_end"] == "both")).all()
    assert dataset.places.crs.to_epsg() == 4326


def test_every_incident_and_leg_refers_to_known_places_and_incidents():
    dataset = load_dataset()
    assert set(dataset.incidents["place_id"]) <= set(dataset.places.index)
    assert set(dataset.routes["from_place"]) | set(dataset.routes["to_place"]) <= set(
        dataset.places.index
    )
    known = set(dataset.incidents["incident_id"])
    for ids in dataset.routes["incident_ids"]:
        assert ids and set(ids) <= known
    routed = set(dataset.incidents["route_id"]) - {""}
    assert routed <= set(dataset.routes["route_id"])


def test_typed_columns():
    inc = load_dataset().incidents
    assert str(inc["date_start"].dtype).startswith("datetime64")
    assert inc["latitude"].dtype == float
    assert inc["geo_precision"].between(1, 4).all()
    # undated rows keep an explanation
    undated = inc[inc["date_start"].isna()]
    assert (undated["date_note"].str.len() > 0).all()


# (row index in the curated file, column, new value, expected "COLUMN: message" fragment)
# Data rows start at spreadsheet line 2, so row index i is line i + 2.
BAD_CELLS = [
    (0, "incident_id", "", "incident_id: empty required cell"),
    (1, "date_start", "2019-13-01", "date_start: impossible date: '2019-13-01'"),
    (1, "date_start", "2019-02-30", "date_start: impossible date: '2019-02-30'"),
    (2, "date_end", "June 2019", "date_end: not a date in YYYY-MM-DD form: 'June 2019'"),
    (0, "date_end", "2017-01-01", "date_end: 2017-01-01 is before date_start 2018-06-01"),
    (0, "date_start", "2099-01-01", "date_start: date 2099-01-01 is in the future"),
    (3, "latitude", "142.5", "latitude: 142.5 is out of range (-90 to 90)"),
    (3, "longitude", "east", "longitude: not a number: 'east'"),
    (4, "category", "kidnap", "category: unknown category 'kidnap'"),
    (4, "confidence", "likely", "confidence: unknown confidence 'likely'"),
    (2, "geo_precision", "7", "geo_precision: 7 is out of range (1 to 4)"),
    (2, "people_count", "two", "people_count: not a whole number: 'two'"),
    (
        2,
        "source_url",
        "javascript:alert(1)",
        "source_url: not an http(s) link: 'javascript:alert(1)'",
    ),
    (2, "country", "North Korea", "country: not an ISO 3166-1 alpha-2 code: 'North Korea'"),
    (2, "place_id", "atlantis", "place_id: unknown place 'atlantis'"),
    (2, "route_id", "R-NOWHERE", "route_id: unknown route 'R-NOWHERE'"),
    (0, "summary", "   ", "summary: empty required cell"),
]


@pytest.mark.parametrize(("index", "column", "value", "expected"), BAD_CELLS)
def test_bad_cell_is_named_with_file_line_and_column(mutated, index, column, value, expected):
    path = mutated(index, column, value)
    found = messages(path)
    assert f"{path}:{index + 2}: {expected}" in "\n".join(found), found


def test_every_problem_is_reported_at_once(tmp_path, curated):
    header, rows = curated
    rows[0]["category"] = "nope"
    rows[5]["latitude"] = "999"
    rows[7]["date_end"] = "yesterday"
    path = write_rows(tmp_path / "many.csv", header, rows)
    found = messages(path)
    assert any(f"{path}:2: category:" in m for m in found)
    assert any(f"{path}:7: latitude:" in m for m in found)
    assert any(f"{path}:9: date_end:" in m for m in found)


def test_duplicate_ids(tmp_path, curated):
    header, rows = curated
    rows[3]["incident_id"] = rows[0]["incident_id"]
    path = write_rows(tmp_path / "dup.csv", header, rows)
    assert (
        f"{path}:5: incident_id: duplicate id '{rows[0]['incident_id']}' (first at line 2)"
        in messages(path)
    )


def test_coordinates_outside_the_stated_country(tmp_path, curated):
    header, rows = curated
    i = next(i for i, r in enumerate(rows) if r["place_id"] == "pyongyang")
    rows[i]["country"] = "CN"  # Pyongyang is not in China
    path = write_rows(tmp_path / "country.csv", header, rows)
    found = "\n".join(messages(path))
    assert f"{path}:{i + 2}: latitude: (" in found
    assert "km outside CN; precision 1 allows 5 km" in found


def test_swapped_coordinates_are_recognised(tmp_path, curated):
    header, rows = curated
    i = next(i for i, r in enumerate(rows) if r["place_id"] == "vientiane")
    rows[i]["latitude"], rows[i]["longitude"] = rows[i]["longitude"], rows[i]["latitude"]
    path = write_rows(tmp_path / "swapped.csv", header, rows)
    found = "\n".join(messages(path))
    assert f"{path}:{i + 2}: latitude:" in found
    assert "look swapped" in found


def test_country_level_point_may_sit_far_from_a_town(tmp_path, curated):
    """A precision-4 point only has to be near its country, not exact."""
    header, rows = curated
    i = next(i for i, r in enumerate(rows) if r["geo_precision"] == "4" and r["country"] == "CN")
    rows[i]["latitude"], rows[i]["longitude"] = "30.0", "110.0"
    assert messages(write_rows(tmp_path / "ok.csv", header, rows)) == []


def test_one_date_without_the_other(mutated):
    path = mutated(0, "date_end", "")
    assert (
        f"{path}:2: date_end: empty while date_start is given: give date_end, or, if the source "
        'states no end, write "end not stated" in date_note'
    ) in messages(path)


def test_undated_row_needs_a_reason(tmp_path, curated):
    header, rows = curated
    rows[0]["date_start"] = rows[0]["date_end"] = rows[0]["date_note"] = ""
    path = write_rows(tmp_path / "undated.csv", header, rows)
    assert any(m.startswith(f"{path}:2: date_note: no date window given") for m in messages(path))


def test_missing_column(tmp_path, curated):
    header, rows = curated
    header = [h for h in header if h != "confidence"]
    for r in rows:
        del r["confidence"]
    path = write_rows(tmp_path / "missing.csv", header, rows)
    assert messages(path) == [f"{path}:1: confidence: missing required column"]


def test_extra_column_is_kept_with_a_warning(tmp_path, curated):
    header, rows = curated
    header = [*header, "reporter"]
    for r in rows:
        r["reporter"] = "x"
    path = write_rows(tmp_path / "extra.csv", header, rows)
    dataset, problems = check_dataset(path)
    assert dataset is not None
    assert "reporter" in dataset.incidents.columns
    assert f"{path}:1: reporter: warning: unknown column; it is kept but not used" in [
        str(p) for p in problems
    ]


def test_row_with_wrong_number_of_cells(tmp_path):
    text = DEFAULT_INCIDENTS.read_text(encoding="utf-8").splitlines()
    text[3] = text[3] + ',"surplus"'
    path = tmp_path / "cells.csv"
    path.write_text("\n".join(text) + "\n", encoding="utf-8")
    found = messages(path)
    assert any(m.startswith(f"{path}:4: row has ") and "but the header has" in m for m in found)


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (None, "file not found"),
        (b"", "file is empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "not a CSV text file (it contains binary data)"),
        (
            b"incident_id;date_start;date_end\nA;2019-01-01;2019-01-02\n",
            "the header has a single column; the file seems to use semicolon as its delimiter",
        ),
        ("incident_id,location\n1,북청\n".encode("cp949"), "not UTF-8 text"),
    ],
)
def test_unreadable_files(tmp_path, content, expected):
    path = tmp_path / "input.csv"
    if content is not None:
        path.write_bytes(content)
    found = messages(path)
    assert len(found) == 1
    assert found[0].startswith(str(path))
    assert expected in found[0]


def test_header_only(tmp_path):
    path = tmp_path / "header.csv"
    path.write_text(
        DEFAULT_INCIDENTS.read_text(encoding="utf-8").splitlines()[0] + "\n", encoding="utf-8"
    )
    assert messages(path) == [f"{path}: has a header but no data rows"]


def test_bom_and_korean_text_load(tmp_path, curated):
    header, rows = curated
    rows[0]["location"] = "온성군 (Onsong County)"
    path = write_rows(tmp_path / "bom.csv", header, rows)
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    dataset = load_dataset(path)
    assert dataset.incidents.loc[0, "location"] == "온성군 (Onsong County)"
    assert "incident_id" in dataset.incidents.columns


def test_input_file_is_never_modified(tmp_path, curated):
    header, rows = curated
    rows[2]["category"] = "bad"
    path = write_rows(tmp_path / "keep.csv", header, rows)
    before = path.read_bytes()
    with pytest.raises(DataError):
        load_dataset(path)
    assert path.read_bytes() == before


def test_route_leg_with_unknown_place_and_incident(tmp_path):
    src = REPO_DIR / "geodata" / "routes.csv"
    lines = src.read_text(encoding="utf-8").splitlines()
    header = lines[0].split(",")
    cells = lines[1].split(",")
    cells[header.index("from_place")] = "atlantis"
    lines[1] = ",".join(cells)
    bad = tmp_path / "routes.csv"
    bad.write_text("\n".join(lines) + "\n", encoding="utf-8")
    _, problems = check_dataset(DEFAULT_INCIDENTS, bad)
    assert f"{bad}:2: from_place: unknown place 'atlantis' (not in the gazetteer)" in [
        str(p) for p in problems
    ]


def run_cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "dashboard", *args],
        cwd=REPO_DIR,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_cli_validate_passes_on_shipped_data():
    result = run_cli("validate")
    assert result.returncode == 0, result.stderr
    assert "incidents" in result.stdout and "OK" in result.stdout
    assert "categories:" in result.stdout


@pytest.mark.parametrize(
    "content",
    [
        None,
        b"",
        b"\x00\x01\x02garbage",
        b"just one line of nonsense\n",
        "a,b\n\xff\xfe".encode("latin-1"),
    ],
)
def test_cli_never_prints_a_traceback(tmp_path, content):
    path = tmp_path / "in.csv"
    if content is not None:
        path.write_bytes(content)
    result = run_cli("validate", "--incidents", str(path))
    assert result.returncode == 1
    assert "Traceback" not in result.stderr + result.stdout
    assert str(path) in result.stderr


def test_cli_reports_line_and_column(mutated):
    path = mutated(3, "latitude", "95")
    result = run_cli("validate", "--incidents", str(path))
    assert result.returncode == 1
    assert f"{path}:5: latitude: 95 is out of range (-90 to 90)" in result.stderr


def test_the_listed_python_whitespace_is_what_str_strip_removes():
    from dashboard.data import tables

    assert [chr(c) for c in range(0x110000) if chr(c).isspace()] == tables._PY_SPACES
