"""Nothing outside ``tests/`` imports the tests, and the package does not import Streamlit's
testing module: the benchmarks and tests share ``harness/`` instead."""

from __future__ import annotations

import ast
from pathlib import Path

from dashboard import REPO_DIR


def imported_modules(path: Path) -> set[str]:
    """Every module a file imports (absolute names; relative imports left out)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.add(node.module)
    return names


def offenders(folders: list[str], banned: tuple[str, ...]) -> list[str]:
    found = []
    for folder in folders:
        for path in sorted((REPO_DIR / folder).rglob("*.py")):
            for name in imported_modules(path):
                if any(name == b or name.startswith(b + ".") for b in banned):
                    found.append(f"{path.relative_to(REPO_DIR)}: {name}")
    return found


def test_nothing_outside_tests_imports_tests():
    assert offenders(["dashboard", "benchmarks", "harness"], ("tests",)) == []


def test_the_package_does_not_import_streamlit_testing():
    assert offenders(["dashboard"], ("streamlit.testing",)) == []


def test_the_scan_can_fail(tmp_path):
    bad = tmp_path / "bad.py"
    bad.write_text("from tests.conftest import read_rows\nimport streamlit.testing.v1\n")
    assert imported_modules(bad) == {"tests.conftest", "streamlit.testing.v1"}
