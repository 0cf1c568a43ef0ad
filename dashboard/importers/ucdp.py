"""UCDP GED events as rows of ours, by the GED codebook (see README "Importing")."""

from __future__ import annotations

from dashboard.importers import mappings
from dashboard.importers.base import SourceTable
from dashboard.importers.rows import OUR_COLUMNS, Converted, ImportRow, join_unique, parse_day
from dashboard.problems import Problem

UCDP_COLUMNS = [
    "id",
    "relid",
    "year",
    "active_year",
    "code_status",
    "type_of_violence",
    "conflict_dset_id",
    "conflict_new_id",
    "conflict_name",
    "dyad_dset_id",
    "dyad_new_id",
    "dyad_name",
    "side_a_dset_id",
    "side_a_new_id",
    "side_a",
    "side_b_dset_id",
    "side_b_new_id",
    "side_b",
    "number_of_sources",
    "source_article",
    "source_office",
    "source_date",
    "source_headline",
    "source_original",
    "where_prec",
    "where_coordinates",
    "where_description",
    "adm_1",
    "adm_2",
    "latitude",
    "longitude",
    "geom_wkt",
    "priogrid_gid",
    "country",
    "country_id",
    "region",
    "event_clarity",
    "date_prec",
    "date_start",
    "date_end",
    "deaths_a",
    "deaths_b",
    "deaths_civilians",
    "deaths_unknown",
    "best",
    "high",
    "low",
    "gwnoa",
    "gwnob",
]
UCDP_SIGNATURE = frozenset(
    {
        "id",
        "type_of_violence",
        "where_prec",
        "date_prec",
        "date_start",
        "date_end",
        "source_article",
    }
)


def convert_ucdp(table: SourceTable) -> Converted:
    """UCDP GED rows as ours (see README "Importing" for each field)."""
    rows: list[ImportRow] = []
    problems: list[Problem] = []
    cols = {c.strip().lower(): c for c in table.columns}
    index = {name: table.columns.index(col) for name, col in cols.items()}

    def get(record: list[str], name: str) -> str:
        i = index.get(name)
        return record[i].strip() if i is not None else ""

    origin = {
        "incident_id": cols.get("id", "id"),
        "date_start": cols.get("date_start", "date_start"),
        "date_end": cols.get("date_end", "date_end"),
        "date_text": cols.get("date_prec", "date_prec"),
        "category": cols.get("type_of_violence", "type_of_violence"),
        "actors": cols.get("side_a", "side_a"),
        "location": cols.get("where_coordinates", "where_coordinates"),
        "admin1": cols.get("adm_1", "adm_1"),
        "country": cols.get("country", "country"),
        "latitude": cols.get("latitude", "latitude"),
        "longitude": cols.get("longitude", "longitude"),
        "geo_precision": cols.get("where_prec", "where_prec"),
        "summary": cols.get("source_headline", "source_headline"),
        "source_quote": cols.get("source_headline", "source_headline"),
        "source_outlet": cols.get("source_office", "source_office"),
        "source_title": cols.get("source_headline", "source_headline"),
        "source_date": cols.get("source_date", "source_date"),
    }
    for record, line in zip(table.records, table.lines, strict=True):

        def bad(column: str, message: str, line: int = line) -> None:
            problems.append(Problem(table.shown, line, cols.get(column, column), message))

        event_id = get(record, "id")
        values = dict.fromkeys(OUR_COLUMNS, "")
        values["incident_id"] = f"UCDP-GED-{event_id}" if event_id else ""
        if not event_id:
            bad("id", "empty: UCDP's event id is needed to recognise the row later")
        start, end = parse_day(get(record, "date_start")), parse_day(get(record, "date_end"))
        prec = get(record, "date_prec")
        if start is None:
            bad("date_start", f"not a date: {get(record, 'date_start')!r}")
        if end is None:
            bad("date_end", f"not a date: {get(record, 'date_end')!r}")
        if start and end:
            values["date_start"], values["date_end"] = start.isoformat(), end.isoformat()
            span = start.isoformat() if start == end else f"{start} to {end}"
            how = mappings.UCDP_DATE_PREC.get(prec)
            values["date_text"] = f"{span} (UCDP GED" + (f", {how})" if how else ")")
            if prec and prec != "1":
                values["date_note"] = f"UCDP date_prec {prec}: {how or 'not a known code'}."
        violence = get(record, "type_of_violence")
        label, category = mappings.UCDP_TYPE_OF_VIOLENCE.get(violence, (violence, None))
        if category:
            values["category"] = category
        values["actors"] = join_unique(get(record, "side_a"), get(record, "side_b"))
        values["location"] = get(record, "where_coordinates")
        values["admin1"] = get(record, "adm_1")
        country = mappings.country_code(get(record, "country"))
        if country:
            values["country"] = country
        elif get(record, "country"):
            bad("country", f"unknown country {get(record, 'country')!r}")
        values["latitude"] = get(record, "latitude")
        values["longitude"] = get(record, "longitude")
        where = get(record, "where_prec")
        precision = mappings.UCDP_WHERE_PREC.get(where)
        if precision is not None:
            values["geo_precision"] = str(precision)
        elif where == "7":
            bad("where_prec", "7 (international waters or airspace) has no country: not importable")
        else:
            bad("where_prec", f"must be 1 to 7, not {where!r}")
        headline = get(record, "source_headline")
        deaths = get(record, "best")
        values["summary"] = join_unique(
            f"UCDP GED: {label}"
            + (f", {get(record, 'dyad_name')}" if get(record, "dyad_name") else ""),
            f"deaths (best estimate) {deaths}" if deaths else "",
            get(record, "where_description"),
            sep=". ",
        )
        values["source_quote"] = headline
        office = get(record, "source_office") or get(record, "source_original")
        values["source_outlet"] = f"{office} (via UCDP GED)" if office else "UCDP GED"
        values["source_title"] = headline or (f"[UCDP GED event {event_id}]" if event_id else "")
        source_day = parse_day(get(record, "source_date"))
        if source_day is not None and ";" not in get(record, "source_date"):
            values["source_date"] = source_day.isoformat()
        values["confidence"] = "reported"
        values["internal_notes"] = join_unique(
            f"UCDP GED relid {get(record, 'relid')}" if get(record, "relid") else "",
            f"source_article {get(record, 'source_article')}"
            if get(record, "source_article")
            else "",
            f"source_original {get(record, 'source_original')}"
            if get(record, "source_original")
            else "",
            f"deaths low {get(record, 'low')} high {get(record, 'high')}"
            if get(record, "low") or get(record, "high")
            else "",
        )
        rows.append(ImportRow(table.shown, line, values, origin))
    return Converted(rows, problems, "ucdp")
