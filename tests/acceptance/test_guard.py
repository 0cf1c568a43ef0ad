"""The shared guard itself: it must fail a test for each thing it promises to catch."""

from __future__ import annotations

import pytest

from .conftest import close_ui, open_ui

pytestmark = pytest.mark.browser


class Log:
    """Stands in for an AppServer's log: the guard reads only ``log()``."""

    def __init__(self) -> None:
        self.text = "started\n"
        self.url = "http://localhost:9"

    def log(self) -> str:
        return self.text


def test_guard_reports_each_kind_of_failure(browser, timings):
    server = Log()
    ui = open_ui(browser, server, (1366, 768), timings, "guard-selftest")
    page = ui.page
    page.goto("data:text/html,<main>app</main>")
    # A Streamlit exception element that shows for 50 ms only, an uncaught error, and a
    # request for the internet.
    page.evaluate(
        """() => {
          const e = document.createElement('div');
          e.dataset.testid = 'stException';
          e.textContent = 'StreamlitAPIException: boom';
          document.body.appendChild(e);
          setTimeout(() => e.remove(), 50);
          setTimeout(() => { throw new Error('kaboom'); }, 0);
          fetch('https://example.com/tile.png').catch(() => {});
        }"""
    )
    page.wait_for_function("() => !document.querySelector('[data-testid=stException]')")
    for _ in range(100):  # until the page's events have reached Python (at most ~5 s)
        if ui.exceptions and ui.console_errors and ui.aborted:
            break
        page.wait_for_timeout(50)
    server.text += "Traceback (most recent call last):\n  ...\nKeyError: 'window'\n"
    problems = "\n".join(close_ui(ui, screenshot=False))
    assert "StreamlitAPIException: boom" in problems
    assert "kaboom" in problems
    assert "example.com" in problems
    assert "KeyError: 'window'" in problems


def test_guard_is_quiet_on_a_clean_page(browser, timings):
    ui = open_ui(browser, Log(), (1366, 768), timings, "guard-clean")
    ui.page.goto("data:text/html,<main>app</main>")
    assert close_ui(ui, screenshot=False) == []
