"""The app's importer (Streamlit only): upload, map the columns with a preview, see the
problems per row, then import. The lead's app calls ``import_panel`` once.

Everything it decides is done by ``dashboard.importers`` (the same plan as
``python -m dashboard import``); this module only draws widgets and keeps the upload.
"""

from __future__ import annotations

import hashlib
import re
import tempfile
from pathlib import Path

import pandas as pd
import streamlit as st

from dashboard.i18n import N_, Translator
from dashboard.importers.base import UnreadableFile
from dashboard.importers.convert import detect_family
from dashboard.importers.rows import MAP_TARGETS, OUR_COLUMNS
from dashboard.importers.run import FORMATS, commit_import, file_kind, plan_import, read_tables
from dashboard.problems import errors
from dashboard.ui.session import current_translator
from dashboard.vocab import CATEGORIES, CONFIDENCE, INCIDENT_REQUIRED_CELLS, PRECISIONS

UPLOAD_TYPES = ["csv", "tsv", "txt", "xlsx", "xlsm", "ods", "geojson", "json", "kml", "kmz", "gpkg"]
LEAVE_OUT = N_("(leave out)")
PREVIEW_ROWS = 50
PROBLEM_ROWS = 500
# The problem table's headers (and the preview's first), translated where shown.
PROBLEM_COLUMNS = {
    "line": N_("line"),
    "column": N_("column"),
    "problem": N_("problem"),
    "severity": N_("severity"),
}
# Required fields the importer derives when nothing gives them (see convert.finish).
DERIVED = {"incident_id", "date_text", "country"}


_MARKDOWN = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:])")


def plain(text: object) -> str:
    """File contents (column names, cells in messages) shown as text, never as Markdown:
    a column named ``![x](http://…)`` must not fetch an image into an offline app."""
    return _MARKDOWN.sub(r"\\\1", str(text))


def editing_enabled() -> bool:
    """The editor's switch (DASHBOARD_EDITING=1 or the app's --editing): importing changes
    the data, so it is on exactly when editing is."""
    from dashboard.ui.editor import editing_enabled as editor_switch

    return editor_switch()


def _saved_upload(uploaded, key: str) -> Path:
    """The upload as a file on disk (readers need a path), kept for the session."""
    data = uploaded.getvalue()
    digest = hashlib.sha256(data).hexdigest()[:16]
    cache = st.session_state.setdefault(f"{key}-files", {})
    if digest not in cache or not Path(cache[digest]).exists():
        folder = Path(tempfile.mkdtemp(prefix="dashboard-import-"))
        name = Path(uploaded.name).name or "upload"
        path = folder / name
        path.write_bytes(data)
        cache[digest] = str(path)
    return Path(cache[digest])


def _value_widget(field: str, key: str, t: Translator) -> str:
    """A widget for one value given to every row; "" when the user has not chosen."""
    label = t.gettext("{field} for every row", field=field)
    choose = t.gettext("choose…")
    if field == "category":
        options = ["", *CATEGORIES]
        return st.selectbox(
            label,
            options,
            format_func=lambda k: choose if not k else f"{t.gettext(CATEGORIES[k].label)} ({k})",
            key=f"{key}-set-{field}",
        )
    if field == "confidence":
        options = ["", *CONFIDENCE]
        return st.selectbox(
            label,
            options,
            format_func=lambda k: choose if not k else f"{k}: {t.gettext(CONFIDENCE[k])}",
            key=f"{key}-set-{field}",
        )
    if field == "geo_precision":
        options = ["", *(str(k) for k in PRECISIONS)]
        return st.selectbox(
            label,
            options,
            format_func=lambda k: (
                choose if not k else f"{k}: {t.gettext(PRECISIONS[int(k)].label)}"
            ),
            key=f"{key}-set-{field}",
        )
    return st.text_input(label, key=f"{key}-set-{field}").strip()


def import_panel(store, *, editing: bool | None = None, key: str = "importer") -> list[str] | None:
    """Draw the importer for ``store`` (a dashboard.store Store).

    Returns the ids just imported on the run where the user pressed Import (the caller
    should then reload its data, e.g. ``st.rerun()``), else None. Shows only a note when
    editing is off: importing changes the data.
    """
    if editing is None:
        editing = editing_enabled()
    t = current_translator()
    st.subheader(t.gettext("Import incidents from a file"))
    if not editing:
        st.info(
            t.gettext(
                "Importing changes the data, so it is available only when editing is switched "
                "on (see the README)."
            )
        )
        return None
    st.caption(
        t.gettext(
            "Spreadsheets (CSV in any encoding, XLSX, ODS), ACLED and UCDP GED exports, "
            "GeoJSON, KML/KMZ from Google My Maps and GeoPackage. Every row is either imported "
            "with its source or listed with its problem; nothing is saved until you press Import."
        )
    )
    uploaded = st.file_uploader(t.gettext("File to import"), type=UPLOAD_TYPES, key=f"{key}-file")
    if uploaded is None:
        return None
    path = _saved_upload(uploaded, key)
    shown = uploaded.name
    left, right = st.columns(2)
    fmt = left.selectbox(t.gettext("Format"), FORMATS, key=f"{key}-format")
    layer = None
    kind = file_kind(path) if fmt in ("auto", "acled", "ucdp") else fmt
    if kind in ("xlsx", "ods"):
        from dashboard.importers.spreadsheet import sheet_names

        try:
            names = sheet_names(path, kind)
        except UnreadableFile:
            names = []
        if len(names) > 1:
            layer = right.selectbox(t.gettext("Sheet"), names, key=f"{key}-sheet")
    elif kind in ("kml", "kmz", "gpkg"):
        import pyogrio

        try:
            names = [str(n) for n, _ in pyogrio.list_layers(path)]
        except Exception:  # noqa: BLE001 - the reader reports it below
            names = []
        if len(names) > 1:
            choice = right.selectbox(
                t.gettext("Layer"),
                [None, *names],
                format_func=lambda n: t.gettext("All layers") if n is None else n,
                key=f"{key}-layer",
            )
            layer = choice
    try:
        tables = read_tables(path, fmt, layer=layer)
    except UnreadableFile as exc:
        for problem in exc.problems:
            st.error(plain(str(problem).replace(str(path), shown)))
        return None
    columns = list(dict.fromkeys(c for t in tables for c in t.columns))
    family = fmt if fmt in ("acled", "ucdp") else detect_family(columns)
    mapping: dict[str, str] = {}
    sets: dict[str, str] = {}
    if family == "table":
        st.markdown(
            t.gettext("**Columns.** Choose which field of ours each column of the file fills.")
        )
        from dashboard.importers.convert import propose_mapping

        proposed = propose_mapping(columns)
        first = tables[0].records[0] if tables and tables[0].records else []
        grid = st.columns(3)
        for i, col in enumerate(columns):
            sample = first[i] if i < len(first) else ""
            options = [LEAVE_OUT, *MAP_TARGETS]
            default = proposed.get(col, LEAVE_OUT)
            chosen = grid[i % 3].selectbox(
                plain(col),
                options,
                index=options.index(default),
                format_func=lambda o: t.gettext(LEAVE_OUT) if o == LEAVE_OUT else o,
                help=plain(t.gettext("First value: {value}", value=repr(sample[:80])))
                if sample
                else None,
                key=f"{key}-map-{i}-{col}",
            )
            mapping[col] = "" if chosen == LEAVE_OUT else chosen
        given = {v for v in mapping.values() if v}
        if "date" in given:
            given |= {"date_start", "date_end", "date_text"}
        missing = [f for f in INCIDENT_REQUIRED_CELLS if f not in given and f not in DERIVED]
        if missing:
            st.markdown(
                t.gettext(
                    "**Required fields no column gives.** Give one value for every row, or map "
                    "a column to them above (nothing is invented)."
                )
            )
            grid = st.columns(3)
            for i, field in enumerate(missing):
                with grid[i % 3]:
                    value = _value_widget(field, key, t)
                if value:
                    sets[field] = value
    else:
        name = "ACLED" if family == "acled" else "UCDP GED"
        st.markdown(
            t.gettext(
                "**Recognised as {name}.** Its columns are mapped by the codebook "
                "(see the README, “Importing”).",
                name=name,
            )
        )
        value = _value_widget("category", key, t)
        if value:
            sets["category"] = value
        st.caption(
            t.gettext(
                "The category above applies only to rows whose event type has no category of "
                "ours; leave it unchosen to have those rows listed as problems."
            )
        )
    signature = (
        str(path),
        fmt,
        layer,
        tuple(sorted(mapping.items())),
        tuple(sorted(sets.items())),
        store.data_version(),
    )
    cached = st.session_state.get(f"{key}-plan")
    if cached is None or cached[0] != signature:
        plan = plan_import(
            path, store, fmt=fmt, mapping=mapping, sets=sets, layer=layer, tables=tables
        )
        st.session_state[f"{key}-plan"] = (signature, plan)
    else:
        plan = cached[1]
    for note in plan.notes:
        st.caption(plain(note))
    st.markdown(t.gettext("**Preview** (as it would be stored)"))
    preview = pd.DataFrame(
        [
            {"line": r.line, **{c: r.values.get(c, "") for c in OUR_COLUMNS}}
            for r in plan.rows[:PREVIEW_ROWS]
        ]
    )
    preview = preview.rename(columns={"line": t.gettext("line")})
    st.dataframe(preview, hide_index=True, key=f"{key}-preview")
    summary = plan.summary()
    if plan.problems:
        n_errors = len(errors(plan.problems))
        n_warnings = len(plan.problems) - n_errors
        st.markdown(
            t.gettext(
                "**Problems** ({errors}, {warnings})",
                errors=t.ngettext("{n} error", "{n} errors", n_errors),
                warnings=t.ngettext("{n} warning", "{n} warnings", n_warnings),
            )
        )
        table = pd.DataFrame(
            [
                {
                    "line": p.line if p.line is not None else "",
                    "column": p.column or "",
                    "problem": p.message,
                    "severity": p.severity,
                }
                for p in plan.problems[:PROBLEM_ROWS]
            ]
        )
        table = table.rename(columns=lambda c: t.gettext(PROBLEM_COLUMNS[c]))
        st.dataframe(table, hide_index=True, key=f"{key}-problems")
        if len(plan.problems) > PROBLEM_ROWS:
            st.caption(
                t.gettext("… and {n} more", n=t.number(len(plan.problems) - PROBLEM_ROWS)) + "."
            )
        st.download_button(
            t.gettext("Download every problem"),
            "\n".join(str(p).replace(str(path), shown) for p in plan.problems),
            file_name=f"{Path(shown).stem}-problems.txt",
            key=f"{key}-problems-download",
        )
    st.markdown(t.gettext("**If imported now:** {summary}.", summary=summary))
    from dashboard.store.base import Conflict, Rejected, default_author

    author = st.text_input(
        t.gettext("Your name (kept in the history)"), value=default_author(), key=f"{key}-author"
    )
    ready = not plan.fatal and bool(plan.new)
    if st.button(
        t.ngettext("Import {n} incident", "Import {n} incidents", len(plan.new)),
        disabled=not ready,
        type="primary",
        key=f"{key}-go",
    ):
        try:
            ids = commit_import(plan, store, author=author.strip() or default_author())
        except (Rejected, Conflict) as exc:
            for problem in getattr(exc, "problems", None) or [exc]:
                st.error(plain(str(problem).replace(str(path), shown)))
            st.error(t.gettext("Nothing was imported."))
            return None
        st.session_state.pop(f"{key}-plan", None)
        st.session_state[f"{key}-done"] = f"{plan.summary(imported=len(ids))}."
        return ids
    done = st.session_state.get(f"{key}-done")
    if done:
        st.success(t.gettext("Last import: {summary}", summary=done))
    return None
