"""No command is ever built as a shell string, and nothing the core runs comes from data."""

from __future__ import annotations

import ast

from dashboard import PACKAGE_DIR

FORBIDDEN_CALLS = {
    ("os", "system"),
    ("os", "popen"),
    ("subprocess", "getoutput"),
    ("subprocess", "getstatusoutput"),
}


def test_no_shell_strings_in_the_code():
    offenders = []
    for path in sorted(PACKAGE_DIR.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Call):
                func = node.func
                if (
                    isinstance(func, ast.Attribute)
                    and isinstance(func.value, ast.Name)
                    and (func.value.id, func.attr) in FORBIDDEN_CALLS
                ):
                    offenders.append(f"{path.name}:{node.lineno} {func.value.id}.{func.attr}")
                for kw in node.keywords:
                    if kw.arg == "shell" and not (
                        isinstance(kw.value, ast.Constant) and kw.value.value is False
                    ):
                        offenders.append(f"{path.name}:{node.lineno} shell=")
            if isinstance(node, ast.Name) and node.id in ("eval", "exec"):
                offenders.append(f"{path.name}:{node.lineno} {node.id}")
    assert offenders == []


def test_the_scan_catches_a_shell_call(tmp_path, monkeypatch):
    """The scan above can fail: a planted os.system call is found."""
    import tests.test_no_shell as scan

    (tmp_path / "bad.py").write_text("import os\nos.system('ls ' + name)\n", encoding="utf-8")
    monkeypatch.setattr(scan, "PACKAGE_DIR", tmp_path)
    try:
        scan.test_no_shell_strings_in_the_code()
    except AssertionError:
        return
    raise AssertionError("the scan did not notice os.system")
