"""The app's own stylesheets and scripts, read from ``dashboard/static/app/``."""

from __future__ import annotations

from pathlib import Path

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
