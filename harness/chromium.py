"""Debian's Chromium driven by Playwright, with no internet, for tests and benchmarks.

`playwright install` cannot download a browser here, so both use /usr/bin/chromium. Every
request that would leave the machine is aborted and recorded, so a test can assert a page works
offline instead of quietly depending on a CDN.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from playwright.sync_api import Browser, BrowserContext, Page, Playwright, Route

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
LOCAL_SCHEMES = frozenset({"file", "data", "blob"})
LOCAL_HOSTS = frozenset({"localhost", "127.0.0.1", "::1"})


def launch_chromium(playwright: Playwright) -> Browser:
    """Headless Debian Chromium with background network chatter turned off."""
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)


def _is_local(url: str) -> bool:
    parts = urlsplit(url)
    if parts.scheme in LOCAL_SCHEMES:
        return True
    return parts.scheme in ("http", "https") and parts.hostname in LOCAL_HOSTS


def block_external(page_or_context: Page | BrowserContext) -> list[str]:
    """Abort every request except file:, data:, blob: and http(s) to this machine.

    Returns the list of aborted URLs; it keeps filling as the page makes requests, so read it
    after the page has settled.
    """
    aborted: list[str] = []

    def handle(route: Route) -> None:
        url = route.request.url
        if _is_local(url):
            route.continue_()
        else:
            aborted.append(url)
            route.abort()

    page_or_context.route("**/*", handle)
    return aborted


def wait_app_idle(page: Page, quiet_ms: int = 1000, timeout: float = 60_000) -> None:
    """Wait until no Streamlit run has been in progress for ``quiet_ms`` (its status widget
    absent on every 100 ms poll): the map's first report (centre, zoom) makes one more run
    after the page opens, and a click aimed before it lands may hit a redrawn layer."""
    try:
        page.wait_for_function(
            """(quiet) => {
              const busy = document.querySelector('[data-testid="stStatusWidget"]');
              const now = performance.now();
              if (busy || window.__idleSince === undefined) {
                window.__idleSince = busy ? undefined : now;
                return false;
              }
              return now - window.__idleSince >= quiet;
            }""",
            arg=quiet_ms,
            polling=100,
            timeout=timeout,
        )
    finally:  # the next wait starts afresh
        page.evaluate("() => { window.__idleSince = undefined; }")
