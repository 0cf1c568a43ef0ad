"""The words a map shows on hover and click: an incident's popup (its full sourced record)
and tooltip, a route leg's tooltip, and the citation line. All incident text passes through
``esc``."""

from __future__ import annotations

import pandas as pd

from dashboard.htmlsafe import esc, safe_link
from dashboard.map.symbols import marker_svg
from dashboard.summary import date_window_text
from dashboard.vocab import CATEGORIES, CONFIDENCE, PRECISIONS, ROUTE_MODES, ROUTE_STATUSES, TEXT


def citation_html(row: pd.Series) -> str:
    """Outlet, “title”, publication date and a safe link to the source, as escaped HTML."""
    published = (
        f"{row['source_date']:%d %b %Y}"
        if pd.notna(row["source_date"])
        else "publication date not stated"
    )
    title = esc(row["source_title"])
    link = f" {safe_link(row['source_url'], 'link')}" if row.get("source_url") else ""
    return f"{esc(row['source_outlet'])}, “{title}”, {published}.{link}"


def incident_popup_html(row: pd.Series) -> str:
    """The full sourced record of one incident, as escaped HTML."""
    cat = CATEGORIES[row["category"]]
    precision = PRECISIONS[int(row["geo_precision"])]
    approx = " — approximate location" if precision.level >= 2 else ""
    people = "" if pd.isna(row["people_count"]) else str(int(row["people_count"]))
    rows = [
        (
            "When",
            f"{esc(row['date_text'])} <span class='muted'>({esc(date_window_text(row))})</span>",
        ),
        (
            "Where",
            f"{esc(row['location'])}<br><span class='muted'>{esc(precision.label)}{approx}</span>",
        ),
        ("Actors", esc(row["actors"]) or "not stated"),
        ("People", people or "not stated"),
        (
            "Confidence",
            f"{esc(row['confidence'])} <span class='muted'>({esc(CONFIDENCE[row['confidence']])})</span>",
        ),
    ]
    if str(row.get("date_note", "")).strip():
        rows.append(("Date note", f"<span class='muted'>{esc(row['date_note'])}</span>"))
    table = "".join(f"<tr><th>{k}</th><td>{v}</td></tr>" for k, v in rows)
    return (
        f"<div class='incident-popup' data-incident='{esc(row['incident_id'])}'>"
        f"<div class='cat' style='color:{TEXT}'>{marker_svg(row['category'], 13)} "
        f"{esc(cat.label)} · {esc(row['incident_id'])}</div>"
        f"<p class='summary'>{esc(row['summary'])}</p><table>{table}</table>"
        f"<blockquote>{esc(row['source_quote'])}</blockquote>"
        f"<p class='cite'>{citation_html(row)}</p></div>"
    )


def incident_tooltip(row: pd.Series) -> str:
    """On hover: id and category, then the date words and the place (approximate or not)."""
    approx = " (approximate)" if int(row["geo_precision"]) >= 2 else ""
    return (
        f"{esc(row['incident_id'])} · {esc(CATEGORIES[row['category']].label)}<br>"
        f"{esc(row['date_text'])} · {esc(row['location'])}{approx}"
    )


def leg_tooltip(leg: pd.Series) -> str:
    """A route leg: its route, ends, mode and status, date words and note."""
    status = ROUTE_STATUSES[leg["status"]]
    approx = "; path approximate (straight line)" if leg["approximate"] else ""
    when = f" · {esc(leg['date_text'])}" if str(leg.get("date_text", "")).strip() else ""
    return (
        f"<b>{esc(leg['route_name'])}</b> — leg {int(leg['leg'])}<br>"
        f"{esc(leg['from_name'])} → {esc(leg['to_name'])}<br>"
        f"{esc(ROUTE_MODES[leg['mode']])}, {esc(status.label.lower())}{approx}{when}"
        + (
            f"<br><span class='muted'>{esc(leg['note'])}</span>"
            if str(leg.get("note", "")).strip()
            else ""
        )
    )
