"""Exports in Korean: the export's words in Korean, set in a font with Hangul (text in the PDF
extracts as Hangul, the SVG keeps it as text), no missing-glyph warning for every incident in
either language, and the English export as it was."""

from __future__ import annotations

import io
import re
import subprocess
import warnings

import pytest
from pypdf import PdfReader

from dashboard.export import SnapshotSpec, render
from dashboard.filters import Filters, data_window
from dashboard.i18n import translator
from dashboard.summary import title, view_subtitle
from dashboard.vocab import CATEGORIES
from tests.export.test_export import data  # noqa: F401 - the shared dataset fixture
from tests.export.test_fonts import _poppler

HANGUL = re.compile("[\uac00-\ud7a3]")
SMALL = {"width_px": 1200, "dpi": 100}  # every word, less to draw


def _exports(data, lang: str) -> dict[str, bytes]:  # noqa: F811
    """PNG, SVG, PDF and the sheet of every incident, warnings turned into errors."""
    ds, incidents = data
    from dashboard.filters import filter_incidents, routes_for

    f = Filters()
    shown = filter_incidents(incidents, f)
    legs = routes_for(ds.routes, shown)
    subtitle = view_subtitle(f, data_window(incidents), shown, len(incidents), legs, lang=lang)
    spec = SnapshotSpec(title(lang=lang), subtitle, lang=lang, **SMALL)
    out = {}
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # "Glyph … missing from font(s)" is a UserWarning
        for fmt in ("png", "svg", "pdf"):
            out[fmt] = render(fmt, shown, legs, ds.places, spec)
        out["sheet"] = render("pdf", shown, legs, ds.places, spec, sheet=True)
    return out


@pytest.fixture(scope="module")
def korean(data):  # noqa: F811
    return _exports(data, "ko")


@pytest.fixture(scope="module")
def english(data):  # noqa: F811
    return _exports(data, "en")


def test_korean_pdf_text_extracts_as_hangul(korean, tmp_path):
    t = translator("ko")
    text = PdfReader(io.BytesIO(korean["pdf"])).pages[0].extract_text()
    assert title(lang="ko") in text and HANGUL.search(title(lang="ko"))
    assert "범례" in text  # the legend's heading
    assert t.gettext(CATEGORIES["arrest"].label) in text
    assert "출처:" in text and "Natural Earth" in text  # credit line, outlets as written
    # poppler reads it the same way, and every font is embedded
    pdf = tmp_path / "ko.pdf"
    pdf.write_bytes(korean["pdf"])
    extracted = subprocess.run(
        [_poppler("pdftotext"), str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert title(lang="ko") in extracted and "범례" in extracted
    listing = subprocess.run(
        [_poppler("pdffonts"), str(pdf)], capture_output=True, text=True, check=True
    ).stdout.splitlines()[2:]
    assert listing and all(" yes yes yes " in f" {' '.join(r.split()[-5:-2])} " for r in listing)
    assert all(r.split()[0].split("+")[-1].startswith("NotoSansCJK") for r in listing)


def test_korean_sheet_lists_incidents_under_korean_headings(korean):
    reader = PdfReader(io.BytesIO(korean["sheet"]))
    first = reader.pages[0].extract_text()
    assert title(lang="ko") in first and "표시된 사건" in first and "신뢰도:" in first
    assert reader.metadata.title == title(lang="ko")


def test_korean_svg_keeps_hangul_as_text_with_font_fallbacks(korean):
    svg = korean["svg"].decode()
    assert f">{title(lang='ko')}<" in svg
    assert "범례" in svg and "출처:" in svg
    assert 'xml:lang="ko"' in svg[:1000]
    assert "font-family: 'Noto Sans CJK KR'" in svg and "sans-serif" in svg
    # the place labels are in Hangul where the gazetteer has the name (Onsong: 온성)
    assert "온성" in svg


def test_korean_png_is_an_image_of_the_requested_size(korean):
    from PIL import Image

    image = Image.open(io.BytesIO(korean["png"]))
    assert image.size == (1200, 675)


@pytest.mark.slow  # renders four more exports
def test_english_exports_keep_their_english_words(english):
    svg = english["svg"].decode()
    for words in ("Legend", "Arrest / detention", "Sources: ", "Natural Earth", " km<"):
        assert words in svg, words
    assert f">{title(lang='en')}<" in svg
    texts = re.findall(r">([^<>]+)</text>", svg)
    assert texts and not any(HANGUL.search(s) for s in texts)  # no Korean word crept in
    pdf_text = PdfReader(io.BytesIO(english["pdf"])).pages[0].extract_text()
    assert "Crackdown on North Korean escapees" in pdf_text and "Legend" in pdf_text
    sheet = PdfReader(io.BytesIO(english["sheet"])).pages[0].extract_text()
    assert "Incidents shown (" in sheet and "Confidence: " in sheet


def test_korean_html_map_speaks_korean(data):  # noqa: F811
    ds, incidents = data
    from dashboard.filters import filter_incidents, routes_for

    shown = filter_incidents(incidents, Filters(countries=frozenset({"KP"})))
    legs = routes_for(ds.routes, shown)
    spec = SnapshotSpec(title(lang="ko"), "", lang="ko")
    html = render("html", shown, legs, ds.places, spec).decode()
    assert '<html lang="ko">' in html and f"<title>{title(lang='ko')}</title>" in html
    assert "온성" in html  # the map's place names in Hangul (its words are the map's, in ko)
    english = render("html", shown, legs, ds.places, SnapshotSpec("T", "")).decode()
    assert '<html lang="en">' in english and not HANGUL.search(english.split("<body>")[0])


def test_a_snapshot_figure_draws_hangul_wherever_it_is_saved(data):  # noqa: F811
    """Frames of the timeline in motion save snapshot figures as PNG outside the export's
    font settings: their Korean words must still find their glyphs."""
    import matplotlib.pyplot as plt

    from dashboard.export import snapshot_figure
    from dashboard.filters import filter_incidents, routes_for

    ds, incidents = data
    shown = filter_incidents(incidents, Filters(countries=frozenset({"KP"})))
    legs = routes_for(ds.routes, shown)
    spec = SnapshotSpec(title(lang="ko"), "온성 · 청진", lang="ko", **SMALL)
    fig = snapshot_figure(shown, legs, ds.places, spec)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            fig.savefig(io.BytesIO(), format="png")
    finally:
        plt.close(fig)
