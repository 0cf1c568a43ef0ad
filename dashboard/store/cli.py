"""``python -m dashboard add|edit|withdraw|history|restore``: the editor's actions, scripted.

Each prints what it did, or each problem on its own line (naming the JSON file and the
column) and exits 1 with nothing written. A conflict (someone saved the row after this
command read it) is reported with both versions of each differing cell.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
from pathlib import Path

from dashboard.problems import Problem


def add_store_parsers(sub, add_data_args) -> None:
    add = sub.add_parser(
        "add", help="validate one incident (a JSON object of column values) and append it"
    )
    add.add_argument("--json", required=True, metavar="ROW.json", help="the incident as JSON")
    add_data_args(add)
    add.add_argument("--author", help="who is adding it, for the history (default: $USER)")
    add.set_defaults(func=cmd_add)

    edit = sub.add_parser("edit", help="change cells of one incident (JSON of the new values)")
    edit.add_argument("incident_id")
    edit.add_argument("--json", required=True, metavar="CELLS.json", help="columns to change")
    add_data_args(edit)
    edit.add_argument("--author")
    edit.set_defaults(func=cmd_edit)

    withdraw = sub.add_parser(
        "withdraw", help="take an incident off the map (the history keeps it)"
    )
    withdraw.add_argument("incident_id")
    withdraw.add_argument("--reason", required=True, help="why, for the history")
    add_data_args(withdraw)
    withdraw.add_argument("--author")
    withdraw.set_defaults(func=cmd_withdraw)

    history = sub.add_parser("history", help="list changes (to one incident, or all)")
    history.add_argument("incident_id", nargs="?")
    history.add_argument("--json", action="store_true", help="print the changes as JSON lines")
    add_data_args(history)
    history.set_defaults(func=cmd_history)

    restore = sub.add_parser("restore", help="make an incident what it was after a change")
    restore.add_argument("change_id")
    add_data_args(restore)
    restore.add_argument("--author")
    restore.set_defaults(func=cmd_restore)


def _store(args: argparse.Namespace):
    """The database when DASHBOARD_DATABASE_URL is set, else the CSV files named."""
    from dashboard.store.base import open_store

    return open_store(args.incidents, args.routes, args.places)


def _where(store, path: str) -> str:
    """What a message names as the data's home: the database, or the file."""
    return getattr(store, "where", None) or path


def _author(args: argparse.Namespace) -> str:
    from dashboard.store.base import default_author

    return getattr(args, "author", None) or default_author()


def read_json_rows(path: str) -> tuple[list[dict[str, str]] | None, list[Problem]]:
    """Rows from a JSON file holding one object of column values (or a list of them)."""
    from dashboard.store.csvstore import _text

    try:
        text = Path(path).read_text(encoding="utf-8-sig")
    except OSError as exc:
        return None, [Problem(path, None, None, f"cannot be read: {exc.strerror or exc}")]
    except UnicodeDecodeError:
        return None, [Problem(path, None, None, "not UTF-8 text")]
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        return None, [Problem(path, exc.lineno, None, f"not valid JSON: {exc.msg}")]
    items = data if isinstance(data, list) else [data]
    rows, problems = [], []
    for i, item in enumerate(items):
        shown = path if len(items) == 1 else f"{path} item {i + 1}"
        if not isinstance(item, dict):
            problems.append(Problem(shown, None, None, "expected a JSON object of column values"))
            continue
        for key, value in item.items():
            if isinstance(value, dict | list):
                problems.append(Problem(shown, None, key, "expected text or a number"))
        rows.append({str(k): _text(v) for k, v in item.items()})
    if not items:
        problems.append(Problem(path, None, None, "no incident in the file"))
    return (rows if not problems else None), problems


def _report_rejected(exc, json_path: str | None, what: str) -> int:
    from dashboard.store.csvstore import NEW_INCIDENTS

    for p in exc.problems:
        if json_path and p.path == NEW_INCIDENTS and p.line is not None:
            p = dataclasses.replace(p, path=f"{json_path} item {p.line}", line=None)
        elif json_path and p.path.startswith("new incident"):
            p = dataclasses.replace(p, path=json_path)
        print(p, file=sys.stderr)
    n = len(exc.problems)
    print(f"{n} problem{'s' if n != 1 else ''} found; nothing was {what}.", file=sys.stderr)
    return 1


def _report_conflict(exc) -> int:
    print(f"conflict: {exc.message}", file=sys.stderr)
    for col in exc.differing_columns():
        theirs = (exc.theirs or {}).get(col, "")
        print(f"  {col}: yours {exc.mine.get(col, '')!r}, saved {theirs!r}", file=sys.stderr)
    return 1


def cmd_add(args: argparse.Namespace) -> int:
    from dashboard.store.base import Rejected

    rows, problems = read_json_rows(args.json)
    if rows is None:
        for problem in problems:
            print(problem, file=sys.stderr)
        print("nothing was added.", file=sys.stderr)
        return 1
    store = _store(args)
    try:
        ids = store.add_incidents(rows, author=_author(args))
    except Rejected as exc:
        return _report_rejected(exc, args.json, "added")
    print(f"added {', '.join(ids)} to {_where(store, args.incidents)}")
    return 0


def cmd_edit(args: argparse.Namespace) -> int:
    from dashboard.store.base import Conflict, Rejected

    rows, problems = read_json_rows(args.json)
    if rows is None or len(rows) != 1:
        for problem in problems or [Problem(args.json, None, None, "expected one JSON object")]:
            print(problem, file=sys.stderr)
        print("nothing was changed.", file=sys.stderr)
        return 1
    store = _store(args)
    base = store.get_incident(args.incident_id)
    if base is None:
        print(
            f"error: no incident {args.incident_id!r} in {_where(store, args.incidents)}",
            file=sys.stderr,
        )
        return 1
    try:
        store.update_incident(
            args.incident_id, {**base, **rows[0]}, base=base, author=_author(args)
        )
    except Rejected as exc:
        return _report_rejected(exc, args.json, "changed")
    except Conflict as exc:
        return _report_conflict(exc)
    print(f"changed {args.incident_id}: {', '.join(sorted(rows[0])) or 'nothing'}")
    return 0


def cmd_withdraw(args: argparse.Namespace) -> int:
    from dashboard.store.base import Conflict, Rejected

    store = _store(args)
    base = store.get_incident(args.incident_id)
    if base is None:
        print(
            f"error: no incident {args.incident_id!r} in {_where(store, args.incidents)}",
            file=sys.stderr,
        )
        return 1
    try:
        store.withdraw_incident(
            args.incident_id, base=base, author=_author(args), reason=args.reason
        )
    except Rejected as exc:
        return _report_rejected(exc, None, "withdrawn")
    except Conflict as exc:
        return _report_conflict(exc)
    print(
        f"withdrew {args.incident_id} (restore with: python -m dashboard history {args.incident_id})"
    )
    return 0


def cmd_history(args: argparse.Namespace) -> int:
    changes = _store(args).history(args.incident_id)
    for c in changes:
        if args.json:
            print(c.to_json())
            continue
        if c.before and c.after:
            what = ", ".join(k for k in c.after if k != "incident_id")
        else:
            what = "whole row" if c.after else "removed"
        note = f" · {c.note}" if c.note else ""
        print(f"{c.change_id}  {c.at}  {c.author}  {c.action} {c.key}: {what}{note}")
    if not changes and not args.json:
        print("no changes recorded")
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    from dashboard.store.base import Conflict, NotFound, Rejected

    store = _store(args)
    try:
        change = store.change(args.change_id)
        store.restore(args.change_id, author=_author(args))
    except NotFound as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except Rejected as exc:
        return _report_rejected(exc, None, "restored")
    except Conflict as exc:
        return _report_conflict(exc)
    print(f"restored {change.key} to its version after {change.action} {change.change_id}")
    return 0
