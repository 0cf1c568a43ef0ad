"""The data: reading the project's files safely, their schema's checks, and loading them together.

``tables`` reads CSV text safely; ``cells`` parses one cell; ``incidents``, ``routes``,
``places`` and ``stories`` check and load each file; ``dataset`` loads all three and
cross-checks them; ``basemap`` is the Natural Earth countries and provinces that validation,
the map and the exports share. Plain Python on (Geo)DataFrames: no Streamlit, no folium.
"""
