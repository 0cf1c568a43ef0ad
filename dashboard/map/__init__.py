"""The interactive folium map. Its scripts and stylesheets are files in ``dashboard/static/map``.

- ``base``: ``base_map``, what never changes with the filters (basemap, legend, controls,
  behaviour); the app keeps it mounted.
- ``layers``: ``map_layers``, what a view shows, swapped on the base map: ``markers`` (one icon
  per incident), ``points`` (large selections on a canvas, columns encoded by ``payload``),
  ``routes``, ``vague`` (places the sources leave vague, as areas).
- ``build``: ``build_map``, one whole page (the HTML export, the benchmark).
- ``popups`` (popup, tooltip and citation HTML), ``symbols`` (the category's SVG), ``legend``,
  ``view`` (default view, fitted bounds), ``click`` (what a click reports to the app),
  ``vector_basemap`` (the Natural Earth layer), ``scripts`` (static files, script elements),
  ``assets`` (vendored Leaflet instead of CDNs).
"""
