"""The typeface of every static export: Noto Sans CJK, so Korean (and Chinese) words come out
as letters, not empty boxes, and the English ones match them.

matplotlib's default, DejaVu Sans, has no Hangul. Debian's ``fonts-noto-cjk`` ships Noto Sans
CJK as OpenType collections (``.ttc``) with CFF outlines. Two consequences, both checked by
tests/export/test_fonts.py:

* PDF: ``pdf.fonttype`` 42 writes the CFF data as if it were TrueType (poppler: "Mismatch
  between font type and embedded font file"), so PDFs embed the used glyphs as Type 3 fonts,
  with a ToUnicode map: the text stays selectable and searchable.
* SVG: text stays text and names the font with fallbacks ending in ``sans-serif``, so a
  browser without Noto Sans CJK still finds a Hangul font.

A matplotlib font cache built before the fonts were installed does not list them: they are
added by path then. Missing fonts are an ``ExportError`` that says how to install them.
"""

from __future__ import annotations

import os
from functools import cache
from pathlib import Path

from matplotlib import font_manager

from dashboard.export.spec import ExportError

#: The family every export text is set in (its Korean glyph forms; the Latin is the same).
FAMILY = "Noto Sans CJK KR"
#: What an SVG names after it, for viewers without Noto Sans CJK (then CSS's ``sans-serif``).
SVG_FALLBACKS = (
    "Noto Sans KR",
    "Source Han Sans K",
    "Apple SD Gothic Neo",
    "Malgun Gothic",
    "NanumGothic",
    "Noto Sans CJK SC",
)
#: Drawn from only for characters Noto Sans CJK lacks (Lao place names in the gazetteer):
#: matplotlib falls back glyph by glyph along ``font.family``. Ships with matplotlib.
GLYPH_FALLBACKS = ("DejaVu Sans",)
FONT_FILES = ("NotoSansCJK-Regular.ttc", "NotoSansCJK-Bold.ttc")
FONT_DIRS = (
    Path("/usr/share/fonts/opentype/noto"),
    Path("/usr/share/fonts/truetype/noto"),
    Path("/usr/local/share/fonts"),
    Path("~/.local/share/fonts").expanduser(),
)
#: Set to a folder holding the two files to use fonts from elsewhere (a vendored copy).
FONT_DIR_ENV = "DASHBOARD_FONT_DIR"
MISSING = (
    "the export font Noto Sans CJK is not installed (it draws Korean and Chinese text): "
    "install Debian's fonts-noto-cjk (`make browser` or `apt-get install fonts-noto-cjk`)"
)


def font_files() -> list[Path]:
    """The Noto Sans CJK files found (regular first, bold when present), or ExportError."""
    dirs = [Path(os.environ[FONT_DIR_ENV])] if os.environ.get(FONT_DIR_ENV) else []
    found = []
    for name in FONT_FILES:
        path = next((d / name for d in (*dirs, *FONT_DIRS) if (d / name).is_file()), None)
        if path is not None:
            found.append(path)
    if not found or found[0].name != FONT_FILES[0]:
        raise ExportError(MISSING)
    return found


def _registered() -> set[tuple[str, str]]:
    return {(f.name, str(f.weight)) for f in font_manager.fontManager.ttflist}


@cache
def export_family() -> str:
    """The family name to draw with, registered with matplotlib (once per process).

    The font cache may predate the fonts (or they live in ``DASHBOARD_FONT_DIR``): then each
    file is added by path, which also clears matplotlib's font lookup cache.
    """
    known = {f.name for f in font_manager.fontManager.ttflist if f.name == FAMILY}
    files = font_files()
    if not known or len(files) > 1 and (FAMILY, "700") not in _registered():
        for path in files:
            font_manager.fontManager.addfont(path)
    if FAMILY not in {f.name for f in font_manager.fontManager.ttflist}:
        raise ExportError(MISSING)
    return FAMILY


def export_families() -> list[str]:
    """The export font and its glyph fallbacks by name, for a text that must draw in them
    whatever the settings in force when it is saved."""
    return [export_family(), *GLYPH_FALLBACKS]


def font_rc() -> dict[str, object]:
    """matplotlib settings under which every text of a static export is set in Noto Sans CJK:
    the generic ``sans-serif`` resolves to it (no name after it exists on a bare Debian, so
    nothing else is picked, not even for italic), DejaVu Sans only for glyphs it lacks (Lao);
    SVG text names the fallbacks, PDF embeds Type 3 glyphs."""
    family = export_family()
    return {
        "font.family": ["sans-serif", *GLYPH_FALLBACKS],
        "font.sans-serif": [family, *SVG_FALLBACKS],
        "svg.fonttype": "none",
        "pdf.fonttype": 3,
        "axes.unicode_minus": False,  # U+2212 is fine in Noto, but keep hyphen-minus searchable
    }


def generic_family_last(svg: bytes) -> bytes:
    """An SVG's font-family lists with CSS's generic ``sans-serif`` moved after the glyph
    fallbacks (matplotlib writes it where the family list has it, before them)."""
    fallbacks = ", ".join(repr(name) for name in GLYPH_FALLBACKS)
    return svg.replace(f"sans-serif, {fallbacks}".encode(), f"{fallbacks}, sans-serif".encode())
