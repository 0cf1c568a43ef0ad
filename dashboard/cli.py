"""Command line: ``python -m dashboard validate|...``.

Everything the app can do to the data is reachable here without a browser. Bad
input never ends in a traceback: problems are printed one per line and the exit
status says whether the files are usable.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

from dashboard import DEFAULT_INCIDENTS
from dashboard.data.cells import parse_date
from dashboard.data.dataset import check_dataset
from dashboard.data.places import PLACES_PATH
from dashboard.data.routes import ROUTES_PATH
from dashboard.i18n import DEFAULT_LANGUAGE, LANGUAGES
from dashboard.problems import errors
from dashboard.summary import summary_lines, totals_line
from dashboard.vocab import (
    EXPORT_ASPECTS,
    EXPORT_FORMATS,
    MOTION_FORMATS,
    MOTION_MODES,
    MOTION_STEPS,
)


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


def check_data(args: argparse.Namespace):
    """The dataset and its problems: from the database when DASHBOARD_DATABASE_URL is set
    (the newsroom store), else from the files named by the arguments."""
    from dashboard.store.base import DATABASE_URL_ENV

    if os.environ.get(DATABASE_URL_ENV):
        from dashboard.store import open_store

        return open_store(database_url=os.environ[DATABASE_URL_ENV]).load()
    return check_dataset(args.incidents, args.routes, args.places)


def cmd_validate(args: argparse.Namespace) -> int:
    dataset, problems = check_data(args)
    for problem in problems:
        print(problem, file=sys.stderr if problem.severity == "error" else sys.stdout)
    if dataset is None or errors(problems):
        n = len(errors(problems))
        print(f"{n} problem{'s' if n != 1 else ''} found; nothing was loaded.", file=sys.stderr)
        return 1
    print("\n".join(summary_lines(dataset)))
    print("OK")
    return 0


def _date_arg(text: str):
    value, err = parse_date(text)
    if err:
        raise argparse.ArgumentTypeError(err)
    return value


def cmd_export(args: argparse.Namespace) -> int:
    from dashboard.export import ExportError, SnapshotSpec, alt_text, render, write_output
    from dashboard.filters import (
        Filters,
        data_window,
        filter_incidents,
        prepare,
        routes_for,
    )
    from dashboard.summary import title, view_subtitle
    from dashboard.vocab import CATEGORIES

    unknown = [c for c in args.category or [] if c not in CATEGORIES]
    if unknown:
        print(
            f"error: unknown category {unknown[0]!r} (choose from {', '.join(CATEGORIES)})",
            file=sys.stderr,
        )
        return 1
    dataset, problems = check_data(args)
    if dataset is None or errors(problems):
        for problem in errors(problems):
            print(problem, file=sys.stderr)
        print("nothing was exported: fix the data first (see above)", file=sys.stderr)
        return 1
    incidents = prepare(dataset.incidents, dataset.places, search=bool(args.search))
    span = data_window(incidents)
    filters = Filters(
        start=args.start,
        end=args.end,
        include_undated=not args.dated_only,
        categories=frozenset(args.category or ()),
        countries=frozenset(c.upper() for c in args.country or ()),
        text=args.search or "",
    )
    shown = filter_incidents(incidents, filters)
    legs = routes_for(dataset.routes, shown)
    subtitle = view_subtitle(filters, span, shown, len(incidents), legs, lang=args.lang)
    spec = SnapshotSpec(
        title=args.title or title(lang=args.lang),
        subtitle=subtitle,
        aspect=args.aspect,
        width_px=args.width,
        dpi=args.dpi,
        lang=args.lang,
    )
    text_path = f"{args.out}.txt"
    if args.alt_text and os.path.exists(text_path) and not args.force:
        print(f"error: {text_path}: already exists; use --force to overwrite it", file=sys.stderr)
        return 1
    if args.format in MOTION_FORMATS:  # the timeline in motion: dashboard/export/clip.py
        from dashboard.export.clip import clip_command

        code = clip_command(args, shown, dataset.places, spec, (filters, span, len(incidents)))
        if code == 0 and args.alt_text:
            described = alt_text(shown, legs, dataset.places, spec.title, lang=spec.lang)
            try:
                write_output(text_path, (described + "\n").encode(), force=args.force)
            except ExportError as exc:
                print(f"error: {exc}", file=sys.stderr)
                return 1
            print(f"wrote {text_path} (text description):\n{described}")
        return code
    try:
        data = render(args.format, shown, legs, dataset.places, spec, sheet=args.sheet)
        out = write_output(args.out, data, force=args.force)
        described = None
        if args.alt_text:
            described = alt_text(shown, legs, dataset.places, spec.title, lang=spec.lang)
            text_out = write_output(text_path, (described + "\n").encode(), force=args.force)
    except ExportError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(f"wrote {out} ({len(data):,} bytes): {totals_line(len(shown), len(legs))}")
    if described is not None:
        print(f"wrote {text_out} (text description):\n{described}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m dashboard", description=__doc__.splitlines()[0]
    )
    sub = parser.add_subparsers(dest="command", required=True)
    validate = sub.add_parser("validate", help="check the data files and summarise them")
    _add_data_args(validate)
    validate.set_defaults(func=cmd_validate)

    export = sub.add_parser("export", help="export a map snapshot or the filtered data")
    export.add_argument("--format", required=True, choices=(*EXPORT_FORMATS, *MOTION_FORMATS))
    export.add_argument("--out", required=True, metavar="PATH", help="file to write")
    _add_data_args(export)
    export.add_argument("--start", type=_date_arg, metavar="YYYY-MM-DD")
    export.add_argument("--end", type=_date_arg, metavar="YYYY-MM-DD")
    export.add_argument(
        "--category", nargs="+", metavar="NAME", help="category keys, e.g. arrest lure"
    )
    export.add_argument("--country", nargs="+", metavar="CC", help="ISO alpha-2 codes, e.g. KP CN")
    export.add_argument("--search", metavar="TEXT", help="free text or a place in any spelling")
    export.add_argument(
        "--dated-only", action="store_true", help="leave out incidents with no stated year"
    )
    export.add_argument(
        "--title", help="the export's title (default: the dashboard's name in --lang)"
    )
    export.add_argument("--aspect", default="16:9", choices=list(EXPORT_ASPECTS))
    export.add_argument(
        "--width", type=int, default=2400, help="image width in pixels (default 2400)"
    )
    export.add_argument("--dpi", type=int, default=200)
    export.add_argument(
        "--sheet", action="store_true", help="with --format pdf: one-page briefing sheet"
    )
    export.add_argument(
        "--lang",
        default=DEFAULT_LANGUAGE,
        choices=list(LANGUAGES),
        help="language of the export's title, legend and captions (default en)",
    )
    export.add_argument(
        "--alt-text",
        action="store_true",
        help="also write the export's text description to PATH.txt (and print it)",
    )
    export.add_argument(  # the timeline in motion (--format gif|mp4)
        "--step",
        default="month",
        choices=list(MOTION_STEPS),
        help="with gif|mp4: one frame per week, month or quarter (default month)",
    )
    export.add_argument(
        "--mode",
        default="moving",
        choices=list(MOTION_MODES),
        help="with gif|mp4: each step's incidents (moving) or all up to it (cumulative)",
    )
    export.add_argument("--force", action="store_true", help="overwrite an existing file")
    export.set_defaults(func=cmd_export)

    from dashboard.store.dbcli import add_db_parser

    add_db_parser(sub)

    from dashboard.accounts.cli import add_users_parser

    add_users_parser(sub)

    from dashboard.gazetteer.cli import add_places_parser
    from dashboard.store.cli import add_store_parsers

    add_store_parsers(sub, _add_data_args)
    add_places_parser(sub, _add_data_args)

    from dashboard.importers import command as importer

    imports = sub.add_parser(
        "import", help="import incidents from CSV, XLSX, ODS, ACLED, UCDP, GeoJSON, KML, GPKG"
    )
    importer.add_arguments(imports)
    imports.set_defaults(func=importer.run)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    from dashboard.store.base import StoreError

    try:
        return args.func(args)
    except KeyboardInterrupt:
        return 130
    except StoreError as exc:  # e.g. the database cannot be reached: one clear line
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except Exception as exc:  # noqa: BLE001 - the last line of defence: no traceback for users
        print(f"error: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 2
