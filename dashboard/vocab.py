"""Controlled vocabularies and their styles, declared once.

The map, the legend, the filters, the validator and the exports all read these
tables, so a category or colour is changed here and nowhere else. Colours are
Paul Tol's colour-blind-safe "muted" palette; every category also has its own
marker shape so colour is never the only cue.
"""

from __future__ import annotations

from dataclasses import dataclass

from dashboard.i18n import N_


@dataclass(frozen=True)
class Category:
    key: str
    label: str
    colour: str
    shape: str  # a key of SHAPES
    description: str


@dataclass(frozen=True)
class Shape:
    svg_points: str  # polygon points in a 0..20 box; "" means a circle
    mpl_marker: str  # matplotlib marker code


SHAPES: dict[str, Shape] = {
    "circle": Shape("", "o"),
    "square": Shape("3,3 17,3 17,17 3,17", "s"),
    "diamond": Shape("10,1 19,10 10,19 1,10", "D"),
    "triangle_up": Shape("10,2 19,18 1,18", "^"),
    "triangle_down": Shape("1,2 19,2 10,18", "v"),
    "pentagon": Shape("10,1 19,8 15.5,18.5 4.5,18.5 1,8", "p"),
    "hexagon": Shape("10,1 18,5.5 18,14.5 10,19 2,14.5 2,5.5", "h"),
    "star": Shape(
        "10,1 12.4,7.4 19,7.4 13.7,11.5 15.6,18.5 10,14.3 4.4,18.5 6.3,11.5 1,7.4 7.6,7.4", "*"
    ),
    "cross": Shape("4,1 10,7 16,1 19,4 13,10 19,16 16,19 10,13 4,19 1,16 7,10 1,4", "X"),
}

_CATEGORY_LIST = [
    Category(
        "lure",
        N_("Lure / entrapment"),
        "#AA4499",
        "diamond",
        N_("Officials coax an escapee back or set a trap."),
    ),
    Category(
        "crossing",
        N_("Border crossing"),
        "#88CCEE",
        "triangle_up",
        N_("Someone crosses a border, in either direction."),
    ),
    Category(
        "checkpoint",
        N_("Checkpoint stop"),
        "#DDCC77",
        "square",
        N_("Travellers stopped and questioned at a checkpoint."),
    ),
    Category(
        "arrest",
        N_("Arrest / detention"),
        "#CC6677",
        "circle",
        N_("People arrested, detained or held."),
    ),
    Category(
        "extortion",
        N_("Extortion / seizure"),
        "#999933",
        "pentagon",
        N_("Bribes demanded, money or property taken."),
    ),
    Category(
        "deportation",
        N_("Deportation / transfer"),
        "#332288",
        "triangle_down",
        N_("People sent from one country or place to another by authorities."),
    ),
    Category(
        "repatriation",
        N_("Repatriation to North Korea"),
        "#882255",
        "cross",
        N_("People returned to North Korea."),
    ),
    Category("release", N_("Release"), "#117733", "hexagon", N_("People let go after detention.")),
    Category(
        "diplomacy",
        N_("Diplomatic appeal"),
        "#44AA99",
        "star",
        N_("Governments ask, refuse or negotiate over escapees."),
    ),
]
CATEGORIES: dict[str, Category] = {c.key: c for c in _CATEGORY_LIST}


@dataclass(frozen=True)
class Precision:
    level: int
    label: str
    radius_km: float  # drawn uncertainty radius; also the validator's tolerance


PRECISIONS: dict[int, Precision] = {
    1: Precision(1, N_("Named town or site"), 5),
    2: Precision(2, N_("Near a town, or within a district or county"), 25),
    3: Precision(3, N_("Province, region or border area only"), 120),
    4: Precision(4, N_("Country only"), 400),
}

CONFIDENCE: dict[str, str] = {
    "confirmed": N_("Confirmed by an official or named party in the source"),
    "reported": N_("Reported by the source"),
    "unconfirmed": N_("Unconfirmed: the source itself doubts or disputes it"),
}
# Each confidence level's short name, where a list offers them (the filter, the editor).
CONFIDENCE_NAMES: dict[str, str] = {
    "confirmed": N_("confirmed"),
    "reported": N_("reported"),
    "unconfirmed": N_("unconfirmed"),
}


@dataclass(frozen=True)
class RouteStatus:
    key: str
    label: str
    colour: str
    dash: str | None  # Leaflet dashArray; None is solid


ROUTE_STATUSES: dict[str, RouteStatus] = {
    s.key: s
    for s in [
        RouteStatus("completed", N_("Completed"), "#222222", None),
        RouteStatus("intercepted", N_("Intercepted (ends at the stop mark)"), "#CC3311", None),
        RouteStatus("intended", N_("Intended"), "#0077BB", "10 8"),
        RouteStatus("alleged", N_("Alleged / unconfirmed"), "#EE7733", "2 8"),
    ]
}

ROUTE_MODES: dict[str, str] = {
    "road": N_("Road"),
    "flight": N_("Flight"),
    "river_crossing": N_("River crossing"),
    "on_foot": N_("On foot"),
    "unknown": N_("Not stated"),
}

PLACE_KINDS: dict[str, str] = {
    "city": N_("City"),
    "town": N_("Town"),
    "district": N_("District"),
    "county": N_("County"),
    "province": N_("Province"),
    "border_area": N_("Border area"),
    "country": N_("Country"),
}

# Each data file's schema, declared once: the columns it must carry (in the file's order),
# optional columns, and the cells that may not be empty. Vocabularies are above.
# Incidents (incidents.csv).
INCIDENT_COLUMNS: list[str] = [
    "incident_id",
    "date_start",
    "date_end",
    "date_text",
    "category",
    "actors",
    "people_count",
    "location",
    "admin1",
    "country",
    "latitude",
    "longitude",
    "geo_precision",
    "route_id",
    "summary",
    "source_quote",
    "source_outlet",
    "source_title",
    "source_date",
    "source_url",
    "confidence",
]
# Optional columns the curated file also carries.
INCIDENT_EXTRA_COLUMNS: list[str] = ["place_id", "date_note", "internal_notes"]
# The long text of a record, and what is derived from it for searching: read in a popup, the
# record panel, the sheet or a data export, never drawn. A map or snapshot of many incidents
# leaves it out before selecting rows (at a million incidents, copying it was most of the
# time) and takes it only for the few records it shows.
# What ``filters.prepare`` works out once per load for every row, so no rerun repeats it: the
# key of the area a vague incident is drawn as (``vague.areas``), and the row's finest cell of
# the map's zoom grid (``aggregate``).
AREA_KEY_COLUMN = "area_key"
ZCODE_COLUMN = "zcode"
PLACE_SEARCH_COLUMN = "place_search"  # an incident's own place as the search box matches it
# Columns the loader and ``filters.prepare`` add for filtering and drawing: never written out.
DERIVED_COLUMNS: frozenset[str] = frozenset(
    {
        "search_text",
        "actor_groups",
        "line",
        "geometry",
        "date_end_open",
        "drawn_as",
        AREA_KEY_COLUMN,
        ZCODE_COLUMN,
        PLACE_SEARCH_COLUMN,
    }
)
LONG_TEXT_COLUMNS: tuple[str, ...] = (
    "summary",
    "source_quote",
    "source_title",
    "source_url",
    "date_note",
    "date_text",
    "internal_notes",
    "search_text",
    PLACE_SEARCH_COLUMN,
    "actor_groups",
    "actors",
    "location",
)
# Columns that never leave the project (exports drop them).
INTERNAL_COLUMNS: frozenset[str] = frozenset({"internal_notes"})
# Columns whose cells may not be empty.
INCIDENT_REQUIRED_CELLS: list[str] = [
    "incident_id",
    "date_text",
    "category",
    "location",
    "country",
    "latitude",
    "longitude",
    "geo_precision",
    "summary",
    "source_quote",
    "source_outlet",
    "source_title",
    "confidence",
]

# The gazetteer (geodata/places.csv).
PLACE_COLUMNS: list[str] = [
    "place_id",
    "name",
    "kind",
    "admin1",
    "country",
    "latitude",
    "longitude",
    "alt_names",
    "coord_source",
    "note",
]
PLACE_REQUIRED_CELLS: list[str] = [
    "place_id",
    "name",
    "kind",
    "country",
    "latitude",
    "longitude",
    "coord_source",
]

# Route legs (geodata/routes.csv).
ROUTE_COLUMNS: list[str] = [
    "route_id",
    "route_name",
    "leg",
    "from_place",
    "to_place",
    "mode",
    "status",
    "date_start",
    "date_end",
    "date_text",
    "incident_ids",
    "approximate",
    "note",
    "geometry",
]
# Optional: which end the source does not state although a place is named there ("from" for
# an inferred origin). Ends at a country, province or border area are unknown anyway.
ROUTE_EXTRA_COLUMNS: list[str] = ["unknown_end"]
UNKNOWN_END_VALUES = ("", "from", "to", "both")
ROUTE_REQUIRED_CELLS: list[str] = [
    "route_id",
    "route_name",
    "leg",
    "from_place",
    "to_place",
    "mode",
    "status",
    "approximate",
]

# Briefing stories (geodata/stories.csv).
STORY_COLUMNS: list[str] = ["story_id", "step", "incident_id", "route_id", "leg", "title", "intro"]

# Actor groups for filtering: the actors cell is free text, so each group lists the
# phrases that put an incident in it (case-insensitive). Unmatched text is "Other".
ACTOR_GROUPS: dict[str, tuple[str, ...]] = {
    N_("North Korea: Ministry of State Security (MSS)"): ("ministry of state security", "(mss)"),
    N_("North Korea: Ministry of People's Safety (MPS)"): ("ministry of people's safety", "(mps)"),
    N_("North Korea: other authorities"): ("north korean authorities", "air koryo"),
    N_("China: authorities"): ("chinese authorities",),
    N_("Laos: authorities"): ("lao authorities", "lao government"),
    N_("Mongolia: border authority"): ("border protection",),
    N_("South Korea: government"): ("south korean government",),
}
OTHER_ACTOR = N_("Other or not stated")

# Map and snapshot palette (the live map, the HTML export and the static exports share it).
SEA = "#dbe6ef"
LAND = "#f5f3ee"
OUTSIDE = "#e6e6e3"  # beyond the basemap's extent: no data, neither land nor sea
BORDER = "#8a8a8a"
PROVINCE_BORDER = "#a0a0a0"
UNCERTAINTY_FILL = "rgba(0,0,0,.06)"
HIGHLIGHT = "#ffd23f"  # the leg a briefing step is about
TEXT = "#222222"  # headings in the category's name use this, with the colour as a swatch
MARKER_OUTLINE = "#1a1a1a"  # the edge of a filled incident symbol
HOLLOW_FILL = "#ffffff"  # the inside of an unconfirmed incident's (hollow) symbol
UNCERTAINTY_EDGE = "#555"  # the legend's dashed "approximate place" circle
SELECTED_RING = "#000"  # the ring around the selected incident
STOP_MARK_FILL = "#fff"  # inside the mark where an intercepted route stops
AREA_FILL, AREA_EDGE = "#6b6b6b", "#555555"  # a country or province the source names, no place
BORDER_HIGHLIGHT = "#AA4499"  # a border area (the border line itself)
PICKED_POINT = "#CC3311"  # the editor's map: where the incident being edited is
PICKED_UNCERTAINTY = "#0077BB"  # the editor's map: that point's uncertainty circle
# An aggregate: a circle standing for several incidents, its number written inside, its area
# in proportion to that number (``dashboard.aggregate``), ringed by its categories' shares.
AGGREGATE_FILL, AGGREGATE_TEXT = "#263238", "#ffffff"
AGGREGATE_MIN_RADIUS, AGGREGATE_MAX_RADIUS = 11, 34  # px on the live map; below the minimum
# a circle is drawn at the minimum (its number still says how many)

# What a snapshot or data export can be (the CLI's choices and the app's menu), and the
# image shapes offered, as width / height.
EXPORT_FORMATS = ("png", "svg", "pdf", "html", "csv", "geojson")
EXPORT_ASPECTS: dict[str, float] = {"16:9": 16 / 9, "4:3": 4 / 3, "a4": 297 / 210, "square": 1.0}

# The timeline in motion (``dashboard.export.motion``): clip formats with their frame size in
# pixels (MP4 for briefings, a small GIF for chat apps), the steps a clip moves by, and how a
# frame chooses its incidents (those whose date window overlaps the step, or all up to its end).
MOTION_FORMATS: dict[str, tuple[int, int]] = {"mp4": (1920, 1080), "gif": (800, 450)}
MOTION_FORMAT_LABELS: dict[str, str] = {
    "mp4": N_("MP4 video, 1080p (briefings)"),
    "gif": N_("GIF, small (chat apps)"),
}
MOTION_MIME_TYPES: dict[str, str] = {"mp4": "video/mp4", "gif": "image/gif"}
MOTION_STEPS: dict[str, str] = {"week": N_("Week"), "month": N_("Month"), "quarter": N_("Quarter")}
MOTION_MODES: dict[str, str] = {
    "moving": N_("Moving window: what happened in each step"),
    "cumulative": N_("Cumulative: everything up to each step"),
}
MOTION_STEP_SECONDS = 1.0  # each step is on screen this long
MOTION_HOLD_SECONDS = 3.0  # the last step stays this long, so the clip ends on the full picture
MOTION_MAX_STEPS = 600  # more would be a clip nobody watches: choose a longer step

# The static exports' inks (snapshots and the briefing sheet), darkest first, and the lines
# and swatches only they draw. (The darkest ink is TEXT.)
INK_SECONDARY = "#333333"  # subtitles, place names
INK_MUTED = "#444444"  # credit line, counts, unstated ends of legs
INK_FAINT = "#555555"  # citations, page numbers, legend outlines, fanning lines
SYMBOL_EDGE = "#1a1a1a"  # the outline of a filled incident symbol
MAP_FRAME = "#888888"  # the map's frame
SNAPSHOT_PROVINCE_BORDER = "#a8a8a8"
APPROXIMATE_SWATCH, APPROXIMATE_SWATCH_EDGE = "#dddddd", "#777777"  # the legend's shaded circle
UNCONFIRMED_TEXT = "#8a1c1c"  # the sheet's "Confidence: unconfirmed" line
