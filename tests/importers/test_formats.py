"""Importing every format through the command line into a fresh file: each file has one bad
row, which is named as FILE:LINE: COLUMN: message while the good rows are imported; a second
import adds nothing.

The files are written here at run time; places are the shipped gazetteer's points.
"""

from __future__ import annotations

import csv
import datetime as dt
import zipfile
from pathlib import Path

import pytest

from benchmarks.importing import acled_rows, ucdp_rows, write_rows
from dashboard.cli import main
from dashboard.importers.acled import ACLED_COLUMNS
from dashboard.importers.ucdp import UCDP_COLUMNS

HAMHUNG = ("39.91833", "127.53639")
BUKCHONG = ("40.23", "128.33")
PYONGYANG = ("39.03385", "125.75432")
ONSONG = ("42.95722", "129.99333")
KUNMING = ("25.03889", "102.71833")


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = main(["import", *map(str, args)])
    out = capsys.readouterr()
    return code, out.out, out.err


def stored(path: Path) -> list[dict[str, str]]:
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def import_twice(capsys, source: Path, target: Path, *extra: str) -> tuple[str, str, str]:
    """Import, then import again: the second adds nothing and leaves the bytes alone."""
    code, out, err = run(capsys, source, "--into", target, *extra)
    assert code == 1, (out, err)
    first = target.read_bytes()
    code2, out2, err2 = run(capsys, source, "--into", target, *extra)
    assert code2 == 1
    assert target.read_bytes() == first
    return out, err, out2


SOURCE_SETS = [
    "--set",
    "source_outlet=Daily NK",
    "--set",
    "source_title=[Newsroom notes]",
    "--set",
    "confidence=reported",
]


def test_csv_utf8_bom_semicolons(tmp_path, capsys):
    header = "date;place;lat;lon;category;summary;quote;country;geo_precision\n"
    rows = [
        f"2023-05-01;Hamhung;{HAMHUNG[0]};{HAMHUNG[1]};arrest;Two people held;“Two were held”;KP;1\n",
        f"2023-05-02;Bukchong;{BUKCHONG[0]};{BUKCHONG[1]};arrest;One held;“One was held”;KP;2\n",
        f"2023-05-03;Nowhere;91;{PYONGYANG[1]};arrest;Bad latitude;“x”;KP;1\n",
    ]
    source = tmp_path / "sheet.csv"
    source.write_bytes(b"\xef\xbb\xbf" + (header + "".join(rows)).encode("utf-8"))
    target = tmp_path / "incidents.csv"
    out, err, again = import_twice(capsys, source, target, *SOURCE_SETS)
    assert "UTF-8 with BOM text, semicolon-separated" in out
    assert f"{source}:4: lat: 91 is out of range (-90 to 90)" in err
    assert "2 imported, 0 already present, 1 rejected" in out
    assert "0 imported, 2 already present, 1 rejected" in again
    rows = stored(target)
    assert [r["location"] for r in rows] == ["Hamhung", "Bukchong"]
    assert rows[0]["date_start"] == rows[0]["date_end"] == "2023-05-01"
    assert rows[0]["date_text"] == "2023-05-01"
    assert rows[0]["source_outlet"] == "Daily NK"
    assert rows[0]["incident_id"].startswith("IMP-")


def test_csv_cp949_korean(tmp_path, capsys):
    text = (
        "날짜,장소,위도,경도,유형,요약,인용,geo_precision\n"
        f"2022-03-01,함흥,{HAMHUNG[0]},{HAMHUNG[1]},arrest,함흥에서 체포,“체포됐다”,1\n"
        f"2022-03-02,북청,{BUKCHONG[0]},{BUKCHONG[1]},repatriation,북송,“북송됐다”,2\n"
        f"2022-03-32,평양,{PYONGYANG[0]},{PYONGYANG[1]},arrest,날짜 오류,“오류”,1\n"
    )
    source = tmp_path / "korean.csv"
    source.write_bytes(text.encode("cp949"))
    target = tmp_path / "out.csv"
    out, err, _ = import_twice(capsys, source, target, *SOURCE_SETS)
    assert "CP949" in out
    assert f"{source}:4: 날짜: impossible date: '2022-03-32'" in err
    rows = stored(target)
    assert [r["location"] for r in rows] == ["함흥", "북청"]
    assert {r["country"] for r in rows} == {"KP"}  # from the points, on the basemap
    assert rows[1]["category"] == "repatriation"


def test_missing_required_field_is_one_problem_and_nothing_is_imported(tmp_path, capsys):
    source = tmp_path / "bare.csv"
    source.write_text(
        f"date,place,lat,lon\n2023-05-01,Hamhung,{HAMHUNG[0]},{HAMHUNG[1]}\n", encoding="utf-8"
    )
    target = tmp_path / "out.csv"
    code, out, err = run(capsys, source, "--into", target)
    assert code == 1
    assert f"{source}: category: no column gives this required field" in err
    assert "--set category=VALUE" in err
    assert "0 imported, 0 already present, 1 rejected" in out
    assert not target.exists()


def _xlsx(path: Path, sheet: str, rows: list[list]) -> Path:
    import openpyxl

    book = openpyxl.Workbook()
    book.active.title = "표지"
    book.active.append(["이 파일은 테스트용입니다"])
    ws = book.create_sheet(sheet)
    for row in rows:
        ws.append(row)
    book.save(path)
    return path


def test_xlsx_korean_sheet_and_places(tmp_path, capsys):
    rows = [
        ["날짜", "장소", "위도", "경도", "유형", "요약", "인용", "인원"],
        [
            dt.date(2021, 7, 1),
            "함흥",
            float(HAMHUNG[0]),
            float(HAMHUNG[1]),
            "arrest",
            "체포",
            "“체포”",
            3,
        ],
        [None] * 8,
        [
            dt.date(2021, 7, 2),
            "북청",
            float(BUKCHONG[0]),
            float(BUKCHONG[1]),
            "없는유형",
            "?",
            "“?”",
            1,
        ],
        [
            dt.date(2021, 7, 3),
            "평양",
            float(PYONGYANG[0]),
            float(PYONGYANG[1]),
            "Release",
            "석방",
            "“석방”",
            2,
        ],
    ]
    source = _xlsx(tmp_path / "사건.xlsx", "북한 사건", rows)
    target = tmp_path / "out.csv"
    out, err, _ = import_twice(
        capsys, source, target, "--sheet", "북한 사건", "--set", "geo_precision=1", *SOURCE_SETS
    )
    # Row 4 of the sheet (a blank row 3 is above it): the spreadsheet's own numbering.
    assert f"{source}[북한 사건]:4: 유형: unknown category '없는유형'" in err
    assert "2 imported, 0 already present, 1 rejected" in out
    rows = stored(target)
    assert [r["location"] for r in rows] == ["함흥", "평양"]
    assert rows[0]["date_start"] == "2021-07-01"
    assert rows[0]["people_count"] == "3"
    assert rows[0]["latitude"] == HAMHUNG[0]
    assert rows[1]["category"] == "release"  # the label, matched to its key


def test_ods(tmp_path, capsys):
    import pandas as pd

    frame = pd.DataFrame(
        [
            [
                "2020-01-05",
                "Onsong",
                float(ONSONG[0]),
                float(ONSONG[1]),
                "crossing",
                "Crossed",
                "“crossed”",
            ],
            ["2020-01-06", "Onsong", "north", float(ONSONG[1]), "crossing", "Bad", "“bad”"],
        ],
        columns=[
            "date",
            "location",
            "latitude",
            "longitude",
            "category",
            "summary",
            "source_quote",
        ],
    )
    source = tmp_path / "layer.ods"
    frame.to_excel(source, engine="odf", index=False)
    target = tmp_path / "out.csv"
    out, err, _ = import_twice(capsys, source, target, "--set", "geo_precision=2", *SOURCE_SETS)
    assert f"{source}:3: latitude: not a number: 'north'" in err
    assert "1 imported, 0 already present, 1 rejected" in out
    assert stored(target)[0]["country"] == "KP"


MY_MAPS_KML = f"""<?xml version="1.0" encoding="UTF-8"?>
<kml xmlns="http://www.opengis.net/kml/2.2">
  <Document>
    <name>Escapee incidents</name>
    <description/>
    <Style id="icon-1899-0288D1-normal">
      <IconStyle><color>ffd18802</color><scale>1</scale>
        <Icon><href>https://www.gstatic.com/mapspro/images/stock/503-wht-blank_maps.png</href></Icon>
      </IconStyle>
      <LabelStyle><scale>0</scale></LabelStyle>
    </Style>
    <StyleMap id="icon-1899-0288D1">
      <Pair><key>normal</key><styleUrl>#icon-1899-0288D1-normal</styleUrl></Pair>
      <Pair><key>highlight</key><styleUrl>#icon-1899-0288D1-normal</styleUrl></Pair>
    </StyleMap>
    <Folder>
      <name>Arrests</name>
      <Placemark>
        <name>온성 Onsong</name>
        <description><![CDATA[Held at the family home<br>date: 2019-06-20]]></description>
        <styleUrl>#icon-1899-0288D1</styleUrl>
        <ExtendedData>
          <Data name="date"><value>2019-06-20</value></Data>
          <Data name="quote"><value>“agents lying in wait arrested him”</value></Data>
        </ExtendedData>
        <Point><coordinates>
            {ONSONG[1]},{ONSONG[0]},0
          </coordinates></Point>
      </Placemark>
      <Placemark>
        <name>Road to the border</name>
        <description>drawn line</description>
        <styleUrl>#line-000000-1200-nodesc</styleUrl>
        <ExtendedData>
          <Data name="date"><value>2019-06-21</value></Data>
          <Data name="quote"><value>“x”</value></Data>
        </ExtendedData>
        <LineString><tessellate>1</tessellate>
          <coordinates>129.9,42.9,0 129.95,42.95,0</coordinates>
        </LineString>
      </Placemark>
      <Placemark>
        <name>Kunming</name>
        <description>Held in Kunming</description>
        <styleUrl>#icon-1899-0288D1</styleUrl>
        <ExtendedData>
          <Data name="date"><value>2019-07-02</value></Data>
          <Data name="quote"><value>“detained in Kunming”</value></Data>
        </ExtendedData>
        <Point><coordinates>{KUNMING[1]},{KUNMING[0]},0</coordinates></Point>
      </Placemark>
    </Folder>
  </Document>
</kml>
"""


@pytest.mark.parametrize("kind", ["kml", "kmz"])
def test_google_my_maps_kml_and_kmz(tmp_path, capsys, kind):
    if kind == "kml":
        source = tmp_path / "My Map.kml"
        source.write_text(MY_MAPS_KML, encoding="utf-8")
    else:
        source = tmp_path / "My Map.kmz"
        with zipfile.ZipFile(source, "w") as z:
            z.writestr("doc.kml", MY_MAPS_KML)
    target = tmp_path / "out.csv"
    sets = ["--set", "category=arrest", "--set", "geo_precision=2", *SOURCE_SETS]
    out, err, again = import_twice(capsys, source, target, *sets)
    assert f"{source}:3: geometry: the feature has a LineString; only points" in err
    assert "2 imported, 0 already present, 1 rejected" in out
    assert "0 imported, 2 already present, 1 rejected" in again
    rows = stored(target)
    assert [r["location"] for r in rows] == ["온성 Onsong", "Kunming"]
    assert rows[0]["summary"] == "Held at the family home\ndate: 2019-06-20"
    assert rows[0]["source_quote"] == "“agents lying in wait arrested him”"
    assert rows[0]["date_start"] == "2019-06-20"
    assert [r["country"] for r in rows] == ["KP", "CN"]
    assert (rows[0]["latitude"], rows[0]["longitude"]) == ONSONG


def test_kml_without_category_names_the_field(tmp_path, capsys):
    source = tmp_path / "map.kml"
    source.write_text(MY_MAPS_KML, encoding="utf-8")
    code, out, err = run(capsys, source, "--into", tmp_path / "out.csv", "--dry-run")
    assert code == 1
    assert f"{source}: category: no column gives this required field" in err
    assert f"{source}: geo_precision: no column gives this required field" in err


def test_geojson_and_gpkg(tmp_path, capsys):
    import geopandas as gpd
    from shapely.geometry import Point

    frame = gpd.GeoDataFrame(
        {
            "date": ["2018-02-01", "2018-02-02", "2018-02-30"],
            "name": ["Kunming", "Hamhung", "Pyongyang"],
            "category": ["deportation", "arrest", "arrest"],
            "quote": ["“sent back”", "“held”", "“held”"],
            "what": ["Sent back to China", "Held in Hamhung", "Held in Pyongyang"],
            "geo_precision": [1, 1, 1],
        },
        geometry=[
            Point(float(KUNMING[1]), float(KUNMING[0])),
            Point(float(HAMHUNG[1]), float(HAMHUNG[0])),
            Point(float(PYONGYANG[1]), float(PYONGYANG[0])),
        ],
        crs="EPSG:4326",
    )
    for kind in ("geojson", "gpkg"):
        source = tmp_path / f"layer.{kind}"
        frame.to_file(source, driver="GeoJSON" if kind == "geojson" else "GPKG")
        target = tmp_path / f"{kind}.csv"
        out, err, _ = import_twice(capsys, source, target, "--map", "what=summary", *SOURCE_SETS)
        assert f"{source}:4: date: impossible date: '2018-02-30'" in err, kind
        assert "2 imported, 0 already present, 1 rejected" in out
        rows = stored(target)
        assert [r["country"] for r in rows] == ["CN", "KP"]
        assert rows[0]["geo_precision"] == "1"  # a typed 1 is "1", not "1.0"
        assert (rows[1]["latitude"], rows[1]["longitude"]) == HAMHUNG


def _acled_file(path: Path, n: int = 4) -> tuple[Path, list[dict[str, str]]]:
    rows = acled_rows(n)
    rows[1]["sub_event_type"] = "Armed clash"  # no category of ours: reported, not guessed
    rows[1]["event_type"] = "Battles"
    return write_rows(path, ACLED_COLUMNS, rows), rows


def test_acled(tmp_path, capsys):
    source, rows = _acled_file(tmp_path / "acled.csv")
    target = tmp_path / "out.csv"
    out, err, again = import_twice(capsys, source, target)
    assert "recognised as an ACLED export" in out
    assert (
        f"{source}:3: sub_event_type: ACLED sub_event_type 'Armed clash' has no category of ours"
        in err
    )
    assert "3 imported, 0 already present, 1 rejected" in out
    assert "0 imported, 3 already present, 1 rejected" in again
    got = {r["incident_id"]: r for r in stored(target)}
    for row in (rows[0], rows[2], rows[3]):
        mine = got[f"ACLED-{row['event_id_cnty']}"]
        day = dt.date.fromisoformat(row["event_date"])
        start, end = (dt.date.fromisoformat(mine[c]) for c in ("date_start", "date_end"))
        assert start <= day <= end  # the window holds ACLED's date
        width = {"1": 0, "2": 12}.get(row["time_precision"])
        if width is not None:
            assert (end - start).days == width
        else:
            assert start.day == 1 and start.month == end.month and (end + dt.timedelta(1)).day == 1
        assert mine["summary"] == mine["source_quote"] == row["notes"]
        assert mine["source_outlet"] == f"{row['source']} (via ACLED)"
        assert mine["source_title"] == f"[ACLED event {row['event_id_cnty']}]"
        assert mine["geo_precision"] == row["geo_precision"]
        assert mine["country"] in ("KP", "CN")
        assert row["actor1"] in mine["actors"] and row["actor2"] in mine["actors"]
    # --set category gives the unmapped row a category the user chose: now it imports.
    code, out, err = run(capsys, source, "--into", target, "--set", "category=arrest")
    assert code == 0, err
    assert "1 imported, 3 already present, 0 rejected" in out
    assert got.keys() < {r["incident_id"] for r in stored(target)}


def test_acled_xlsx_export_too(tmp_path, capsys):
    import pandas as pd

    rows = acled_rows(3)
    rows[2]["geo_precision"] = "5"
    source = tmp_path / "acled.xlsx"
    pd.DataFrame(rows, columns=ACLED_COLUMNS).to_excel(source, index=False)
    code, out, err = run(capsys, source, "--into", tmp_path / "out.csv")
    assert code == 1
    assert f"{source}:4: geo_precision: must be 1, 2 or 3, not '5'" in err
    assert "2 imported, 0 already present, 1 rejected" in out


def test_ucdp_ged(tmp_path, capsys):
    rows = ucdp_rows(3)
    rows[2]["where_prec"] = "7"
    source = write_rows(tmp_path / "ged.csv", UCDP_COLUMNS, rows)
    target = tmp_path / "out.csv"
    out, err, again = import_twice(capsys, source, target, "--set", "category=deportation")
    assert "recognised as a UCDP GED export" in out
    assert f"{source}:4: where_prec: 7 (international waters or airspace)" in err
    assert "2 imported, 0 already present, 1 rejected" in out
    assert "0 imported, 2 already present, 1 rejected" in again
    got = stored(target)
    assert got[0]["incident_id"] == f"UCDP-GED-{rows[0]['id']}"
    assert got[0]["date_start"] == rows[0]["date_start"][:10]
    assert got[1]["date_end"] == rows[1]["date_end"][:10]
    assert got[0]["source_quote"] == got[0]["source_title"] == rows[0]["source_headline"]
    assert got[0]["source_outlet"] == "Synthetic Wire (via UCDP GED)"
    assert got[0]["source_date"] == rows[0]["source_date"]
    assert got[0]["country"] == "CN"


def test_ucdp_without_category_is_reported_per_row(tmp_path, capsys):
    source = write_rows(tmp_path / "ged.csv", UCDP_COLUMNS, ucdp_rows(2))
    code, out, err = run(capsys, source, "--into", tmp_path / "out.csv")
    assert code == 1
    assert f"{source}:2: type_of_violence: UCDP type_of_violence has no category" in err
    assert "0 imported, 0 already present, 2 rejected" in out


def test_dry_run_writes_nothing(tmp_path, capsys):
    source, _ = _acled_file(tmp_path / "acled.csv")
    target = tmp_path / "out.csv"
    code, out, _ = run(capsys, source, "--into", target, "--dry-run")
    assert code == 1
    assert "3 imported, 0 already present, 1 rejected (dry run: nothing was written)" in out
    assert not target.exists()


def test_unreadable_files_are_named_without_traceback(tmp_path, capsys):
    missing = tmp_path / "nope.csv"
    code, out, err = run(capsys, missing, "--into", tmp_path / "out.csv")
    assert code == 1 and f"{missing}: file not found" in err
    broken = tmp_path / "broken.geojson"
    broken.write_text("{not json", encoding="utf-8")
    code, out, err = run(capsys, broken, "--into", tmp_path / "out.csv")
    assert code == 1 and f"{broken}: not valid GeoJSON" in err
    assert "Traceback" not in err
    unclosed = tmp_path / "unclosed.csv"
    unclosed.write_text('a,b\n"open,1\n2,3\n', encoding="utf-8")
    code, out, err = run(capsys, unclosed, "--into", tmp_path / "out.csv")
    assert code == 1 and f"{unclosed}:3: not valid delimited text" in err
    fake = tmp_path / "notes.xlsx"
    fake.write_text("not a workbook", encoding="utf-8")
    code, out, err = run(capsys, fake, "--into", tmp_path / "out.csv")
    assert code == 1 and f"{fake}: not a readable XLSX workbook" in err
    assert "0 imported, 0 already present, 0 rejected" in out
    assert not (tmp_path / "out.csv").exists()
