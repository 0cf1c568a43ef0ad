"""The map's zoom pyramid computed by the newsroom database (issue 21).

``aggregate.pyramid`` gathers the incidents a view shows into Web-Mercator cells at each zoom
from rows already in memory. Here PostgreSQL does the pass over the rows instead: every
incident keeps its finest cell (``cell_x``/``cell_y`` at zoom 16, generated columns of
migration 4), a coarser zoom's cell is a bit shift, and one GROUP BY over the viewer's filter
(the same conditions as ``filter_query``) reads the covering index ``incidents_map_idx``,
never the table. It returns one row per cell with the sums an aggregate needs (count, sums,
extent, counts per category, least position: ``aggregate.CellSums``), as a binary COPY numpy
reads at once; every coarser zoom follows from those in numpy, and the levels are chosen by
``aggregate.choose_levels``, the same rules as the Python path. A pass is at one zoom, chosen
so that it usually answers the whole pyramid (``_Passes``).

What is left out matches the Python map: incidents drawn as areas (``vague.areas``: a country,
a province, a border line) are not points, so not in the pyramid. Which (precision, country,
admin1, place) combinations are areas is decided by ``vague.areas.drawn_as`` itself, once per
data version, over the distinct combinations the database holds.

``Aggregates.first`` here is the incident's ``position`` in the table; ``for_frame`` turns it
into a row position of the loaded frame the map draws (``Dataset.store_positions``).
"""

from __future__ import annotations

import json
import os
import threading
from collections import OrderedDict
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from dashboard.aggregate import (
    CATEGORY_KEYS,
    CELL_PX,
    FEATURE_BUDGET,
    MAX_LAT,
    MAX_ZOOM,
    MIN_ZOOM,
    TILE_PX,
    Aggregates,
    CellSums,
    Level,
    PyramidSource,
    choose_levels,
)
from dashboard.store.base import StoreError
from dashboard.store.migrations import MAP_GRID
from dashboard.store.postgis.query import filter_where
from dashboard.store.postgis.tables import sql_str

if TYPE_CHECKING:  # pragma: no cover
    from dashboard.filters import Filters

# The first GROUP BY is at this zoom (unless the selection is small enough for the finest):
# for a region's worth of incidents spread out, the last level the budget admits is about
# here, so one pass usually answers the whole pyramid.
START_ZOOM = 8

# The area decisions per (database URL, data version): a few dozen combinations.
_AREA_CACHE: dict[str, tuple[str, list[str]]] = {}


@dataclass(frozen=True)
class SqlPyramid:
    """The database's pyramid for one filter: the levels (``first`` is the table's
    ``position``), how many point incidents they hold, the data version they were read at
    and how many passes over the rows it took."""

    levels: list[Level]
    total: int
    version: str
    passes: int

    def for_frame(self, positions: np.ndarray) -> list[Level] | None:
        """The levels with ``first`` as row positions of a frame whose rows have the table
        positions ``positions`` (ascending, as loaded): what ``encode_levels`` takes. None
        when the frame is not these incidents (another data version, other rows)."""
        positions = np.asarray(positions, dtype=np.int64)
        if len(positions) != self.total:
            return None
        out = []
        for lv in self.levels:
            at = np.searchsorted(positions, lv.aggregates.first)
            if len(at) and (
                at.max() >= len(positions) or (positions[at] != lv.aggregates.first).any()
            ):
                return None
            out.append(Level(lv.zoom, replace(lv.aggregates, first=at.astype(np.int64))))
        return out


def grid_matches() -> bool:
    """Whether the cells migration 4 stores are the map's grid (``aggregate``'s constants)."""
    return (TILE_PX, CELL_PX, MAX_ZOOM, MAX_LAT) == MAP_GRID


def area_keys(con, where: str, version: str, places) -> list[str]:
    """The (precision|country|admin1|place) keys of incidents drawn as areas, as
    ``vague.areas.drawn_as`` decides for the distinct combinations in the table (cached per
    data version)."""
    from dashboard.vague.areas import AREA, drawn_as

    cached = _AREA_CACHE.get(where)
    if cached and cached[0] == version:
        return cached[1]
    rows = con.exec_driver_sql(  # from incidents_vague_idx alone
        "SELECT DISTINCT precision_level, country, admin1, place_id"
        " FROM incidents WHERE precision_level >= 3"
    ).all()
    combos = pd.DataFrame(rows, columns=["geo_precision", "country", "admin1", "place_id"])
    if len(combos):
        for col in ("country", "admin1", "place_id"):
            combos[col] = combos[col].str.strip()
        combos = combos.drop_duplicates().astype({"geo_precision": int})
        flags = (drawn_as(combos, places) == AREA).to_numpy()
        combos = combos[flags]
    keys = ["|".join(map(str, r)) for r in combos.itertuples(index=False, name=None)]
    _AREA_CACHE[where] = (version, keys)
    return keys


_AREA_KEY = (
    "precision_level::text || '|' || btrim(country) || '|' || btrim(admin1)"
    " || '|' || btrim(place_id)"
)


def _row_type() -> np.dtype:
    """A row of ``_Passes.fetch``'s binary COPY: the field count, then each field's length
    and value, big-endian (the stream has a 19-byte header and a 2-byte trailer)."""
    fields = [("cx", ">i4"), ("cy", ">i4"), ("count", ">i8")]
    fields += [(k, ">f8") for k in ("sx", "sy", "x0", "y0", "x1", "y1")]
    fields += [("first", ">i8")] + [(f"k{i}", ">i8") for i in range(len(CATEGORY_KEYS))]
    return np.dtype([("n", ">i2")] + [f for n, t in fields for f in ((f"l_{n}", ">i4"), (n, t))])


_ROW = _row_type()
_HEADER = 19


class _Passes:
    """The levels of one filter, fetched from the database a GROUP BY at a time: a pass at
    zoom z answers every zoom up to z (``CellSums.coarser``). A pass is capped at ``cap``
    cells (a few times the budget): one that has more stops there, which says that its zoom,
    and so every finer one, has more cells than the budget admits."""

    def __init__(self, con, where: list[str], params: dict, budget: int):
        self.con, self.params = con, params
        self.cond = " AND ".join(where) if where else "true"
        self.budget = max(budget, 1)
        self.cap = 4 * self.budget
        self.sums: dict[int, CellSums] = {}
        self.too_many = MAX_ZOOM + 1  # the coarsest zoom known to exceed the budget
        self.passes = 0
        self.estimate = self._estimate()

    def _estimate(self) -> float:
        """The planner's estimate of how many incidents the filter selects (no pass)."""
        plan = self.con.exec_driver_sql(
            f"EXPLAIN (FORMAT JSON) SELECT 1 FROM incidents WHERE {self.cond}",  # noqa: S608 - our conditions, values as parameters
            self.params,
        ).scalar_one()
        plan = json.loads(plan) if isinstance(plan, str) else plan
        return float(plan[0]["Plan"]["Plan Rows"])

    def fetch(self, zoom: int, capped: bool = True) -> bool:
        """One GROUP BY at ``zoom``; False when it has more than ``cap`` cells. The cells
        come as a binary COPY of fixed-width columns, read by numpy at once (as Python rows,
        fetching 40,000 of them took longer than the GROUP BY)."""
        import psycopg

        down = MAX_ZOOM - zoom
        per_category = ", ".join(
            f"count(*) FILTER (WHERE category = '{sql_str(k)}')" for k in CATEGORY_KEYS
        )
        limit = f" LIMIT {self.cap + 1}" if capped else ""
        # integers, vocabulary keys escaped, the filter's values as parameters
        select = (
            f"SELECT cell_x >> {down}, cell_y >> {down}, count(*), sum(lon), sum(lat),"  # noqa: S608
            f" min(lon), min(lat), max(lon), max(lat), min(position), {per_category}"
            f" FROM incidents WHERE {self.cond} GROUP BY 1, 2{limit}"
        )
        raw = self.con.connection.driver_connection
        try:
            with psycopg.ClientCursor(raw) as cur:  # COPY takes no server-side parameters
                sql = cur.mogrify(select, self.params)
                with cur.copy(f"COPY ({sql}) TO STDOUT (FORMAT binary)") as copy:
                    data = b"".join(bytes(chunk) for chunk in copy)
        except psycopg.Error as exc:  # the driver's own: SQLAlchemy does not word these
            raise StoreError(f"the map's aggregates could not be read: {exc}") from None
        self.passes += 1
        n = (len(data) - _HEADER - 2) // _ROW.itemsize
        rows = np.frombuffer(data, dtype=_ROW, offset=_HEADER, count=n)
        if capped and n > self.cap:
            self.too_many = min(self.too_many, zoom)
            return False
        by_category = [rows[f"k{i}"].astype(np.int64) for i in range(len(CATEGORY_KEYS))]
        self.sums[zoom] = CellSums(
            zoom=zoom,
            cx=rows["cx"].astype(np.int64),
            cy=rows["cy"].astype(np.int64),
            count=rows["count"].astype(np.int64),
            sum_lon=rows["sx"].astype(float),
            sum_lat=rows["sy"].astype(float),
            bounds=np.column_stack([rows[k].astype(float) for k in ("x0", "y0", "x1", "y1")]),
            by_category=np.column_stack(by_category).reshape(n, len(CATEGORY_KEYS)),
            first=rows["first"].astype(np.int64),
        )
        return True

    def _target(self, zoom: int) -> int:
        """The zoom of the next pass, for a level at ``zoom`` no pass has answered: the
        finest the cap probably admits, so that one pass answers as many levels as it can.
        A selection the planner estimates under the cap goes to the finest zoom at once (it
        cannot have more cells than incidents); otherwise from the last pass's cells, which
        at most quadruple a zoom."""
        if self.estimate <= self.cap:
            target = MAX_ZOOM
        elif not self.sums:
            target = max(zoom, START_ZOOM)
        else:
            known = max(self.sums)
            cells = max(len(self.sums[known].count), 1)
            target = zoom
            while target < MAX_ZOOM and cells * 4 ** (target + 1 - known) <= self.cap:
                target += 1
        return min(target, self.too_many - 1)

    def level(self, zoom: int) -> Aggregates | None:
        """The aggregates at ``zoom``, or None when it has more than ``budget`` cells."""
        while True:
            done = [z for z in self.sums if z >= zoom]
            if done:
                return self.sums[min(done)].coarser(zoom)
            if zoom >= self.too_many:
                if zoom == MIN_ZOOM:  # the coarsest level is drawn whatever its size
                    self.fetch(zoom, capped=False)
                    continue
                return None
            target = self._target(zoom)
            while not self.fetch(target) and target > zoom:
                target = (zoom + target) // 2  # too many cells: halve the way back


def sql_pyramid(
    con,
    *,
    where_key: str,
    places,
    start: str | None = None,
    end: str | None = None,
    include_undated: bool = True,
    categories: list[str] | None = None,
    bbox: tuple[float, float, float, float] | None = None,
    budget: int = FEATURE_BUDGET,
) -> SqlPyramid:
    """The pyramid of the point incidents ``filter_query`` would select, in one snapshot
    (``con`` in a REPEATABLE READ transaction). ``where_key`` names the database for the
    area cache; ``places`` is the validated gazetteer (the areas depend on it)."""
    if not grid_matches():
        raise StoreError(
            "the database's map cells (migration 4) are not the map's grid any more: "
            "a new migration must redefine them"
        )
    version, cells = con.exec_driver_sql(
        "SELECT data_version, EXISTS (SELECT FROM schema_migrations WHERE version = 4)"
        " FROM dashboard_meta"
    ).one()
    if not cells:
        raise StoreError("the database has no map cells yet: run `python -m dashboard db init`")
    where, params = filter_where(
        start=start, end=end, include_undated=include_undated, categories=categories, bbox=bbox
    )
    areas = area_keys(con, where_key, version, places)
    if areas:
        where.append(f"NOT (precision_level >= 3 AND {_AREA_KEY} = ANY(%(areas)s))")
        params["areas"] = areas
    # the GROUP BY hashed in memory; JIT compiling it cost more (40 ms) than it saved
    con.exec_driver_sql("SET LOCAL work_mem = '64MB'; SET LOCAL jit = off")
    passes = _Passes(con, where, params, budget)
    levels = choose_levels(passes.level, budget)
    total = int(levels[0].aggregates.count.sum()) if levels else 0
    return SqlPyramid(levels, total, str(version), passes.passes)


def sql_filters(f: Filters) -> dict | None:
    """``f`` as ``Reader.pyramid``'s arguments, or None when the database cannot select what
    ``filters.filter_incidents`` does (a text search, actors, countries, provinces,
    confidence: those the app filters in Python)."""
    if f.actors or f.countries or f.admin1 or f.confidence or f.text.strip():
        return None
    return {
        "start": None if f.start is None else f.start.isoformat(),
        "end": None if f.end is None else f.end.isoformat(),
        "include_undated": f.include_undated,
        "categories": sorted(f.categories) or None,
    }


_AHEAD: list[ThreadPoolExecutor] = []  # one small pool per process, made on first use
# The pyramids asked for lately, by (database, data version, filters, budget): a rerun at the
# same filters (a click, a pan or zoom of the map) gets them again without a query.
_ASKED: OrderedDict[tuple, Future] = OrderedDict()
_ASKED_LOCK = threading.Lock()
_KEEP = 32


def _asked(query, key: tuple, args: dict, budget: int) -> Future:
    """The pyramid for ``key``, asked of the database on a thread unless it was asked
    already (a pending or answered query is shared; a failed one is asked again)."""
    with _ASKED_LOCK:
        found = _ASKED.get(key)
        if found is not None and not (found.done() and found.exception() is not None):
            _ASKED.move_to_end(key)
            return found
        if not _AHEAD:
            _AHEAD.append(ThreadPoolExecutor(max_workers=4, thread_name_prefix="sql-pyramid"))
        future = _AHEAD[0].submit(query, **args, budget=budget)
        _ASKED[key] = future
        while len(_ASKED) > _KEEP:
            _ASKED.popitem(last=False)
        return future


def pyramid_source(store, dataset, f: Filters, *, start_now: bool = False) -> PyramidSource | None:
    """What the map takes for a view's zoom levels (``map.aggregates.encode_levels``'s
    ``pyramid_of``) when the newsroom database can compute them for the filters ``f`` on
    ``dataset`` (loaded from ``store``); None leaves the map to ``aggregate.pyramid``.

    The levels come from the database only when they are certainly the loaded rows' own: the
    filters are all SQL, every row was loaded (``Dataset.store_positions``), the database is
    at the data version the rows were read at, and the pyramid holds exactly the frame's
    incidents. Otherwise, or when the database cannot be reached, the source answers None
    and Python computes them. ``DASHBOARD_SQL_PYRAMID=0`` switches it off.

    A pyramid is a function of the data version and the filters, so it is kept (the last
    ``_KEEP``): the app reruns at every click, pan and zoom, and only a change of filters or
    data asks again. ``start_now`` asks at once, for the map's budget: the database works
    while the app filters and lays out the page (waiting on the server, the thread holds no
    lock Python needs), so the map rarely waits for it."""
    query = getattr(store, "pyramid", None)
    args = sql_filters(f)
    if (
        query is None
        or args is None
        or dataset.store_positions is None
        or os.environ.get("DASHBOARD_SQL_PYRAMID", "1") == "0"
    ):
        return None
    where = (getattr(store, "url", id(store)), dataset.store_version, repr(sorted(args.items())))
    if start_now:
        _asked(query, (*where, FEATURE_BUDGET), args, FEATURE_BUDGET)

    def levels(points: pd.DataFrame, budget: int) -> list[Level] | None:
        rows = dataset.incidents.index.get_indexer(points.index)
        if (rows < 0).any():
            return None
        try:
            result = _asked(query, (*where, budget), args, budget).result()
        except StoreError:
            return None  # the map still draws, from the loaded rows
        if result.version != dataset.store_version:
            return None
        return result.for_frame(dataset.store_positions[rows])

    return levels
