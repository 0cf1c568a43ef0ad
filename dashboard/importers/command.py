"""``python -m dashboard import FILE``: the importer on the command line."""

from __future__ import annotations

import argparse
import sys

from dashboard import DEFAULT_INCIDENTS
from dashboard.importers.run import FORMATS, commit_import, plan_import
from dashboard.problems import errors


def _pair(text: str) -> tuple[str, str]:
    name, sep, value = text.partition("=")
    if not sep or not name.strip():
        raise argparse.ArgumentTypeError(f"expected NAME=VALUE, not {text!r}")
    return name.strip(), value


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", metavar="FILE", help="the file to import")
    parser.add_argument(
        "--into",
        default=str(DEFAULT_INCIDENTS),
        metavar="PATH",
        help="incidents CSV to import into (created if missing; default: incidents.csv)",
    )
    parser.add_argument("--routes", default=None, metavar="PATH", help=argparse.SUPPRESS)
    parser.add_argument("--places", default=None, metavar="PATH", help=argparse.SUPPRESS)
    parser.add_argument(
        "--format",
        default="auto",
        choices=FORMATS,
        help="auto (default) tells the format from the file and ACLED/UCDP from the columns",
    )
    parser.add_argument(
        "--map",
        action="append",
        type=_pair,
        default=[],
        metavar="THEIR_COLUMN=OUR_FIELD",
        help="read our field from this column (OUR_FIELD empty: leave the column out); repeat",
    )
    parser.add_argument(
        "--set",
        action="append",
        type=_pair,
        default=[],
        metavar="OUR_FIELD=VALUE",
        help="the value of a field wherever the file leaves it empty; repeat",
    )
    parser.add_argument(
        "--layer",
        "--sheet",
        default=None,
        metavar="NAME",
        help="the spreadsheet sheet or KML/GeoPackage layer (default: first sheet, all layers)",
    )
    parser.add_argument(
        "--encoding", default=None, help="text encoding of a CSV (default: detected)"
    )
    parser.add_argument("--author", default=None, help="name recorded in the history")
    parser.add_argument("--dry-run", action="store_true", help="check and report, write nothing")


def _print_problems(problems) -> None:
    for problem in problems:
        print(problem, file=sys.stderr if problem.severity == "error" else sys.stdout)


def run(args: argparse.Namespace) -> int:
    from dashboard.store.base import Conflict, Rejected, default_author, open_store

    store = open_store(args.into, args.routes, args.places)
    plan = plan_import(
        args.file,
        store,
        fmt=args.format,
        mapping=dict(args.map),
        sets=dict(args.set),
        layer=args.layer,
        encoding=args.encoding,
        validate=args.dry_run,  # a real import is validated by the store as it saves
    )
    for note in plan.notes:
        print(f"{args.file}: {note}")
    if plan.fatal or args.dry_run:
        _print_problems(plan.problems)
    if plan.fatal:
        n = len([p for p in errors(plan.problems) if p.line is None or plan.unreadable])
        print(
            f"{n} problem{'s' if n != 1 else ''} with the whole file; nothing was imported.",
            file=sys.stderr,
        )
        print(plan.summary(imported=0))
        return 1
    if args.dry_run:
        print(plan.summary() + " (dry run: nothing was written)")
        return 0 if plan.rejected == 0 else 1
    try:
        ids = commit_import(plan, store, author=args.author or default_author())
    except (Rejected, Conflict) as exc:
        _print_problems(plan.problems)
        for problem in getattr(exc, "problems", []) or [str(exc)]:
            print(problem, file=sys.stderr)
        print(f"nothing was imported into {args.into}.", file=sys.stderr)
        return 1
    _print_problems(plan.problems)
    print(plan.summary(imported=len(ids)) + (f" into {args.into}" if ids else ""))
    return 0 if plan.rejected == 0 else 1
