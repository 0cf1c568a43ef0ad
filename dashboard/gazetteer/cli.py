"""``python -m dashboard places search NAME [--json]`` and ``places build``."""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import sys

from dashboard.vocab import PRECISIONS


def add_places_parser(sub, add_data_args=None) -> None:
    places = sub.add_parser("places", help="find places offline, in any spelling or script")
    psub = places.add_subparsers(dest="places_command", required=True)
    search = psub.add_parser("search", help="find a place by name (any romanisation or script)")
    search.add_argument("name", nargs="+", help="the place's name, e.g. Pukch'ŏng, 북청, 丹东")
    search.add_argument("--json", action="store_true", help="print a JSON list, best first")
    search.add_argument("--limit", type=int, default=10, help="at most this many answers")
    search.add_argument(
        "--places", metavar="PATH", help="gazetteer CSV (default: geodata/places.csv)"
    )
    search.set_defaults(func=cmd_search)
    add = psub.add_parser("add", help="add a place to the gazetteer (a JSON object of columns)")
    add.add_argument("--json", required=True, metavar="PLACE.json")
    if add_data_args is not None:
        add_data_args(add)
    add.add_argument("--author")
    add.set_defaults(func=cmd_add)
    build = psub.add_parser("build", help="build the regional gazetteer cache now (~1 min once)")
    build.set_defaults(func=cmd_build)


def cmd_add(args: argparse.Namespace) -> int:
    import dataclasses

    from dashboard.store.base import Rejected, default_author, open_store
    from dashboard.store.cli import read_json_rows

    rows, problems = read_json_rows(args.json)
    if rows is None or len(rows) != 1:
        for problem in problems:
            print(problem, file=sys.stderr)
        print("nothing was added.", file=sys.stderr)
        return 1
    store = open_store(args.incidents, args.routes, args.places)  # the database when set
    try:
        pid = store.add_place(rows[0], author=args.author or default_author())
    except Rejected as exc:
        for p in exc.problems:
            shown = args.json if p.path == "new place" else p.path
            print(dataclasses.replace(p, path=shown), file=sys.stderr)
        print("nothing was added.", file=sys.stderr)
        return 1
    print(f"added place {pid} to {getattr(store, 'where', None) or args.places}")
    return 0


def cmd_build(args: argparse.Namespace) -> int:
    from dashboard.gazetteer.finder import regional_index

    index = regional_index()
    print(f"regional gazetteer ready: {len(index.rows):,} places, {len(index.keys):,} keys")
    return 0


def cmd_search(args: argparse.Namespace) -> int:
    from dashboard.gazetteer.finder import search

    name = " ".join(args.name)
    with _places_source(args.places) as places_path:
        result = search(name, limit=args.limit, places_path=places_path)
    if args.json:
        print(json.dumps([p.to_dict() for p in result.matches], ensure_ascii=False, indent=1))
        if not result.found:
            print(_not_found(result), file=sys.stderr)
        return 0 if result.found else 1
    if not result.found:
        print(_not_found(result))
        return 1
    for place in result.matches:
        print(_line(place))
    return 0


@contextlib.contextmanager
def _places_source(path: str | None):
    """The gazetteer file to search: the one given, else the database's places when
    DASHBOARD_DATABASE_URL is set (as a file), else geodata/places.csv."""
    from dashboard.store.base import DATABASE_URL_ENV

    if path or not os.environ.get(DATABASE_URL_ENV):
        yield path
        return
    from dashboard.store.postgis import PostgisStore

    yield str(PostgisStore(os.environ[DATABASE_URL_ENV]).places_path)


def _line(place) -> str:
    where = ", ".join(x for x in (place.admin1, place.country) if x)
    also = f" (matched {place.matched!r})" if place.matched and place.matched != place.name else ""
    pid = f" [place_id {place.place_id}]" if place.place_id else ""
    return (
        f"{place.name}{also}{pid}: {place.kind}, {where}; {place.latitude:.5f}, "
        f"{place.longitude:.5f}; suggested precision {place.precision} "
        f"({PRECISIONS[place.precision].label.lower()}); source: {place.source}"
    )


def _not_found(result) -> str:
    lines = [
        f"No place named {result.query!r} in the project's gazetteer or the regional "
        "GeoNames gazetteer."
    ]
    if result.nearest:
        lines.append("Nearest spellings it has:")
        lines += [f"  {_line(p)}" for p in result.nearest]
    lines.append(
        "To add the place: in the app, click it on the map in the editor; or add a row to "
        "geodata/places.csv (see README, 'Adding incidents')."
    )
    return "\n".join(lines)
