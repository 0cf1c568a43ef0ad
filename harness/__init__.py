"""What the tests and the benchmarks share: the app server and Debian's Chromium.

``harness.server`` starts ``streamlit run`` on a free local port (``APP_SCRIPT`` names the
app's entry file, in one place); ``harness.chromium`` launches /usr/bin/chromium through
Playwright with every non-local request aborted. Neither imports ``tests`` or ``benchmarks``.
"""
