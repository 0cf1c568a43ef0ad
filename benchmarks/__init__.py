"""Benchmarks of the dashboard, kept outside the package: ``python -m benchmarks --help``.

Synthetic data (``synthetic``) at newsroom scale; each figure measured in a fresh process
(``measure``, ``worker``) by ``core`` (load, filter, map, PNG, plain-folium baseline),
``app_rerun`` (``streamlit.testing``) and ``browser`` (Chromium); ``report`` holds the targets
and the table. The commands: ``map`` (all of it), ``edit`` (place finder and saving), ``import``
(an ACLED extract), ``db`` (the PostGIS store) and ``loadtest`` (editors and viewers at once).
"""
