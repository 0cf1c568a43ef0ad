"""Incident text is data, never markup.

folium places tooltip and popup HTML inside JavaScript template literals, so on top
of HTML escaping, the characters that can end or interpolate a template literal
(backtick, dollar, backslash) are written as HTML entities too.
"""

from __future__ import annotations

import html
from urllib.parse import urlparse

_TEMPLATE_SAFE = str.maketrans({"`": "&#96;", "$": "&#36;", "\\": "&#92;"})


def esc(value: object) -> str:
    """Text made safe for HTML and for folium's JavaScript template literals."""
    if value is None:
        return ""
    return html.escape(str(value), quote=True).translate(_TEMPLATE_SAFE)


# JSON text inside a <script> element: what Jinja's tojson escapes, so no string can end it.
SCRIPT_ESCAPES = (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"), ("'", "\\u0027"))


def script_safe(json_text: str) -> str:
    """JSON text made safe to embed in a <script> element (its meaning is unchanged)."""
    for ch, code in SCRIPT_ESCAPES:
        json_text = json_text.replace(ch, code)
    return json_text


def safe_link(url: str, label: str | None = None) -> str:
    """An <a> for http(s) links only; anything else is shown as plain text."""
    url = (url or "").strip()
    if urlparse(url).scheme not in ("http", "https"):
        return esc(label or url)
    return f'<a href="{esc(url)}" target="_blank" rel="noopener noreferrer">{esc(label or url)}</a>'
