"""Serve folium's JavaScript and CSS from local copies instead of public CDNs.

folium loads Leaflet, jQuery, Bootstrap, Font Awesome and each plugin's files from CDNs. Without
network the map does not draw at all, so the dashboard points every such URL at the copies in
``dashboard/static/vendor`` (see its README for sources and licences). Plain Python: no
Streamlit import, so the exporter and tests can use it too.
"""

from __future__ import annotations

import base64
import posixpath
import re
from collections import OrderedDict
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import folium
from branca.colormap import ColorMap
from branca.element import Element, MacroElement
from folium.features import Vega, VegaLite
from folium.template import Template

VENDOR_DIR = Path(__file__).resolve().parent.parent / "static" / "vendor"

#: Where Streamlit serves ``dashboard/static/vendor`` (``server.enableStaticServing``).
APP_STATIC_BASE = "/app/static/vendor"

#: Every CDN URL folium 0.20 and the plugins we use load -> path under ``vendor/``.
CDN_ASSETS: dict[str, str] = {
    # folium.Map
    "https://cdn.jsdelivr.net/npm/leaflet@1.9.3/dist/leaflet.js": "leaflet@1.9.3/dist/leaflet.js",
    "https://cdn.jsdelivr.net/npm/leaflet@1.9.3/dist/leaflet.css": "leaflet@1.9.3/dist/leaflet.css",
    "https://code.jquery.com/jquery-3.7.1.min.js": "jquery@3.7.1/dist/jquery.min.js",
    "https://cdn.jsdelivr.net/npm/bootstrap@5.2.2/dist/js/bootstrap.bundle.min.js": (
        "bootstrap@5.2.2/dist/js/bootstrap.bundle.min.js"
    ),
    "https://cdn.jsdelivr.net/npm/bootstrap@5.2.2/dist/css/bootstrap.min.css": (
        "bootstrap@5.2.2/dist/css/bootstrap.min.css"
    ),
    "https://netdna.bootstrapcdn.com/bootstrap/3.0.0/css/bootstrap-glyphicons.css": (
        "bootstrap@3.4.1/dist/css/glyphicons-only.css"
    ),
    "https://cdn.jsdelivr.net/npm/@fortawesome/fontawesome-free@6.2.0/css/all.min.css": (
        "@fortawesome/fontawesome-free@6.2.0/css/all.min.css"
    ),
    "https://cdnjs.cloudflare.com/ajax/libs/Leaflet.awesome-markers/2.0.2/leaflet.awesome-markers.js": (  # noqa: E501
        "drmonty-leaflet-awesome-markers@2.0.2/js/leaflet.awesome-markers.js"
    ),
    "https://cdnjs.cloudflare.com/ajax/libs/Leaflet.awesome-markers/2.0.2/leaflet.awesome-markers.css": (  # noqa: E501
        "drmonty-leaflet-awesome-markers@2.0.2/css/leaflet.awesome-markers.css"
    ),
    "https://cdn.jsdelivr.net/gh/python-visualization/folium/folium/templates/leaflet.awesome.rotate.min.css": (  # noqa: E501
        "folium@0.20.0/leaflet.awesome.rotate.min.css"
    ),
    # folium.plugins.Fullscreen
    "https://cdn.jsdelivr.net/npm/leaflet.fullscreen@3.0.0/Control.FullScreen.min.js": (
        "leaflet.fullscreen@3.0.0/Control.FullScreen.js"
    ),
    "https://cdn.jsdelivr.net/npm/leaflet.fullscreen@3.0.0/Control.FullScreen.css": (
        "leaflet.fullscreen@3.0.0/Control.FullScreen.css"
    ),
    # folium.plugins.MarkerCluster and FastMarkerCluster
    "https://cdnjs.cloudflare.com/ajax/libs/leaflet.markercluster/1.1.0/leaflet.markercluster.js": (
        "leaflet.markercluster@1.1.0/dist/leaflet.markercluster.js"
    ),
    "https://cdnjs.cloudflare.com/ajax/libs/leaflet.markercluster/1.1.0/MarkerCluster.css": (
        "leaflet.markercluster@1.1.0/dist/MarkerCluster.css"
    ),
    "https://cdnjs.cloudflare.com/ajax/libs/leaflet.markercluster/1.1.0/MarkerCluster.Default.css": (  # noqa: E501
        "leaflet.markercluster@1.1.0/dist/MarkerCluster.Default.css"
    ),
    # folium.plugins.HeatMap
    "https://cdn.jsdelivr.net/gh/python-visualization/folium@main/folium/templates/leaflet_heat.min.js": (  # noqa: E501
        "folium@0.20.0/leaflet_heat.min.js"
    ),
    # folium.plugins.PolyLineTextPath
    "https://cdn.jsdelivr.net/npm/leaflet-textpath@1.2.3/leaflet.textpath.min.js": (
        "leaflet-textpath@1.2.3/leaflet.textpath.js"
    ),
    # folium.plugins.MiniMap
    "https://cdnjs.cloudflare.com/ajax/libs/leaflet-minimap/3.6.1/Control.MiniMap.js": (
        "leaflet-minimap@3.6.1/src/Control.MiniMap.js"
    ),
    "https://cdnjs.cloudflare.com/ajax/libs/leaflet-minimap/3.6.1/Control.MiniMap.css": (
        "leaflet-minimap@3.6.1/src/Control.MiniMap.css"
    ),
}

#: Leaflet's default marker images, next to the vendored leaflet.js.
LEAFLET_IMAGES = posixpath.join(
    posixpath.dirname(CDN_ASSETS["https://cdn.jsdelivr.net/npm/leaflet@1.9.3/dist/leaflet.js"]),
    "images",
)

# Elements that add CDN <script> tags while rendering, outside default_js, so localise_map
# cannot rewrite them: refuse them instead of letting the map go back online.
_RENDER_TIME_LINKERS: tuple[type, ...] = (ColorMap, Vega, VegaLite)

_ICON_ELEMENT_NAME = "vendor_leaflet_icon_path"
_INLINE_BASE = "vendored-inline:"  # placeholder base that standalone_html swaps for the files
_LOCALISED_ATTR = "_vendor_local_paths"  # URL this module wrote -> local path, per element

_MIME = {
    ".png": "image/png",
    ".gif": "image/gif",
    ".svg": "image/svg+xml",
    ".woff2": "font/woff2",
    ".woff": "font/woff",
    ".ttf": "font/ttf",
    ".eot": "application/vnd.ms-fontobject",
}


class _LeafletIconPath(MacroElement):
    """Point ``L.Icon.Default`` at the vendored marker images.

    Leaflet 1.9.3 guesses the image folder from leaflet.css and gets it wrong once the CSS is not
    on its CDN path, so plain ``folium.Marker`` icons would 404. Must run before any marker is
    added, hence it is moved to the front of the map's children.
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
            L.Icon.Default.imagePath = {{ this.image_path|tojson }};
            {%- if this.icon_urls %}
            L.Icon.Default.mergeOptions({{ this.icon_urls|tojson }});
            {%- endif %}
        {% endmacro %}
        """
    )

    def __init__(self, image_path: str, icon_urls: dict[str, str] | None = None) -> None:
        super().__init__()
        self._name = "LeafletIconPath"
        self.image_path = image_path
        self.icon_urls = icon_urls or {}


def _walk(element: Element) -> Iterator[Element]:
    yield element
    for child in element._children.values():
        yield from _walk(child)


def _local_path(element: Element, url: str) -> str:
    if url in CDN_ASSETS:
        return CDN_ASSETS[url]
    written: dict[str, str] = getattr(element, _LOCALISED_ATTR, {})
    if url in written:  # already localised (e.g. for the app), re-base it
        return written[url]
    raise ValueError(
        f"{type(element).__name__} loads {url!r}, which has no vendored copy: "
        "add it to dashboard/static/vendor and dashboard.map.assets.CDN_ASSETS"
    )


def _data_uri(path: Path) -> str:
    mime = _MIME.get(path.suffix.lower(), "application/octet-stream")
    return f"data:{mime};base64,{base64.b64encode(path.read_bytes()).decode('ascii')}"


def localise_map(m: folium.Map, base_url: str) -> folium.Map:
    """Point every JS/CSS link of ``m`` and its children at ``base_url`` + vendored path.

    Sets instance attributes only: folium's classes keep their CDN lists, so maps rendered
    elsewhere are unaffected. Raises ``ValueError`` naming any URL without a vendored copy (a new
    plugin must be vendored, not silently loaded from the network); the map is left unchanged
    then. Safe to call again with another base.
    """
    return _localise(m, base_url, inline_icons=False)


def _localise(m: folium.Map, base_url: str, inline_icons: bool) -> folium.Map:
    base = base_url.rstrip("/")
    updates: list[tuple[Element, dict[str, Any]]] = []
    for element in _walk(m):
        if isinstance(element, _RENDER_TIME_LINKERS):
            raise ValueError(
                f"{type(element).__name__} adds CDN scripts while rendering (d3/vega), which "
                "localise_map cannot redirect; vendor them before using it offline"
            )
        if not (hasattr(element, "default_js") or hasattr(element, "default_css")):
            continue
        written: dict[str, str] = {}
        attrs: dict[str, Any] = {_LOCALISED_ATTR: written}
        for attr in ("default_js", "default_css"):
            links = []
            for name, url in getattr(element, attr, []):
                local = _local_path(element, url)
                new_url = f"{base}/{local}"
                written[new_url] = local
                links.append((name, new_url))
            attrs[attr] = links
        updates.append((element, attrs))

    for element, attrs in updates:  # only once everything is known: all or nothing
        for attr, value in attrs.items():
            setattr(element, attr, value)

    images = VENDOR_DIR / LEAFLET_IMAGES
    if inline_icons:
        icon = _LeafletIconPath(
            "",
            {
                "iconUrl": _data_uri(images / "marker-icon.png"),
                "iconRetinaUrl": _data_uri(images / "marker-icon-2x.png"),
                "shadowUrl": _data_uri(images / "marker-shadow.png"),
            },
        )
    else:
        icon = _LeafletIconPath(f"{base}/{LEAFLET_IMAGES}/")
    m.add_child(icon, name=_ICON_ELEMENT_NAME)
    m._children.move_to_end(_ICON_ELEMENT_NAME, last=False)
    return m


_SCRIPT_SRC = re.compile(
    r"""<script\b[^>]*?\bsrc\s*=\s*["']([^"']+)["'][^>]*>\s*</script\s*>""", re.I
)
_LINK_HREF = re.compile(r"""<link\b[^>]*?\bhref\s*=\s*["']([^"']+)["'][^>]*>""", re.I)
_CSS_URL = re.compile(r"""url\(\s*(["']?)([^"')]+)\1\s*\)""", re.I)
_CSS_IMPORT = re.compile(r"""@import\s+(["'])([^"']+)\1""", re.I)
_EXTERNAL = re.compile(r"^(?:https?:)?//", re.I)
_FONT_FACE = re.compile(r"@font-face\s*\{[^}]*\}", re.I)
_FONT_SRC = re.compile(r"(\bsrc\s*:\s*)([^;}]*)", re.I)
_JS_SOURCEMAP = re.compile(r"^[ \t]*//# sourceMappingURL=\S+[ \t]*$", re.M)
_CSS_SOURCEMAP = re.compile(r"/\*# sourceMappingURL=[^*]*\*/")


def external_urls(html: str) -> list[str]:
    """Every http(s) URL the page would fetch as a script, stylesheet or CSS resource.

    Looks at ``<script src>``, ``<link href>``, CSS ``url(...)`` and ``@import``; tile URL
    templates inside JavaScript strings are not fetched by the page itself and are ignored.
    """
    found = [m.group(1) for m in _SCRIPT_SRC.finditer(html)]
    found += [m.group(1) for m in _LINK_HREF.finditer(html)]
    found += [m.group(2).strip() for m in _CSS_URL.finditer(html)]
    found += [m.group(2).strip() for m in _CSS_IMPORT.finditer(html)]
    return list(dict.fromkeys(url for url in found if _EXTERNAL.match(url)))


def _vendor_file(local: str) -> Path:
    path = (VENDOR_DIR / local).resolve()
    if not path.is_relative_to(VENDOR_DIR) or not path.is_file():
        raise ValueError(f"no vendored file {local!r} under {VENDOR_DIR}")
    return path


def _woff2_only(css: str) -> str:
    # Browsers that run this page all read woff2; the ttf/woff fallbacks would only double the
    # size of the inlined fonts.
    def font_face(block: re.Match[str]) -> str:
        def src(decl: re.Match[str]) -> str:
            items = re.split(r",(?![^()]*\))", decl.group(2))
            woff2 = [item for item in items if "woff2" in item]
            return decl.group(1) + ",".join(woff2 or items)

        return _FONT_SRC.sub(src, block.group(0))

    return _FONT_FACE.sub(font_face, css)


def _inline_css(local: str) -> str:
    css = _woff2_only(_vendor_file(local).read_text(encoding="utf-8"))
    css = _CSS_SOURCEMAP.sub("", css)
    folder = posixpath.dirname(local)
    cache: dict[str, str] = {}

    def to_data_uri(match: re.Match[str]) -> str:
        ref = match.group(2).strip()
        if ref.startswith(("data:", "#")) or _EXTERNAL.match(ref):
            return match.group(0)  # external ones are caught by the final external_urls check
        target = posixpath.normpath(posixpath.join(folder, re.split(r"[?#]", ref)[0]))
        if target not in cache:
            cache[target] = _data_uri(_vendor_file(target))
        return f'url("{cache[target]}")'

    css = _CSS_URL.sub(to_data_uri, css)
    return re.sub(r"</style", r"<\\/style", css, flags=re.I)


def _inline_js(local: str) -> str:
    js = _JS_SOURCEMAP.sub("", _vendor_file(local).read_text(encoding="utf-8"))
    # Keep the HTML parser inside the <script> element.
    js = re.sub(r"</script", r"<\\/script", js, flags=re.I)
    return js.replace("<!--", "<\\!--")


def standalone_html(m: folium.Map) -> str:
    """Full HTML of ``m`` with every JS and CSS inlined, fonts and images as data: URIs.

    One file that opens offline in a browser with nothing beside it (a report attachment, a
    snapshot for a screenshot). Tile layers stay as they are: online tiles just do not load.
    ``m`` is rendered with temporary vendored links and restored afterwards. Raises
    ``ValueError`` if something would still be fetched from the network.
    """
    saved = _snapshot(m)
    try:
        _localise(m, _INLINE_BASE, inline_icons=True)
        root = m.get_root()
        # A bare map is rendered inside a throwaway Figure, as folium itself does.
        html = folium.Figure().add_child(m).render() if root is m else root.render()
    finally:
        _restore(m, saved)

    prefix = _INLINE_BASE + "/"

    def script(match: re.Match[str]) -> str:
        url = match.group(1)
        if not url.startswith(prefix):
            return match.group(0)
        return f"<script>{_inline_js(url[len(prefix) :])}</script>"

    def link(match: re.Match[str]) -> str:
        url = match.group(1)
        if not url.startswith(prefix):
            return match.group(0)
        return f"<style>{_inline_css(url[len(prefix) :])}</style>"

    html = _LINK_HREF.sub(link, _SCRIPT_SRC.sub(script, html))
    leftover = external_urls(html)
    if leftover:
        raise ValueError(f"standalone HTML would still load from the network: {leftover}")
    return html


_MISSING = object()
_SNAPSHOT_ATTRS = ("default_js", "default_css", _LOCALISED_ATTR)


def _snapshot(m: folium.Map) -> dict[str, Any]:
    """What _localise and rendering change, so standalone_html can put it back."""
    elements = {
        id(el): (el, {a: el.__dict__.get(a, _MISSING) for a in _SNAPSHOT_ATTRS}) for el in _walk(m)
    }
    root = m.get_root()
    sections = {}
    if root is not m:
        sections = {
            name: OrderedDict(getattr(root, name)._children)
            for name in ("header", "html", "script")
            if hasattr(root, name)
        }
    return {
        "parent": m._parent,
        "children": OrderedDict(m._children),
        "elements": elements,
        "sections": sections,
    }


def _restore(m: folium.Map, saved: dict[str, Any]) -> None:
    for element, attrs in saved["elements"].values():
        for attr, value in attrs.items():
            if value is _MISSING:
                element.__dict__.pop(attr, None)
            else:
                element.__dict__[attr] = value
    m._children = saved["children"]
    m._parent = saved["parent"]
    root = m.get_root()
    for name, children in saved["sections"].items():
        getattr(root, name)._children = children
