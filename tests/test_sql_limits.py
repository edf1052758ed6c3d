"""`marketfit sql` within limits (issue 17): rows streamed in batches and capped by default, a time limit that
interrupts the query, a memory limit; each refusal is one line on stderr with exit code 2."""

from __future__ import annotations

import json
import subprocess
import sys
import time

import pytest

from tests.helpers import REPO, marketfit
from warehouse.db import writer


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    path = tmp_path_factory.mktemp("sql") / "w.duckdb"
    with writer(path):
        pass
    return path


def test_rows_are_capped_by_default_with_a_note(db):
    result = marketfit("sql", "SELECT * FROM range(30000000)", "--db", str(db), "--format", "json")
    assert [row["range"] for row in json.loads(result.stdout)] == list(range(1000))
    assert result.stderr.strip() == "note: the first 1000 rows; --limit N shows more (0: all)"


def test_limit_zero_prints_every_row_and_no_note(db):
    result = marketfit("sql", "SELECT * FROM range(2500) t(n)", "--db", str(db), "--format", "csv", "--limit", "0")
    assert result.stdout.splitlines() == ["n", *map(str, range(2500))] and result.stderr == ""
    exact = marketfit("sql", "SELECT * FROM range(7) t(n)", "--db", str(db), "--format", "csv", "--limit", "7")
    assert exact.stdout.splitlines()[-1] == "6" and exact.stderr == ""  # exactly the limit: nothing was cut


def test_rows_are_streamed_and_a_timeout_interrupts_the_query(db):
    """An endless result starts printing at once (fetchall() would print nothing), and --timeout stops it."""
    started = time.monotonic()
    result = marketfit("sql", "SELECT * FROM range(1000000000000) t(n)", "--db", str(db), "--format", "csv",
                       "--limit", "0", "--timeout", "2", check=False)
    assert time.monotonic() - started < 60
    assert result.returncode == 2
    assert result.stderr.strip() == "error: query stopped after 2 s (--timeout sets how long it may run)"
    assert result.stdout.startswith("n\n0\n1\n2\n") and len(result.stdout.splitlines()) > 10000


def test_a_long_query_is_stopped_by_the_timeout(db):
    started = time.monotonic()
    result = marketfit("sql", "SELECT count(*) FROM range(100000000000000)", "--db", str(db), "--timeout", "1",
                       check=False)
    assert time.monotonic() - started < 60
    assert result.returncode == 2 and "query stopped after 1 s" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_out_of_memory_is_one_line(db):
    result = marketfit("sql", "SELECT list(range) FROM range(20000000)", "--db", str(db), "--memory-limit", "20MB",
                       check=False)
    assert result.returncode == 2
    assert result.stderr.strip() == ("error: query ran out of memory (--memory-limit 20MB); select fewer rows or "
                                     "columns, or raise the limit")


@pytest.mark.parametrize("args, message", [
    (["--memory-limit", "lots"], "memory limit 'lots'"),
    (["--limit", "-1"], "--limit must be 0"),
    (["--timeout", "0"], "--timeout more than 0"),
])
def test_bad_limits_are_one_line(db, args, message):
    result = marketfit("sql", "SELECT 1", "--db", str(db), *args, check=False)
    assert result.returncode == 2 and message in result.stderr and len(result.stderr.strip().splitlines()) == 1


def test_json_columns_come_back_as_objects_in_json_output(db):
    query = """SELECT '{"matched": [{"requirement": "Go", "similarity": 0.7}]}'::JSON AS explanation,
                      '["a"]'::JSON AS evidence, '{"not": "json typed"}' AS text, NULL::JSON AS missing"""
    rows = json.loads(marketfit("sql", query, "--db", str(db), "--format", "json").stdout)
    assert rows == [{"explanation": {"matched": [{"requirement": "Go", "similarity": 0.7}]}, "evidence": ["a"],
                     "text": '{"not": "json typed"}', "missing": None}]


def test_csv_on_stdout_ends_lines_with_a_bare_newline(db):
    result = subprocess.run([sys.executable, str(REPO / "cli.py"), "sql", "SELECT 32 AS n, 'a,b' AS s",
                             "--db", str(db), "--format", "csv"], capture_output=True, cwd=REPO, check=True)
    assert result.stdout == b'n,s\n32,"a,b"\n'   # bytes: text mode would hide a \r
