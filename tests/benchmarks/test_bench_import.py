"""The import benchmark runs end to end at a small size through ``python -m benchmarks
import`` (the 100,000-row figure is measured by hand, not in the tests)."""

from __future__ import annotations

import json

from benchmarks.__main__ import main


def test_bench_import_small(tmp_path, capsys):
    out = tmp_path / "bench.json"
    assert main(["import", "--rows", "300", "--json", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "Import of a 300-row ACLED extract" in printed
    result = json.loads(out.read_text())
    assert result["exit"] == 0, result["stderr_tail"]
    assert result["summary"].startswith("300 imported, 0 already present, 0 rejected")
    assert result["seconds"] > 0 and result["cpu_seconds"] > 0 and result["peak_mb"] > 0
