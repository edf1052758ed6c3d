"""`marketfit load FILE`: JSONL postings or a JobSpy CSV export into a real warehouse, like a scan.

Fixtures (written for this repository, invented companies): tests/fixtures/imports/.
``jobspy_jobs.csv`` has JobSpy's 34 export columns, written the way its README exports
(``to_csv(quoting=csv.QUOTE_NONNUMERIC, escapechar="\\\\", index=False)``).
"""

from __future__ import annotations

import shutil

import pytest

from pipelines.imports import import_postings
from scrapers.files import jobspy_postings, read_import
from tests.helpers import FIXTURES, marketfit
from warehouse.db import reader

IMPORTS = FIXTURES / "imports"
JOBSPY = IMPORTS / "jobspy_jobs.csv"
JSONL = IMPORTS / "kestrel_postings.jsonl"


def _rows(db, sql: str, params: list | None = None) -> list[tuple]:
    with reader(db) as con:
        return con.execute(sql, params or []).fetchall()


def _counts(db) -> tuple:
    return _rows(db, """SELECT (SELECT count(*) FROM postings), (SELECT count(*) FROM posting_versions),
                               (SELECT count(*) FROM embeddings), (SELECT count(*) FROM hire_types)""")[0]


def test_jobspy_rows_map_to_the_posting_contract():
    backend, ml, dispatcher, analyst, untitled = jobspy_postings(JOBSPY)
    assert (backend["ats"], backend["board"], backend["native_id"]) == ("indeed", "jobspy", "in-7f3a9c2e41b0d5a6")
    assert backend["url"] == "https://www.indeed.com/viewjob?jk=7f3a9c2e41b0d5a6" and backend["remote"] is None
    assert [backend[k] for k in ("salary_min", "salary_max", "salary_currency", "salary_period")] == [
        "150000.0", "185000.0", "USD", "year"]
    # JobSpy's markdown, with its backslash escapes and doubled quotes read back as written
    assert "water\\-quality sensors" in backend["description"] and 'Shipped "boring" reliable' in backend["description"]
    assert backend["raw"]["job_url_direct"] == "https://careers.brightwater.example/jobs/311"
    assert (ml["ats"], ml["remote"], ml["department"], ml["employment_type"]) == (
        "linkedin", "remote", "Engineering and Information Technology", "fulltime, contract")
    assert ml["salary_min"] is None and ml["salary_period"] is None
    assert dispatcher["ats"] == "zip_recruiter" and dispatcher["salary_period"] == "hour"
    assert dispatcher["description_html"].startswith("<p>Coordinate") and dispatcher["description"] is None
    assert analyst["salary_period"] == "month" and analyst["posted_at"] == "2026-05-01"
    assert untitled["title"] is None  # rejected when normalised


def test_load_jobspy_csv_then_reload_adds_nothing(tmp_path):
    db = tmp_path / "w.duckdb"
    first = marketfit("load", str(JOBSPY), "--db", str(db))
    assert "5 postings read, 4 new, 1 rejected" in first.stdout
    assert _counts(db) == (4, 4, 4, 4)  # embedded and classified like a scan
    assert _rows(db, "SELECT ats, board, company, salary_period FROM postings ORDER BY ats") == [
        ("glassdoor", "jobspy", "Pinecrest Credit Union", "month"), ("indeed", "jobspy", "Brightwater Labs", "year"),
        ("linkedin", "jobspy", "Copperleaf Retail", None), ("zip_recruiter", "jobspy", "Harrow Freight", "hour")]
    assert _rows(db, "SELECT ats, reason, raw->>'$.id' FROM rejects") == [("indeed", "missing title", "in-0000deadbeef")]
    log = _rows(db, "SELECT DISTINCT status, company, url FROM scan_log")
    assert log == [("not_modified", "jobspy_jobs.csv", JOBSPY.resolve().as_uri())]

    again = marketfit("load", str(JOBSPY), "--db", str(db))
    assert "5 postings read, 0 new, 1 rejected" in again.stdout
    assert _counts(db) == (4, 4, 4, 4)
    assert _rows(db, "SELECT count(*) FROM scans") == [(2,)]

    # a later search that finds fewer postings closes nothing: a search result is not a whole board
    fewer = tmp_path / "later_search.csv"
    fewer.write_text("".join(JOBSPY.read_text(encoding="utf-8").splitlines(keepends=True)[:1])
                     + '"in-1","indeed","https://www.indeed.com/viewjob?jk=1","","Welder","Forge Co","Erie, PA, US"'
                     + ',"2026-05-07"' + ',""' * 26 + "\n", encoding="utf-8")
    import_postings(db, fewer, read_import(fewer))
    assert _rows(db, "SELECT count(*) FROM postings_current") == [(5,)]


def test_load_jsonl_the_file_is_its_own_board(tmp_path):
    db = tmp_path / "w.duckdb"
    result = marketfit("load", str(JSONL), "--db", str(db))
    assert "4 postings read, 2 new, 2 rejected" in result.stdout
    assert _rows(db, "SELECT ats, board, native_id, remote, salary_max FROM postings ORDER BY native_id") == [
        ("file", "kestrel_postings", "102", "remote", None), ("file", "kestrel_postings", "ks-101", "hybrid", 95000.0)]
    assert sorted(_rows(db, "SELECT reason FROM rejects")) == [
        ("company is a int, expected text",), ("salary_min is not a number: 'competitive'",)]
    assert _rows(db, "SELECT status, items, rejected FROM scan_log") == [("ok", 2, 2)]
    assert _counts(db)[2:] == (2, 2)

    # a newer export of the same file without ks-101: that posting has closed
    newer = tmp_path / "kestrel_postings.jsonl"
    newer.write_text(JSONL.read_text(encoding="utf-8").splitlines(keepends=True)[1], encoding="utf-8")
    summary = import_postings(db, newer, read_import(newer))
    assert (summary.read, summary.added, summary.rejected) == (1, 0, 0)
    assert _rows(db, "SELECT native_id FROM postings WHERE closed_at IS NOT NULL") == [("ks-101",)]


@pytest.mark.parametrize("name, content, message", [
    ("jobs.xlsx", b"PK\x03\x04", "unsupported file type '.xlsx'"),
    ("jobs.csv", b"", "missing columns ['site', 'job_url', 'title']"),
    ("jobs.csv", b"title,company\nBaker,Crumb\n", "not a JobSpy CSV export: missing columns ['site', 'job_url']"),
    ("jobs.csv", b"id,site,job_url,title\n", "no postings in file"),
    ("jobs.csv", b'id,site,job_url,title\n1,indeed,https://x.example/1,Baker,extra\n', ":2: 4 columns in the header"),
    ("jobs.csv", b"id,site,job_url,title\n1,indeed,\xff\xfe,Baker\n", "not UTF-8"),
    ("jobs.jsonl", b'{"id": 1, "title": "Baker"}\n', "'description' is missing"),
    ("missing.jsonl", None, "file not found"),
])
def test_bad_file_one_line_exit_2_nothing_written(tmp_path, name, content, message):
    path = tmp_path / name
    if content is not None:
        path.write_bytes(content)
    db = tmp_path / "w.duckdb"
    result = marketfit("load", str(path), "--db", str(db), check=False)
    assert result.returncode == 2 and message in result.stderr and str(path) in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert not db.exists()


def test_jsonl_with_any_suffix_case_and_ndjson(tmp_path):
    copy = tmp_path / "Saved.NDJSON"
    shutil.copy(JSONL, copy)
    postings = read_import(copy)
    assert [(p["ats"], p["board"], p["native_id"]) for p in postings] == [
        ("file", "Saved", "ks-101"), ("file", "Saved", "102"), ("file", "Saved", "ks-103"), ("file", "Saved", "ks-104")]
