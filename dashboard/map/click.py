"""What a click on an incident reports to the app.

Every incident carries its id: an icon as its ``incidentId`` option, a symbol of a large
selection as its entry in the payload's ``id`` column. On a click ``escapeeMap.select``
(``static/map/behaviour.js``) writes that id, with a running count so that choosing the same
incident again still reaches the app, into the one field of streamlit-folium's report that the
map does not otherwise use (the map has no popups in the app).
"""

from __future__ import annotations

#: The st_folium field that carries the clicked incident (ask for it in ``returned_objects``).
CLICK_FIELD = "last_object_clicked_popup"


#: A click on an aggregate that splits no further reports its cell as "@ZOOM/CX/CY".
AGGREGATE_PREFIX = "@"


def clicked_aggregate(report: str | None) -> tuple[int, int, int] | None:
    """The (zoom, cx, cy) of the aggregate a click reported, or None when it was no
    aggregate (or the report is malformed)."""
    target = clicked_incident_id(report)
    if not target or not target.startswith(AGGREGATE_PREFIX):
        return None
    try:
        zoom, cx, cy = (int(v) for v in target[len(AGGREGATE_PREFIX) :].split("/"))
    except ValueError:
        return None
    return zoom, cx, cy


def clicked_incident_id(report: str | None) -> str | None:
    """The id of the incident a click reported ("ID#count"), or None when there is none."""
    if not report:
        return None
    return report.rsplit("#", 1)[0]
