"""Bulk load of one crawl (or import) into the warehouse, atomically.

Postings arrive as Parquet files written by the crawl children (typed columns: DuckDB
reads them in one pass with nothing to parse) or as JSONL (imports). Everything a scan writes happens in one transaction: a crash leaves the
warehouse as it was before the scan.
"""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import duckdb
import pyarrow as pa

from scrapers.feed import FEED_SCHEMA
from scrapers.normalise import valid_unicode
from warehouse.db import transaction

# the crawl feed's columns (scrapers.feed) in SQL types; posted_at stays text: DuckDB casts it, a bad date becomes NULL
STAGED_COLUMNS = {field.name: "DOUBLE" if pa.types.is_floating(field.type) else "VARCHAR" for field in FEED_SCHEMA}
# the postings columns a scan writes, by name; first_seen, last_seen, closed_at and last_scan_id come from the scan
_POSTING_COLUMNS = tuple(c for c in STAGED_COLUMNS if c != "raw")
_MUTABLE = tuple(c for c in _POSTING_COLUMNS if c not in ("posting_id", "ats", "board", "native_id")) + (
    "last_seen", "last_scan_id")


def _stage(con: duckdb.DuckDBPyConnection, files: list[Path]) -> None:
    columns = ", ".join(f"{name} {'TIMESTAMPTZ' if name == 'posted_at' else kind}"
                        for name, kind in STAGED_COLUMNS.items())
    con.execute(f"CREATE OR REPLACE TEMP TABLE staged ({columns})")
    files = [f for f in files if f.stat().st_size > 0]
    parquet = [str(f) for f in files if f.suffix == ".parquet"]
    jsonl = [str(f) for f in files if f.suffix != ".parquet"]
    if parquet:
        con.execute("""INSERT INTO staged BY NAME SELECT * REPLACE (TRY_CAST(posted_at AS TIMESTAMPTZ) AS posted_at)
                       FROM read_parquet(?)""", [parquet])
    if jsonl:
        spec = "{" + ", ".join(f"'{name}': '{kind}'" for name, kind in STAGED_COLUMNS.items()) + "}"
        con.execute(f"""INSERT INTO staged SELECT * REPLACE (TRY_CAST(posted_at AS TIMESTAMPTZ) AS posted_at)
                        FROM read_json(?, format='newline_delimited', columns={spec})""", [jsonl])
    # a board may list the same posting twice: keep one row per posting_id (deleting the few extra rows
    # costs a fraction of copying every row's texts into a deduplicated table)
    con.execute("""DELETE FROM staged WHERE rowid IN (
                       SELECT rowid FROM staged
                       QUALIFY row_number() OVER (PARTITION BY posting_id ORDER BY content_hash) > 1)""")


def load_scan(con: duckdb.DuckDBPyConnection, *, started_at: datetime, origin: str,
              posting_files: list[Path], statuses: list[dict], executor: str = "local", workers: int = 1) -> int:
    """Record one scan and merge its postings (Parquet or JSONL files); returns the scan_id."""
    with transaction(con):
        scan_id = con.execute("SELECT nextval('scan_ids')").fetchone()[0]
        con.execute("INSERT INTO scans (scan_id, started_at, origin, executor, workers) VALUES (?, ?, ?, ?, ?)",
                    [scan_id, started_at, origin, executor, workers])
        _stage(con, posting_files)
        _record_sources(con, scan_id, statuses)
        con.execute("""INSERT INTO posting_versions
                       SELECT posting_id, content_hash, ?, ?, raw::JSON FROM staged
                       ON CONFLICT DO NOTHING""", [started_at, scan_id])
        # rewriting the text of every posting seen again is slow in DuckDB (a rescan of 11k postings took
        # 5.8 s CPU, 0.3 s this way): rewrite only the postings whose fields changed, before the
        # new ones are inserted (they would all be compared)
        fields = [c for c in _MUTABLE if c not in ("last_seen", "last_scan_id")]
        con.execute(f"""UPDATE postings p SET {", ".join(f"{c} = s.{c}" for c in fields)} FROM staged s
                        WHERE p.posting_id = s.posting_id
                        AND ({" OR ".join(f"p.{c} IS DISTINCT FROM s.{c}" for c in fields)})""")
        columns = ", ".join(_POSTING_COLUMNS)
        con.execute(f"""INSERT INTO postings ({columns}, first_seen, last_seen, closed_at, last_scan_id)
                        SELECT {columns}, $1, $1, NULL, $2 FROM staged
                        ON CONFLICT (posting_id) DO UPDATE SET last_seen = excluded.last_seen,
                            last_scan_id = excluded.last_scan_id, closed_at = NULL""",
                    [started_at, scan_id])
        # gone from a board that answered: the posting has closed
        con.execute("""UPDATE postings p SET closed_at = $1
                       WHERE closed_at IS NULL AND last_scan_id <> $2 AND EXISTS (
                           SELECT 1 FROM scan_sources s WHERE s.scan_id = $2 AND s.status = 'ok'
                           AND s.ats = p.ats AND s.board = p.board)""", [started_at, scan_id])
        con.execute("UPDATE scans SET finished_at = now() WHERE scan_id = ?", [scan_id])
    return scan_id


def posting_count(con: duckdb.DuckDBPyConnection) -> int:
    """How many postings the warehouse holds, open or closed."""
    return con.execute("SELECT count(*) FROM postings").fetchall()[0][0]


def _record_sources(con: duckdb.DuckDBPyConnection, scan_id: int, statuses: list[dict]) -> None:
    sources = pa.Table.from_pylist([
        {"scan_id": scan_id, "company": s["company"], "ats": s["ats"], "board": s["board"], "url": s.get("url"),
         "status": s["status"], "items": s["items"], "rejected": len(s["rejects"]), "error": s.get("error")}
        for s in statuses], schema=pa.schema([
            ("scan_id", pa.int64()), ("company", pa.string()), ("ats", pa.string()), ("board", pa.string()),
            ("url", pa.string()), ("status", pa.string()), ("items", pa.int32()), ("rejected", pa.int32()),
            ("error", pa.string())]))
    rejects = pa.Table.from_pylist([
        {"scan_id": scan_id, "company": s["company"], "ats": s["ats"], "board": s["board"],
         "reason": valid_unicode(r["reason"]),
         "raw": valid_unicode(json.dumps(r["raw"], ensure_ascii=False, default=str))}  # a reject may hold "\ud800"
        for s in statuses for r in s["rejects"]], schema=pa.schema([
            ("scan_id", pa.int64()), ("company", pa.string()), ("ats", pa.string()), ("board", pa.string()),
            ("reason", pa.string()), ("raw", pa.string())]))
    con.register("incoming_sources", sources)
    con.register("incoming_rejects", rejects)
    con.execute("INSERT INTO scan_sources SELECT * FROM incoming_sources")
    con.execute("INSERT INTO rejects SELECT scan_id, company, ats, board, reason, raw::JSON FROM incoming_rejects")
    con.unregister("incoming_sources")
    con.unregister("incoming_rejects")
