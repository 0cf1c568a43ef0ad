"""Editor accounts: hashes, the secrets file, and the users command."""

from __future__ import annotations

import subprocess
import sys
import tomllib

import pytest

from dashboard import REPO_DIR
from dashboard.accounts import (
    AccountError,
    add_to_secrets,
    authenticate,
    editors,
    hash_password,
    verify_password,
)


def test_hash_is_salted_and_verifies():
    a, b = hash_password("correct horse"), hash_password("correct horse")
    assert a != b and a.startswith("scrypt$16384$8$1$")
    assert "correct horse" not in a
    assert verify_password("correct horse", a)
    assert not verify_password("correct hors", a)
    assert not verify_password("correct horse", "plain-text")
    assert not verify_password("x", "scrypt$1$2$3$%%%$!!")


@pytest.mark.slow  # hashes passwords (deliberately slow)
def test_add_to_secrets_keeps_other_content_and_replaces_a_password(tmp_path):
    path = tmp_path / ".streamlit" / "secrets.toml"
    path.parent.mkdir()
    path.write_text('# newsroom secrets\n[other]\ntoken = "abc"\n', encoding="utf-8")
    assert add_to_secrets(path, "jkim", "first password") is True
    assert add_to_secrets(path, "alee", "second password") is True
    assert add_to_secrets(path, "jkim", "a new password") is False
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    assert data["other"] == {"token": "abc"}
    assert sorted(editors(data)) == ["alee", "jkim"]
    assert authenticate(editors(data), "jkim", "a new password")
    assert not authenticate(editors(data), "jkim", "first password")
    assert not authenticate(editors(data), "nobody", "a new password")
    assert path.read_text(encoding="utf-8").startswith("# newsroom secrets\n")
    assert oct(path.stat().st_mode & 0o777) == "0o600"


def test_add_refuses_bad_names_weak_passwords_and_broken_files(tmp_path):
    path = tmp_path / "secrets.toml"
    with pytest.raises(AccountError, match="letters, digits"):
        add_to_secrets(path, "j kim", "long enough password")
    with pytest.raises(AccountError, match="at least 10 characters"):
        add_to_secrets(path, "jkim", "short")
    path.write_text("[editors\n", encoding="utf-8")
    with pytest.raises(AccountError, match="not valid TOML"):
        add_to_secrets(path, "jkim", "long enough password")
    assert path.read_text(encoding="utf-8") == "[editors\n"  # untouched


def test_users_cli_add_and_list(tmp_path):
    path = tmp_path / "secrets.toml"

    def run(*args, stdin=""):
        return subprocess.run(
            [sys.executable, "-m", "dashboard", "users", *args, "--secrets", str(path)],
            input=stdin,
            capture_output=True,
            text=True,
            cwd=REPO_DIR,
            timeout=120,
        )

    r = run("add", "jkim", "--password-stdin", stdin="a long password\n")
    assert r.returncode == 0 and "added editor jkim" in r.stdout, r.stderr
    assert authenticate(editors(tomllib.loads(path.read_text())), "jkim", "a long password")
    r = run("add", "jkim", "--password-stdin", stdin="short\n")
    assert r.returncode == 1 and "at least 10" in r.stderr and "Traceback" not in r.stderr
    r = run("list")
    assert r.stdout.split() == ["jkim"]
    assert "a long password" not in path.read_text()


def test_secrets_file_is_ignored_by_git():
    ignored = subprocess.run(
        ["git", "check-ignore", "-q", ".streamlit/secrets.toml"], cwd=REPO_DIR, check=False
    )
    assert ignored.returncode == 0
