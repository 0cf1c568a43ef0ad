"""Exports: every format is produced, valid, states its filter and carries no internal data."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import subprocess
import sys

import pytest
from PIL import Image
from pypdf import PdfReader

from dashboard import DEFAULT_INCIDENTS, REPO_DIR
from dashboard.data.dataset import load_dataset
from dashboard.export import (
    ExportError,
    SnapshotSpec,
    incidents_csv,
    render,
    write_output,
)
from dashboard.filters import Filters, filter_incidents, prepare, routes_for
from dashboard.map.assets import external_urls
from dashboard.summary import describe
from dashboard.vague.areas import drawn_as
from dashboard.vocab import CATEGORIES, INTERNAL_COLUMNS


@pytest.fixture(scope="module")
def data():
    ds = load_dataset()
    return ds, prepare(ds.incidents, ds.places)


def select(data, **kw):
    ds, incidents = data
    f = Filters(**kw)
    shown = filter_incidents(incidents, f)
    return shown, routes_for(ds.routes, shown), ds.places, describe(f)


@pytest.mark.slow  # renders PNGs with matplotlib
@pytest.mark.parametrize(
    ("aspect", "size"), [("16:9", (2400, 1350)), ("4:3", (2400, 1800)), ("a4", (2400, 1697))]
)
def test_png_has_requested_size(data, aspect, size):
    shown, legs, places, words = select(data)
    png = render("png", shown, legs, places, SnapshotSpec("T", words, aspect=aspect))
    image = Image.open(io.BytesIO(png))
    assert image.format == "PNG"
    assert abs(image.size[0] - size[0]) <= 1 and abs(image.size[1] - size[1]) <= 1


@pytest.mark.slow  # renders PNGs with matplotlib
def test_png_resolution_option(data):
    shown, legs, places, words = select(data)
    png = render("png", shown, legs, places, SnapshotSpec("T", words, width_px=3600, dpi=300))
    assert Image.open(io.BytesIO(png)).size[0] == 3600


def test_svg_carries_title_subtitle_legend_and_credits(data):
    shown, legs, places, words = select(data, categories=frozenset({"arrest"}))
    svg = render(
        "svg",
        shown,
        legs,
        places,
        SnapshotSpec("Arrests map", words),
    ).decode("utf-8")
    assert "<svg" in svg
    assert "Arrests map" in svg
    assert "Arrest / detention" in words and "Arrest / detention" in svg  # subtitle and legend
    assert CATEGORIES["lure"].label not in svg  # only what is shown is in the legend
    assert "Natural Earth" in svg and "Daily NK" in svg
    assert "km" in svg and ">N<" in svg.replace(" ", "")  # scale bar and north arrow


@pytest.mark.slow  # renders a PDF snapshot and sheet
def test_pdf_snapshot_and_sheet(data):
    shown, legs, places, words = select(data)
    pdf = PdfReader(
        io.BytesIO(render("pdf", shown, legs, places, SnapshotSpec("Map title", words)))
    )
    assert len(pdf.pages) == 1
    assert "Map title" in pdf.pages[0].extract_text()
    sheet = PdfReader(
        io.BytesIO(render("pdf", shown, legs, places, SnapshotSpec("Sheet", words), sheet=True))
    )
    assert len(sheet.pages) >= 1  # the list continues over pages (tests/vague/test_snapshot.py)
    text = sheet.pages[0].extract_text()
    assert "Sheet" in text and "Incidents shown" in text
    first = shown.sort_values(["date_start", "incident_id"], na_position="last").iloc[0]
    assert first["incident_id"] in text
    assert first["source_outlet"] in text


@pytest.mark.slow  # renders several snapshots
def test_different_filters_give_different_snapshots_with_their_filter_in_the_title(data):
    a = select(data, countries=frozenset({"KP"}))
    b = select(data, countries=frozenset({"LA"}))
    assert len(a[0]) != len(b[0]) or set(a[0]["incident_id"]) != set(b[0]["incident_id"])
    svg_a = render("svg", a[0], a[1], a[2], SnapshotSpec("T", a[3])).decode()
    svg_b = render("svg", b[0], b[1], b[2], SnapshotSpec("T", b[3])).decode()
    assert "North Korea" in svg_a and "North Korea" not in b[3]
    assert "Laos" in svg_b
    png_a = render("png", a[0], a[1], a[2], SnapshotSpec("T", a[3]))
    png_b = render("png", b[0], b[1], b[2], SnapshotSpec("T", b[3]))
    assert png_a != png_b


def test_csv_and_geojson_counts_and_citations(data):
    shown, legs, places, words = select(data, categories=frozenset({"arrest", "deportation"}))
    rows = list(
        csv.DictReader(
            io.StringIO(render("csv", shown, legs, places, SnapshotSpec("T", words)).decode())
        )
    )
    assert len(rows) == len(shown) > 0
    assert all(r["source_quote"] and r["source_outlet"] and r["source_title"] for r in rows)
    gj = json.loads(render("geojson", shown, legs, places, SnapshotSpec("T", words)))
    kinds = [f["properties"]["feature_type"] for f in gj["features"]]
    assert kinds.count("incident") == len(shown)
    assert kinds.count("route_leg") == len(legs)
    assert all(
        f["properties"]["source_quote"]
        for f in gj["features"]
        if f["properties"]["feature_type"] == "incident"
    )


def test_exports_never_carry_internal_columns(data):
    ds, incidents = data
    assert "internal_notes" in INTERNAL_COLUMNS
    assert (
        "internal_notes" in incidents.columns and incidents["internal_notes"].str.len().gt(0).any()
    )
    shown, legs, places, words = select(data)
    header = incidents_csv(shown).decode().splitlines()[0].split(",")
    assert not set(header) & INTERNAL_COLUMNS
    assert "search_text" not in header and "actor_groups" not in header
    gj = json.loads(render("geojson", shown, legs, places, SnapshotSpec("T", words)))
    for feature in gj["features"]:
        assert not set(feature["properties"]) & INTERNAL_COLUMNS
    notes = set(incidents["internal_notes"]) - {""}
    html = render("html", shown, legs, places, SnapshotSpec("T", words)).decode()
    assert not any(note in html for note in notes if len(note) > 8)


def test_standalone_html_is_offline_and_complete(data):
    shown, legs, places, words = select(data)
    html = render("html", shown, legs, places, SnapshotSpec("My <b>map</b>", words)).decode()
    assert external_urls(html) == []
    points = (drawn_as(shown, places) == "point").sum()
    assert html.count("incident-marker") >= points  # the rest are areas (dashboard/vague)
    assert html.count("area-label") >= 1
    assert "<title>My &lt;b&gt;map&lt;/b&gt;</title>" in html


def test_write_output_refuses_to_overwrite(tmp_path):
    target = tmp_path / "map.png"
    write_output(target, b"one")
    with pytest.raises(ExportError, match="already exists; use --force"):
        write_output(target, b"two")
    assert target.read_bytes() == b"one"
    write_output(target, b"two", force=True)
    assert target.read_bytes() == b"two"


def test_write_output_clear_errors(tmp_path):
    with pytest.raises(ExportError, match="does not exist"):
        write_output(tmp_path / "missing" / "map.png", b"x")
    with pytest.raises(ExportError, match="is a folder"):
        write_output(tmp_path, b"x")


def run_cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "dashboard", *args],
        cwd=REPO_DIR,
        capture_output=True,
        text=True,
        timeout=180,
    )


def test_cli_export_each_format(tmp_path):
    for fmt in ("png", "svg", "pdf", "html", "csv", "geojson"):
        out = tmp_path / f"out.{fmt}"
        result = run_cli(
            "export",
            "--format",
            fmt,
            "--out",
            str(out),
            "--category",
            "arrest",
            "--start",
            "2013-01-01",
            "--end",
            "2019-12-31",
            "--title",
            "Arrests",
        )
        assert result.returncode == 0, result.stderr
        assert out.stat().st_size > 100
    rows = list(csv.DictReader(io.StringIO((tmp_path / "out.csv").read_text(encoding="utf-8"))))
    ds = load_dataset()
    f = Filters(
        start=dt.date(2013, 1, 1),
        end=dt.date(2019, 12, 31),
        categories=frozenset({"arrest"}),
    )
    expected = filter_incidents(prepare(ds.incidents, ds.places), f)
    assert sorted(r["incident_id"] for r in rows) == sorted(expected["incident_id"])


def test_cli_export_errors_are_clear(tmp_path):
    out = tmp_path / "x.png"
    out.write_bytes(b"keep")
    result = run_cli("export", "--format", "png", "--out", str(out))
    assert result.returncode == 1
    assert "already exists" in result.stderr and "Traceback" not in result.stderr
    assert out.read_bytes() == b"keep"
    result = run_cli(
        "export", "--format", "png", "--out", str(tmp_path / "y.png"), "--category", "kidnap"
    )
    assert result.returncode == 1 and "unknown category 'kidnap'" in result.stderr
    result = run_cli(
        "export", "--format", "png", "--out", str(tmp_path / "z.png"), "--start", "2019-02-30"
    )
    assert result.returncode == 2 and "impossible date" in result.stderr
    bad = tmp_path / "bad.csv"
    bad.write_text(
        DEFAULT_INCIDENTS.read_text(encoding="utf-8").replace(",arrest,", ",kidnap,", 1),
        encoding="utf-8",
    )
    result = run_cli(
        "export", "--format", "csv", "--out", str(tmp_path / "w.csv"), "--incidents", str(bad)
    )
    assert result.returncode == 1 and "unknown category 'kidnap'" in result.stderr
    assert not (tmp_path / "w.csv").exists()
