"""The layout ARCHITECTURE.md promises, checked: only ``dashboard/ui`` imports Streamlit,
nothing outside ``tests/`` imports the tests (benchmarks and tests share ``harness/``), no
module grows past 600 lines, and no script or stylesheet hides in a Python string."""

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


def test_only_the_ui_package_imports_streamlit():
    core = [
        str(p.relative_to(REPO_DIR))
        for p in sorted((REPO_DIR / "dashboard").iterdir())
        if p.name not in ("ui", "static") and (p.is_dir() or p.suffix == ".py")
    ]
    files = [f for f in core if f.endswith(".py")]
    folders = [f for f in core if not f.endswith(".py") and not f.endswith("__pycache__")]
    found = offenders(folders, ("streamlit", "streamlit_folium"))
    found += [
        f"{f}: {name}"
        for f in files
        for name in imported_modules(REPO_DIR / f)
        if name.split(".")[0] in ("streamlit", "streamlit_folium")
    ]
    assert found == []
    assert offenders(["dashboard/ui"], ("streamlit",)), "the scan sees the UI's imports"


def test_no_module_is_over_600_lines():
    long = {
        str(p.relative_to(REPO_DIR)): n
        for folder in ("dashboard", "benchmarks", "harness")
        for p in (REPO_DIR / folder).rglob("*.py")
        if (n := len(p.read_text(encoding="utf-8").splitlines())) > 600
    }
    assert long == {}


def test_no_script_or_stylesheet_over_30_lines_lives_in_a_python_string():
    found = []
    for path in sorted((REPO_DIR / "dashboard").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            text = node.value if isinstance(node, ast.Constant) else None
            if isinstance(text, str) and text.count("\n") > 30:
                found.append(f"{path.relative_to(REPO_DIR)}:{node.lineno}")
    assert found == []


def test_the_scan_can_fail(tmp_path):
    bad = tmp_path / "bad.py"
    bad.write_text("from tests.conftest import read_rows\nimport streamlit.testing.v1\n")
    assert imported_modules(bad) == {"tests.conftest", "streamlit.testing.v1"}
