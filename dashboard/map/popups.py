"""The words a map shows on hover and click: an incident's popup (its full sourced record)
and tooltip, a route leg's tooltip, and the citation line. All incident text passes through
``esc``."""

from __future__ import annotations

import pandas as pd

from dashboard.htmlsafe import esc, safe_link
from dashboard.i18n import DEFAULT_LANGUAGE, translator
from dashboard.map.symbols import marker_svg
from dashboard.summary import confidence_name, date_window_text, day_text
from dashboard.vocab import CATEGORIES, CONFIDENCE, PRECISIONS, ROUTE_MODES, ROUTE_STATUSES, TEXT


def citation_html(row: pd.Series, *, lang: str = DEFAULT_LANGUAGE) -> str:
    """Outlet, “title”, publication date and a safe link to the source, as escaped HTML (the
    outlet and title are data, as the source writes them)."""
    t = translator(lang)
    published = (
        day_text(row["source_date"], lang=t.lang)
        if pd.notna(row["source_date"])
        else t.gettext("publication date not stated")
    )
    title = esc(row["source_title"])
    link = f" {safe_link(row['source_url'], t.gettext('link'))}" if row.get("source_url") else ""
    return f"{esc(row['source_outlet'])}, “{title}”, {esc(published)}.{link}"


def incident_popup_html(row: pd.Series, *, lang: str = DEFAULT_LANGUAGE) -> str:
    """The full sourced record of one incident, as escaped HTML: the field names and the
    vocabulary in the reader's language, the record's own text as the source wrote it."""
    t = translator(lang)
    cat = CATEGORIES[row["category"]]
    precision = PRECISIONS[int(row["geo_precision"])]
    approx = t.gettext(" — approximate location") if precision.level >= 2 else ""
    people = "" if pd.isna(row["people_count"]) else t.number(int(row["people_count"]))
    not_stated = t.gettext("not stated")
    confidence = row["confidence"]
    rows = [
        (
            t.gettext("When"),
            f"{esc(row['date_text'])} <span class='muted'>"
            f"({esc(date_window_text(row, lang=t.lang))})</span>",
        ),
        (
            t.gettext("Where"),
            f"{esc(row['location'])}<br><span class='muted'>"
            f"{esc(t.gettext(precision.label))}{esc(approx)}</span>",
        ),
        (t.gettext("Actors"), esc(row["actors"]) or esc(not_stated)),
        (t.gettext("People"), people or esc(not_stated)),
        (
            t.gettext("Confidence"),
            f"{esc(confidence_name(confidence, lang=t.lang))} <span class='muted'>"
            f"({esc(t.gettext(CONFIDENCE[confidence]))})</span>",
        ),
    ]
    if str(row.get("date_note", "")).strip():
        rows.append((t.gettext("Date note"), f"<span class='muted'>{esc(row['date_note'])}</span>"))
    table = "".join(f"<tr><th>{esc(k)}</th><td>{v}</td></tr>" for k, v in rows)
    return (
        f"<div class='incident-popup' data-incident='{esc(row['incident_id'])}'>"
        f"<div class='cat' style='color:{TEXT}'>{marker_svg(row['category'], 13)} "
        f"{esc(t.gettext(cat.label))} · {esc(row['incident_id'])}</div>"
        f"<p class='summary'>{esc(row['summary'])}</p><table>{table}</table>"
        f"<blockquote>{esc(row['source_quote'])}</blockquote>"
        f"<p class='cite'>{citation_html(row, lang=t.lang)}</p></div>"
    )


def incident_tooltip(row: pd.Series, *, lang: str = DEFAULT_LANGUAGE) -> str:
    """On hover: id and category, then the date words and the place (approximate or not)."""
    t = translator(lang)
    approx = t.gettext(" (approximate)") if int(row["geo_precision"]) >= 2 else ""
    return (
        f"{esc(row['incident_id'])} · {esc(t.gettext(CATEGORIES[row['category']].label))}<br>"
        f"{esc(row['date_text'])} · {esc(row['location'])}{esc(approx)}"
    )


def leg_tooltip(leg: pd.Series, *, lang: str = DEFAULT_LANGUAGE) -> str:
    """A route leg: its route, ends, mode and status, date words and note. ``from_name`` and
    ``to_name`` come in the reader's script (``placenames``); route names and notes are data."""
    t = translator(lang)
    status = ROUTE_STATUSES[leg["status"]]
    approx = t.gettext("; path approximate (straight line)") if leg["approximate"] else ""
    when = f" · {esc(leg['date_text'])}" if str(leg.get("date_text", "")).strip() else ""
    status_label = t.gettext(status.label)
    if t.lang == DEFAULT_LANGUAGE:
        status_label = status_label.lower()
    return (
        f"<b>{esc(leg['route_name'])}</b> — "
        f"{esc(t.gettext('leg {n}', n=int(leg['leg'])))}<br>"
        f"{esc(leg['from_name'])} → {esc(leg['to_name'])}<br>"
        f"{esc(t.gettext(ROUTE_MODES[leg['mode']]))}, {esc(status_label)}{esc(approx)}{when}"
        + (
            f"<br><span class='muted'>{esc(leg['note'])}</span>"
            if str(leg.get("note", "")).strip()
            else ""
        )
    )
