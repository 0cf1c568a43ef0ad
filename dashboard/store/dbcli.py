"""``python -m dashboard db init|load|dump``: the newsroom database from the command line.

The database is the one DASHBOARD_DATABASE_URL names (or ``--database-url``). Problems with
the files come out as ``PATH:LINE: COLUMN: message`` like ``validate``; a database that
cannot be used gets one line naming its host and database, never the password.
"""

from __future__ import annotations

import argparse
import os
import sys

from dashboard import DEFAULT_INCIDENTS
from dashboard.data.places import PLACES_PATH
from dashboard.data.routes import ROUTES_PATH
from dashboard.problems import errors
from dashboard.store.base import DATABASE_URL_ENV, StoreError, default_author


def add_db_parser(sub) -> None:
    """Register the ``db`` command and its subcommands on the CLI's subparsers."""
    db = sub.add_parser("db", help="the newsroom database (PostgreSQL with PostGIS)")
    db.add_argument(
        "--database-url",
        metavar="URL",
        help=f"postgresql://USER:PASSWORD@HOST:PORT/DATABASE (default: ${DATABASE_URL_ENV})",
    )
    actions = db.add_subparsers(dest="db_command", required=True)
    init = actions.add_parser("init", help="create or upgrade the tables (safe to repeat)")
    init.set_defaults(func=cmd_init)
    load = actions.add_parser(
        "load", help="validate the CSV files and replace the database's data with them"
    )
    load.add_argument("--incidents", default=str(DEFAULT_INCIDENTS), metavar="PATH")
    load.add_argument("--routes", default=str(ROUTES_PATH), metavar="PATH")
    load.add_argument("--places", default=str(PLACES_PATH), metavar="PATH")
    load.add_argument("--author", default=None, help="name recorded in the history")
    load.set_defaults(func=cmd_load)
    dump = actions.add_parser("dump", help="write incidents.csv, routes.csv and places.csv")
    dump.add_argument("--out-dir", required=True, metavar="DIR")
    dump.add_argument("--force", action="store_true", help="overwrite existing files")
    dump.set_defaults(func=cmd_dump)


def _store(args: argparse.Namespace):
    from dashboard.store.postgis import PostgisStore

    url = args.database_url or os.environ.get(DATABASE_URL_ENV)
    if not url:
        raise StoreError(f"no database: set {DATABASE_URL_ENV} or pass --database-url")
    return PostgisStore(url)


def _run(action) -> int:
    try:
        return action()
    except StoreError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1


def cmd_init(args: argparse.Namespace) -> int:
    def go() -> int:
        store = _store(args)
        applied = store.init()
        for name in applied:
            print(f"applied migration {name}")
        print(f"{store.where}: schema up to date")
        return 0

    return _run(go)


def cmd_load(args: argparse.Namespace) -> int:
    def go() -> int:
        store = _store(args)
        store.init()
        counts, problems = store.load_files(
            args.incidents, args.routes, args.places, author=args.author or default_author()
        )
        for problem in problems:
            print(problem, file=sys.stderr if problem.severity == "error" else sys.stdout)
        if counts is None:
            n = len(errors(problems))
            print(f"{n} problem{'s' if n != 1 else ''} found; nothing was loaded.", file=sys.stderr)
            return 1
        print(
            f"loaded into the {store.where}: {counts['incidents']} incidents, "
            f"{counts['routes']} route legs, {counts['places']} places"
        )
        return 0

    return _run(go)


def cmd_dump(args: argparse.Namespace) -> int:
    def go() -> int:
        store = _store(args)
        written = store.dump(args.out_dir, force=args.force)
        for path in written.values():
            print(f"wrote {path}")
        return 0

    return _run(go)
