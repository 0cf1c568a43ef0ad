"""The app's server-side rerun under ``streamlit.testing``, on synthetic incidents.

Run in a fresh process (``python -m benchmarks.worker app ...``): the first run, a cached
rerun, reruns after date-window and category changes, and the server's peak memory.
"""

from __future__ import annotations

import datetime as dt
import os
import statistics
import time

from benchmarks.measure import peak_mb
from benchmarks.synthetic import BENCH_CATEGORY, BENCH_WINDOW
from harness.server import APP_SCRIPT


def worker_app(incidents: str, repeats: int) -> dict:
    """The app under streamlit.testing, on the synthetic incidents (shipped routes, places)."""
    os.environ["DASHBOARD_INCIDENTS"] = incidents
    from streamlit.testing.v1 import AppTest

    import dashboard.data.dataset

    loads = []
    real = dashboard.data.dataset.check_dataset

    def counted(*args, **kwargs):
        loads.append(args[0] if args else kwargs.get("incidents_path"))
        return real(*args, **kwargs)

    dashboard.data.dataset.check_dataset = counted  # the app imports it from here on every run
    at = AppTest.from_file(str(APP_SCRIPT), default_timeout=600)
    out: dict = {}
    out["app_first_run_s"] = _timed_run(at)
    out["app_cached_rerun_s"] = _timed_run(at)
    out["app_loads_after_two_runs"] = len(loads)

    windows = [
        (dt.date(2015, 1, 1), dt.date(2019, 12, 31)),
        BENCH_WINDOW,
        (dt.date(2017, 1, 1), dt.date(2017, 12, 31)),
        (dt.date(2014, 6, 1), dt.date(2021, 6, 30)),
        (dt.date(2016, 3, 1), dt.date(2016, 8, 31)),
    ][: max(3, repeats)]
    times, shown = [], []
    for window in windows:
        at.slider(key="window").set_value(window)
        times.append(_timed_run(at))
        shown.append(_count_line(at))
    at.multiselect(key="categories").set_value([BENCH_CATEGORY])
    out["app_category_rerun_s"] = _timed_run(at)
    shown.append(_count_line(at))
    # Switching the interface language (to Korean and back) should cost no more than a
    # filter change: the data is not reloaded and the map is not rebuilt.
    switches = []
    for lang in ("ko", "en"):
        at.selectbox(key="lang").set_value(lang)
        switches.append(_timed_run(at))
    out["app_lang_rerun_s"] = statistics.median(switches)
    out["app_rerun_s"] = statistics.median(times)
    out["app_rerun_runs"] = times
    out["app_shown"] = shown
    out["app_loads_total"] = len(loads)
    out["app_peak_mb"] = peak_mb()
    return out


def _timed_run(at) -> float:
    """Seconds one run of the app takes; an exception in the app stops the benchmark."""
    start = time.perf_counter()
    at.run()
    seconds = time.perf_counter() - start
    if at.exception:
        raise RuntimeError(f"the app raised: {[e.value for e in at.exception][:2]}")
    return seconds


def _count_line(at) -> str:
    for m in at.markdown:
        text = m.value.strip("* ")
        if " incidents, " in text and " route legs" in text:
            return text
    return ""
