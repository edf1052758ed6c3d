"""Bulk load of one crawl (or import) into the warehouse, atomically.

Postings arrive as JSONL files written by the crawler; DuckDB reads them in one
pass. Everything a scan writes happens in one transaction: a crash leaves the
warehouse as it was before the scan.
"""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import duckdb
import pyarrow as pa

STAGED_COLUMNS = {
    "posting_id": "VARCHAR", "ats": "VARCHAR", "board": "VARCHAR", "native_id": "VARCHAR",
    "company": "VARCHAR", "title": "VARCHAR", "location": "VARCHAR", "remote": "VARCHAR",
    "url": "VARCHAR", "posted_at": "VARCHAR", "department": "VARCHAR", "team": "VARCHAR",
    "employment_type": "VARCHAR", "salary_min": "DOUBLE", "salary_max": "DOUBLE",
    "salary_currency": "VARCHAR", "salary_period": "VARCHAR", "description_html": "VARCHAR",
    "description": "VARCHAR", "content_hash": "VARCHAR", "raw": "VARCHAR",
}
_MUTABLE = ("company", "title", "location", "remote", "url", "posted_at", "department", "team",
            "employment_type", "salary_min", "salary_max", "salary_currency", "salary_period",
            "description", "content_hash", "last_seen", "last_scan_id")


def _stage(con: duckdb.DuckDBPyConnection, files: list[Path]) -> None:
    columns = ", ".join(f"{name} {kind}" for name, kind in STAGED_COLUMNS.items())
    con.execute(f"CREATE OR REPLACE TEMP TABLE staged_raw ({columns})")
    files = [str(f) for f in files if f.stat().st_size > 0]
    if files:
        spec = "{" + ", ".join(f"'{name}': '{kind}'" for name, kind in STAGED_COLUMNS.items()) + "}"
        con.execute(f"INSERT INTO staged_raw SELECT * FROM read_json(?, format='newline_delimited', columns={spec})",
                    [files])
    # a board may list the same posting twice: keep one row per posting_id
    con.execute("""CREATE OR REPLACE TEMP TABLE staged AS
                   SELECT * EXCLUDE (posted_at), TRY_CAST(posted_at AS TIMESTAMPTZ) AS posted_at FROM staged_raw
                   QUALIFY row_number() OVER (PARTITION BY posting_id ORDER BY content_hash) = 1""")


def load_scan(con: duckdb.DuckDBPyConnection, *, started_at: datetime, origin: str,
              posting_files: list[Path], statuses: list[dict]) -> int:
    """Record one scan and merge its postings; returns the scan_id."""
    con.execute("BEGIN")
    try:
        scan_id = con.execute("SELECT nextval('scan_ids')").fetchone()[0]
        con.execute("INSERT INTO scans VALUES (?, ?, NULL, ?)", [scan_id, started_at, origin])
        _stage(con, posting_files)
        _record_sources(con, scan_id, statuses)
        con.execute("""INSERT INTO posting_versions
                       SELECT posting_id, content_hash, ?, ?, description_html, raw::JSON FROM staged
                       ON CONFLICT DO NOTHING""", [started_at, scan_id])
        updates = ", ".join(f"{c} = excluded.{c}" for c in _MUTABLE)
        con.execute(f"""INSERT INTO postings
                        SELECT posting_id, ats, board, native_id, company, title, location, remote, url,
                               posted_at, department, team, employment_type, salary_min, salary_max,
                               salary_currency, salary_period, description, content_hash,
                               $1 AS first_seen, $1 AS last_seen, NULL AS closed_at, $2 AS last_scan_id
                        FROM staged
                        ON CONFLICT (posting_id) DO UPDATE SET {updates}, closed_at = NULL""",
                    [started_at, scan_id])
        # gone from a board that answered: the posting has closed
        con.execute("""UPDATE postings p SET closed_at = $1
                       WHERE closed_at IS NULL AND last_scan_id <> $2 AND EXISTS (
                           SELECT 1 FROM scan_sources s WHERE s.scan_id = $2 AND s.status = 'ok'
                           AND s.ats = p.ats AND s.board = p.board)""", [started_at, scan_id])
        con.execute("UPDATE scans SET finished_at = now() WHERE scan_id = ?", [scan_id])
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    return scan_id


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
         "reason": r["reason"], "raw": json.dumps(r["raw"], ensure_ascii=False, default=str)}
        for s in statuses for r in s["rejects"]], schema=pa.schema([
            ("scan_id", pa.int64()), ("company", pa.string()), ("ats", pa.string()), ("board", pa.string()),
            ("reason", pa.string()), ("raw", pa.string())]))
    con.register("incoming_sources", sources)
    con.register("incoming_rejects", rejects)
    con.execute("INSERT INTO scan_sources SELECT * FROM incoming_sources")
    con.execute("INSERT INTO rejects SELECT scan_id, company, ats, board, reason, raw::JSON FROM incoming_rejects")
    con.unregister("incoming_sources")
    con.unregister("incoming_rejects")
