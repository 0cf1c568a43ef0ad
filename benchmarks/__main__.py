"""``python -m benchmarks map|edit|import|db|loadtest|motion [options]``: one command per benchmark.

Bad input never ends in a traceback: a problem is one line and the exit status says so.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from benchmarks import db, editing, importing, loadtest, motion
from benchmarks import map as scale


def build_parser() -> argparse.ArgumentParser:
    """The command line: a subcommand per benchmark, each with its own options."""
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks", description="One command per benchmark (see each --help)."
    )
    sub = parser.add_subparsers(dest="command", required=True)
    commands = [
        (
            "map",
            scale,
            scale.run,
            "time loading, filtering, the map and exports at scale, against plain folium",
        ),
        ("edit", editing, editing.run_command, "only the place finder and saving figures"),
        ("import", importing, importing.run_command, "import a synthetic ACLED extract"),
        ("db", db, db.run_command, "time load, filter and save against a throwaway database"),
        (
            "loadtest",
            loadtest,
            loadtest.run_command,
            "editors saving while viewers filter, on a throwaway database",
        ),
        (
            "motion",
            motion,
            motion.run_command,
            "frames/s of a timeline clip with blitting against redrawing, and the 1080p MP4",
        ),
    ]
    for name, module, func, help_text in commands:
        command = sub.add_parser(name, help=help_text, description=module.__doc__.splitlines()[0])
        module.add_arguments(command)
        command.set_defaults(func=func)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the chosen benchmark; its exit status."""
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except KeyboardInterrupt:
        return 130
    except Exception as exc:  # noqa: BLE001 - one clear line rather than a traceback
        print(f"error: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
