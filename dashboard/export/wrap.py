"""Lines that fit a width on the page, measured in the export font rather than counted in
characters: a Hangul syllable is about twice as wide as a Latin letter, so a character count
that suits English overflows in Korean.

Widths are sums of each character's advance, cached per character: laying out a whole line
in the CJK font costs milliseconds per call (its tables are large), which made wrapping a
briefing sheet's summaries take seconds. Kerning is left out; ``SAFETY`` covers it.
"""

from __future__ import annotations

from functools import cache

from matplotlib import font_manager
from matplotlib.font_manager import FontProperties
from matplotlib.ft2font import LoadFlags

SAFETY = 1.02  # measured widths are stretched by this much, for kerning and rounding
_EM = 100.0  # the size advances are read at (points, at 72 dpi: one pixel is one point)


@cache
def _advances(path: str, face: int, bold: bool) -> dict[str, float]:
    return {}


def text_width_pt(text: str, fontsize: float, bold: bool = False) -> float:
    """The width of one line of text in points, in the font the current settings pick."""
    prop = FontProperties(size=fontsize, weight="bold" if bold else "normal")
    path = font_manager.findfont(prop)
    font = font_manager.get_font(path)
    known = _advances(path, getattr(font, "face_index", 0), bold)
    missing = [ch for ch in set(text) if ch not in known]
    if missing:
        font.set_size(_EM, 72)
        for ch in missing:
            glyph = font.load_char(ord(ch), flags=LoadFlags.NO_HINTING)
            known[ch] = glyph.linearHoriAdvance / 65536 / _EM
    return sum(known[ch] for ch in text) * fontsize * SAFETY


def wrap_to_width(
    text: str, width_pt: float, fontsize: float, bold: bool = False, max_lines: int | None = None
) -> list[str]:
    """``text`` broken into lines no wider than ``width_pt``: between words where it can (Korean
    separates its words with spaces too), inside a word only when the word alone is too wide.
    With ``max_lines``, the last line kept ends in an ellipsis when text was left out."""
    words = " ".join(str(text).split()).split(" ")
    lines: list[str] = []
    line = ""

    def fits(s: str) -> bool:
        return text_width_pt(s, fontsize, bold) <= width_pt

    for word in words:
        candidate = f"{line} {word}" if line else word
        if fits(candidate):
            line = candidate
            continue
        if line:
            lines.append(line)
        line = word
        while not fits(line) and len(line) > 1:  # one word wider than the line: cut it
            cut = len(line) - 1
            while cut > 1 and not fits(line[:cut]):
                cut -= 1
            lines.append(line[:cut])
            line = line[cut:]
    if line:
        lines.append(line)
    if max_lines is not None and len(lines) > max_lines:
        last = lines[max_lines - 1]
        while last and not fits(last + "…"):
            last = last[:-1]
        lines = [*lines[: max_lines - 1], last.rstrip() + "…"]
    return lines or [""]
