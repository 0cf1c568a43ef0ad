"""Real Chromium against a real app server: opening the page, and moving the date window.

The server and browser are started as the browser tests start them (``harness``): bounded,
loopback only, with the server's log on failure.
"""

from __future__ import annotations

import statistics
import time
from pathlib import Path

from benchmarks.measure import proc_peak_mb, progress, run_worker
from benchmarks.synthetic import Synthetic, write_synthetic

BROWSER_SIZE = 10_000
SEARCHES = ("onsong", "arrest", "border", "hamhung", "river")  # typed in turn, each a new result

FRAMES_JS = """() => {
    for (const f of document.querySelectorAll("iframe")) {
        try {
            const d = f.contentDocument && f.contentDocument.body.dataset.incidentsDrawn;
            if (d) { return Number(d); }
        } catch (e) {}
    }
    return null;
}"""
CLEAR_JS = """() => {
    for (const f of document.querySelectorAll("iframe")) {
        try { delete f.contentDocument.body.dataset.incidentsDrawn; } catch (e) {}
    }
}"""


def worker_browser(incidents: str, repeats: int) -> dict:
    """Real Chromium against a real server: opening the page, and moving the date window."""
    from playwright.sync_api import sync_playwright

    from harness.chromium import block_external, launch_chromium
    from harness.server import AppServer

    # The same server start and stop as the browser tests (bounded, with its log on failure).
    out: dict = {}
    with AppServer(incidents, timeout=120) as server:
        url = f"{server.url}/"
        with sync_playwright() as pw:
            browser = launch_chromium(pw)
            try:
                # Each open in a new browser profile (cold cache: a first-time reader); the
                # median of at least 5, since one open varies by ±0.3 s on 2 busy cores.
                opens = []
                for _ in range(1 + max(5, repeats)):
                    page = browser.new_page(viewport={"width": 1400, "height": 1000})
                    aborted = block_external(page)
                    start = time.perf_counter()
                    page.goto(url)
                    drawn = page.wait_for_function(FRAMES_JS, timeout=300_000, polling=25)
                    opens.append(time.perf_counter() - start)
                    out["browser_drawn"] = drawn.json_value()
                    out["browser_external_requests"] = len(aborted)
                    page.close()
                out["browser_open_first_s"] = opens[0]  # the server also loads the data here
                out["browser_open_s"] = statistics.median(opens[1:])
                out["browser_open_runs"] = opens
                # A returning reader: the same profile, with Streamlit's and Leaflet's files
                # in the browser cache from the previous open. Without block_external, as
                # Playwright's request routing turns the cache off; the cold opens above
                # already show that the page asks nothing of the network.
                context = browser.new_context(viewport={"width": 1400, "height": 1000})
                warm = []
                for _ in range(1 + max(5, repeats)):
                    page = context.new_page()
                    start = time.perf_counter()
                    page.goto(url)
                    page.wait_for_function(FRAMES_JS, timeout=300_000, polling=25)
                    warm.append(time.perf_counter() - start)
                    page.close()
                out["browser_open_warm_s"] = statistics.median(warm[1:])
                out["browser_open_warm_runs"] = warm
                page = context.new_page()
                block_external(page)
                page.goto(url)
                page.wait_for_function(FRAMES_JS, timeout=300_000, polling=25)
                moves = []
                for _ in range(max(3, repeats)):
                    page.wait_for_timeout(1500)  # let the last rerun settle
                    before = page.evaluate(FRAMES_JS)
                    page.evaluate(CLEAR_JS)
                    # The date window's start thumb (an input of implicit role "slider").
                    thumb = page.locator('[data-testid="stSidebar"] [data-testid="stSlider"]')
                    thumb = thumb.get_by_role("slider").first
                    thumb.focus()
                    start = time.perf_counter()
                    thumb.press("PageUp")
                    drawn = page.wait_for_function(FRAMES_JS, timeout=120_000, polling=25)
                    moves.append(time.perf_counter() - start)
                    out["browser_moved_from"], out["browser_moved_to"] = before, drawn.json_value()
                out["browser_move_s"] = statistics.median(moves)
                out["browser_move_runs"] = moves
                # A search typed into the sidebar, until the map is redrawn for its result
                searches = []
                box = page.get_by_label("Search summaries and places")
                for word in SEARCHES[: max(3, repeats)]:
                    page.wait_for_timeout(1500)
                    page.evaluate(CLEAR_JS)
                    box.fill(word)
                    start = time.perf_counter()
                    box.press("Enter")
                    page.wait_for_function(FRAMES_JS, timeout=300_000, polling=25)
                    searches.append(time.perf_counter() - start)
                out["browser_search_s"] = statistics.median(searches)
                out["browser_search_runs"] = searches
                out["browser_server_peak_mb"] = proc_peak_mb(server.proc.pid)
            finally:
                browser.close()
    return out


def measure_browser(
    folder: Path,
    sizes: list[int],
    repeats: int,
    size: int = BROWSER_SIZE,
    layout: str = "spread",
) -> dict:
    """The browser figures at ``size`` incidents in a fresh process, or why they were
    skipped."""
    if not Path("/usr/bin/chromium").exists():
        return {"skipped": "no Chromium at /usr/bin/chromium"}
    try:
        import playwright  # noqa: F401
    except ImportError:
        return {"skipped": "playwright is not installed"}
    suffix = "" if layout == "spread" else f"-{layout}"
    data = Synthetic(
        folder / f"incidents-{size}{suffix}.csv",
        folder / f"routes-{size}{suffix}.csv",
        Path(),
        size,
    )
    if size not in sizes or not data.incidents.exists():
        data = write_synthetic(folder, size, layout=layout)
    progress(f"{size:,} incidents: Chromium against a local server")
    result = run_worker(
        "browser", {"incidents": str(data.incidents), "repeats": repeats}, timeout=3600
    )
    return dict(result, size=size)
