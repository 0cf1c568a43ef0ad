"""Messy spreadsheets: each bad file gets its exact message; good-but-odd files load whole.

Also property-based: whatever bytes or cell edits come in, loading returns problems or
data, never an unhandled exception, and never loses a row without saying so.
"""

from __future__ import annotations

import csv
import io
import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dashboard import DEFAULT_INCIDENTS
from dashboard.data.dataset import check_dataset
from dashboard.problems import errors
from dashboard.vocab import INCIDENT_COLUMNS
from tests.conftest import read_rows, write_rows

HEADER, ROWS = read_rows(DEFAULT_INCIDENTS)
TEXT = DEFAULT_INCIDENTS.read_text(encoding="utf-8")


def edited(column: str, value: str, row: int = 0, **more: str) -> bytes:
    rows = [dict(r) for r in ROWS]
    rows[row][column] = value
    rows[row].update(more)
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=HEADER, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buf.getvalue().encode("utf-8")


def semicolons() -> bytes:
    buf = io.StringIO()
    writer = csv.writer(buf, delimiter=";", lineterminator="\n")
    writer.writerow(HEADER)
    writer.writerows([[r[h] for h in HEADER] for r in ROWS])
    return buf.getvalue().encode("utf-8")


def without(column: str) -> bytes:
    buf = io.StringIO()
    keep = [h for h in HEADER if h != column]
    writer = csv.DictWriter(buf, fieldnames=keep, lineterminator="\n", extrasaction="ignore")
    writer.writeheader()
    writer.writerows(ROWS)
    return buf.getvalue().encode("utf-8")


def duplicated() -> bytes:
    return edited("incident_id", ROWS[0]["incident_id"], row=1)


def cp949() -> bytes:
    return edited("location", "북청 (Bukchong)", row=2).decode("utf-8").encode("cp949")


# name, file bytes (None = no file), exact message with {p} for the path
BAD_FILES = [
    ("missing file", None, "{p}: file not found"),
    ("empty file", b"", "{p}: file is empty"),
    ("whitespace only", b"\n \n\t\n", "{p}: file is empty"),
    ("header only", (",".join(HEADER) + "\n").encode(), "{p}: has a header but no data rows"),
    (
        "binary garbage",
        bytes(range(256)) * 40,
        "{p}: not a CSV text file (it contains binary data)",
    ),
    (
        "wrong delimiter",
        semicolons(),
        "{p}:1: the header has a single column; the file seems to use semicolon as its delimiter. "
        "Save it as comma-separated CSV.",
    ),
    (
        "legacy Korean encoding",
        cp949(),
        "{p}:2: not UTF-8 text (byte 0xa1). It looks like legacy Korean encoding (CP949/EUC-KR). "
        "Save the file as UTF-8 CSV and load it again.",
    ),
    ("missing column", without("confidence"), "{p}:1: confidence: missing required column"),
    (
        "duplicate ids",
        duplicated(),
        f"{{p}}:3: incident_id: duplicate id '{ROWS[0]['incident_id']}' (first at line 2)",
    ),
    (
        "latitude out of range",
        edited("latitude", "95"),
        "{p}:2: latitude: 95 is out of range (-90 to 90)",
    ),
    (
        "longitude out of range",
        edited("longitude", "-200"),
        "{p}:2: longitude: -200 is out of range (-180 to 180)",
    ),
    (
        "swapped coordinates",
        edited("latitude", ROWS[0]["longitude"], longitude=ROWS[0]["latitude"]),
        f"{{p}}:2: latitude: {float(ROWS[0]['longitude']):g} is out of range (-90 to 90) "
        "(latitude and longitude look swapped)",
    ),
    ("outside the stated country", edited("country", "MN"), None),  # message checked below
    (
        "impossible date",
        edited("date_start", "2019-02-30"),
        "{p}:2: date_start: impossible date: '2019-02-30'",
    ),
    (
        "end before start",
        edited("date_end", "2018-01-01"),
        f"{{p}}:2: date_end: 2018-01-01 is before date_start {ROWS[0]['date_start']}",
    ),
    (
        "unknown category",
        edited("category", "kidnap"),
        "{p}:2: category: unknown category 'kidnap' (expected one of lure, crossing, checkpoint, "
        "arrest, extortion, deportation, repatriation, release, diplomacy)",
    ),
    (
        "very long text",
        edited("summary", "x" * 102_400),
        "{p}:2: summary: cell has 102,400 characters; the limit is 20,000",
    ),
    ("unclosed quote", (TEXT + '"ONS-99,unterminated\n').encode(), None),
]


@pytest.mark.parametrize(("name", "content", "expected"), BAD_FILES, ids=[c[0] for c in BAD_FILES])
def test_bad_file_gets_its_exact_message(tmp_path, name, content, expected):
    path = tmp_path / "incidents.csv"
    if content is not None:
        path.write_bytes(content)
    before = path.read_bytes() if content is not None else None
    dataset, problems = check_dataset(path)
    found = [str(p) for p in errors(problems)]
    assert dataset is None
    assert found, name
    if expected is not None:
        assert expected.format(p=path) in found, found
    elif name == "outside the stated country":
        assert found[0].startswith(f"{path}:2: latitude: (") and "km outside MN" in found[0]
    else:
        assert all(m.startswith(str(path)) for m in found)
    if before is not None:
        assert path.read_bytes() == before  # never modified


def test_bom_loads(tmp_path):
    path = tmp_path / "bom.csv"
    path.write_bytes(b"\xef\xbb\xbf" + TEXT.encode("utf-8"))
    dataset, problems = check_dataset(path)
    assert dataset is not None and errors(problems) == []
    assert list(dataset.incidents["incident_id"]) == [r["incident_id"] for r in ROWS]


def test_korean_text_in_every_text_column_loads(tmp_path):
    rows = [dict(r) for r in ROWS]
    for r in rows:
        for col in ("summary", "location", "actors", "date_text", "source_title", "admin1"):
            r[col] = f"{r[col]} 북청 함흥 온성"
    path = write_rows(tmp_path / "ko.csv", HEADER, rows)
    dataset, problems = check_dataset(path)
    assert dataset is not None, [str(p) for p in problems]
    assert dataset.incidents["summary"].str.endswith("북청 함흥 온성").all()


@pytest.mark.slow  # writes and reads 50 MB
def test_fifty_megabyte_file_loads_every_row(tmp_path):
    """A 50 MB spreadsheet loads whole (or fails clearly); here it is valid, so all rows load."""
    path = tmp_path / "big.csv"
    body = TEXT.splitlines()[1:]
    n = 0
    with open(path, "w", encoding="utf-8") as f:
        f.write(TEXT.splitlines()[0] + "\n")
        while f.tell() < 50 * 1024 * 1024:
            for line in body:
                f.write(line.replace(line.split(",", 1)[0], f"X{n:06d}", 1) + "\n")
                n += 1
    dataset, problems = check_dataset(path)
    assert dataset is not None, [str(p) for p in problems[:5]]
    assert len(dataset.incidents) == n
    assert path.stat().st_size >= 50 * 1024 * 1024


def data_rows(raw: bytes) -> int | None:
    """How many records a file holds, by Python's csv reader (None if it is not CSV text)."""
    try:
        text = raw.decode("utf-8-sig")
        return sum(
            1
            for r in list(csv.reader(io.StringIO(text, newline="")))[1:]
            if any(c.strip() for c in r)
        )
    except (UnicodeDecodeError, csv.Error):
        return None


@pytest.mark.slow  # Hypothesis: many files
@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(raw=st.binary(max_size=3000))
def test_any_bytes_give_problems_or_data(tmp_path, raw):
    path = tmp_path / "fuzz.csv"
    path.write_bytes(raw)
    dataset, problems = check_dataset(path)
    assert dataset is not None or errors(problems)


@pytest.mark.slow  # Hypothesis: many files
@settings(
    max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    row=st.integers(0, len(ROWS) - 1),
    column=st.sampled_from(INCIDENT_COLUMNS),
    value=st.one_of(
        st.text(max_size=40),
        st.sampled_from(
            ["", "0", "-1", "999", "NaN", "inf", "2019-02-29", "\n", '"', ",", "1e309"]
        ),
    ),
)
def test_any_cell_edit_keeps_every_row_or_reports(tmp_path, row, column, value):
    path = tmp_path / "mutated.csv"
    raw = edited(column, value, row)
    path.write_bytes(raw)
    dataset, problems = check_dataset(path)
    if dataset is None:
        assert errors(problems)
    else:
        assert len(dataset.incidents) == data_rows(raw) == len(ROWS)


@pytest.mark.slow  # Hypothesis: many files
@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(cut=st.integers(0, len(TEXT.encode("utf-8"))), extra=st.binary(max_size=20))
def test_truncated_or_appended_files(tmp_path, cut, extra):
    raw = TEXT.encode("utf-8")[:cut] + extra
    path = tmp_path / "cut.csv"
    path.write_bytes(raw)
    dataset, problems = check_dataset(path)
    if dataset is None:
        assert errors(problems)
    else:
        assert len(dataset.incidents) == data_rows(raw)


def test_shipped_file_unchanged_by_loading(tmp_path):
    copy = tmp_path / "copy.csv"
    shutil.copy(DEFAULT_INCIDENTS, copy)
    check_dataset(copy)
    assert Path(copy).read_bytes() == DEFAULT_INCIDENTS.read_bytes()
