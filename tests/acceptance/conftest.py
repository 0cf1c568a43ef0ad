"""The acceptance suite's fixtures: one app server per module, a fresh browser context per test.

Every browser test goes through the ``app`` fixture, which fails the test when, at any time
during it, a Streamlit exception element appears in the page, the page logs an uncaught error,
the server logs a traceback, or a request tried to leave the machine. It also saves a
screenshot of the test's end state into ``tests/artifacts/acceptance/``.
"""

from __future__ import annotations

import json

import pytest
from playwright.sync_api import Browser, expect, sync_playwright

from dashboard.data.dataset import load_dataset
from dashboard.filters import data_window, prepare
from harness.chromium import block_external, launch_chromium
from harness.server import AppServer

from .ui import ARTIFACTS, RERUN, UI, Core

# Playwright's expect() waits 5 s by default; a rerun on this shared 2-core machine can take
# longer, so every expect in the suite waits as long as one rerun may take.
expect.set_options(timeout=RERUN)

VIEWPORTS = {"1366x768": (1366, 768), "1920x1080": (1920, 1080)}
TIMINGS = ARTIFACTS / "timings.json"

# Reports every Streamlit exception element the moment it appears (top frame only), so one
# that flashes up during a rerun and is replaced again still fails the test.
EXCEPTION_WATCH = """
(() => {
  if (window !== window.top) return;
  const seen = new WeakSet();
  const scan = () => {
    for (const el of document.querySelectorAll('[data-testid="stException"]')) {
      if (seen.has(el)) continue;
      seen.add(el);
      try { window.__reportStException((el.innerText || '').slice(0, 2000)); } catch (e) {}
    }
  };
  const start = () => {
    new MutationObserver(scan).observe(document.documentElement, {childList: true, subtree: true});
    scan();
  };
  if (document.documentElement) start();
  else document.addEventListener('DOMContentLoaded', start);
})();
"""


@pytest.fixture(scope="session")
def core() -> Core:
    ds = load_dataset()
    incidents = prepare(ds.incidents, ds.places)
    return Core(ds, incidents, data_window(incidents))


@pytest.fixture(scope="module")
def browser():
    with sync_playwright() as pw:
        b = launch_chromium(pw)
        try:
            yield b
        finally:
            b.close()


@pytest.fixture(scope="module")
def server():
    """The app on the shipped data, once per test module."""
    with AppServer(timeout=90) as s:
        yield s


@pytest.fixture(params=list(VIEWPORTS), ids=list(VIEWPORTS))
def viewport(request) -> tuple[int, int]:
    return VIEWPORTS[request.param]


class Timings:
    """Seconds per task and test, merged into timings.json (never asserted on)."""

    def __init__(self) -> None:
        self.data: dict[str, dict[str, list[float]]] = {}

    def add(self, task: str, key: str, seconds: float) -> None:
        self.data.setdefault(task, {}).setdefault(key, []).append(round(seconds, 3))

    def save(self) -> None:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        old: dict = {}
        if TIMINGS.exists():
            try:
                old = json.loads(TIMINGS.read_text(encoding="utf-8"))
            except ValueError:
                old = {}
        for task, runs in self.data.items():
            old.setdefault(task, {}).update(runs)
        TIMINGS.write_text(json.dumps(old, indent=2, sort_keys=True) + "\n", encoding="utf-8")


@pytest.fixture(scope="session")
def timings():
    t = Timings()
    yield t
    t.save()


def open_ui(
    browser: Browser,
    server: AppServer,
    viewport: tuple[int, int],
    timings: Timings,
    name: str,
    scale: float = 1,
) -> UI:
    """A fresh context on the server; ``scale`` CSS pixels per screen pixel (2: 200 % zoom)."""
    context = browser.new_context(
        viewport={"width": viewport[0], "height": viewport[1]}, device_scale_factor=scale
    )
    aborted = block_external(context)
    ui = UI(server=server, context=context, page=None, aborted=aborted, timings=timings, name=name)
    context.expose_binding(
        "__reportStException", lambda _source, text: ui.exceptions.append(str(text))
    )
    context.add_init_script(EXCEPTION_WATCH)
    ui.page = page = context.new_page()
    page.set_default_timeout(RERUN)
    # With where it was thrown (the first frames of its stack), to tell our scripts from
    # Streamlit's or a library's.
    page.on(
        "pageerror",
        lambda exc: ui.console_errors.append(
            f"Uncaught {exc} at {' | '.join((exc.stack or '').splitlines()[1:4])}"
        ),
    )
    page.on(
        "console",
        lambda msg: (
            ui.console_errors.append(msg.text)
            if msg.type == "error" and "Uncaught" in msg.text
            else None
        ),
    )
    ui.log_start = len(server.log())
    ui.spawn = lambda other: open_ui(browser, server, viewport, timings, other)
    return ui


def close_ui(ui: UI, screenshot: bool = True) -> list[str]:
    """Screenshot, then everything that went wrong while the page was open."""
    page = ui.page
    problems: list[str] = []
    try:
        if screenshot:
            ARTIFACTS.mkdir(parents=True, exist_ok=True)
            ui.wait_idle(5_000)
            page.screenshot(path=ARTIFACTS / f"{ui.name}.png")
        still = page.locator('[data-testid="stException"]')
        for i in range(still.count()):
            ui.exceptions.append(still.nth(i).inner_text()[:2000])
    finally:
        ui.context.close()
    if ui.exceptions:
        problems.append("Streamlit exception shown in the page:\n" + "\n---\n".join(ui.exceptions))
    log = ui.server.log()[ui.log_start :]
    if "Traceback" in log:
        problems.append("the server logged a traceback:\n" + log[-4000:])
    if ui.console_errors:
        problems.append(f"uncaught errors in the page: {ui.console_errors}")
    if ui.aborted:
        problems.append(f"requests that needed the internet: {ui.aborted}")
    return problems


def _name(request) -> str:
    return request.node.name.replace("[", "-").replace("]", "").replace("/", "_")


@pytest.fixture
def app(browser, server, viewport, timings, request):
    """A fresh browser context on the module's server; fails the test on any app error."""
    ui = open_ui(browser, server, viewport, timings, _name(request))
    yield ui
    problems = close_ui(ui)
    for extra in ui.extra:  # second contexts a test opened (e.g. a reopened link)
        problems += close_ui(extra)
    assert not problems, "\n\n".join(problems)
