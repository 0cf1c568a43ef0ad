"""The newsroom store: incidents, routes and places in PostgreSQL with PostGIS.

Same promises as the CSV store (dashboard/store/base.py): the project's own validator runs
before every write and its messages come back in ``Rejected``; an edit is a compare-and-swap
on the row the editor loaded (a row lock plus a version column), so a stale save gets
``Conflict`` with both versions; every change is a row in ``history`` written in the same
transaction as the change; and ``data_version`` is a counter bumped in that transaction too,
so every app process sees every other's saves at its next interaction.

A database that cannot be reached, or has no schema yet, raises ``DatabaseUnavailable``
with one line naming the host and database, never the password.

Modules: ``connect`` (URL, pool, transactions, schema), ``tables`` (columns, keys, cell
text), ``csvio`` (CSV files), ``query`` (reads, filter, history, validation), ``save``
(edits), ``load`` (bulk load and dump), ``pyramid`` (the map's aggregates, grouped by the
database). The schema and its migrations are in
``dashboard/store/migrations.py``.
"""

from dashboard.store.postgis.connect import DatabaseUnavailable, describe_url, engine_url
from dashboard.store.postgis.load import Loader
from dashboard.store.postgis.query import filter_query
from dashboard.store.postgis.save import Editor


class PostgisStore(Loader, Editor):
    """The Store of dashboard/store/base.py over one PostgreSQL database with PostGIS."""


__all__ = ["DatabaseUnavailable", "PostgisStore", "describe_url", "engine_url", "filter_query"]
