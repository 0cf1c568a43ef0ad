"""The PostGIS store against a real throwaway PostgreSQL cluster (dashboard/store/pgcluster.py)."""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import sqlalchemy as sa

from dashboard import DEFAULT_INCIDENTS, REPO_DIR
from dashboard.data.dataset import check_dataset
from dashboard.data.places import PLACES_PATH
from dashboard.data.routes import ROUTES_PATH
from dashboard.export import incidents_csv
from dashboard.store import Conflict, NotFound, Rejected, open_store
from dashboard.store.postgis import DatabaseUnavailable, PostgisStore
from tests.conftest import CURATED_COUNT, read_rows

FILES = {"incidents": DEFAULT_INCIDENTS, "routes": ROUTES_PATH, "places": PLACES_PATH}


@pytest.fixture
def store(pg_url):
    """A database loaded with the shipped files."""
    s = PostgisStore(pg_url)
    s.init()
    counts, problems = s.load_files(DEFAULT_INCIDENTS, ROUTES_PATH, PLACES_PATH, author="loader")
    assert counts is not None, problems
    yield s
    s.close()


def new_row(n: int) -> dict[str, str]:
    """A valid incident built from a shipped one, with a new id (synthetic, test only)."""
    _, rows = read_rows(DEFAULT_INCIDENTS)
    row = dict(rows[0])
    row["incident_id"] = f"TEST-{n:03d}"
    row["summary"] = f"Synthetic test incident {n}"
    return row


def cli(*args: str, url: str | None = None) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "DASHBOARD_DATABASE_URL"}
    if url:
        env["DASHBOARD_DATABASE_URL"] = url
    return subprocess.run(
        [sys.executable, "-m", "dashboard", *args],
        capture_output=True,
        text=True,
        cwd=REPO_DIR,
        env=env,
        timeout=180,
    )


def test_open_store_picks_the_database(pg_url):
    assert isinstance(open_store(database_url=pg_url), PostgisStore)


def test_init_is_idempotent(pg_url):
    s = PostgisStore(pg_url)
    assert s.init() == [
        "001 tables for incidents, routes, places, history and the data version",
        "002 an incident's date window may have an unstated end",
        "003 route legs may be multi-part lines",
        "004 each incident's map cell and coordinates, and an index the map's aggregates read",
    ]
    assert s.init() == []


def test_load_then_dump_gives_the_same_bytes(store, tmp_path):
    assert store.load_timings["copy_incidents_fast"] is True  # PostgreSQL read the file itself
    written = store.dump(tmp_path)
    for table, src in FILES.items():
        assert written[table].read_bytes() == Path(src).read_bytes(), table


def test_dump_keeps_bom_and_crlf_on_the_fast_path(pg_url, tmp_path):
    header, rows = read_rows(DEFAULT_INCIDENTS)
    src = tmp_path / "in.csv"
    with open(src, "w", newline="", encoding="utf-8-sig") as f:
        csv.DictWriter(f, fieldnames=header, lineterminator="\r\n").writerows(
            [dict(zip(header, header, strict=True)), *rows]
        )
    s = PostgisStore(pg_url)
    s.init()
    assert s.load_files(src, ROUTES_PATH, PLACES_PATH, author="t")[0]
    assert s.load_timings["copy_incidents_fast"] is True
    out = tmp_path / "out"
    out.mkdir()
    s.dump(out)
    assert (out / "incidents.csv").read_bytes() == src.read_bytes()
    assert s.get_incident(rows[3]["incident_id"]) == rows[3]
    s.close()


def test_dump_keeps_bom_crlf_and_unknown_columns(pg_url, tmp_path):
    header, rows = read_rows(DEFAULT_INCIDENTS)
    rows[0]["desk"] = 'note, with "quotes"'
    src = tmp_path / "in.csv"
    with open(src, "w", newline="", encoding="utf-8-sig") as f:
        w = csv.DictWriter(f, fieldnames=[*header, "desk"], lineterminator="\r\n")
        w.writeheader()
        w.writerows(rows)
    s = PostgisStore(pg_url)
    s.init()
    counts, problems = s.load_files(src, ROUTES_PATH, PLACES_PATH, author="t")
    assert counts and any("unknown column" in p.message for p in problems)
    assert s.load_timings["copy_incidents_fast"] is False  # the extra column goes to `extra`
    out = tmp_path / "out"
    out.mkdir()
    s.dump(out)
    assert (out / "incidents.csv").read_bytes() == src.read_bytes()
    assert s.get_incident(rows[0]["incident_id"])["desk"] == 'note, with "quotes"'


def test_csv_export_from_the_database_is_byte_identical(store):
    from_db, problems = store.load()
    assert problems == []
    from_files, _ = check_dataset()
    assert incidents_csv(from_db.incidents) == incidents_csv(from_files.incidents)


def test_cli_export_csv_identical_with_and_without_the_url(store, tmp_path):
    a, b = tmp_path / "files.csv", tmp_path / "db.csv"
    r1 = cli("export", "--format", "csv", "--out", str(a))
    r2 = cli("export", "--format", "csv", "--out", str(b), url=store.url)
    assert r1.returncode == 0 and r2.returncode == 0, r1.stderr + r2.stderr
    assert a.read_bytes() == b.read_bytes()
    r3 = cli("validate", url=store.url)
    assert r3.returncode == 0 and f"{CURATED_COUNT} incidents" in r3.stdout, r3.stderr


def test_cli_init_load_dump(pg_url, tmp_path):
    assert cli("db", "init", url=pg_url).returncode == 0
    r = cli("db", "load", url=pg_url)
    assert r.returncode == 0 and f"{CURATED_COUNT} incidents" in r.stdout, r.stderr
    r = cli("db", "dump", "--out-dir", str(tmp_path), url=pg_url)
    assert r.returncode == 0, r.stderr
    assert (tmp_path / "incidents.csv").read_bytes() == DEFAULT_INCIDENTS.read_bytes()
    r = cli("db", "dump", "--out-dir", str(tmp_path), url=pg_url)
    assert r.returncode == 1 and "--force" in r.stderr and "Traceback" not in r.stderr


def test_cli_load_refuses_invalid_files_with_the_usual_messages(store, mutated):
    bad = mutated(0, "category", "kidnap")
    r = cli("db", "load", "--incidents", str(bad), url=store.url)
    assert r.returncode == 1
    assert f"{bad}:2: category: unknown category 'kidnap'" in r.stderr
    assert "nothing was loaded" in r.stderr
    assert len(store.load()[0].incidents) == CURATED_COUNT  # the database is untouched


def test_unreachable_database_one_clear_line(tmp_path):
    from dashboard.store.pgcluster import free_port

    url = f"postgresql://editor:s3cret-pw@127.0.0.1:{free_port()}/newsroom"
    r = cli("validate", url=url)
    assert r.returncode == 1, r
    assert "Traceback" not in r.stderr and "s3cret-pw" not in r.stderr + r.stdout
    assert "'newsroom' on 127.0.0.1" in r.stderr, r.stderr
    assert len(r.stderr.strip().splitlines()) == 1, r.stderr
    store = PostgisStore(url)
    for call in (store.data_version, store.load, store.init, lambda: store.get_incident("x")):
        with pytest.raises(DatabaseUnavailable) as err:
            call()
        message = str(err.value)
        assert "'newsroom' on 127.0.0.1" in message and "s3cret-pw" not in message
        assert "\n" not in message


def test_database_without_tables_says_run_init(pg_url):
    with pytest.raises(DatabaseUnavailable, match="db init"):
        PostgisStore(pg_url).load()


def test_twenty_concurrent_adds_keep_twenty(store):
    before = store.data_version()

    def add(n: int) -> list[str]:
        return PostgisStore(store.url).add_incidents([new_row(n)], author=f"editor{n % 5}")

    with ThreadPoolExecutor(max_workers=20) as pool:
        ids = [i for got in pool.map(add, range(20)) for i in got]
    assert sorted(ids) == [f"TEST-{n:03d}" for n in range(20)]
    dataset, problems = store.load()
    assert problems == [] and len(dataset.incidents) == CURATED_COUNT + 20
    assert len([c for c in store.history() if c.action == "add"]) == 20
    assert store.data_version() != before


def test_add_rejects_invalid_rows_with_the_validators_words(store):
    row = new_row(1)
    row["date_start"], row["date_end"] = "2024-05-10", "2024-05-01"
    with pytest.raises(Rejected) as err:
        store.add_incidents([row], author="ed")
    assert [str(p) for p in err.value.problems] == [
        "new incident: date_end: 2024-05-01 is before date_start 2024-05-10"
    ]
    with pytest.raises(Rejected, match="duplicate id 'ONS-01'"):
        store.add_incidents([new_row(2) | {"incident_id": "ONS-01"}], author="ed")
    assert store.get_incident("TEST-001") is None


def test_conflict_shows_both_versions_and_loses_nothing(store):
    base = store.get_incident("ONS-01")
    a = dict(base, summary="Editor A's wording")
    b = dict(base, summary="Editor B's wording")
    store.update_incident("ONS-01", a, base=base, author="a")
    with pytest.raises(Conflict) as err:
        store.update_incident("ONS-01", b, base=base, author="b")
    assert err.value.mine["summary"] == "Editor B's wording"
    assert err.value.theirs["summary"] == "Editor A's wording"
    assert err.value.differing_columns() == ["summary"]
    assert store.get_incident("ONS-01")["summary"] == "Editor A's wording"
    # B resolves it against what is stored now, and the save goes through
    store.update_incident("ONS-01", b, base=err.value.theirs, author="b")
    assert store.get_incident("ONS-01")["summary"] == "Editor B's wording"
    with sa.create_engine(store.url).connect() as c:
        version = c.execute(sa.text("SELECT version FROM incidents WHERE incident_id='ONS-01'"))
        assert version.scalar_one() == 3


def test_history_and_restore(store):
    original = store.get_incident("ONS-01")
    edited = dict(original, summary="Edited", confidence="unconfirmed")
    store.update_incident("ONS-01", edited, base=original, author="ed")
    changes = store.history("ONS-01")
    assert [c.action for c in changes] == ["import", "edit"]
    assert changes[1].author == "ed" and changes[1].at.endswith("Z")
    assert changes[1].before == {
        "incident_id": "ONS-01",
        "summary": original["summary"],
        "confidence": original["confidence"],
    }
    assert changes[1].after == {
        "incident_id": "ONS-01",
        "summary": "Edited",
        "confidence": "unconfirmed",
    }
    assert store.version_after(changes[0].change_id) == original
    store.restore(changes[0].change_id, author="chief")
    assert store.get_incident("ONS-01") == original
    assert store.history("ONS-01")[-1].action == "restore"
    # withdraw and bring it back
    store.withdraw_incident("ONS-01", base=original, author="ed", reason="duplicate")
    assert store.get_incident("ONS-01") is None
    gone = store.history("ONS-01")[-1]
    assert gone.action == "withdraw" and gone.note == "duplicate" and gone.after is None
    store.restore(gone.change_id, author="chief")
    assert store.get_incident("ONS-01") == original
    with pytest.raises(NotFound):
        store.restore("999999", author="chief")


def test_withdraw_refused_while_a_route_names_the_incident(store):
    row = store.get_incident("BUK-01")
    with pytest.raises(Rejected, match="route R-BUKCHONG leg 1 names BUK-01"):
        store.withdraw_incident("BUK-01", base=row, author="ed", reason="x")


def test_constraints_reject_bad_rows_written_around_the_app(store):
    """A GIS colleague writing with QGIS or psql meets the same rules in the database."""
    engine = sa.create_engine(store.url)
    bad = [
        "UPDATE incidents SET category = 'kidnap' WHERE incident_id = 'ONS-01'",
        "UPDATE incidents SET confidence = 'maybe' WHERE incident_id = 'ONS-01'",
        "UPDATE incidents SET latitude = '95' WHERE incident_id = 'ONS-01'",
        "UPDATE incidents SET longitude = '-181' WHERE incident_id = 'ONS-01'",
        "UPDATE incidents SET geo_precision = '5' WHERE incident_id = 'ONS-01'",
        "UPDATE incidents SET date_start = '2024-05-10', date_end = '2024-05-01'"
        " WHERE incident_id = 'ONS-01'",
        "UPDATE incidents SET date_start = '', date_end = '', date_note = ''"
        " WHERE incident_id = 'ONS-01'",
        "UPDATE incidents SET country = 'Korea' WHERE incident_id = 'ONS-01'",
        "UPDATE routes SET mode = 'teleport'",
        "UPDATE places SET kind = 'planet'",
        "INSERT INTO history (author, action, table_name, key) VALUES ('x', 'add', 'incidents', 'k')",
    ]
    for sql in bad:
        with pytest.raises(sa.exc.IntegrityError), engine.begin() as con:
            con.execute(sa.text(sql))
    with engine.connect() as con:
        point = con.execute(
            sa.text(
                "SELECT ST_SRID(geom), ST_X(geom), window_start::text FROM incidents"
                " WHERE incident_id = 'ONS-01'"
            )
        ).one()
    row = store.get_incident("ONS-01")
    assert point == (4326, float(row["longitude"]), row["date_start"] or None)
    engine.dispose()


def test_another_process_sees_a_save_at_its_next_interaction(store):
    other = PostgisStore(store.url)
    seen = other.data_version()
    base = store.get_incident("ONS-01")
    store.update_incident("ONS-01", dict(base, summary="New"), base=base, author="ed")
    assert other.data_version() != seen
    assert other.get_incident("ONS-01")["summary"] == "New"


def test_filter_query_uses_window_category_and_box(store):
    dataset, _ = store.load()
    inc = dataset.incidents
    assert len(store.filter_ids()) == len(inc)
    arrests = store.filter_ids(categories=["arrest"])
    assert sorted(arrests) == sorted(inc.loc[inc.category == "arrest", "incident_id"])
    dated = store.filter_ids(include_undated=False)
    assert sorted(dated) == sorted(inc.dropna(subset=["date_start"])["incident_id"])
    in_kp = store.filter_ids(bbox=(124.0, 37.5, 131.0, 43.1))
    assert "ONS-01" in in_kp and len(in_kp) < len(inc)


def test_add_place_and_route_leg(store):
    _, places = read_rows(PLACES_PATH)
    place = dict(places[1], place_id="hamhung_copy", name="Hamhung copy")
    assert store.add_place(place, author="ed") == "hamhung_copy"
    with pytest.raises(Rejected, match="duplicate id 'hamhung_copy'"):
        store.add_place(place, author="ed")
    leg = {
        "route_id": "R-TEST",
        "route_name": "Test leg",
        "leg": "1",
        "from_place": "hamhung",
        "to_place": "hamhung_copy",
        "mode": "road",
        "status": "alleged",
        "incident_ids": "ONS-01",
        "approximate": "",
        "geometry": "",
    }
    store.add_route_legs([leg], author="ed")
    dataset, problems = store.load()
    assert problems == [] and "R-TEST" in set(dataset.routes.route_id)
    assert [c.action for c in store.history("R-TEST#1", table="routes")] == ["add"]


def test_misconfigured_url_names_the_problem_not_the_password(pg_cluster):
    wrong_db = pg_cluster.admin_url("no_such_db").replace("postgres@", "postgres:pw-123@")
    with pytest.raises(DatabaseUnavailable) as err:
        PostgisStore(wrong_db).data_version()
    assert "'no_such_db' on 127.0.0.1" in str(err.value)
    assert "does not exist" in str(err.value) and "pw-123" not in str(err.value)
    for url, words in (
        ("not a url", "not a database URL"),
        ("mysql://u:pw-123@h/db", "must be a postgresql:// URL"),
    ):
        with pytest.raises(DatabaseUnavailable, match=words) as err:
            PostgisStore(url).data_version()
        assert "pw-123" not in str(err.value)


def test_cli_add_and_places_search_use_the_database(store, tmp_path):
    row = tmp_path / "row.json"
    row.write_text(json.dumps(new_row(7)), encoding="utf-8")
    r = cli("add", "--json", str(row), url=store.url)
    assert r.returncode == 0 and "added TEST-007" in r.stdout, r.stderr
    assert store.get_incident("TEST-007")["summary"] == "Synthetic test incident 7"
    assert DEFAULT_INCIDENTS.read_bytes().count(b"TEST-007") == 0  # the files are untouched
    r = cli("add", "--json", str(row), url=store.url)
    assert r.returncode == 1 and "duplicate id 'TEST-007'" in r.stderr, r.stderr
    _, places = read_rows(PLACES_PATH)
    store.add_place(dict(places[1], place_id="db_only_place", name="Dbonly"), author="ed")
    r = cli("places", "search", "Dbonly", "--json", url=store.url)
    assert r.returncode == 0 and "db_only_place" in r.stdout, r.stderr


def test_validate_incidents_reports_without_writing(store):
    bad = new_row(3) | {"confidence": "maybe"}
    problems = store.validate_incidents([bad])
    assert [str(p) for p in problems] == [
        "new incident: confidence: unknown confidence 'maybe' (expected one of "
        "confirmed, reported, unconfirmed)"
    ]
    assert store.validate_incidents([new_row(4)]) == []
    assert store.get_incident("TEST-004") is None


def test_cli_edit_history_restore_use_the_database(store, tmp_path):
    original = store.get_incident("ONS-01")
    cells = tmp_path / "cells.json"
    cells.write_text(json.dumps({"summary": "Edited from the command line"}), encoding="utf-8")
    r = cli("edit", "ONS-01", "--json", str(cells), "--author", "cli-ed", url=store.url)
    assert r.returncode == 0, r.stderr
    assert store.get_incident("ONS-01")["summary"] == "Edited from the command line"
    r = cli("history", "ONS-01", "--json", url=store.url)
    changes = [json.loads(line) for line in r.stdout.splitlines()]
    assert [c["action"] for c in changes] == ["import", "edit"]
    assert changes[1]["author"] == "cli-ed"
    r = cli("restore", changes[0]["change_id"], url=store.url)
    assert r.returncode == 0, r.stderr
    assert store.get_incident("ONS-01") == original
    assert DEFAULT_INCIDENTS.read_bytes().count(b"Edited from the command line") == 0


@pytest.mark.parametrize("undated", [True, False])
def test_filter_query_window_agrees_with_the_app_filter(store, undated):
    """The database's window filter keeps what the app's own filter keeps, open ends
    ("since mid-May", still running) included."""
    import datetime as dt

    from dashboard.filters import Filters, filter_incidents, prepare

    dataset, _ = store.load()
    inc = prepare(dataset.incidents, dataset.places)
    open_ended = inc["date_start"].notna() & inc["date_end"].isna()
    assert open_ended.any()  # the curated data has one; the check below must cover it
    for first, last in [(2013, 2013), (2018, 2019), (2020, 2021), (2024, 2026)]:
        f = Filters(start=dt.date(first, 1, 1), end=dt.date(last, 12, 31), include_undated=undated)
        ids = store.filter_ids(start=str(f.start), end=str(f.end), include_undated=undated)
        assert sorted(ids) == sorted(filter_incidents(inc, f)["incident_id"]), (first, last)
