"""The compact columns a large selection sends to the browser (``points.js`` reads them).

Coordinates (4 decimals, ~10 m), category, precision, confidence, id and date window always
travel, numbers packed as base64 little-endian typed arrays; the popup text follows column by
column while the whole stays under ``PAYLOAD_BUDGET``. Built with numpy and pyarrow, without a
Python string per cell: at 100,000 incidents that is the difference between instant and slow.
"""

from __future__ import annotations

import base64
import json

import geopandas as gpd
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from dashboard.aggregate import category_codes, vocab_codes
from dashboard.data.incidents import effective_end
from dashboard.htmlsafe import SCRIPT_ESCAPES
from dashboard.map.scripts import json_for_script
from dashboard.vocab import CONFIDENCE

# What a large selection sends to the browser always includes coordinates, kind, date window,
# id and outlet (about 45 bytes an incident: 4.5 MB at 100,000). The location, the source's date
# words, the summary, the title and the quote follow, each only while the whole stays under this
# many bytes: the map stays quick to send and redraw, and what is left out is in the app's
# record panel and the CSV export (the popup says so). At 10,000 incidents a 2 MB budget made
# the page open in 3.0 s and 1 MB in 2.6 s (median of 5, bench's browser worker): the text
# that no longer fits is the source title and the date words.
PAYLOAD_BUDGET = 1_000_000
OPTIONAL_TEXT = [
    ("l", "location"),
    ("t", "date_text"),
    ("s", "summary"),
    ("ti", "source_title"),
    ("q", "source_quote"),
]
CONFIDENCE_KEYS = list(CONFIDENCE)


def packed(values: np.ndarray, dtype: str) -> str:
    """Numbers as base64 of a little-endian typed array (decoded by ``unpack`` in the map)."""
    return base64.b64encode(np.ascontiguousarray(values, dtype=dtype).tobytes()).decode("ascii")


def _arrow_strings(values: pd.Series):
    """A text column as one pyarrow string array (missing values as empty strings)."""
    arr = pa.array(values.array) if isinstance(values, pd.Series) else values
    if isinstance(arr, pa.ChunkedArray):
        arr = arr.combine_chunks()
    if arr.type not in (pa.string(), pa.large_string()):
        arr = pc.cast(arr, pa.large_string())
    return pc.fill_null(arr, "")


# Characters JSON must escape as \u00XX (json.dumps does; the fast path below does not).
_CONTROL = "[\\x00-\\x1f]"
_STRING_ESCAPES = [("\\", "\\\\"), ('"', '\\"'), *SCRIPT_ESCAPES]


def _json_strings(arr) -> str:
    """A JSON array of the strings, exactly as ``json_for_script(list_of_them)`` gives it,
    built by pyarrow without making a Python string per cell."""
    if len(arr) == 0:
        return "[]"
    if pc.any(pc.match_substring_regex(arr, _CONTROL)).as_py():
        return json_for_script(arr.to_pylist())
    for old, new in _STRING_ESCAPES:
        arr = pc.replace_substring(arr, old, new)
    offsets = pa.array([0, len(arr)], type=pa.int32())
    separator = pa.scalar('","', type=arr.type)
    joined = pc.binary_join(pa.ListArray.from_arrays(offsets, arr), separator)
    return '["' + joined[0].as_py() + '"]'


def _text_column(values: pd.Series, room: float) -> tuple[str | None, int]:
    """A text column as JSON: distinct values plus a packed index per row, or plain values when
    nearly all differ; None when that would take more than ``room`` bytes. Also the size."""
    arr = _arrow_strings(values)
    n = len(arr)
    encoded = pc.dictionary_encode(arr)
    distinct = encoded.dictionary
    if len(distinct) > 0.6 * n:
        size = (pc.sum(pc.binary_length(arr)).as_py() or 0) + 3 * n
        return (None if size > room else '{"v":' + _json_strings(arr) + "}"), size
    size = (pc.sum(pc.binary_length(distinct)).as_py() or 0) + 3 * len(distinct) + 16 * n // 3
    if size > room:
        return None, size
    codes = encoded.indices.to_numpy(zero_copy_only=False)
    return '{"u":' + _json_strings(distinct) + ',"i":"' + packed(codes, "<u4") + '"}', size


def _days(dates: pd.Series) -> np.ndarray:
    """Days since 1970-01-01, -1 where there is no date."""
    values = np.asarray(dates.to_numpy(), dtype="datetime64[ns]").astype("datetime64[D]")
    out = values.astype("int64")
    out[np.isnat(values)] = -1
    return out


def encode_incidents(incidents: gpd.GeoDataFrame) -> str:
    """The incidents as the JSON object ``points.js`` draws (``n``, ``xy``, ``k``, ``d``,
    ``id``, ``o`` and whichever ``OPTIONAL_TEXT`` columns fit the budget)."""
    n = len(incidents)
    xy = np.empty(2 * n, dtype=np.int64)
    xy[0::2] = np.round(incidents["longitude"].to_numpy(dtype=float) * 1e4)
    xy[1::2] = np.round(incidents["latitude"].to_numpy(dtype=float) * 1e4)
    cat = category_codes(incidents["category"])
    conf = vocab_codes(incidents["confidence"], CONFIDENCE_KEYS)
    level = incidents["geo_precision"].to_numpy(dtype=np.int64) - 1
    code = (cat * 4 + level) * 3 + conf
    start, end = _days(incidents["date_start"]), _days(effective_end(incidents))
    days = np.empty(2 * n, dtype=np.int64)
    days[0::2], days[1::2] = start, np.where(start >= 0, end - start, 0)
    parts = [
        ("n", str(n)),
        ("xy", '"' + packed(xy, "<i4") + '"'),
        ("k", '"' + packed(code, "<u1") + '"'),
        ("d", '"' + packed(days, "<i4") + '"'),
        ("id", _json_strings(_arrow_strings(incidents["incident_id"]))),
    ]
    outlets, _ = _text_column(incidents["source_outlet"], float("inf"))
    parts.append(("o", outlets))
    used = sum(len(text) for _, text in parts)
    for key, column in OPTIONAL_TEXT:
        text, size = _text_column(incidents[column], PAYLOAD_BUDGET - used)
        if text is not None:
            parts.append((key, text))
            used += size
    return "{" + ",".join(f'"{key}":{text}' for key, text in parts) + "}"


def decode_incidents(payload: str) -> dict:
    """The payload as plain lists (for tests): xy, k, d, id and the text columns."""
    data = json.loads(payload)
    out = {"n": data["n"], "id": data["id"]}
    for key, dtype in (("xy", "<i4"), ("k", "<u1"), ("d", "<i4")):
        out[key] = np.frombuffer(base64.b64decode(data[key]), dtype=dtype).tolist()
    for key, _ in [("o", None), *OPTIONAL_TEXT]:
        col = data.get(key)
        if col is None:
            continue
        if "v" in col:
            out[key] = col["v"]
        else:
            index = np.frombuffer(base64.b64decode(col["i"]), dtype="<u4")
            out[key] = [col["u"][i] for i in index]
    return out
