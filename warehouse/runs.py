"""The record of each flow run and the data checks it ran (flow_runs, check_results), and how a check's
query (a file in checks/) is run."""

from __future__ import annotations

import json
from datetime import datetime, timezone

import duckdb

from warehouse.db import transaction


def failing_rows(con: duckdb.DuckDBPyConnection, check_sql: str, sample_rows: int) -> tuple[int, list[dict]]:
    """How many rows a check's SELECT returns, and the first ``sample_rows`` of them as dicts."""
    # the query goes on its own lines: a check may end with a comment
    (failing,), = con.execute(f"SELECT count(*) FROM (\n{check_sql}\n)").fetchall()
    cursor = con.execute(f"SELECT * FROM (\n{check_sql}\n) LIMIT {int(sample_rows)}")
    columns = [d[0] for d in cursor.description]
    return failing, [dict(zip(columns, row)) for row in cursor.fetchall()]


def insert_run(con: duckdb.DuckDBPyConnection, *, flow: str, prefect_id: str | None, started_at: datetime,
               status: str, summary: dict, checks: list[tuple[str, str, int, list[dict]]], scan_id: int | None,
               error: str | None) -> int:
    """One flow_runs row and its check_results ((name, severity, failing rows, sample) each) in one
    transaction; returns the run_id."""
    with transaction(con):
        run_id, = con.execute("SELECT nextval('flow_run_ids')").fetchall()[0]
        con.execute("INSERT INTO flow_runs VALUES (?, ?, ?, ?, ?, ?, ?, ?::JSON, ?)",
                    [run_id, flow, prefect_id, started_at, datetime.now(timezone.utc), status, scan_id,
                     json.dumps(summary, default=str), error])
        if checks:
            con.executemany("INSERT INTO check_results VALUES (?, ?, ?, ?, ?::JSON)",
                            [[run_id, name, severity, failing, json.dumps(sample, default=str)]
                             for name, severity, failing, sample in checks])
    return run_id
