"""``python -m dashboard users add NAME|list``: editor accounts for the app's sign-in."""

from __future__ import annotations

import argparse
import getpass
import sys
import tomllib

from dashboard.accounts import (
    SECRETS_PATH,
    AccountError,
    account_line,
    add_to_secrets,
    check_name,
    check_password,
    editors,
)


def add_users_parser(sub) -> None:
    """Register ``users`` and its subcommands on the CLI's subparsers."""
    users = sub.add_parser("users", help="editor accounts (viewing needs none)")
    actions = users.add_subparsers(dest="users_command", required=True)
    add = actions.add_parser(
        "add", help="add an editor, or set a new password (asks for it; stores only a hash)"
    )
    add.add_argument("name")
    add.add_argument(
        "--secrets",
        default=str(SECRETS_PATH),
        metavar="PATH",
        help="the Streamlit secrets file to update (default: .streamlit/secrets.toml)",
    )
    add.add_argument(
        "--print",
        dest="print_only",
        action="store_true",
        help="only print the line to paste under [editors] (for a secrets manager)",
    )
    add.add_argument(
        "--password-stdin",
        action="store_true",
        help="read the password from the first line of standard input (for scripts)",
    )
    add.set_defaults(func=cmd_add)
    listing = actions.add_parser("list", help="list the editors in the secrets file")
    listing.add_argument("--secrets", default=str(SECRETS_PATH), metavar="PATH")
    listing.set_defaults(func=cmd_list)


def _password(args: argparse.Namespace) -> str:
    if args.password_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    first = getpass.getpass(f"New password for {args.name}: ")
    check_password(first)
    if getpass.getpass("Again: ") != first:
        raise AccountError("the two passwords differ; nothing was changed")
    return first


def cmd_add(args: argparse.Namespace) -> int:
    try:
        check_name(args.name)
        password = check_password(_password(args))
        if args.print_only:
            print("# under [editors] in .streamlit/secrets.toml:")
            print(account_line(args.name, password))
            return 0
        new = add_to_secrets(args.secrets, args.name, password)
    except AccountError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(f"{'added' if new else 'changed the password of'} editor {args.name} in {args.secrets}")
    return 0


def cmd_list(args: argparse.Namespace) -> int:
    try:
        with open(args.secrets, "rb") as f:
            names = sorted(editors(tomllib.load(f)))
    except FileNotFoundError:
        names = []
    except (OSError, tomllib.TOMLDecodeError) as exc:
        print(f"error: {args.secrets}: {exc}", file=sys.stderr)
        return 1
    print("\n".join(names) if names else f"no editors in {args.secrets}")
    return 0
