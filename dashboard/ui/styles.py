"""The app's own stylesheets and scripts, read from ``dashboard/static/app/``."""

from __future__ import annotations

from pathlib import Path

from dashboard.htmlsafe import esc

STATIC_APP = Path(__file__).resolve().parents[1] / "static" / "app"


def static_text(name: str) -> str:
    """The text of ``dashboard/static/app/NAME`` (a .css or .js file)."""
    return (STATIC_APP / name).read_text(encoding="utf-8")


def style_tag(name: str) -> str:
    """A ``<style>`` element holding the stylesheet ``NAME`` (for ``st.html``)."""
    return f"<style>{static_text(name)}</style>"


def script_tag(name: str) -> str:
    """A ``<script>`` element holding the script ``NAME`` (for ``components.html``)."""
    return f"<script>{static_text(name)}</script>"


def frame_page(body: str, *, title: str, lang: str) -> str:
    """A whole document for a helper frame (``components.html``), with the title and language
    a screen reader announces for it."""
    return (
        f'<!doctype html><html lang="{esc(lang)}"><head><meta charset="utf-8">'
        f"<title>{esc(title)}</title></head><body>{body}</body></html>"
    )
