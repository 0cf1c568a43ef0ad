"""The declared translations and the small decisions the importer makes on its own."""

from __future__ import annotations

import datetime as dt

import pytest

from dashboard.importers import acled, convert, mappings
from dashboard.importers.base import SourceTable
from dashboard.importers.delimited import read_delimited
from dashboard.vocab import CATEGORIES, PRECISIONS


def test_every_declared_category_is_ours():
    declared = [*mappings.ACLED_SUB_EVENT_CATEGORIES.values()]
    declared += [c for _, c in mappings.UCDP_TYPE_OF_VIOLENCE.values()]
    assert {c for c in declared if c} <= set(CATEGORIES)
    assert set(mappings.ACLED_GEO_PRECISION.values()) <= set(PRECISIONS)
    assert {p for p in mappings.UCDP_WHERE_PREC.values() if p} <= set(PRECISIONS)


@pytest.mark.parametrize("precision", ["1", "2", "3"])
@pytest.mark.parametrize("day", ["2019-06-01", "2019-06-15", "2019-06-30", "2020-02-29"])
def test_acled_window_contains_the_date(precision, day):
    d = dt.date.fromisoformat(day)
    start, end, text, note = acled.acled_window(d, precision)
    assert start <= d <= end
    assert "ACLED" in text
    if precision == "1":
        assert start == end == d and not note
    elif precision == "2":
        assert (end - start).days == 12 and "week" in note
    else:
        assert (start.year, start.month, start.day) == (d.year, d.month, 1)
        assert (end + dt.timedelta(days=1)).day == 1 and end.month == d.month


def test_acled_window_never_reaches_the_future(monkeypatch):
    monkeypatch.setattr(acled, "_today", lambda: dt.date(2024, 3, 20))
    start, end, _, note = acled.acled_window(dt.date(2024, 3, 18), "3")
    assert (start, end) == (dt.date(2024, 3, 1), dt.date(2024, 3, 20))
    assert "stops at today" in note


def test_country_names_and_codes():
    assert mappings.country_code("North Korea") == "KP"
    assert mappings.country_code("Korea, North") == "KP"
    assert mappings.country_code("북한") == "KP"
    assert mappings.country_code("Myanmar (Burma)") == "MM"
    assert mappings.country_code("PRK") == "KP"
    assert mappings.country_from_numeric("408") == "KP"
    assert mappings.country_from_numeric("156") == "CN"
    assert mappings.country_code("Atlantis") is None


def _table(columns, *records):
    return SourceTable(
        "f.csv", columns, [list(r) for r in records], list(range(2, 2 + len(records))), "csv"
    )


def test_ambiguous_dates_are_never_guessed_but_timestamps_are_days():
    table = _table(["date", "begin"], ["03/04/2024", ""], ["2024-03-04T10:30:00", ""])
    rows = convert.convert_table(table, {"date": "date"}).rows
    assert rows[0].values["date_start"] == "03/04/2024"  # left for the validator to report
    assert rows[1].values["date_start"] == rows[1].values["date_end"] == "2024-03-04"


def test_proposed_mapping_prefers_our_own_names():
    cols = ["incident_id", "id", "Latitude", "lng", "장소", "notes"]
    assert convert.propose_mapping(cols) == {
        "incident_id": "incident_id",
        "Latitude": "latitude",
        "lng": "longitude",
        "장소": "location",
    }


def test_derived_id_is_stable_and_content_based():
    a = {"summary": "x", "latitude": "1"}
    assert convert.derived_id(a) == convert.derived_id(dict(a))
    assert convert.derived_id(a) != convert.derived_id({**a, "summary": "y"})


@pytest.mark.parametrize(
    ("delimiter", "encoding", "said"),
    [("\t", "utf-16", "UTF-16"), ("|", "cp1252", "Windows-1252"), (",", "utf-8", "UTF-8")],
)
def test_delimiters_and_encodings(tmp_path, delimiter, encoding, said):
    path = tmp_path / "f.txt"
    text = delimiter.join(["place", "note"]) + "\n" + delimiter.join(["Café", "déjà vu"]) + "\n"
    path.write_bytes(text.encode(encoding))
    table = read_delimited(path)
    assert table.columns == ["place", "note"]
    assert table.records == [["Café", "déjà vu"]]
    assert said in table.notes[0]


def test_short_and_long_rows_are_reported_with_their_lines(tmp_path):
    path = tmp_path / "f.csv"
    path.write_text('a,b\n1,2\n3\n4,5,6\n"multi\nline",7\n8,9\n', encoding="utf-8")
    table = read_delimited(path)
    assert [str(p) for p in table.problems] == [
        f"{path}:3: row has 1 cells but the header has 2",
        f"{path}:4: row has 3 cells but the header has 2",
    ]
    assert table.lines == [2, 5, 6]  # a record spanning two text lines is one spreadsheet row


def test_repeated_cells_are_one_object_per_column_value(tmp_path, monkeypatch):
    """A large file's repeated cells (types, countries, dates) are shared, not one string
    per row; the cells are the same text, and a short row is left as read."""
    import csv
    import io

    from dashboard.importers import delimited

    monkeypatch.setattr(delimited, "SHARE_BATCH", 4)
    lines = ["id,kind,country,note"]
    lines += [f"{i},arrest,North Korea,note {i}" for i in range(10)]
    lines[6] = "5,arrest"  # a short row: left as read (and reported by the reader)
    text = "\n".join(lines) + "\n"
    path = tmp_path / "f.csv"
    path.write_text(text, encoding="utf-8")
    records = list(delimited.shared_cells(csv.reader(io.StringIO(text))))
    assert records == list(csv.reader(io.StringIO(text)))
    kinds = [r[1] for r in records[1:]]
    assert len({id(k) for k in kinds[:5] + kinds[6:]}) == 1
    assert kinds[5] is not kinds[0]
    table = read_delimited(path)
    assert [r[1] for r in table.records] == ["arrest"] * 9
    assert len({id(r[1]) for r in table.records}) == 1
    assert len({id(r[2]) for r in table.records}) == 1


def test_acled_converted_in_parts_and_let_go_as_it_goes(tmp_path, monkeypatch):
    """ACLED rows are converted CONVERT_ROWS at a time; with ``release`` each part's records
    are let go (the CLI's own tables: a large file is not held twice), with the same rows
    and problems. A plan that reads the file itself releases; given tables or --map do not."""
    from benchmarks.importing import acled_rows, write_rows
    from dashboard.importers import run
    from dashboard.store.csvstore import CsvStore

    rows = acled_rows(7)
    rows[2]["event_date"] = "someday"
    rows[5]["country"] = "Atlantis"
    rows[5]["iso"] = ""
    path = write_rows(tmp_path / "a.csv", acled.ACLED_COLUMNS, rows)
    whole = acled.convert_acled(read_delimited(path))
    monkeypatch.setattr(acled, "CONVERT_ROWS", 3)
    table = read_delimited(path)
    parts = acled.convert_acled(table, release=True)
    assert table.records == []
    assert [(r.line, r.values, r.origin) for r in parts.rows] == [
        (r.line, r.values, r.origin) for r in whole.rows
    ]
    assert parts.problems == whole.problems and len(whole.problems) == 2

    released = []
    convert_acled = acled.convert_acled

    def spy(table, *, release=False):
        released.append(release)
        return convert_acled(table, release=release)

    monkeypatch.setattr(run, "convert_acled", spy)
    store = CsvStore(tmp_path / "into.csv")
    plans = [
        run.plan_import(path, store),
        run.plan_import(path, store, tables=run.read_tables(path)),
        run.plan_import(path, store, mapping={"notes": "summary"}),
    ]
    assert released == [True, False, False]
    assert [p.summary() for p in plans] == ["5 imported, 0 already present, 2 rejected"] * 3
