"""The scale benchmark's targets, which of them a run met, and its printed table."""

from __future__ import annotations

TARGETS = {  # at 100,000 incidents unless said otherwise (seconds, bytes, ratios)
    "load_validate_s": 2.0,
    "filter_s": 0.05,
    "map_s": 0.5,
    "map_bytes": 8_000_000,
    "png_s": 5.0,
    "app_rerun_s": 1.0,
    "peak_mb": 1024,
    "ratio_100k": 30,
    "ratio_10k": 10,
    "browser_open_s": 3.0,
    "browser_move_s": 1.5,
}


TARGETS_1M = {  # at 1,000,000 incidents (whole processes; the page with the server warm)
    "validate_1m_s": 30.0,
    "png_1m_s": 30.0,
    "svg_1m_s": 30.0,
    "browser_open_1m_s": 3.0,
    "browser_search_1m_s": 1.5,
    "peak_1m_mb": 4096,
}


def checks(report: dict) -> dict:
    """Each target: the measured figure and whether it is met."""
    big = report["sizes"].get("100000", {})
    mid = report["sizes"].get("10000", {})
    browser = report.get("browser", {})
    pairs = {
        "load_validate_s": big.get("load_validate_s"),
        "filter_s": big.get("filter_s"),
        "map_s": big.get("map_s"),
        "map_bytes": big.get("map_bytes"),
        "png_s": big.get("png_s"),
        "app_rerun_s": big.get("app_rerun_s"),
        "peak_mb": big.get("app_peak_mb"),
        "browser_open_s": browser.get("browser_open_s"),
        "browser_move_s": browser.get("browser_move_s"),
    }
    out = {}
    for key, value in pairs.items():
        if value is not None:
            out[key] = {"value": value, "target": TARGETS[key], "met": value <= TARGETS[key]}
    for key, entry in (("ratio_100k", big), ("ratio_10k", mid)):
        value = entry.get("ratio_baseline_over_ours")
        if value is not None:
            out[key] = {"value": value, "target": TARGETS[key], "met": value >= TARGETS[key]}
    imported = report.get("import", {})
    if imported.get("peak_mb") is not None and imported.get("rows") == 100_000:  # its size
        value = imported["peak_mb"]
        out["import_peak_mb"] = {"value": value, "target": 1024, "met": value < 1024}
    million = report["sizes"].get("1000000", {})
    large = report.get("browser_large", {})
    server = large.get("browser_server_peak_mb")
    pairs_1m = {
        "validate_1m_s": million.get("cli_validate_s"),
        "png_1m_s": million.get("cli_png_s"),
        "svg_1m_s": million.get("cli_svg_s"),
        "browser_open_1m_s": large.get("browser_open_warm_s") if large.get("size") else None,
        "browser_search_1m_s": large.get("browser_search_s") if large.get("size") else None,
        "peak_1m_mb": max(v for v in (million.get("app_peak_mb"), server) if v is not None)
        if million.get("app_peak_mb") is not None or server is not None
        else None,
    }
    for key, value in pairs_1m.items():
        if value is not None:
            out[key] = {"value": value, "target": TARGETS_1M[key], "met": value <= TARGETS_1M[key]}
    return out


def _fmt(value, kind: str = "s") -> str:
    if value is None:
        return "–"
    if kind == "s":
        return f"{value * 1000:.0f} ms" if value < 1 else f"{value:.2f} s"
    if kind == "mb":
        return f"{value / 1e6:.2f} MB"
    if kind == "mem":
        return f"{value:,.0f} MB"
    if kind == "x":
        return f"{value:,.0f}×" if value >= 10 else f"{value:.2f}×"
    return str(value)


def format_report(report: dict) -> str:
    sizes = list(report["sizes"].values())
    head = ["", *[f"{e['size']:,}" for e in sizes], "target @100k"]
    t = TARGETS
    rows: list[list[str]] = []

    def row(label, key, kind="s", target=""):
        rows.append([label, *[_fmt(e.get(key), kind) for e in sizes], target])

    row("load + validate (check_dataset)", "load_validate_s", target=f"≤ {t['load_validate_s']} s")
    row("  CPU time of those runs", "load_validate_cpu_s")
    row("  first call in a fresh process", "load_validate_first_s")
    row("prepare() for filtering (once per load)", "prepare_s")
    row("filter (date window + category)", "filter_s", target=f"≤ {t['filter_s'] * 1000:.0f} ms")
    rows.append(["  incidents selected", *[f"{e.get('filtered', '–'):,}" for e in sizes], ""])
    row("map build + HTML render, all incidents", "map_s", target=f"≤ {t['map_s']} s")
    row("  CPU time of those runs", "map_cpu_s")
    rows.append(["  route legs drawn", *[str(e.get("legs_drawn", "–")) for e in sizes], ""])
    row("  map HTML size", "map_bytes", "mb", f"≤ {t['map_bytes'] / 1e6:.0f} MB")
    row("  same map without route legs", "map_no_routes_s")
    row("  map of the filtered selection", "map_filtered_s")
    row("static PNG export, all incidents", "png_s", target=f"≤ {t['png_s']} s")
    row("  CPU time of those runs", "png_cpu_s")
    row("validate, whole command, nothing cached", "cli_validate_cold_s")
    row("validate, whole command, file cached", "cli_validate_s", target="≤ 30 s @1M")
    row("  its peak memory", "cli_validate_peak_mb", "mem")
    row("PNG export, whole command", "cli_png_s", target="≤ 30 s @1M")
    row("  its CPU time", "cli_png_cpu_s")
    row("  its peak memory", "cli_png_peak_mb", "mem")
    row("SVG export, whole command", "cli_svg_s", target="≤ 30 s @1M")
    row("app rerun after a date-window change", "app_rerun_s", target=f"≤ {t['app_rerun_s']} s")
    row("  after a category change", "app_category_rerun_s")
    row("  after a language switch (to Korean and back)", "app_lang_rerun_s")
    row("  rerun with nothing changed (cached)", "app_cached_rerun_s")
    rows.append(
        [
            "  data loads after two runs",
            *[str(e.get("app_loads_after_two_runs", "–")) for e in sizes],
            "1 (cached)",
        ]
    )
    row("  first run (load, validate, prepare, draw)", "app_first_run_s")
    row(
        "app server peak memory (RSS)",
        "app_peak_mb",
        "mem",
        f"≤ {t['peak_mb']:,} MB (≤ {TARGETS_1M['peak_1m_mb']:,} @1M)",
    )
    rows.append(
        [
            "BASELINE folium.Marker + popup each",
            *[
                _fmt(e.get("baseline_map_s"))
                + (" (extrapolated)" if e.get("baseline_extrapolated") else "")
                for e in sizes
            ],
            "",
        ]
    )
    row("  CPU time of those runs", "baseline_map_cpu_s")
    row("  baseline HTML size", "baseline_map_bytes", "mb")
    row(
        "ratio baseline / ours, map build + render",
        "ratio_baseline_over_ours",
        "x",
        f"≥ {t['ratio_100k']}× (≥ {t['ratio_10k']}× @10k)",
    )
    row("  the same ratio on CPU time", "ratio_cpu", "x")
    widths = [max(len(r[i]) for r in [head, *rows]) for i in range(len(head))]
    lines = [
        "Benchmark: synthetic incidents over the real region and years; "
        f"medians; {report['machine']['cpus']} CPUs, load average "
        f"{report['machine']['load_average_start'][0]:.1f} at the start",
        "  ".join(
            h.rjust(w) if i else h.ljust(w)
            for i, (h, w) in enumerate(zip(head, widths, strict=True))
        ),
    ]
    for r in rows:
        lines.append(
            "  ".join(
                c.rjust(w) if i else c.ljust(w)
                for i, (c, w) in enumerate(zip(r, widths, strict=True))
            )
        )
    for e in sizes:
        for key, value in e.items():
            if key.endswith("_error") and value:
                lines.append(f"! {e['size']:,}: {value}")
        if e.get("baseline_extrapolated"):
            lines.append(
                f"* baseline at {e['size']:,} extrapolated linearly from its run at "
                f"{e['baseline_from_size']:,} (it would take over the limit)"
            )
    for browser in (report.get("browser"), report.get("browser_large")):
        if browser:
            lines.append(_browser_line(browser, t))
    checks = report.get("checks", {})
    missed = [k for k, c in checks.items() if not c["met"]]
    lines.append(
        "Targets: all met"
        if checks and not missed
        else "Targets missed: " + ", ".join(missed)
        if missed
        else "Targets: not checked (no 100,000 run)"
    )
    return "\n".join(lines)


def _browser_line(browser: dict, t: dict) -> str:
    if "skipped" in browser or "error" in browser:
        return f"Browser: {browser.get('skipped') or browser.get('error')}"
    big = browser.get("size", 0) >= 1_000_000
    open_target = TARGETS_1M["browser_open_1m_s"] if big else t["browser_open_s"]
    return (
        f"Browser (Chromium, {browser['size']:,} incidents): open → map drawn "
        f"{_fmt(browser.get('browser_open_s'))} (first, with the server loading the "
        f"data: {_fmt(browser.get('browser_open_first_s'))}; with a warm browser cache "
        f"{_fmt(browser.get('browser_open_warm_s'))}; target ≤ {open_target} s); move the date "
        f"window → map redrawn {_fmt(browser.get('browser_move_s'))} (target ≤ "
        f"{t['browser_move_s']} s); a search → map redrawn "
        f"{_fmt(browser.get('browser_search_s'))}"
        + (f" (target ≤ {TARGETS_1M['browser_search_1m_s']} s)" if big else "")
        + f"; server peak memory {_fmt(browser.get('browser_server_peak_mb'), 'mem')}"
    )
