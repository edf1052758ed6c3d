"""Data checks (warehouse/checks/*.sql) on a real crawled warehouse: they pass on good data and each one
catches the breakage it is written for."""

from __future__ import annotations

import json
import shutil
from datetime import datetime, timezone

import duckdb
import pytest

from pipelines.checks import SAMPLE_ROWS, CheckFileError, CheckResult, load_checks, record_run, run_checks
from pipelines.scan import crawl_and_load
from scrapers.replay import ReplayServer
from scrapers.items import Source
from tests.conftest import BOARDS
from tests.helpers import FIXTURES
from warehouse.db import CHECKS, reader

FIRST = "(SELECT min(posting_id) FROM postings)"


@pytest.fixture(scope="module")
def loaded(tmp_path_factory):
    """The recorded boards crawled and loaded once (not classified: the warn check has rows to show)."""
    path = tmp_path_factory.mktemp("loaded") / "warehouse.duckdb"
    with ReplayServer(FIXTURES / "ats") as server:
        crawl_and_load(path, [Source(company, ats, board, f"{server.base_url}/{file}", allow_hosts=("127.0.0.1",))
                              for company, ats, board, file in BOARDS], "test")
    return path


@pytest.fixture
def warehouse(loaded, tmp_path):
    copy = tmp_path / "warehouse.duckdb"
    shutil.copy(loaded, copy)
    return copy


def _failing(results: list[CheckResult]) -> dict[str, int]:
    return {r.name: r.failing_rows for r in results if not r.passed}


def test_every_shipped_check_states_its_rule_severity_and_the_convention():
    checks = load_checks()
    assert {c.name for c in checks} >= {"unique_current_posting", "posting_has_version", "fit_score_in_range",
                                        "posting_timeline", "open_posting_classified"}
    for check in checks:
        assert check.severity in ("error", "warn") and check.rule.endswith(".")
        assert "returning the rows that break the rule" in (CHECKS / f"{check.name}.sql").read_text()


def test_a_fresh_load_passes_every_error_check_and_the_warn_check_lists_what_is_unclassified(warehouse):
    results = run_checks(warehouse)
    assert not any(r.fails_run for r in results)
    assert _failing(results) == {"open_posting_classified": 16}
    unclassified = next(r for r in results if r.name == "open_posting_classified")
    assert unclassified.severity == "warn" and len(unclassified.sample) == SAMPLE_ROWS
    assert set(unclassified.sample[0]) == {"posting_id", "company", "title"}


# Each breakage is written behind the warehouse's back (a raw connection: no migration re-creates the views).
BREAKAGES = {
    "unique_current_posting": ("CREATE OR REPLACE VIEW postings_current AS SELECT * FROM postings "
                               f"UNION ALL SELECT * FROM postings WHERE posting_id = {FIRST}", 1),
    "posting_has_version": (f"DELETE FROM posting_versions WHERE posting_id = {FIRST}", 1),
    "fit_score_in_range": ("INSERT INTO fit_scores SELECT 'p', 'h', posting_id, content_hash, score, '{}', now(), 0, '' "
                           "FROM (SELECT posting_id, content_hash FROM postings ORDER BY posting_id LIMIT 3) "
                           "POSITIONAL JOIN (SELECT unnest([140.0, 'nan'::DOUBLE, 55.0]) AS score)", 2),
    "posting_timeline": (f"UPDATE postings SET closed_at = first_seen - INTERVAL 1 DAY WHERE posting_id = {FIRST}",
                         1),
}


def test_a_scan_status_outside_the_documented_ones_is_refused_by_the_table(warehouse):
    """No check repeats this: scan_sources' own CHECK constraint keeps its statuses to the documented ones."""
    con = duckdb.connect(str(warehouse))
    with pytest.raises(duckdb.ConstraintException, match="CHECK constraint"):
        con.execute("UPDATE scan_sources SET status = 'skipped'")
    with pytest.raises(duckdb.ConstraintException, match="NOT NULL"):
        con.execute("UPDATE scan_sources SET status = NULL")
    con.close()


@pytest.mark.parametrize("name", sorted(BREAKAGES))
def test_each_error_check_catches_its_breakage(warehouse, name):
    statement, expected = BREAKAGES[name]
    con = duckdb.connect(str(warehouse))
    con.execute(statement)
    con.close()
    results = run_checks(warehouse)
    assert {r.name: r.failing_rows for r in results if r.fails_run} == {name: expected}
    broken = next(r for r in results if r.name == name)
    assert broken.severity == "error" and len(broken.sample) == expected
    assert broken.describe().startswith(f"check {name} (error): {expected} failing rows: ")


def test_a_check_without_rule_or_severity_or_with_bad_sql_is_refused_by_name(warehouse, tmp_path):
    folder = tmp_path / "checks"
    folder.mkdir()
    (folder / "no_severity.sql").write_text("-- Postings exist.\nSELECT 1 WHERE false\n")
    with pytest.raises(CheckFileError, match="no_severity.sql: the header needs"):
        run_checks(warehouse, folder)
    (folder / "no_severity.sql").write_text("SELECT 1 WHERE false\n-- severity: error\n")
    with pytest.raises(CheckFileError, match="no_severity.sql: the first line must state the rule"):
        run_checks(warehouse, folder)
    (folder / "no_severity.sql").unlink()
    (folder / "typo.sql").write_text("-- Postings exist.\n-- severity: error\nSELEC 1\n")
    with pytest.raises(CheckFileError, match="typo.sql: Parser Error"):
        run_checks(warehouse, folder)


def test_checks_cannot_write_and_may_end_with_a_comment(warehouse, tmp_path):
    folder = tmp_path / "checks"
    folder.mkdir()
    (folder / "sneaky.sql").write_text("-- No writes.\n-- severity: warn\nDELETE FROM postings RETURNING posting_id")
    with pytest.raises(CheckFileError, match="sneaky.sql: "):
        run_checks(warehouse, folder)
    (folder / "sneaky.sql").write_text("-- Few postings.\n-- severity: warn\n"
                                       "SELECT posting_id FROM postings  -- every one, for the test\n;")
    result, = run_checks(warehouse, folder)
    assert (result.failing_rows, result.fails_run) == (16, False)
    with reader(warehouse) as con:
        assert con.execute("SELECT count(*) FROM postings").fetchone()[0] == 16


def test_record_run_keeps_the_run_and_its_check_results(warehouse):
    results = run_checks(warehouse)
    started = datetime.now(timezone.utc)
    first = record_run(warehouse, flow="market-scan", prefect_id=None, started_at=started, status="completed",
                       summary={"steps": {"embed": 0}}, checks=results, scan_id=1)
    second = record_run(warehouse, flow="skill-trends", prefect_id="0c3e2a55-40cc-4a4f-9a44-2f5a1c1e0b6d",
                        started_at=started, status="failed", summary={}, error="TargetsError: no week")
    assert second == first + 1
    with reader(warehouse) as con:
        runs = con.execute("SELECT run_id, flow, status, scan_id, summary, error FROM flow_runs ORDER BY run_id")
        assert [r[:4] + (json.loads(r[4]), r[5]) for r in runs.fetchall()] == [
            (first, "market-scan", "completed", 1, {"steps": {"embed": 0}}, None),
            (second, "skill-trends", "failed", None, {}, "TargetsError: no week")]
        rows = con.execute("SELECT name, severity, failing_rows, sample FROM check_results WHERE run_id = ? "
                           "ORDER BY name", [first]).fetchall()
    assert [(n, s, f) for n, s, f, _ in rows] == [(r.name, r.severity, r.failing_rows) for r in results]
    assert len(json.loads(dict((n, s) for n, _, _, s in rows)["open_posting_classified"])) == SAMPLE_ROWS

