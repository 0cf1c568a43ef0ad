"""``python -m benchmarks.worker KIND JSON``: one measurement in this fresh process.

Started by ``benchmarks.measure.run_worker``; prints the figures as JSON on a line marked
``RESULT_MARK``.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Sequence

from benchmarks.measure import RESULT_MARK


def _core(a: dict) -> dict:
    from benchmarks.core import worker_core

    return worker_core(a["incidents"], a["routes"], a["places"], a["repeats"])


def _baseline(a: dict) -> dict:
    from benchmarks.core import worker_baseline

    return worker_baseline(a["incidents"], a["repeats"])


def _app(a: dict) -> dict:
    from benchmarks.app_rerun import worker_app

    return worker_app(a["incidents"], a["repeats"])


def _browser(a: dict) -> dict:
    from benchmarks.browser import worker_browser

    return worker_browser(a["incidents"], a["repeats"])


WORKERS: dict[str, Callable[[dict], dict]] = {
    "core": _core,
    "baseline": _baseline,
    "app": _app,
    "browser": _browser,
}


def main(argv: Sequence[str]) -> int:
    """Run the measurement ``argv[0]`` with the JSON arguments ``argv[1]``."""
    kind, args = argv[0], json.loads(argv[1])
    result = WORKERS[kind](args)
    print(RESULT_MARK + json.dumps(result), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
