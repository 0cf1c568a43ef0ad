"""The offline place finder: any spelling or script, the project's places first."""

from dashboard.gazetteer.finder import Place, SearchResult, place_row, search, suggest_place_id
from dashboard.gazetteer.romanise import (
    fold,
    romanisation_key,
    romanisation_variants,
    search_keys,
)

__all__ = [
    "Place",
    "SearchResult",
    "fold",
    "place_row",
    "romanisation_key",
    "romanisation_variants",
    "search",
    "search_keys",
    "suggest_place_id",
]
