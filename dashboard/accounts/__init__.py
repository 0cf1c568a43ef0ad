"""Editor accounts: salted scrypt hashes kept in ``.streamlit/secrets.toml``, never passwords.

Viewing needs no account; saving anything needs an editor's. The secrets file is the one
Streamlit reads (``st.secrets``); it is ignored by git, so no password or hash reaches the
repository. Plain Python (the CLI adds accounts; dashboard/ui/auth.py checks them).

    [editors]
    alice = "scrypt$16384$8$1$<salt>$<hash>"
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import re
import secrets
import tomllib
from collections.abc import Mapping
from pathlib import Path

from dashboard import REPO_DIR

SECRETS_PATH = REPO_DIR / ".streamlit" / "secrets.toml"
SECTION = "editors"
NAME_PATTERN = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
MIN_PASSWORD_CHARS = 10
# scrypt cost: about 50 ms and 16 MB per check here, so guessing is slow and signing in is not.
_N, _R, _P = 2**14, 8, 1


class AccountError(Exception):
    """A user-facing problem with an account request (bad name, weak password, bad file)."""


def hash_password(password: str) -> str:
    """A salted scrypt hash, self-describing so the cost can be raised later."""
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode(), salt=salt, n=_N, r=_R, p=_P, dklen=32)
    return "$".join(
        ["scrypt", str(_N), str(_R), str(_P), _b64(salt), _b64(digest)]
    )  # no secret in it


def verify_password(password: str, stored: str) -> bool:
    """Whether ``password`` matches ``stored`` (constant-time; a malformed entry never does)."""
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
        if scheme != "scrypt":
            return False
        expected = base64.b64decode(digest)
        got = hashlib.scrypt(
            password.encode(),
            salt=base64.b64decode(salt),
            n=int(n),
            r=int(r),
            p=int(p),
            dklen=len(expected),
            maxmem=256 * 1024 * 1024,
        )
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(got, expected)


def check_name(name: str) -> str:
    if not NAME_PATTERN.match(name):
        raise AccountError(
            f"account name {name!r}: use 1-64 letters, digits, '-' or '_' (e.g. jkim)"
        )
    return name


def check_password(password: str) -> str:
    if len(password) < MIN_PASSWORD_CHARS:
        raise AccountError(f"the password must have at least {MIN_PASSWORD_CHARS} characters")
    return password


def editors(secrets_map: Mapping | None) -> dict[str, str]:
    """Editor names and hashes from parsed secrets (st.secrets or a tomllib dict)."""
    if not secrets_map:
        return {}
    section = secrets_map.get(SECTION) or {}
    return {str(k): str(v) for k, v in dict(section).items() if isinstance(v, str)}


def authenticate(accounts: Mapping[str, str], name: str, password: str) -> bool:
    """Whether the name is an editor (in ``editors(...)``'s mapping) and the password is
    theirs. An unknown name costs as much time as a known one, so timing does not tell
    which names exist."""
    stored = accounts.get(name)
    if stored is None:
        verify_password(password, _DUMMY)
        return False
    return verify_password(password, stored)


def account_line(name: str, password: str) -> str:
    """The TOML line to paste under [editors] in .streamlit/secrets.toml."""
    return f'{check_name(name)} = "{hash_password(check_password(password))}"'


def add_to_secrets(path: Path | str, name: str, password: str) -> bool:
    """Add or replace the editor in the secrets file, atomically (temp file, fsync, rename).
    Returns True when the account was new. Other content of the file is kept as it was."""
    path = Path(path)
    line = account_line(name, password)
    try:
        text = path.read_text(encoding="utf-8") if path.exists() else ""
    except OSError as exc:
        raise AccountError(f"{path}: cannot be read: {exc.strerror or exc}") from None
    try:
        before = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise AccountError(f"{path}: not valid TOML ({exc}); fix it first") from None
    new = name not in editors(before)
    lines = text.splitlines()
    start = next((i for i, ln in enumerate(lines) if ln.strip() == f"[{SECTION}]"), None)
    if start is None:
        if lines and lines[-1].strip():
            lines.append("")
        lines += [f"[{SECTION}]", line]
    else:
        end = next(
            (i for i in range(start + 1, len(lines)) if lines[i].lstrip().startswith("[")),
            len(lines),
        )
        key = re.compile(rf"^\s*\"?{re.escape(name)}\"?\s*=")
        at = next((i for i in range(start + 1, end) if key.match(lines[i])), None)
        if at is None:
            insert = end
            while insert > start + 1 and not lines[insert - 1].strip():
                insert -= 1
            lines.insert(insert, line)
        else:
            lines[at] = line
    out = "\n".join(lines) + "\n"
    after = tomllib.loads(out)  # never write a file Streamlit cannot read
    assert editors(after).get(name, "").startswith("scrypt$")
    _atomic_write(path, out)
    return new


def _atomic_write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    fd = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


_DUMMY = "scrypt$16384$8$1$" + _b64(b"\0" * 16) + "$" + _b64(b"\0" * 32)
