"""The database schema as numbered migrations: ``db init`` applies the ones not yet applied.

Each migration runs once, in its own transaction, under an advisory lock (two processes
running ``db init`` at once do not race), and is recorded in ``schema_migrations``. Never
edit a released migration: add the next number.

Tables are plain PostGIS a GIS colleague can open in QGIS: every CSV column is kept as the
exact cell text (so a dump gives back the same bytes), and typed columns are derived from it
by the database itself (``geom`` in EPSG:4326, ``window_start``/``window_end`` dates), so the
two can never disagree. Vocabularies, date order and coordinate ranges are CHECK constraints.
"""

from __future__ import annotations

from dashboard.vocab import (
    CATEGORIES,
    CONFIDENCE,
    INCIDENT_COLUMNS,
    INCIDENT_EXTRA_COLUMNS,
    PLACE_KINDS,
    ROUTE_MODES,
    ROUTE_STATUSES,
)

_LOCK_KEY = 4_815_162_342  # pg_advisory_xact_lock key for schema changes


def _in(column: str, values) -> str:
    """A CHECK that a cell is empty or one of ``values`` (emptiness is the validator's job)."""
    listed = ", ".join("'" + v.replace("'", "''") + "'" for v in values)
    return f"CHECK (btrim({column}) = '' OR {column} IN ({listed}))"


def _date(column: str) -> str:
    """A date from an ISO cell, NULL when empty (immutable, so usable in a generated column)."""
    c = f"btrim({column})"
    return (
        f"CASE WHEN {c} = '' THEN NULL ELSE make_date(substr({c}, 1, 4)::int, "
        f"substr({c}, 6, 2)::int, substr({c}, 9, 2)::int) END"
    )


def _point(lat: str = "latitude", lon: str = "longitude") -> str:
    return f"ST_SetSRID(ST_MakePoint(btrim({lon})::float8, btrim({lat})::float8), 4326)"


def _text_columns(columns: list[str], not_empty: tuple[str, ...] = ()) -> str:
    return ",\n".join(
        f"  {c} text NOT NULL DEFAULT ''" + (f" CHECK (btrim({c}) <> '')" if c in not_empty else "")
        for c in columns
    )


_INCIDENT_TEXT = [c for c in INCIDENT_COLUMNS + INCIDENT_EXTRA_COLUMNS if c != "incident_id"]

_V1 = f"""
CREATE EXTENSION IF NOT EXISTS postgis;

CREATE TABLE dashboard_meta (
  id boolean PRIMARY KEY DEFAULT true CHECK (id),
  data_version bigint NOT NULL DEFAULT 0
);
INSERT INTO dashboard_meta DEFAULT VALUES;

-- How each table looked as a CSV file (column order, unknown columns, BOM, line ends),
-- so that a dump writes back the same bytes that were loaded.
CREATE TABLE csv_layout (
  table_name text PRIMARY KEY CHECK (table_name IN ('incidents', 'routes', 'places')),
  header jsonb NOT NULL,
  bom boolean NOT NULL DEFAULT false,
  newline text NOT NULL DEFAULT E'\\n' CHECK (newline IN (E'\\n', E'\\r\\n'))
);

CREATE TABLE places (
  place_id text PRIMARY KEY CHECK (btrim(place_id) <> ''),
{_text_columns(["name", "kind", "admin1", "country", "latitude", "longitude", "alt_names", "coord_source", "note"], ("name", "kind", "country", "latitude", "longitude", "coord_source"))},
  extra jsonb NOT NULL DEFAULT '{{}}',
  position bigserial NOT NULL,
  version integer NOT NULL DEFAULT 1,
  geom geometry(Point, 4326) GENERATED ALWAYS AS ({_point()}) STORED,
  {_in("kind", PLACE_KINDS)},
  CHECK (btrim(country) ~ '^[A-Z]{{2}}$'),
  CHECK (btrim(latitude)::float8 BETWEEN -90 AND 90),
  CHECK (btrim(longitude)::float8 BETWEEN -180 AND 180)
);
CREATE INDEX places_geom_idx ON places USING gist (geom);

CREATE TABLE incidents (
  incident_id text PRIMARY KEY CHECK (btrim(incident_id) <> ''),
{_text_columns(_INCIDENT_TEXT, ("category", "country", "latitude", "longitude", "geo_precision", "confidence"))},
  extra jsonb NOT NULL DEFAULT '{{}}',
  position bigserial NOT NULL,
  version integer NOT NULL DEFAULT 1,
  geom geometry(Point, 4326) GENERATED ALWAYS AS ({_point()}) STORED,
  window_start date GENERATED ALWAYS AS ({_date("date_start")}) STORED,
  window_end date GENERATED ALWAYS AS ({_date("date_end")}) STORED,
  precision_level smallint GENERATED ALWAYS AS (btrim(geo_precision)::smallint) STORED,
  {_in("category", CATEGORIES)},
  {_in("confidence", CONFIDENCE)},
  CHECK (btrim(geo_precision)::int BETWEEN 1 AND 4),
  CHECK (btrim(country) ~ '^[A-Z]{{2}}$'),
  CHECK (btrim(latitude)::float8 BETWEEN -90 AND 90),
  CHECK (btrim(longitude)::float8 BETWEEN -180 AND 180),
  CHECK ((window_start IS NULL) = (window_end IS NULL)),
  CHECK (window_end >= window_start),
  CHECK (window_start IS NOT NULL OR btrim(date_note) <> '')
);
CREATE INDEX incidents_geom_idx ON incidents USING gist (geom);
-- The viewers' filter (window, category) is answered from these two alone.
CREATE INDEX incidents_window_idx ON incidents (window_start, window_end)
  INCLUDE (category, position, incident_id);
CREATE INDEX incidents_category_idx ON incidents (category, window_start)
  INCLUDE (window_end, position, incident_id);
CREATE INDEX incidents_position_idx ON incidents (position);

CREATE TABLE routes (
  route_id text NOT NULL CHECK (btrim(route_id) <> ''),
  leg text NOT NULL CHECK (btrim(leg)::int BETWEEN 1 AND 99),
{_text_columns(["route_name", "from_place", "to_place", "mode", "status", "date_start", "date_end", "date_text", "incident_ids", "approximate", "note", "geometry"], ("route_name", "from_place", "to_place", "mode", "status", "approximate"))},
  extra jsonb NOT NULL DEFAULT '{{}}',
  position bigserial NOT NULL,
  version integer NOT NULL DEFAULT 1,
  geom geometry(LineString, 4326),
  window_start date GENERATED ALWAYS AS ({_date("date_start")}) STORED,
  window_end date GENERATED ALWAYS AS ({_date("date_end")}) STORED,
  PRIMARY KEY (route_id, leg),
  {_in("mode", ROUTE_MODES)},
  {_in("status", ROUTE_STATUSES)},
  CHECK (approximate IN ('true', 'false')),
  CHECK (window_end >= window_start)
);
CREATE INDEX routes_geom_idx ON routes USING gist (geom);

-- Every change to every row: who, when, what, and the row before and after.
CREATE TABLE history (
  change_id bigserial PRIMARY KEY,
  at timestamptz NOT NULL DEFAULT now(),
  author text NOT NULL CHECK (btrim(author) <> ''),
  action text NOT NULL CHECK (action IN ('add', 'edit', 'withdraw', 'restore', 'import')),
  table_name text NOT NULL CHECK (table_name IN ('incidents', 'routes', 'places')),
  key text NOT NULL,
  before jsonb,
  after jsonb,
  note text NOT NULL DEFAULT '',
  CHECK (before IS NOT NULL OR after IS NOT NULL)
);
CREATE INDEX history_key_idx ON history (table_name, key, change_id);
"""

# An incident whose source states no end (issue 12: date_end empty, date_note saying "end not
# stated") has a start without an end; version 1 required both or neither. (%% is a literal %
# for the driver.)
_V2 = """
DO $$
DECLARE r record;
BEGIN
  FOR r IN SELECT conname FROM pg_constraint
           WHERE conrelid = 'incidents'::regclass AND contype = 'c'
             AND pg_get_constraintdef(oid) LIKE '%%(window_start IS NULL) = (window_end IS NULL)%%'
  LOOP
    EXECUTE format('ALTER TABLE incidents DROP CONSTRAINT %%I', r.conname);
  END LOOP;
END $$;
ALTER TABLE incidents ADD CONSTRAINT incidents_window_pair CHECK (
  (window_start IS NULL) = (window_end IS NULL)
  OR (window_end IS NULL AND date_note ILIKE '%%end not stated%%')
);
"""


# The map grid migration 4 stores cells of: (TILE_PX, CELL_PX, MAX_ZOOM, the latitude limit)
# as ``dashboard.aggregate`` had them. Written out, not imported, since a released migration
# never changes; were the map's grid to change, the store's pyramid refuses these cells
# (``store/postgis/pyramid.py``) until a new migration redefines them.
MAP_GRID = (256, 64, 16, 85.0511287798)


def _cell(axis: str) -> str:
    """An incident's map cell at zoom 16 along ``axis`` ("x" or "y"), as
    ``aggregate.zoom_cells`` computes it in Python, operation for operation in float8 (the
    same IEEE arithmetic; sin and ln may differ from numpy's in the last bit, which moves a
    cell only for a point within ~1e-9 pixel of a cell's edge)."""
    tile, cell, zoom, max_lat = MAP_GRID
    size = repr(float(tile * 2**zoom))
    if axis == "x":
        px = f"{size}::float8 * (0.5 + btrim(longitude)::float8 / 360.0)"
    else:
        lat = f"least(greatest(btrim(latitude)::float8, -{max_lat!r}), {max_lat!r})"
        sin = f"sin(radians({lat}))"
        px = f"{size}::float8 * (0.5 - ln((1 + {sin}) / (1 - {sin})) / (4 * pi()))"
    return f"floor({px} / {float(cell)!r})::integer"


# The map's zoom pyramid in SQL (issue 21): each incident's position as numbers and its
# finest map cell, kept by the database on every insert and update (generated columns;
# adding them rewrites, so fills, the existing rows), so that a coarser zoom's cell is a bit
# shift (``cell_x >> (16 - z)``) and a viewer's GROUP BY reads one index: led by the viewers'
# filter (category, window) and carrying everything an aggregate needs, so it never reads
# the table. (Summing ST_X(geom) instead of ``lon`` made the GROUP BY four times slower.)
_V4 = f"""
ALTER TABLE incidents
  ADD COLUMN lon float8 GENERATED ALWAYS AS (btrim(longitude)::float8) STORED,
  ADD COLUMN lat float8 GENERATED ALWAYS AS (btrim(latitude)::float8) STORED,
  ADD COLUMN cell_x integer GENERATED ALWAYS AS ({_cell("x")}) STORED,
  ADD COLUMN cell_y integer GENERATED ALWAYS AS ({_cell("y")}) STORED;
CREATE INDEX incidents_map_idx ON incidents (category, window_start)
  INCLUDE (window_end, cell_x, cell_y, lon, lat, precision_level, country, admin1, place_id,
           position);
-- Which incidents are areas, not points, depends on their distinct (precision, country,
-- admin1, place) for precision 3 and 4: read from this, not from the whole table.
CREATE INDEX incidents_vague_idx ON incidents (precision_level, country, admin1, place_id)
  WHERE precision_level >= 3;
"""

# (number, name, SQL). Append only.
MIGRATIONS: list[tuple[int, str, str]] = [
    (1, "tables for incidents, routes, places, history and the data version", _V1),
    (2, "an incident's date window may have an unstated end", _V2),
    # A leg between two countries is drawn along their shared border (issue 12): often more
    # than one line.
    (
        3,
        "route legs may be multi-part lines",
        "ALTER TABLE routes ALTER COLUMN geom TYPE geometry(Geometry, 4326);",
    ),
    (4, "each incident's map cell and coordinates, and an index the map's aggregates read", _V4),
]


def pending(applied: set[int]) -> list[tuple[int, str, str]]:
    return [m for m in MIGRATIONS if m[0] not in applied]


def migrate(engine) -> list[str]:
    """Apply every migration not yet applied; returns the names of those applied now."""
    import sqlalchemy as sa

    done: list[str] = []
    with engine.begin() as con:
        con.execute(sa.text("SELECT pg_advisory_xact_lock(:k)"), {"k": _LOCK_KEY})
        con.execute(
            sa.text(
                "CREATE TABLE IF NOT EXISTS schema_migrations ("
                " version integer PRIMARY KEY, name text NOT NULL,"
                " applied_at timestamptz NOT NULL DEFAULT now())"
            )
        )
        applied = {r[0] for r in con.execute(sa.text("SELECT version FROM schema_migrations"))}
        for number, name, sql in pending(applied):
            con.exec_driver_sql(sql)
            con.execute(
                sa.text("INSERT INTO schema_migrations (version, name) VALUES (:v, :n)"),
                {"v": number, "n": name},
            )
            done.append(f"{number:03d} {name}")
    return done
