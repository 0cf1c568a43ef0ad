"""The whole view as URL query parameters, so a pasted link reopens what was on screen.

Only values that differ from the defaults are written, to keep links short. Bad or
unknown values in a link are ignored (the default is used), never an error page.
The app's widgets map to a view and back through ``widget_values`` / ``filters_from_widgets``
/ ``view_from_widgets``, so the mapping is tested without Streamlit.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from typing import Any

from dashboard.filters import Filters
from dashboard.i18n import DEFAULT_LANGUAGE, language_or_default
from dashboard.vocab import CATEGORIES, CONFIDENCE

DEFAULT_VIEW: tuple[tuple[float, float], int] = ((36.0, 114.0), 4)


@dataclass(frozen=True)
class ViewState:
    filters: Filters = field(default_factory=Filters)
    basemap: str = "offline"
    selected: str | None = None
    center: tuple[float, float] = DEFAULT_VIEW[0]
    zoom: float = DEFAULT_VIEW[1]  # fractional: the map fits results in quarter steps
    briefing: bool = False
    story: str | None = None
    step: int = 0
    lang: str = DEFAULT_LANGUAGE  # the interface's language (``dashboard.i18n.LANGUAGES``)


def _date(text: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text) if text else None
    except ValueError:
        return None


def _set(text: str | None) -> frozenset[str]:
    return frozenset(p for p in (text or "").split(",") if p)


def _float(text: str | None, low: float, high: float) -> float | None:
    try:
        value = float(text)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return value if low <= value <= high else None


def parse_state(params: dict[str, str], span: tuple[dt.date, dt.date]) -> ViewState:
    """A view from query parameters; anything missing or malformed takes its default."""
    start, end = _date(params.get("start")), _date(params.get("end"))
    start = max(start, span[0]) if start else None
    end = min(end, span[1]) if end else None
    if start and end and end < start:
        start = end = None
    filters = Filters(
        start=start,
        end=end,
        include_undated=params.get("undated", "1") != "0",
        categories=_set(params.get("cat")),
        actors=_set(params.get("actor")),
        countries=_set(params.get("country")),
        admin1=_set(params.get("admin1")),
        confidence=_set(params.get("conf")),
        text=params.get("q", "")[:200],
    )
    lat, lon = _float(params.get("lat"), -90, 90), _float(params.get("lon"), -180, 180)
    zoom = _float(params.get("z"), 2, 12)
    step = _float(params.get("step"), 0, 10_000)
    return ViewState(
        filters=filters,
        basemap=params.get("base", "offline"),
        selected=params.get("sel") or None,
        center=(lat, lon) if lat is not None and lon is not None else DEFAULT_VIEW[0],
        zoom=round(zoom, 2) if zoom is not None else DEFAULT_VIEW[1],
        briefing=params.get("brief") == "1",
        story=params.get("story") or None,
        step=int(step) if step is not None else 0,
        lang=language_or_default(params.get("lang")),
    )


def state_params(state: ViewState, span: tuple[dt.date, dt.date]) -> dict[str, str]:
    """Query parameters for a view; ``parse_state`` of the result gives the view back."""
    f = state.filters
    out: dict[str, str] = {}
    if f.start and f.start != span[0]:
        out["start"] = f.start.isoformat()
    if f.end and f.end != span[1]:
        out["end"] = f.end.isoformat()
    if not f.include_undated:
        out["undated"] = "0"
    for key, values in (
        ("cat", f.categories),
        ("actor", f.actors),
        ("country", f.countries),
        ("admin1", f.admin1),
        ("conf", f.confidence),
    ):
        if values:
            out[key] = ",".join(sorted(values))
    if f.text.strip():
        out["q"] = f.text.strip()
    if state.basemap != "offline":
        out["base"] = state.basemap
    if state.selected:
        out["sel"] = state.selected
    if (state.center, state.zoom) != DEFAULT_VIEW:
        out["lat"], out["lon"] = f"{state.center[0]:.4f}", f"{state.center[1]:.4f}"
        out["z"] = f"{state.zoom:g}"
    if state.briefing:
        out["brief"] = "1"
    if state.story:
        out["story"] = state.story
    if state.step:
        out["step"] = str(state.step)
    if state.lang != DEFAULT_LANGUAGE:
        out["lang"] = state.lang
    return out


def filter_widget_values(f: Filters, span: tuple[dt.date, dt.date]) -> dict[str, Any]:
    """The filter widgets' values (by widget key) showing ``f``: an open window end is the
    span's end, sets are sorted lists, unknown categories and confidence levels dropped.
    ``filter_widget_values(Filters(), span)`` is what Reset filters puts back."""
    return {
        "window": (f.start or span[0], f.end or span[1]),
        "undated": f.include_undated,
        "categories": sorted(f.categories & set(CATEGORIES)),
        "actors": sorted(f.actors),
        "countries": sorted(f.countries),
        "admin1": sorted(f.admin1),
        "confidence": sorted(f.confidence & set(CONFIDENCE)),
        "text": f.text,
    }


def widget_values(
    state: ViewState, span: tuple[dt.date, dt.date], basemaps: Collection[str]
) -> dict[str, Any]:
    """Every widget's value (by widget key) for a view read from a link: the filters, the
    basemap (``offline`` when the link names none of ``basemaps``), selection, map view,
    briefing and language."""
    return {
        **filter_widget_values(state.filters, span),
        "basemap": state.basemap if state.basemap in basemaps else "offline",
        "selected": state.selected,
        "view": (state.center, state.zoom),
        "briefing": state.briefing,
        "story": state.story or "",
        "step": state.step,
        "lang": state.lang,
    }


def filters_from_widgets(values: Mapping[str, Any], span: tuple[dt.date, dt.date]) -> Filters:
    """The filters the widgets show; a window over the whole span is no date restriction."""
    start, end = values["window"]
    full = (start, end) == span
    return Filters(
        start=None if full else start,
        end=None if full else end,
        include_undated=values["undated"],
        categories=frozenset(values["categories"]),
        actors=frozenset(values["actors"]),
        countries=frozenset(values["countries"]),
        admin1=frozenset(values["admin1"]),
        confidence=frozenset(values["confidence"]),
        text=values["text"],
    )


def view_from_widgets(values: Mapping[str, Any], filters: Filters) -> ViewState:
    """The view the widgets show (``filters`` from ``filters_from_widgets``), for the URL."""
    return ViewState(
        filters=filters,
        basemap=values["basemap"],
        selected=values.get("selected"),
        center=values["view"][0],
        zoom=values["view"][1],
        briefing=values["briefing"],
        story=values.get("story") or None,
        step=values.get("step") or 0,
        lang=language_or_default(values.get("lang")),
    )
