"""posting_links' reads and writes: which postings are one job, and which re-list an earlier one
(pipelines.dedupe decides; the design is in migrations/002_clean_fields_and_lifecycle.sql)."""

from __future__ import annotations

from datetime import datetime

import duckdb
import pyarrow as pa

_LINK_SCHEMA = pa.schema([("posting_id", pa.string()), ("canonical_id", pa.string()), ("match_rule", pa.string()),
                          ("repost_of", pa.string()), ("company_key", pa.string()), ("title_key", pa.string()),
                          ("location_key", pa.string()), ("url_key", pa.string()),
                          ("linked_at", pa.timestamp("us", tz="UTC"))])


def postings_with_links(con: duckdb.DuckDBPyConnection) -> list[tuple]:
    """Every posting in first-seen order: (posting_id, ats, board, company, title, city, country, region,
    location, url, first_seen, closed_at) then its link's (canonical_id, repost_of, company_key, title_key,
    location_key, url_key), all None while it is not linked."""
    return con.execute("""
        SELECT p.posting_id, p.ats, p.board, p.company, p.title, p.city, p.country, p.region, p.location, p.url,
               p.first_seen, p.closed_at, l.canonical_id, l.repost_of, l.company_key, l.title_key,
               l.location_key, l.url_key
        FROM postings p LEFT JOIN posting_links l USING (posting_id)
        ORDER BY p.first_seen, p.posting_id""").fetchall()


def descriptions(con: duckdb.DuckDBPyConnection, posting_ids: list[str]) -> list[tuple[str, str]]:
    """(posting_id, description) of the postings."""
    if not posting_ids:
        return []
    return con.execute("SELECT posting_id, description FROM postings WHERE posting_id IN (SELECT unnest(?))",
                       [posting_ids]).fetchall()


def insert_links(con: duckdb.DuckDBPyConnection, links: list[dict], linked_at: datetime) -> None:
    """New posting_links rows: dicts of the table's columns but linked_at."""
    con.register("new_links", pa.Table.from_pylist([{**link, "linked_at": linked_at} for link in links],
                                                   schema=_LINK_SCHEMA))
    try:
        con.execute("INSERT INTO posting_links SELECT * FROM new_links")
    finally:
        con.unregister("new_links")


def move_links(con: duckdb.DuckDBPyConnection, moved: dict[str, str]) -> None:
    """Point linked postings at a new canonical posting: posting_id -> canonical_id."""
    if not moved:
        return
    con.register("moved_links", pa.table({"posting_id": list(moved), "canonical_id": list(moved.values())}))
    try:
        con.execute("""UPDATE posting_links l SET canonical_id = m.canonical_id
                       FROM moved_links m WHERE l.posting_id = m.posting_id""")
    finally:
        con.unregister("moved_links")
