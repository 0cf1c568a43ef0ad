"""Command line: ``python -m dashboard validate|...``.

Everything the app can do to the data is reachable here without a browser. Bad
input never ends in a traceback: problems are printed one per line and the exit
status says whether the files are usable.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from dashboard import DEFAULT_INCIDENTS
from dashboard.dataset import Dataset, check_dataset
from dashboard.places import PLACES_PATH
from dashboard.problems import errors
from dashboard.routes import ROUTES_PATH
from dashboard.vocab import CATEGORIES, PRECISIONS


def _add_data_args(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--incidents",
        default=str(DEFAULT_INCIDENTS),
        metavar="PATH",
        help="incidents CSV (default: the curated incidents.csv)",
    )
    parser.add_argument(
        "--routes",
        default=str(ROUTES_PATH),
        metavar="PATH",
        help="route legs CSV (default: geodata/routes.csv)",
    )
    parser.add_argument(
        "--places",
        default=str(PLACES_PATH),
        metavar="PATH",
        help="gazetteer CSV (default: geodata/places.csv)",
    )


def summary_lines(dataset: Dataset) -> list[str]:
    """A short human summary of a loaded dataset."""
    inc = dataset.incidents
    dated = inc.dropna(subset=["date_start"])
    lines = [
        f"{dataset.incidents_path}: {len(inc)} incidents, {len(dataset.routes)} route legs "
        f"in {dataset.routes['route_id'].nunique()} routes, {len(dataset.places)} places"
    ]
    if len(dated):
        lines.append(
            f"  dates: {dated['date_start'].min():%Y-%m-%d} to {dated['date_end'].max():%Y-%m-%d}"
            + (f" ({len(inc) - len(dated)} with no stated year)" if len(dated) < len(inc) else "")
        )
    counts = inc["category"].value_counts()
    lines.append(
        "  categories: "
        + ", ".join(f"{CATEGORIES[k].label} {counts[k]}" for k in CATEGORIES if k in counts)
    )
    precision = inc["geo_precision"].value_counts()
    lines.append(
        "  places: "
        + ", ".join(
            f"{PRECISIONS[k].label.lower()} {precision[k]}" for k in PRECISIONS if k in precision
        )
    )
    lines.append(
        "  countries: " + ", ".join(f"{k} {v}" for k, v in inc["country"].value_counts().items())
    )
    return lines


def cmd_validate(args: argparse.Namespace) -> int:
    dataset, problems = check_dataset(args.incidents, args.routes, args.places)
    for problem in problems:
        print(problem, file=sys.stderr if problem.severity == "error" else sys.stdout)
    if dataset is None or errors(problems):
        n = len(errors(problems))
        print(f"{n} problem{'s' if n != 1 else ''} found; nothing was loaded.", file=sys.stderr)
        return 1
    print("\n".join(summary_lines(dataset)))
    print("OK")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m dashboard", description=__doc__.splitlines()[0]
    )
    sub = parser.add_subparsers(dest="command", required=True)
    validate = sub.add_parser("validate", help="check the data files and summarise them")
    _add_data_args(validate)
    validate.set_defaults(func=cmd_validate)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except KeyboardInterrupt:
        return 130
    except Exception as exc:  # noqa: BLE001 - the last line of defence: no traceback for users
        print(f"error: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 2
