"""The axe-core audit, run inside a page and each of its frames by a browser test.

axe-core comes from the npm registry, pinned in the Makefile (``make axe`` puts it in the
git-ignored ``.cache/axe``); without it the audit fails instead of being skipped.
"""

from __future__ import annotations

import json
from functools import cache

import pytest
from playwright.sync_api import Frame, Page

from dashboard import REPO_DIR

from .ui import ARTIFACTS

AXE_JS = REPO_DIR / ".cache" / "axe" / "node_modules" / "axe-core" / "axe.min.js"
# WCAG 2.0 and 2.1, levels A and AA.
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]

RUN_AXE = """async (tags) => {
  const result = await window.axe.run(document, {
    runOnly: {type: 'tag', values: tags},
    resultTypes: ['violations'],
    iframes: false,  // each frame is audited on its own, in its own document
  });
  return {
    version: window.axe.version,
    violations: result.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.map((n) => ({target: n.target, html: n.html.slice(0, 160),
                                 why: (n.failureSummary || '').slice(0, 240)})),
    })),
  };
}"""


@cache
def axe_source() -> str:
    """The text of axe.min.js; a clear failure when ``make axe`` has not been run."""
    if not AXE_JS.exists():
        pytest.fail(
            f"axe-core is not installed ({AXE_JS} is missing): run `make axe` "
            "(needs npm; `make test` runs it first)",
            pytrace=False,
        )
    return AXE_JS.read_text(encoding="utf-8")


def audit_frame(frame: Frame) -> list[dict]:
    """axe's WCAG 2 A/AA violations in one document (the page's or a frame's)."""
    if not frame.evaluate("() => !!window.axe"):
        frame.add_script_tag(content=axe_source())
    return frame.evaluate(RUN_AXE, TAGS)["violations"]


def frame_name(page: Page, frame: Frame) -> str:
    """What a frame is, for a report: the page, the map, or another component frame."""
    if frame is page.main_frame:
        return "page"
    if "st_folium" in frame.url:
        return "map frame"
    return f"frame {frame.url[:60]}"


def audit_page(page: Page) -> dict[str, list[dict]]:
    """Violations in the page and in every frame it holds, by frame."""
    return {frame_name(page, f): audit_frame(f) for f in page.frames if not f.is_detached()}


def describe(view: str, found: dict[str, list[dict]]) -> str:
    """Each violation's id, impact and target nodes, for a failing assertion."""
    lines = []
    for where, violations in found.items():
        for v in violations:
            lines.append(f"{view} / {where}: {v['id']} ({v['impact']}): {v['help']}")
            lines += [f"    {n['target']}  {n['html']}\n      {n['why']}" for n in v["nodes"]]
    return "\n".join(lines)


def save_counts(name: str, found: dict[str, list[dict]]) -> None:
    """Violations per frame and rule into the artifacts (for the before/after figures)."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    counts = {w: {v["id"]: len(v["nodes"]) for v in vs} for w, vs in found.items()}
    (ARTIFACTS / f"axe-{name}.json").write_text(
        json.dumps(counts, indent=2, sort_keys=True) + "\n", encoding="utf-8"
    )
