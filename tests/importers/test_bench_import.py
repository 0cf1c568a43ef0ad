"""The import benchmark runs end to end at a small size (the 100,000-row figure is measured
with ``python -m dashboard.bench_import``, not in the tests)."""

from __future__ import annotations

from dashboard.bench_import import measure


def test_bench_import_small(tmp_path):
    result = measure(300, tmp_path)
    assert result["exit"] == 0, result["stderr_tail"]
    assert result["summary"].startswith("300 imported, 0 already present, 0 rejected")
    assert result["seconds"] > 0 and result["peak_mb"] > 0
    assert (tmp_path / "imported.csv").read_text(encoding="utf-8").count("\nACLED-") == 300
