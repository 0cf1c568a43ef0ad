"""Snapshots and the briefing sheet read cleanly at A4: labels never overlap, incidents at one
place are all visible, the extent fits what is known, and the sheet lists every incident whole
with its confidence (issue 12)."""

from __future__ import annotations

import io
import itertools
import re

import numpy as np
import pandas as pd
import pytest
from pypdf import PdfReader

from dashboard.data.dataset import load_dataset
from dashboard.export import (
    ASPECTS,
    SnapshotSpec,
    briefing_sheet,
    fitted_extent,
    snapshot_figure,
)
from dashboard.vague.areas import POINT, drawn_as

LABEL_Z = 12  # dashboard/vague/snapshot.place_labels
# Every test renders snapshots or a briefing sheet with matplotlib: seconds each.
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def data():
    return load_dataset()


def label_boxes(fig):
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    out = []
    for ax in [a for top in fig.axes for a in (top, *top.child_axes)]:  # insets are children
        boxes = [
            (t.get_text(), t.get_window_extent(renderer))
            for t in ax.texts
            if t.get_zorder() == LABEL_Z and t.get_text()
        ]
        out.append((ax, boxes))
    return out


@pytest.mark.parametrize("aspect", ["a4", "16:9"])
def test_labels_never_overlap(data, aspect):
    fig = snapshot_figure(
        data.incidents, data.routes, data.places, SnapshotSpec("T", "s", aspect=aspect)
    )
    per_axes = label_boxes(fig)
    names = [text for _, boxes in per_axes for text, _ in boxes]
    assert "Onsong County" in names and "Vientiane" in names
    assert any("In China, place not stated: 2 incidents" in n for n in names)
    for _ax, boxes in per_axes:
        for (a, box_a), (b, box_b) in itertools.combinations(boxes, 2):
            assert not box_a.overlaps(box_b), (a, b)
    main = fig.axes[0]
    insets = main.child_axes
    if insets:  # nothing on the main map is hidden under the inset
        inset_box = insets[0].get_window_extent()
        for text, box in dict(per_axes)[main]:
            assert not box.overlaps(inset_box), text


def test_incidents_at_one_place_are_all_visible(data):
    fig = snapshot_figure(data.incidents, data.routes, data.places, SnapshotSpec("T", "s"))
    main = fig.axes[0]
    offsets = np.concatenate([c.get_offsets() for c in main.collections if c.get_zorder() == 10])
    points = data.incidents[drawn_as(data.incidents, data.places) == POINT]
    assert len(offsets) == len(points)
    onsong = points["place_id"].eq("onsong").sum()
    assert onsong >= 4
    positions = {tuple(np.round(p, 6)) for p in offsets}
    assert len(positions) == len(offsets)  # no symbol hides another


def test_extent_fits_what_is_known(data):
    inc = data.incidents
    onsong_story = inc[inc["incident_id"].str.startswith("ONS")]  # ONS-02 is "in China"
    west, south, east, north = fitted_extent(
        onsong_story, data.routes.iloc[:0], ASPECTS["a4"], data.places
    )
    assert west > 115 and south > 32  # not stretched to China's stand-in in Sichuan (106 E)


def test_sheet_lists_every_incident_whole_with_its_confidence(data):
    pdf = PdfReader(io.BytesIO(briefing_sheet(data.incidents, data.routes, data.places, "T", "s")))
    text = re.sub(r"\s+", " ", " ".join(page.extract_text() for page in pdf.pages))
    for _, row in data.incidents.iterrows():
        assert row["incident_id"] in text
        assert re.sub(r"\s+", " ", row["summary"]) in text, row["incident_id"]
    assert (
        text.count("Confidence: unconfirmed")
        == (data.incidents["confidence"] == "unconfirmed").sum()
    )
    assert "… and" not in text


def test_sheet_continues_on_further_pages(data):
    """Sixty incidents (copies made here, at run time) still all appear, over several pages."""
    many = pd.concat(
        [
            data.incidents.assign(incident_id=data.incidents["incident_id"] + f"-{k}")
            for k in range(3)
        ]
        + [data.incidents.iloc[:3].assign(incident_id=lambda f: f["incident_id"] + "-x")],
        ignore_index=True,
    )
    pdf = PdfReader(io.BytesIO(briefing_sheet(many, data.routes, data.places, "T", "s")))
    assert len(pdf.pages) >= 4
    text = " ".join(page.extract_text() for page in pdf.pages)
    for iid in many["incident_id"]:
        assert iid in text
    assert f"page {len(pdf.pages)} of {len(pdf.pages)}" in text
