"""Which incidents and route legs a view shows.

Plain functions over GeoDataFrames so the app, the CLI exports and the tests all
select exactly the same rows. An incident matches a date window when its own
window overlaps it (an end the source does not state runs to today); route legs follow the
incidents they connect.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import string
from dataclasses import dataclass, field

import geopandas as gpd
import numpy as np
import pandas as pd

from dashboard.aggregate import z_codes
from dashboard.data import basemap
from dashboard.data.incidents import effective_end
from dashboard.data.places import normalise_name, place_names
from dashboard.data.tables import one_chunk
from dashboard.gazetteer.romanise import romanisation_key
from dashboard.i18n import DEFAULT_LANGUAGE, translator
from dashboard.placenames import country_label
from dashboard.vague.areas import area_key_column
from dashboard.vocab import (
    ACTOR_GROUPS,
    AREA_KEY_COLUMN,
    CATEGORIES,
    OTHER_ACTOR,
    PLACE_SEARCH_COLUMN,
    ZCODE_COLUMN,
)


@dataclass(frozen=True)
class Filters:
    """A selection. Empty sets mean "no restriction"."""

    start: dt.date | None = None
    end: dt.date | None = None
    include_undated: bool = True
    categories: frozenset[str] = field(default_factory=frozenset)
    actors: frozenset[str] = field(default_factory=frozenset)
    countries: frozenset[str] = field(default_factory=frozenset)
    admin1: frozenset[str] = field(default_factory=frozenset)
    confidence: frozenset[str] = field(default_factory=frozenset)
    text: str = ""


def actor_groups(actors: str) -> tuple[str, ...]:
    """The declared actor groups an actors cell falls into."""
    text = actors.casefold()
    groups = tuple(g for g, phrases in ACTOR_GROUPS.items() if any(p in text for p in phrases))
    return groups or (OTHER_ACTOR,)


_FOLD = str.maketrans(
    {
        **{c: " " for c in string.punctuation + string.whitespace if c not in "_'`"},
        **{c: "" for c in "'`’‘ʼ"},
        **{c: " " for c in "“”«»–—…·"},
    }
)


# _FOLD's ASCII part: a byte table for the characters it turns into spaces, and the ones it drops.
_FOLD_BYTES = np.array(
    [ord(_FOLD.get(b) or chr(b)) if b < 128 else b for b in range(256)], dtype=np.uint8
)
_FOLD_AWAY = [chr(c) for c, v in _FOLD.items() if c < 128 and v == ""]


def _fold_ascii(lower: pd.Series) -> pd.Series:
    """``str.translate(_FOLD)`` for ASCII cells (others may come out differently), made on the
    Arrow buffers: at a million incidents translate took 5 s and 1.8 GB of Python strings."""
    import pyarrow as pa
    import pyarrow.compute as pc

    cells = pa.chunked_array(pa.array(lower.array)).cast(pa.large_string())
    chunks = []
    for chunk in cells.chunks:
        validity, offsets, data = chunk.buffers()
        if data is not None:
            data = pa.py_buffer(_FOLD_BYTES[np.frombuffer(data, dtype=np.uint8)])
        folded = pa.LargeStringArray.from_buffers(
            len(chunk), offsets, data, validity, chunk.null_count, chunk.offset
        )
        for away in _FOLD_AWAY:  # a chunk at a time: the copies are one chunk's size
            folded = pc.replace_substring(folded, away, "")
        chunks.append(folded)
    folded = pa.chunked_array(chunks, type=pa.large_string())
    return pd.Series(folded.to_pandas().array, index=lower.index)


def normalised_text(text: pd.Series) -> pd.Series:
    """Search text for a whole column: the words ``normalise_name`` would give, in order.

    ASCII rows (nearly all) are folded with fast column operations; the rest go through
    ``normalise_name`` itself. Runs of spaces may remain, which word matching ignores.
    """
    text = text.astype(str)
    out = _fold_ascii(text.str.lower())
    other = ~text.str.isascii()
    if other.any():
        out[other] = text[other].map(normalise_name)
    return out


def prepare(
    incidents: gpd.GeoDataFrame, places: gpd.GeoDataFrame, *, search: bool = True
) -> gpd.GeoDataFrame:
    """Add the derived columns filtering needs (computed once per load, not per filter).
    ``search=False`` leaves out the search text (a command with no search needs none: at a
    million incidents it is most of the cost); a text search then refuses to run."""
    out = incidents.copy(deep=False)  # new columns only: the rows are not copied (a GB at 1M)
    groups = {a: actor_groups(a) for a in out["actors"].unique()}
    out["actor_groups"] = out["actors"].map(groups)
    if search:
        out["search_text"] = search_text(out, places)
        out[PLACE_SEARCH_COLUMN] = place_search(out, places)
    if {"geo_precision", "longitude", "latitude"} <= set(out.columns):  # a drawable table
        out[AREA_KEY_COLUMN] = area_key_column(out, places)
        out[ZCODE_COLUMN] = z_codes(out["longitude"], out["latitude"])
    return one_chunk(out)  # a no-op for columns already in one piece


def place_search(incidents: pd.DataFrame, places: gpd.GeoDataFrame) -> pd.Categorical:
    """Each incident's own place as the search box matches it (its names in every spelling
    the gazetteer has, and their spelling-blind keys), as a categorical: a search matches the
    few hundred places once, and each row by its code."""
    names = {pid: f" {_place_search_text(n)} " for pid, n in place_names(places).items()}
    if "place_id" not in incidents:
        return pd.Categorical([""] * len(incidents))
    codes, pids = pd.factorize(incidents["place_id"])
    texts = np.array([names.get(str(pid), "") for pid in pids] + [""], dtype=object)
    return pd.Categorical(texts[codes])


SEARCH_CHUNK = 100_000  # rows folded at a time: the text's copies while it is made stay small


def search_text(incidents: pd.DataFrame, places: gpd.GeoDataFrame) -> pd.Series:
    """What the search box matches for each incident besides its own place (``place_search``,
    matched once per place): its words folded, and the names (in every spelling the gazetteer
    has) of the places its text names. Made
    ``SEARCH_CHUNK`` rows at a time: at a million incidents, made at once, its intermediate
    copies nearly doubled the app's peak memory (1.9 to 3.7 GB)."""
    if len(incidents) <= SEARCH_CHUNK:
        return _search_text(incidents, places)
    parts = [
        _search_text(incidents.iloc[i : i + SEARCH_CHUNK], places)
        for i in range(0, len(incidents), SEARCH_CHUNK)
    ]
    return pd.concat(parts)


def _search_text(incidents: pd.DataFrame, places: gpd.GeoDataFrame) -> pd.Series:
    names = {pid: _place_search_text(n) for pid, n in place_names(places).items()}
    fields = ["incident_id", "summary", "location", "date_text", "actors", "admin1", "source_title"]
    text = _joined([incidents[name] for name in fields])
    # Its own place's names are matched once per place (``place_search``), not in every row:
    # a third of a million rows' search text. Here only the places its text names.
    place_text = pd.Series("", index=incidents.index, dtype=object)
    # Places the text names, in any spelling the gazetteer has, get their keys too, so a
    # summary's "Hamhung" is found by "Hamheung".
    folded = normalised_text(text)
    del text
    patterns = {}
    for pid, spellings in place_names(places).items():
        words = sorted(re.escape(n) for n in spellings if n.isascii() and len(n) >= 4)
        if words:
            patterns[pid] = r"\b(?:" + "|".join(words) + r")\b"
    if patterns:
        # one pass for any place name, then each place only over the rows that name one
        # (a pass per place over a million summaries took a second each)
        anywhere = folded.str.contains("|".join(patterns.values()), regex=True)
        some = folded[anywhere]
        for pid, pattern in patterns.items():
            named = some.str.contains(pattern, regex=True)
            rows = named.index[named.to_numpy(dtype=bool)]
            place_text.loc[rows] = place_text.loc[rows] + " " + names[pid]
    return _joined(["", folded, place_text, ""])  # " " + folded + " " + ... + " "


def _joined(columns: list[pd.Series | str]) -> pd.Series:
    """Each row's cells (a str stands for the same text in every row) joined by single spaces,
    as ``" ".join`` per row would, made a column at a time by pyarrow: at a million incidents
    Python lists of the cells took 2 GB and 3 s, and adding Series one by one 2.5 s."""
    import pyarrow as pa
    import pyarrow.compute as pc

    series = [c for c in columns if isinstance(c, pd.Series)]
    text = pa.large_string()
    arrays = [
        pa.array(c.astype(str).array).cast(text) if isinstance(c, pd.Series) else pa.scalar(c, text)
        for c in columns
    ]
    joined = pc.binary_join_element_wise(*arrays, pa.scalar(" ", text))
    return pd.Series(joined.to_pandas().array, index=series[0].index)


def _place_search_text(names: set[str]) -> str:
    """A place's names for searching: each as written, then each word's spelling-blind key
    marked with "~" (see ``romanisation_key``), so any romanisation of it matches."""
    keys = {romanisation_key(w) for n in names for w in n.split() if w.isascii()}
    return " ".join(sorted(names)) + " " + " ".join(f"~{k}" for k in sorted(keys))


def data_window(incidents: gpd.GeoDataFrame) -> tuple[dt.date, dt.date]:
    """The span of all dated incidents (today if there are none)."""
    first, last = incidents["date_start"].min(), incidents["date_end"].max()  # NaT skipped
    if pd.isna(first):
        today = dt.date.today()
        return today, today
    # An open end (see incidents.effective_end) does not stretch the span to today: the span
    # is what the sources date. Open-ended incidents still match any later window.
    latest_start = incidents["date_start"].max()
    last = latest_start if pd.isna(last) else max(last, latest_start)
    return first.date(), last.date()


def rows_in(incidents: pd.DataFrame, part: pd.DataFrame) -> np.ndarray:
    """For each row of ``incidents``, whether ``part`` (rows selected from it) holds it: by
    position when the rows are numbered 0..n-1 as loaded (a hash look-up of a million labels
    took a tenth of a second), else by label."""
    index = incidents.index
    if isinstance(index, pd.RangeIndex) and index.start == 0 and index.step == 1:
        labels = part.index.to_numpy()
        if labels.dtype.kind in "iu":
            found = np.zeros(len(incidents), dtype=bool)
            found[labels[(labels >= 0) & (labels < len(incidents))]] = True
            return found
    return index.isin(part.index)


def monthly_counts(incidents: pd.DataFrame, shown: pd.Series | None = None) -> pd.DataFrame:
    """Dated incidents per calendar month of their start date, category and whether the
    filters show them: columns month (first day), category, label, shown, n. Undated
    incidents are left out; ``shown`` is a boolean mask over ``incidents`` (all shown if None).

    The timeline charts these instead of one mark per incident once there are many, so the
    browser gets at most two rows per month and category.
    """
    starts = incidents["date_start"].to_numpy(dtype="datetime64[s]")
    dated = ~np.isnat(starts)
    flags = np.ones(len(incidents), dtype=bool) if shown is None else np.asarray(shown, bool)
    # one integer key per (month, category, shown) and a bincount: no group-by over a million
    # rows (0.2 s of every rerun), the same rows in the same order as one
    month = starts[dated].astype("datetime64[M]").astype(np.int64)
    codes, names = pd.factorize(incidents["category"], sort=True)
    codes = codes[dated]
    known = codes >= 0
    month, codes, flags = month[known], codes[known], flags[dated][known]
    first = int(month.min()) if len(month) else 0
    kinds = max(len(names), 1)
    n = np.bincount(((month - first) * kinds + codes) * 2 + flags)
    found = np.flatnonzero(n)
    counts = pd.DataFrame(
        {
            "month": pd.to_datetime((found // 2 // kinds + first).astype("datetime64[M]")).astype(
                "datetime64[us]"
            ),
            "category": pd.Series(
                np.asarray(names, dtype=object)[found // 2 % kinds],
                dtype=incidents["category"].dtype,
            ),
            "shown": (found % 2).astype(bool),
            "n": n[found].astype(np.int64),
        }
    )
    counts.insert(2, "label", counts["category"].map({k: c.label for k, c in CATEGORIES.items()}))
    return counts


def incident_mask(incidents: gpd.GeoDataFrame, f: Filters) -> pd.Series:
    """True for each incident the filters keep; ``prepare`` must have been applied."""
    mask = np.ones(len(incidents), dtype=bool)
    if f.start is not None or f.end is not None:
        start = pd.Timestamp(f.start) if f.start else pd.Timestamp.min
        end = pd.Timestamp(f.end) if f.end else pd.Timestamp.max
        ds, de = incidents["date_start"], effective_end(incidents)  # open end: up to today
        in_window = (ds <= end) & (de >= start)
        undated = ds.isna().to_numpy()
        mask &= np.where(undated, f.include_undated, in_window.to_numpy())
    elif not f.include_undated:
        mask &= incidents["date_start"].notna().to_numpy()
    if f.categories:
        mask &= incidents["category"].isin(f.categories).to_numpy()
    if f.countries:
        mask &= incidents["country"].isin(f.countries).to_numpy()
    if f.admin1:
        mask &= incidents["admin1"].isin(f.admin1).to_numpy()
    if f.confidence:
        mask &= incidents["confidence"].isin(f.confidence).to_numpy()
    if f.actors:
        wanted = f.actors
        mask &= (
            incidents["actor_groups"].map(lambda groups: not wanted.isdisjoint(groups)).to_numpy()
        )
    words = normalise_name(f.text).split()
    if words and "search_text" not in incidents:
        raise ValueError("a text search needs the incidents prepared with search=True")
    for word in words:  # every word must start a word of the text
        starts = [" " + re.escape(word)]
        key = romanisation_key(word)
        if key != word or word.isascii():  # or start a place name in another romanisation
            starts.append(" ~" + re.escape(key))
        pattern = "(?:" + "|".join(starts) + ")"
        found = _matches(incidents["search_text"], pattern)
        if PLACE_SEARCH_COLUMN in incidents:
            found |= _category_matches(incidents[PLACE_SEARCH_COLUMN], pattern)
        mask &= found
    return pd.Series(mask, index=incidents.index)


def filter_incidents(incidents: gpd.GeoDataFrame, f: Filters) -> gpd.GeoDataFrame:
    """The incidents the filters keep, without the search text (only filtering reads it, and
    at a million incidents it was the largest column to copy)."""
    keep = [c for c in incidents.columns if c not in ("search_text", PLACE_SEARCH_COLUMN)]
    mask = incident_mask(incidents, f).to_numpy()
    if mask.all():  # nothing filtered out: the columns, not a copy of every row
        return incidents[keep]
    return incidents.loc[mask, keep]


def _category_matches(values: pd.Series, pattern: str) -> np.ndarray:
    """Which cells of a categorical text column match ``pattern``: each category once."""
    categories = pd.Series(values.cat.categories, dtype=object).astype(str)
    hit = np.r_[_matches(categories, pattern), False]  # the last: a missing value (code -1)
    return hit[values.cat.codes.to_numpy()]


def _matches(text: pd.Series, pattern: str) -> np.ndarray:
    """Which cells of a text column match ``pattern`` (RE2, through pyarrow), the column cut
    in one part per core and matched at once: at a million incidents one pass over the search
    text took 1.4 s as a plain substring search, 0.5 s as one expression and 0.3 s on two
    cores."""
    import pyarrow as pa
    import pyarrow.compute as pc

    arr = pa.array(text.array)
    if isinstance(arr, pa.ChunkedArray):
        arr = arr.combine_chunks()
    n, parts = len(arr), max(1, min(os.cpu_count() or 1, 4))
    if n < 100_000 or parts == 1:
        return pc.match_substring_regex(arr, pattern).to_numpy(zero_copy_only=False)
    from concurrent.futures import ThreadPoolExecutor

    step = -(-n // parts)
    slices = [arr.slice(i, step) for i in range(0, n, step)]
    with ThreadPoolExecutor(len(slices)) as pool:
        found = list(pool.map(lambda a: pc.match_substring_regex(a, pattern), slices))
    return np.concatenate([f.to_numpy(zero_copy_only=False) for f in found])


def routes_for(routes: gpd.GeoDataFrame, incidents: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Route legs that connect at least one of the given incidents."""
    wanted = {i for ids in routes["incident_ids"] for i in ids}  # a few hundred at most
    ids = incidents["incident_id"]
    keep = set(ids[ids.isin(wanted)]) if wanted else set()  # not a set of a million ids
    return routes[routes["incident_ids"].map(lambda ids: not keep.isdisjoint(ids))]


def country_names(*, lang: str = DEFAULT_LANGUAGE) -> dict[str, str]:
    """ISO alpha-2 code to name, for the countries of the shipped basemap: the basemap's
    English names, or the locale's own (``placenames.country_label``) in another language."""
    frame = basemap.countries().dropna(subset=["iso_a2"])
    if translator(lang).lang == DEFAULT_LANGUAGE:
        return dict(zip(frame["iso_a2"], frame["name"], strict=True))
    return {iso: country_label(iso, lang=lang) for iso in frame["iso_a2"]}
