"""Saving changes to the data: one interface (base.Store), CSV and PostGIS backends."""

from dashboard.store.base import (
    Change,
    Conflict,
    NotFound,
    Rejected,
    Store,
    StoreError,
    open_store,
)

__all__ = ["Change", "Conflict", "NotFound", "Rejected", "Store", "StoreError", "open_store"]
