"""The words an SVG carries for readers and search: its language, ``<title>`` and ``<desc>``
as the root's first children (where screen readers and browsers look for them)."""

from __future__ import annotations

import re
from xml.sax.saxutils import escape, quoteattr

_ROOT = re.compile(rb"<svg\b[^>]*>")


def describe_svg(svg: bytes, title: str, description: str, lang: str) -> bytes:
    """``svg`` with ``lang``/``xml:lang``, ``role="img"`` and its title and description."""
    match = _ROOT.search(svg)
    if match is None:
        raise ValueError("not an SVG document: no <svg> element")
    tag = match.group(0)
    attrs = f' xml:lang={quoteattr(lang)} lang={quoteattr(lang)} role="img"'
    attrs += ' aria-labelledby="export-title" aria-describedby="export-desc"'
    opened = tag[:-1].rstrip(b"/") + attrs.encode() + b">"
    words = (
        f'\n <title id="export-title">{escape(title)}</title>'
        f'\n <desc id="export-desc">{escape(description)}</desc>'
    ).encode()
    return svg[: match.start()] + opened + words + svg[match.end() :]
