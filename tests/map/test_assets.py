"""Maps work with no network: every folium asset is vendored and links point at the copies."""

from __future__ import annotations

import copy
import posixpath
import re
from pathlib import Path
from urllib.parse import urlsplit

import folium
import folium.plugins as plugins
import pytest
from folium.elements import JSCSSMixin
from playwright.sync_api import sync_playwright

from dashboard.map.assets import (
    APP_STATIC_BASE,
    CDN_ASSETS,
    LEAFLET_IMAGES,
    VENDOR_DIR,
    external_urls,
    localise_map,
    standalone_html,
)
from harness.chromium import block_external, launch_chromium

STATIC_DIR = VENDOR_DIR.parent
ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"
ASSET_CLASSES = [
    folium.Map,
    plugins.Fullscreen,
    plugins.MarkerCluster,
    plugins.FastMarkerCluster,
    plugins.HeatMap,
    plugins.PolyLineTextPath,
    plugins.MiniMap,
]

GEOJSON = {
    "type": "FeatureCollection",
    "features": [
        {
            "type": "Feature",
            "properties": {"name": "area"},
            "geometry": {
                "type": "Polygon",
                "coordinates": [[[129.0, 42.0], [129.6, 42.0], [129.6, 42.4], [129.0, 42.0]]],
            },
        },
        {
            "type": "Feature",
            "properties": {"name": "river"},
            "geometry": {"type": "LineString", "coordinates": [[127.5, 41.2], [128.5, 41.6]]},
        },
    ],
}
# What build_map draws in the main map (not the minimap).
EXPECTED_PATHS = 4  # GeoJson polygon + GeoJson line + PolyLine + CircleMarker
EXPECTED_ICONS = 5  # default Marker, 2 awesome Markers, 1 MarkerCluster, 1 FastMarkerCluster


def build_map() -> folium.Map:
    """A map using a marker, a GeoJson layer and every plugin the dashboard relies on."""
    m = folium.Map(location=[41.6, 128.6], zoom_start=7)
    folium.Marker([41.8, 129.8], tooltip="default icon").add_to(m)
    folium.Marker([40.9, 129.3], icon=folium.Icon(color="red", icon="info-sign")).add_to(m)
    folium.Marker([40.5, 127.0], icon=folium.Icon(icon="flag", prefix="fa")).add_to(m)
    folium.CircleMarker([41.0, 127.6], radius=8, color="purple").add_to(m)
    folium.GeoJson(GEOJSON, name="geojson").add_to(m)
    cluster = plugins.MarkerCluster(name="cluster").add_to(m)
    for lat, lon in [(42.30, 128.00), (42.31, 128.02), (42.32, 128.01)]:
        folium.Marker([lat, lon]).add_to(cluster)
    plugins.FastMarkerCluster([[40.60 + i * 0.01, 128.0] for i in range(5)]).add_to(m)
    plugins.HeatMap([[41.4, 128.9, 1.0], [41.45, 128.95, 0.5], [41.5, 129.0, 0.8]]).add_to(m)
    route = folium.PolyLine([[40.8, 126.8], [41.3, 127.2]], color="black").add_to(m)
    plugins.PolyLineTextPath(route, "  route  ", repeat=True).add_to(m)
    plugins.Fullscreen().add_to(m)
    plugins.MiniMap().add_to(m)
    return m


def local_refs(html: str) -> list[str]:
    """Paths under /app/static that the rendered page loads."""
    refs = re.findall(r'(?:src|href)="(/app/static/[^"]+)"', html)
    refs += re.findall(r'L\.Icon\.Default\.imagePath = "(/app/static/[^"]+)"', html)
    return refs


def static_file(url_path: str) -> Path:
    return STATIC_DIR / url_path.removeprefix("/app/static/")


def test_localised_map_loads_nothing_from_the_network():
    m = localise_map(build_map(), APP_STATIC_BASE)
    html = m.get_root().render()

    assert external_urls(html) == []
    refs = local_refs(html)
    # 4 + 6 from the Map, 2 Fullscreen, 3 MarkerCluster, 1 HeatMap, 1 TextPath, 2 MiniMap
    assert len(set(refs)) == 19 + 1  # and the marker image folder
    for ref in refs:
        assert static_file(ref).exists(), ref
    image_dir = re.search(r'imagePath = "([^"]+)"', html).group(1)
    for name in ("marker-icon.png", "marker-icon-2x.png", "marker-shadow.png"):
        assert static_file(image_dir + name).is_file()
    # The image path runs before any marker is created.
    assert html.index("L.Icon.Default.imagePath") < html.index("L.marker(")


def test_every_cdn_asset_is_vendored_with_what_its_css_references():
    for cls in ASSET_CLASSES:
        for _, url in cls.default_js + cls.default_css:
            assert url in CDN_ASSETS, f"{cls.__name__}: {url}"
    for local in CDN_ASSETS.values():
        path = VENDOR_DIR / local
        assert path.is_file(), local
        if path.suffix != ".css":
            continue
        for ref in re.findall(r"""url\(\s*["']?([^"')]+)""", path.read_text(encoding="utf-8")):
            if ref.startswith(("data:", "#")):
                continue
            target = posixpath.normpath(posixpath.join(posixpath.dirname(local), ref))
            assert (VENDOR_DIR / re.split(r"[?#]", target)[0]).is_file(), f"{local}: {ref}"
    for name in ("marker-icon.png", "marker-icon-2x.png", "marker-shadow.png"):
        assert (VENDOR_DIR / LEAFLET_IMAGES / name).is_file()


def test_unknown_cdn_url_is_refused_by_name():
    class NewPlugin(JSCSSMixin):
        default_js = [("newplugin", "https://cdn.example.org/new-plugin@1.0.0/plugin.min.js")]

    m = build_map()
    NewPlugin().add_to(m)
    with pytest.raises(ValueError, match=re.escape("https://cdn.example.org/new-plugin@1.0.0")):
        localise_map(m, APP_STATIC_BASE)
    # All or nothing: the map was not half localised.
    assert "default_js" not in vars(m)
    assert "cdn.jsdelivr.net/npm/leaflet@1.9.3" in m.get_root().render()


def test_render_time_cdn_elements_are_refused():
    m = build_map()
    folium.LinearColormap(["white", "red"], vmin=0, vmax=10).add_to(m)
    with pytest.raises(ValueError, match="LinearColormap"):
        localise_map(m, APP_STATIC_BASE)


def test_classes_keep_their_cdn_urls():
    before = {cls: copy.deepcopy((cls.default_js, cls.default_css)) for cls in ASSET_CLASSES}
    localise_map(build_map(), APP_STATIC_BASE)
    standalone_html(build_map())

    for cls, lists in before.items():
        assert (cls.default_js, cls.default_css) == lists, cls.__name__
    fresh = folium.Map()
    assert fresh.default_js[0] == (
        "leaflet",
        "https://cdn.jsdelivr.net/npm/leaflet@1.9.3/dist/leaflet.js",
    )
    html = fresh.get_root().render()
    assert "/app/static" not in html
    assert "https://cdn.jsdelivr.net/npm/leaflet@1.9.3/dist/leaflet.js" in external_urls(html)


def test_localise_again_rebases_instead_of_failing():
    m = localise_map(build_map(), APP_STATIC_BASE)
    localise_map(m, "http://127.0.0.1:8501/app/static/vendor/")
    html = m.get_root().render()
    assert "/app/static/vendor/leaflet@1.9.3/dist/leaflet.js" in html
    assert '"/app/static/vendor/leaflet' not in html
    assert html.count("L.Icon.Default.imagePath") == 1


def test_standalone_html_is_self_contained_and_leaves_the_map_alone():
    m = localise_map(build_map(), APP_STATIC_BASE)
    html = standalone_html(m)

    assert external_urls(html) == []
    assert not re.search(r"<script[^>]*\bsrc=|<link[^>]*\bhref=", html)
    assert "vendored-inline:" not in html
    assert "data:font/woff2;base64," in html
    # The app's map still points at the static route, with a single image-path element.
    after = m.get_root().render()
    assert "/app/static/vendor/leaflet@1.9.3/dist/leaflet.js" in after
    assert after.count("L.Icon.Default.imagePath") == 1


def test_external_urls_finds_scripts_links_and_css_urls_only():
    html = """
    <script src="https://cdn.example.org/a.js"></script>
    <script src="/app/static/vendor/b.js"></script>
    <link rel="stylesheet" href="//cdn.example.org/c.css"/>
    <style>@import "http://cdn.example.org/d.css";
      .x{background:url('https://cdn.example.org/e.png')}
      .y{background:url(data:image/png;base64,AA)}
    </style>
    <script>L.tileLayer("https://tile.openstreetmap.org/{z}/{x}/{y}.png").addTo(map);</script>
    """
    assert external_urls(html) == [
        "https://cdn.example.org/a.js",
        "//cdn.example.org/c.css",
        "https://cdn.example.org/e.png",
        "http://cdn.example.org/d.css",
    ]


def tile_hosts(m: folium.Map) -> set[str]:
    """Hosts of the map's (and the minimap's) tile URL templates."""
    hosts = set()
    stack = [m]
    while stack:
        element = stack.pop()
        stack.extend(element._children.values())
        if isinstance(element, folium.TileLayer):
            hosts.add(urlsplit(element.tiles.replace("{s}", "a")).hostname)
    return hosts


def test_standalone_map_draws_in_an_offline_browser(tmp_path):
    m = build_map()
    page_file = tmp_path / "map.html"
    page_file.write_text(standalone_html(m), encoding="utf-8")

    with sync_playwright() as p:
        browser = launch_chromium(p)
        try:
            page = browser.new_page(viewport={"width": 1200, "height": 800})
            aborted = block_external(page)
            errors: list[str] = []
            page.on("pageerror", lambda exc: errors.append(str(exc)))
            page.goto(page_file.as_uri(), wait_until="load")
            page.wait_for_function(
                f"document.querySelectorAll('.leaflet-marker-pane > *').length >= {EXPECTED_ICONS}"
            )
            page.evaluate("document.fonts.ready.then(() => true)")
            state = page.evaluate(
                """() => {
                const map = document.querySelector('.folium-map');
                const main = (sel) => map.querySelectorAll(
                    ':scope > .leaflet-map-pane > .leaflet-' + sel);
                const icon = map.querySelector(
                    ':scope > .leaflet-map-pane img.leaflet-marker-icon');
                const fonts = {};
                for (const f of document.fonts) {
                    const family = f.family.replace(/"/g, '');
                    fonts[family] = (fonts[family] || []).concat(f.status);
                }
                return {
                    leaflet: typeof L,
                    containers: document.querySelectorAll('.leaflet-container').length,
                    height: map.getBoundingClientRect().height,
                    paths: main('overlay-pane path.leaflet-interactive').length,
                    icons: main('marker-pane > *').length,
                    awesome: main('marker-pane .awesome-marker').length,
                    clusters: main('marker-pane .marker-cluster').length,
                    defaultIcon: icon ? [icon.src.slice(0, 22), icon.naturalWidth] : null,
                    fullscreen: document.querySelectorAll(
                        '.leaflet-control-zoom-fullscreen').length,
                    minimap: document.querySelectorAll('.leaflet-control-minimap').length,
                    heat: document.querySelectorAll('canvas.leaflet-heatmap-layer').length,
                    textPath: [...document.querySelectorAll('textPath')]
                        .map(t => t.textContent).join('|'),
                    glyphicons: fonts['Glyphicons Halflings'],
                    fontAwesome: fonts['Font Awesome 6 Free'],
                };
            }"""
            )
            ARTIFACTS.mkdir(exist_ok=True)
            page.screenshot(path=str(ARTIFACTS / "standalone_offline.png"))
        finally:
            browser.close()

    hosts = tile_hosts(m)
    tiles = [url for url in aborted if urlsplit(url).hostname in hosts]
    assets = [url for url in aborted if url not in tiles]
    print(f"aborted tile requests: {len(tiles)}; aborted asset requests: {assets}")
    assert assets == []
    assert errors == []
    assert state["leaflet"] == "object"
    assert state["containers"] >= 2  # the map and its minimap
    assert state["height"] > 0
    assert state["paths"] == EXPECTED_PATHS
    assert state["icons"] == EXPECTED_ICONS
    assert state["awesome"] == 2
    assert state["clusters"] == 2
    assert state["defaultIcon"][0] == "data:image/png;base64,"
    assert state["defaultIcon"][1] > 0  # the default marker image really loaded
    assert state["fullscreen"] == 1
    assert state["minimap"] == 1
    assert state["heat"] == 1
    assert "route" in state["textPath"]
    assert "loaded" in state["glyphicons"]
    assert "loaded" in state["fontAwesome"]
