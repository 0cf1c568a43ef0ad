"""The export font: Noto Sans CJK found, registered even with a stale matplotlib font cache,
a clear error when it is missing, Type 3 glyphs in PDFs (valid, unlike Type 42 for CFF fonts),
fallback names in SVGs, and lines wrapped by their width in that font."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import warnings

import matplotlib
import matplotlib.pyplot as plt
import pytest
from matplotlib import font_manager

from dashboard.export import ExportError, SnapshotSpec, fonts, render
from dashboard.export.wrap import text_width_pt, wrap_to_width
from tests.export.test_export import data, select  # noqa: F401 - the shared dataset fixture


def _poppler(tool: str) -> str:
    path = shutil.which(tool)
    assert path, f"{tool} is missing: `make browser` installs poppler-utils"
    return path


@pytest.fixture
def fresh_family():
    """Forget the registered family before and after a test that changes where fonts are."""
    fonts.export_family.cache_clear()
    yield
    fonts.export_family.cache_clear()


def test_noto_sans_cjk_is_found_and_registered():
    files = fonts.font_files()
    assert files[0].name == "NotoSansCJK-Regular.ttc"
    assert fonts.export_family() == "Noto Sans CJK KR"
    rc = fonts.font_rc()
    assert rc["font.sans-serif"][0] == "Noto Sans CJK KR" and rc["pdf.fonttype"] == 3
    with matplotlib.rc_context(rc):
        for weight in ("normal", "bold"):
            path = font_manager.findfont(font_manager.FontProperties(weight=weight))
            assert "NotoSansCJK" in path, (weight, path)


def test_a_stale_font_cache_is_repaired_by_adding_the_files(monkeypatch, fresh_family):
    # A cache built before fonts-noto-cjk was installed lists no CJK font at all.
    stale = [f for f in font_manager.fontManager.ttflist if "CJK" not in f.name]
    monkeypatch.setattr(font_manager.fontManager, "ttflist", stale)
    font_manager.fontManager._findfont_cached.cache_clear()
    assert fonts.export_family() == "Noto Sans CJK KR"
    names = {(f.name, f.weight) for f in font_manager.fontManager.ttflist}
    assert ("Noto Sans CJK KR", 400) in names and ("Noto Sans CJK KR", 700) in names
    monkeypatch.undo()
    font_manager.fontManager._findfont_cached.cache_clear()


def test_a_missing_font_is_a_clear_export_error(monkeypatch, tmp_path, fresh_family, data):  # noqa: F811
    monkeypatch.setattr(fonts, "FONT_DIRS", (tmp_path,))
    monkeypatch.setenv(fonts.FONT_DIR_ENV, str(tmp_path))
    with pytest.raises(ExportError, match="fonts-noto-cjk"):
        fonts.font_files()
    shown, legs, places, words = select(data, countries=frozenset({"LA"}))
    for fmt in ("png", "svg", "pdf"):
        with pytest.raises(ExportError, match="Noto Sans CJK is not installed"):
            render(fmt, shown, legs, places, SnapshotSpec("T", words))


def test_pdf_embeds_type3_glyphs_that_poppler_reads_as_text(tmp_path):
    with matplotlib.rc_context(fonts.font_rc()):
        fig = plt.figure(figsize=(4, 2))
        fig.text(0.1, 0.6, "탈북민 단속 Chongjin", fontsize=14, fontweight="bold")
        fig.text(0.1, 0.3, "청진 · 온성", fontsize=10, fontstyle="italic")
        pdf = tmp_path / "t.pdf"
        fig.savefig(pdf)
        plt.close(fig)
    listing = subprocess.run(
        [_poppler("pdffonts"), str(pdf)], capture_output=True, text=True, check=True
    ).stdout
    rows = [line.split() for line in listing.splitlines()[2:]]
    assert rows and all("NotoSansCJK" in r[0] and "Type" in r and "3" in r for r in rows), listing
    assert all(r[-5:-2] == ["yes", "yes", "yes"] for r in rows), listing  # emb sub uni
    text = subprocess.run(
        [_poppler("pdftotext"), str(pdf), "-"], capture_output=True, text=True, check=True
    )
    assert "탈북민 단속 Chongjin" in text.stdout and "청진 · 온성" in text.stdout
    drawn = subprocess.run(
        [_poppler("pdftoppm"), "-r", "30", "-png", str(pdf), str(tmp_path / "p")],
        capture_output=True,
        text=True,
        check=True,
    )
    assert "Mismatch" not in drawn.stderr  # what Type 42 with CFF outlines gives


def test_type42_would_embed_cff_outlines_as_truetype(tmp_path):
    """Why the PDFs use Type 3: guards the reason, so a matplotlib that fixes it is noticed."""
    rc = {**fonts.font_rc(), "pdf.fonttype": 42}
    with matplotlib.rc_context(rc):
        fig = plt.figure(figsize=(2, 1))
        fig.text(0.1, 0.5, "청진")
        pdf = tmp_path / "t42.pdf"
        fig.savefig(pdf)
        plt.close(fig)
    drawn = subprocess.run(
        [_poppler("pdftoppm"), "-r", "20", "-png", str(pdf), str(tmp_path / "p")],
        capture_output=True,
        text=True,
    )
    assert "Mismatch between font type and embedded font file" in drawn.stderr


def test_svg_names_the_font_with_fallbacks_ending_in_sans_serif():
    with matplotlib.rc_context(fonts.font_rc()):
        fig = plt.figure(figsize=(2, 1))
        fig.text(0.1, 0.5, "청진", fontweight="bold")
        buf = io.BytesIO()
        fig.savefig(buf, format="svg")
        plt.close(fig)
    svg = fonts.generic_family_last(buf.getvalue()).decode()
    family = re.search(r"font-family:\s*([^;\"]+)", svg)
    assert family, svg[:2000]
    names = [n.strip().strip("'\"") for n in family.group(1).split(",")]
    assert names[0] == "Noto Sans CJK KR" and names[-1] == "sans-serif"
    assert "Malgun Gothic" in names and "Apple SD Gothic Neo" in names and "DejaVu Sans" in names
    assert ">청진<" in svg  # the text stays text (selectable, searchable)


def test_no_glyph_is_missing_for_any_text_in_our_data(data):  # noqa: F811
    """Every word of the curated data (incidents, places with their alternate names in every
    script, routes) drawn in the export font: no "Glyph … missing" warning."""
    ds, _ = data
    texts = set()
    for frame in (ds.incidents, ds.places.drop(columns="geometry"), ds.routes):
        for col in frame.columns:
            if frame[col].dtype == object or str(frame[col].dtype) in ("string", "str"):
                texts |= {str(v) for v in frame[col].dropna()}
    texts |= {a for v in ds.places["alt_names"].dropna() for a in str(v).split("|")}
    assert any(re.search("[\uac00-\ud7a3]", s) for s in texts)  # Hangul is in there
    with matplotlib.rc_context(fonts.font_rc()), warnings.catch_warnings():
        warnings.simplefilter("error")
        fig = plt.figure(figsize=(4, 4))
        for k, s in enumerate(sorted(texts)):
            for style in ({}, {"fontweight": "bold"}, {"fontstyle": "italic"}):
                fig.text(0.0, (k % 50) / 50, s[:200], fontsize=6, **style)
        fig.canvas.draw()
        plt.close(fig)


def test_lines_wrap_by_their_width_in_either_script():
    with matplotlib.rc_context(fonts.font_rc()):
        english = "Hatched: a country; the place there is not stated"
        korean = "빗금: 국가 단위, 구체적 장소는 밝혀지지 않음 청진 온성 혜산 북청 함흥"
        width = 130.0
        for text in (english, korean):
            lines = wrap_to_width(text, width, 8.5)
            assert len(lines) > 1 and " ".join(lines) == " ".join(text.split())
            assert all(text_width_pt(line, 8.5) <= width for line in lines)
        # A Hangul syllable is about twice as wide as a Latin letter: fewer fit a line.
        assert text_width_pt("가" * 10, 10) > 1.6 * text_width_pt("a" * 10, 10)
        cut = wrap_to_width("탈북민단속현황" * 8, 60, 10)  # no spaces: cut inside the word
        assert len(cut) > 2 and "".join(cut) == "탈북민단속현황" * 8
        short = wrap_to_width(korean, width, 8.5, max_lines=1)
        assert len(short) == 1 and short[0].endswith("…")
