"""What a screen reader says for an incident's marker on the map: its category, place and date
window, the words its popup and record already show (so a marker focused with the keyboard is
named, not announced as a bare "button")."""

from __future__ import annotations

import pandas as pd

from dashboard.htmlsafe import esc
from dashboard.i18n import DEFAULT_LANGUAGE, translator
from dashboard.summary import date_window_text
from dashboard.vocab import CATEGORIES


def marker_name(row: pd.Series, *, lang: str = DEFAULT_LANGUAGE) -> str:
    """The marker's accessible name, e.g. "Arrest / detention, Onsong, 12 May 2024"; an
    unconfirmed incident (a hollow symbol) says so, as the symbol shows it."""
    t = translator(lang)
    category = CATEGORIES[row["category"]]
    name = t.gettext(
        "{category}, {place}, {when}",
        category=t.gettext(category.label),
        place=row["location"],
        when=date_window_text(row, lang=lang),
    )
    if row["confidence"] == "unconfirmed":
        name = t.gettext("{name}, unconfirmed", name=name)
    return name


def marker_name_html(row: pd.Series, *, lang: str = DEFAULT_LANGUAGE) -> str:
    """The name as escaped text inside the marker, read by screen readers and not drawn."""
    return f"<span class='sr-only'>{esc(marker_name(row, lang=lang))}</span>"
