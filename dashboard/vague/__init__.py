"""Vague stays vague: how places the sources leave unstated are drawn.

A country named without a place ("in China") is the country's area, never a point that looks
like a town; a province is the province's area; a border area is the border line. Route legs
with such an end enter or leave the known place across the nearest border, or are the shared
border itself, computed from the Natural Earth borders in geodata/basemap (never typed in).

``areas`` holds the geometry (plain shapely/geopandas, used by the validator, the exports and
the map); ``labels`` places and words its labels; ``snapshot`` draws it with matplotlib, and
``dashboard.map.vague`` on the folium map.
"""
