"""The Timeline clip… menu beside Export…: this view stepping through its date window as an
MP4 or a GIF, with a progress bar while the frames are drawn, then a download button."""

from __future__ import annotations

import datetime as dt
import hashlib

import streamlit as st

from dashboard.data.dataset import Dataset
from dashboard.export.clip import clip_subtitle, make_clip
from dashboard.export.motion import undated_note
from dashboard.export.spec import ExportError, SnapshotSpec
from dashboard.filters import Filters
from dashboard.i18n import translator
from dashboard.summary import title
from dashboard.ui.session import Span, current_language
from dashboard.vocab import MOTION_FORMAT_LABELS, MOTION_MIME_TYPES, MOTION_MODES, MOTION_STEPS

RESULT_KEY = "clip_result"  # (request, clip bytes, undated left out) of the last clip made


def _request(shown, f: Filters, choices: tuple[str, ...]) -> str:
    """What a clip was made of: a clip is offered for download only while the view and the
    choices are still the ones it shows."""
    ids = ",".join(shown["incident_id"].astype(str))
    return hashlib.sha256(f"{f!r}|{choices}|{ids}".encode()).hexdigest()


def clip_menu(dataset: Dataset, shown, f: Filters, span: Span, lang: str | None = None) -> None:
    """The menu, built only while it is open (as the Export… menu)."""
    lang = lang or current_language()
    t = translator(lang)
    menu = st.popover(
        t.gettext("Timeline clip…"), key="clip_open", on_change="rerun", width="stretch"
    )
    if not menu.open:
        return
    with menu:
        fmt = st.selectbox(
            t.gettext("Clip format"),
            list(MOTION_FORMAT_LABELS),
            format_func=lambda k: t.gettext(MOTION_FORMAT_LABELS[k]),
            key="clip_format",
        )
        step = st.selectbox(
            t.gettext("One frame per"),
            list(MOTION_STEPS),
            index=list(MOTION_STEPS).index("month"),
            format_func=lambda k: t.gettext(MOTION_STEPS[k]),
            key="clip_step",
        )
        mode = st.radio(
            t.gettext("Each frame shows"),
            list(MOTION_MODES),
            format_func=lambda k: t.gettext(MOTION_MODES[k]),
            key="clip_mode",
        )
        request = _request(shown, f, (fmt, step, mode, lang))
        if st.button(t.gettext("Make clip"), key="clip_make", type="primary", width="stretch"):
            st.session_state.pop(RESULT_KEY, None)
            bar = st.progress(0.0, text=t.gettext("Drawing the frames…"))

            def tick(done: int, total: int) -> None:
                text = t.gettext("Frame {done} of {total}", done=done, total=total)
                bar.progress(done / total, text=text)

            spec = SnapshotSpec(
                title=title(lang=lang),
                subtitle=clip_subtitle(f, span, shown, len(dataset.incidents), lang=lang),
                lang=lang,
            )
            try:
                clip = make_clip(
                    fmt, shown, dataset.places, spec, step, mode, (f.start, f.end), tick
                )
            except ExportError as exc:
                bar.empty()
                st.error(t.gettext("No clip was made: {reason}", reason=str(exc)))
            else:
                st.session_state[RESULT_KEY] = (request, clip.data, clip.plan.undated)
        made = st.session_state.get(RESULT_KEY)
        if made and made[0] == request:
            _, data, undated = made
            if undated:
                st.caption(undated_note(undated, lang=lang) + ".")
            st.download_button(
                t.gettext("Download the clip"),
                data=data,
                file_name=f"escapee-crackdown-{dt.date.today().isoformat()}-{step}.{fmt}",
                mime=MOTION_MIME_TYPES[fmt],
                key="clip_download",
                width="stretch",
            )
