"""The Prefect flows on one temporary Prefect API: market-scan end to end over the recorded boards on loopback
(real crawl, DuckDB file, models), the weekly flows on its warehouse, every run recorded; `marketfit run`."""

from __future__ import annotations

import json
import shutil
from datetime import date, timedelta

import pytest
from prefect.client.orchestration import get_client
from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterId

import flows
import pipelines.scan
from flows import DataCheckError, market_scan, skill_trends, weekly_targets
from models.embedder import Embedder
from pipelines.scan import SCAN_STEPS
from pipelines.targets import TargetsError
from scrapers.replay import ReplayServer
from tests.conftest import BOARDS
from tests.helpers import DEMO, FIXTURES, marketfit
from warehouse.db import reader, writer

PROFILE = DEMO / "profile.toml"  # "alex"
THIS_MONDAY = date.today() - timedelta(days=date.today().weekday())


class CountingEmbedder(Embedder):
    """The real embedder, counting how often it is loaded."""
    loads = 0

    def __init__(self, *args, **kwargs):
        type(self).loads += 1
        super().__init__(*args, **kwargs)


@pytest.fixture(scope="module")
def sources_file(tmp_path_factory):
    """A sources file for the recorded boards, served on loopback for the whole module."""
    path = tmp_path_factory.mktemp("sources") / "sources.toml"
    with ReplayServer(FIXTURES / "ats") as server:
        path.write_text('allow_hosts = ["127.0.0.1"]\n' + "".join(
            f'\n[[source]]\ncompany = "{company}"\nats = "{ats}"\nboard = "{board}"\nurl = "{server.base_url}/{file}"\n'
            for company, ats, board, file in BOARDS), encoding="utf-8")
        yield path


def _scan_counting_loads(sources_file, db, profiles) -> tuple[dict, int]:
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(pipelines.scan, "Embedder", CountingEmbedder)
        CountingEmbedder.loads = 0
        summary = market_scan(sources_file, profiles, db)
        return summary, CountingEmbedder.loads


@pytest.fixture(scope="module")
def scanned(prefect_api, sources_file, tmp_path_factory):
    """One market-scan run with the demo profile: (warehouse, summary, embedder loads)."""
    db = tmp_path_factory.mktemp("scanned") / "warehouse.duckdb"
    summary, loads = _scan_counting_loads(sources_file, db, [PROFILE])
    return db, summary, loads


@pytest.fixture
def scanned_copy(scanned, tmp_path):
    copy = tmp_path / "warehouse.duckdb"
    shutil.copy(scanned[0], copy)
    return copy


def _runs(db) -> list[tuple]:
    with reader(db) as con:
        return con.execute("SELECT run_id, flow, status, scan_id, error, prefect_id::VARCHAR FROM flow_runs "
                           "ORDER BY run_id").fetchall()


def test_market_scan_crawls_loads_enriches_and_scores_with_the_embedder_loaded_once(scanned):
    db, summary, loads = scanned
    assert summary == {"scan_id": 1, "sources": {"ok": 4}, "postings_seen": 16, "postings_added": 16,
                       "steps": {"dedupe": 16, "sections": 16, "embed": 16, "classify": 16, "skills": 16}, "title_only": 0,
                       "scored": {"alex": 16},
                       "checks_failed": []}
    assert loads == 1  # shared by the embed and fit tasks
    with reader(db) as con:
        assert con.execute("SELECT count(*) FROM fit_ranked WHERE profile = 'alex'").fetchone()[0] == 16
        assert con.execute("SELECT count(*) FROM postings_current WHERE hire_type IS NOT NULL").fetchone()[0] == 16


def test_market_scan_is_recorded_in_the_warehouse_and_in_prefect(scanned):
    db = scanned[0]
    (run_id, flow, status, scan_id, error, prefect_id), = _runs(db)
    assert (flow, status, scan_id, error) == ("market-scan", "completed", 1, None)
    with reader(db) as con:
        checks = con.execute("SELECT name, failing_rows FROM check_results WHERE run_id = ?", [run_id]).fetchall()
    assert len(checks) >= 5 and all(failing == 0 for _, failing in checks)
    with get_client(sync_client=True) as client:
        run = client.read_flow_run(prefect_id)
        tasks = client.read_task_runs(flow_run_filter=FlowRunFilter(id=FlowRunFilterId(any_=[run.id])))
    assert run.state.is_completed()
    names = sorted(t.name for t in tasks)
    assert {step.name for step in SCAN_STEPS} | {"fit-alex"} <= set(names)
    assert sum(n.startswith("crawl-") for n in names) == 1 and sum(n.startswith("check-") for n in names) == 1
    assert len(names) == len(SCAN_STEPS) + 3  # batches: one task per step, never one per posting


def test_a_failing_error_check_fails_the_rescan_which_added_nothing_and_is_recorded(scanned, sources_file,
                                                                                     scanned_copy):
    with writer(scanned_copy) as con:  # a score out of range, as a broken scorer would write it
        con.execute("INSERT INTO fit_scores SELECT 'ghost', 'h', posting_id, content_hash, 140, '{}', now(), 0, '' "
                    "FROM postings LIMIT 1")
    with pytest.raises(DataCheckError, match="data checks failed: fit_score_in_range"):
        _scan_counting_loads(sources_file, scanned_copy, [PROFILE])
    assert CountingEmbedder.loads == 1
    runs = _runs(scanned_copy)
    assert [(r[1], r[2], r[3]) for r in runs] == [("market-scan", "completed", 1), ("market-scan", "failed", 2)]
    assert runs[-1][4] == "DataCheckError: data checks failed: fit_score_in_range"
    with reader(scanned_copy) as con:
        summary = json.loads(con.execute("SELECT summary FROM flow_runs WHERE run_id = ?", [runs[-1][0]]).fetchone()[0])
        failing = con.execute("SELECT name, severity, failing_rows FROM check_results WHERE run_id = ? "
                              "AND failing_rows > 0", [runs[-1][0]]).fetchall()
    assert failing == [("fit_score_in_range", "error", 1)]
    assert (summary["postings_added"], summary["scored"], summary["checks_failed"]) == \
        (0, {"alex": 0}, ["fit_score_in_range"])
    assert summary["steps"] == {"dedupe": 0, "sections": 0, "embed": 0, "classify": 0, "skills": 0}  # new content only


def test_weekly_flows_build_on_the_scanned_warehouse_and_a_bad_week_is_recorded(scanned_copy):
    targets = weekly_targets([PROFILE], None, scanned_copy)
    assert targets["week"] == THIS_MONDAY.isoformat()
    assert targets["targets"]["alex"]["ranked"] == 4  # the four companies with scored open roles
    with reader(scanned_copy) as con:
        assert con.execute("SELECT count(*) FROM target_companies WHERE week = ? AND profile = 'alex'",
                           [THIS_MONDAY]).fetchone()[0] == 4
    trends = skill_trends(THIS_MONDAY.isoformat(), scanned_copy)
    assert trends["week"] == THIS_MONDAY.isoformat()
    assert trends["trends"]["until"] == (THIS_MONDAY + timedelta(days=7)).isoformat()
    assert trends["trends"]["skills_named"] > 0
    with pytest.raises(TargetsError, match="is not a date"):
        skill_trends("someday", scanned_copy)
    assert [(r[1], r[2]) for r in _runs(scanned_copy)][1:] == [
        ("weekly-targets", "completed"), ("skill-trends", "completed"), ("skill-trends", "failed")]


def test_tasks_run_outside_prefect_and_only_the_crawl_retries(scanned_copy):
    results = flows.check.fn(scanned_copy)
    assert results and all(r.passed for r in results)
    assert flows.crawl.retries == 2
    assert all(t.retries == 0 for t in (flows.run_step, flows.fit, flows.check, flows.targets, flows.trends))


def test_run_command_runs_one_flow_through_prefect(prefect_api, scanned_copy, monkeypatch):
    monkeypatch.setenv("PREFECT_API_URL", prefect_api)
    result = marketfit("run", "weekly-targets", "--profile", str(PROFILE), "--db", str(scanned_copy))
    assert json.loads(result.stdout)["targets"]["alex"]["ranked"] == 4
    assert _runs(scanned_copy)[-1][1:3] == ("weekly-targets", "completed")


@pytest.mark.parametrize("args, message", [
    (["run", "market-scan"], "error: market-scan takes --sources (required)"),
    (["run", "weekly-targets", "--profile", "missing.toml"], "missing.toml"),
    (["run", "skill-trends", "--week", "someday"], "error: week 'someday' is not a date"),
    (["run", "nightly"], "nightly"),
])
def test_run_command_refuses_bad_input_and_writes_nothing(tmp_path, args, message):
    db = tmp_path / "warehouse.duckdb"
    result = marketfit(*args, "--db", str(db), check=False)
    assert result.returncode == 2 and message in result.stderr
    assert not db.exists()
