"""The text description of an export: its title, counts by category, the date window and the
places named, in the export's language, carried by every format and the command line."""

from __future__ import annotations

import io
import re

import pytest
from PIL import Image
from pypdf import PdfReader

from dashboard.cli import main
from dashboard.export import SnapshotSpec, alt_text, render
from dashboard.i18n import translator
from dashboard.vocab import CATEGORIES
from tests.export.test_export import data, select  # noqa: F401 - the shared dataset fixture

SMALL = {"width_px": 800, "dpi": 100}


def test_english_description_says_what_counts_when_and_where(data):  # noqa: F811
    shown, legs, places, _ = select(data)
    text = alt_text(shown, legs, places, "Crackdown map")
    assert text.startswith("Crackdown map. ")
    n = len(shown)
    assert f"A map of {n} incidents and {len(legs)} route legs" in text
    counts = shown["category"].value_counts()
    for key, count in counts.items():
        assert f"{CATEGORIES[key].label} {count}" in text
    dated = shown.dropna(subset=["date_start"])
    first = dated["date_start"].min()
    last = dated["date_end"].fillna(dated["date_start"]).max()
    assert f"from {first.day} {first:%b %Y} to {last.day} {last:%b %Y}" in text
    undated = int(shown["date_start"].isna().sum())
    assert f"({undated} with no stated year)" in text
    assert "Places named on the map: " in text and "Onsong County" in text
    assert "Laos" not in text.split("Places named on the map: ")[1]  # countries are areas


def test_korean_description_uses_korean_words_and_hangul_place_names(data):  # noqa: F811
    shown, legs, places, _ = select(data)
    t = translator("ko")
    text = alt_text(shown, legs, places, "탈북민 단속", lang="ko")
    assert text.startswith("탈북민 단속. 지도: ")
    assert f"사건 {len(shown)}건" in text and f"경로 구간 {len(legs)}개" in text
    assert f"{t.gettext(CATEGORIES['arrest'].label)} " in text and "유형별:" in text
    assert re.search(r"기간 \d{4}년 \d+월 \d+일~\d{4}년 \d+월 \d+일", text)
    assert "지도에 표시된 지명:" in text and "온성" in text and "Onsong" not in text


def test_an_empty_selection_is_described_too(data):  # noqa: F811
    shown, legs, places, _ = select(data, text="no such place zzqx")
    assert (
        alt_text(shown, legs, places, "Nothing")
        == "Nothing. A map of 0 incidents and 0 route legs."
    )
    assert alt_text(shown, legs, places, "", lang="ko") == "지도: 사건 0건, 경로 구간 0개."


def test_many_places_are_cut_and_counted(data, monkeypatch):  # noqa: F811
    shown, legs, places, _ = select(data)
    from dashboard.export import alttext

    names = alttext.named_places(shown, legs, places)
    assert len(names) > 3
    monkeypatch.setattr(alttext, "PLACES_NAMED", 3)
    text = alt_text(shown, legs, places, "T")
    assert f"Places named on the map: {', '.join(names[:3])} and {len(names) - 3} more." in text
    assert "외 " in alt_text(shown, legs, places, "T", lang="ko")


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_every_format_carries_the_description(data, lang):  # noqa: F811
    shown, legs, places, words = select(data, countries=frozenset({"KP"}))
    spec = SnapshotSpec("제목 Title <&>", words, lang=lang, **SMALL)
    expected = alt_text(shown, legs, places, spec.title, lang=lang)
    png = Image.open(io.BytesIO(render("png", shown, legs, places, spec)))
    assert png.text["Description"] == expected and png.text["Title"] == spec.title
    pdf = PdfReader(io.BytesIO(render("pdf", shown, legs, places, spec)))
    assert pdf.metadata.subject == expected and pdf.metadata.title == spec.title
    sheet = PdfReader(io.BytesIO(render("pdf", shown, legs, places, spec, sheet=True)))
    assert sheet.metadata.subject == expected
    svg = render("svg", shown, legs, places, spec).decode()
    head = svg[: svg.index("</desc>") + 7]
    assert '<title id="export-title">제목 Title &lt;&amp;&gt;</title>' in head
    assert f'<desc id="export-desc">{_xml(expected)}</desc>' in head
    assert 'aria-describedby="export-desc"' in head and f'lang="{lang}"' in head
    html = render("html", shown, legs, places, spec).decode()
    assert f'<html lang="{lang}">' in html
    assert f'<meta name="description" content="{_html(expected)}">' in html
    assert f'<p id="export-alt-text" hidden>{_html(expected)}</p>' in html
    assert 'aria-describedby="export-alt-text"' in html


def _xml(s: str) -> str:
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _html(s: str) -> str:
    from dashboard.htmlsafe import esc

    return esc(s)


def test_command_line_writes_the_description_beside_the_export(tmp_path, capsys):
    out = tmp_path / "map.svg"
    code = main(
        ["export", "--format", "svg", "--out", str(out), "--lang", "ko", "--alt-text"]
        + ["--country", "KP", "--width", "800", "--dpi", "100"]
    )
    assert code == 0
    written = (tmp_path / "map.svg.txt").read_text(encoding="utf-8")
    assert written.startswith("탈북민") and "지도: 사건" in written
    assert written.strip() in capsys.readouterr().out
    assert f'<desc id="export-desc">{_xml(written.strip())}</desc>' in out.read_text("utf-8")
    # an existing description is not overwritten without --force, and then nothing is written
    out.unlink()
    assert main(["export", "--format", "png", "--out", str(out), "--alt-text"]) == 1
    assert not out.exists() and "map.svg.txt: already exists" in capsys.readouterr().err
