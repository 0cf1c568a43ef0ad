"""How the map's own scripts reach the page: the files in ``dashboard/static/map``, JSON that
is safe inside a <script>, and the two small elements that carry script text."""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Any

from branca.element import Element, MacroElement
from jinja2 import Template

from dashboard.htmlsafe import script_safe

MAP_STATIC = Path(__file__).resolve().parent.parent / "static" / "map"


@lru_cache(maxsize=8)
def static_text(name: str) -> str:
    """A script or stylesheet shipped in ``dashboard/static/map`` (read once per process)."""
    return (MAP_STATIC / name).read_text(encoding="utf-8")


def json_for_script(value: Any) -> str:
    """JSON that is safe inside a <script> element (as Jinja's tojson makes it)."""
    return script_safe(json.dumps(value, ensure_ascii=False, separators=(",", ":")))


class ScriptText(Element):
    """Already-rendered script text. folium wraps each rendered script in a new Jinja template
    (compiling it); for a payload of megabytes that costs more than building it, so skip it."""

    def __init__(self, text: str):
        super().__init__()
        self.text = text

    def render(self, **kwargs) -> str:
        return self.text


class ScriptCall(MacroElement):
    """One call into the map's behaviour, made when its layer group is added (legend rows,
    view requests): the arguments travel as JSON, never as script text."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        window.escapeeMap && window.escapeeMap.{{ this.function }}({{ this.argument }});
        {% endmacro %}
        """
    )

    def __init__(self, function: str, argument: Any):
        super().__init__()
        self._name = "ScriptCall"
        self.function = function
        self.argument = json_for_script(argument)
