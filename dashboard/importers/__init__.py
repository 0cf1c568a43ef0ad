"""Bringing in what newsrooms already have: spreadsheets, ACLED and UCDP GED exports,
GeoJSON, KML/KMZ (Google My Maps) and GeoPackage.

``run.plan_import`` reads a file into tables of its own columns (``delimited``,
``spreadsheet``, ``geo``), turns them into rows of ours (``convert``, with every code
translation declared in ``mappings``), validates them with the project's validator and
sorts them into new, already present and rejected; ``run.commit_import`` saves the new ones
through the store in one all-or-nothing call. Plain Python: no Streamlit here.
"""

from dashboard.importers.run import FORMATS, ImportPlan, commit_import, plan_import, read_tables

__all__ = ["FORMATS", "ImportPlan", "commit_import", "plan_import", "read_tables"]
