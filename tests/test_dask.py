"""Scans fanned out on a real Dask LocalCluster (2 worker processes): the same results as a plain scan, a worker
killed mid-crawl, and the --dask option's errors."""

from __future__ import annotations

import os
import signal
import threading
import time

import psutil
import pytest

from pipelines.cluster import ClusterError, parse_dask, shard
from pipelines.scan import run_scan
from scrapers.replay import ReplayServer
from scrapers.items import Source
from tests.conftest import BOARDS
from tests.fault_server import FaultServer
from tests.helpers import DEMO, FIXTURES, marketfit
from warehouse.db import reader


@pytest.mark.parametrize("spec, message", [
    ("local:0", "at least one worker"),
    ("local", "scheduler address (tcp://host:8786) or local:N"),
    ("localhost:8786", "scheduler address (tcp://host:8786) or local:N"),
    ("tcp://scheduler", "scheduler address (tcp://host:8786) or local:N"),
])
def test_a_bad_dask_value_is_refused(spec, message):
    with pytest.raises(ClusterError, match="--dask"):
        parse_dask(spec)
    assert message in str(pytest.raises(ClusterError, parse_dask, spec).value)


def test_scheduler_addresses_and_local_clusters_parse():
    assert parse_dask("tcp://10.0.0.5:8786").local_workers is None
    assert parse_dask("local:3").local_workers == 3


def test_the_commands_refuse_a_bad_dask_value_in_one_line(tmp_path):
    for args in (("scan", "--sources", str(DEMO / "sources.toml"), "--dask", "local:0"),
                 ("run", "market-scan", "--sources", str(DEMO / "sources.toml"), "--dask", "cluster"),
                 ("run", "skill-trends", "--dask", "local:2")):
        result = marketfit(*args, "--db", str(tmp_path / "w.duckdb"), check=False)
        assert result.returncode == 2, args
        assert result.stderr.count("\n") == 1 and "--dask" in result.stderr, result.stderr
        assert not (tmp_path / "w.duckdb").exists()


def test_shards_are_round_robin_two_per_worker_at_most():
    assert shard(5, 2) == [[0, 4], [1], [2], [3]]
    assert shard(2, 4) == [[0], [1]]
    assert sorted(i for s in shard(363, 3) for i in s) == list(range(363))


def _sources_file(path, server) -> None:
    path.write_text('allow_hosts = ["127.0.0.1"]\n' + "".join(
        f'\n[[source]]\ncompany = "{company}"\nats = "{ats}"\nboard = "{board}"\nurl = "{server.base_url}/{file}"\n'
        for company, ats, board, file in BOARDS), encoding="utf-8")


def _results(db) -> dict:
    with reader(db) as con:
        return {
            "postings": con.execute("""SELECT posting_id, title, company, location, country, seniority, content_hash,
                                              posted_at, closed_at FROM postings ORDER BY posting_id""").fetchall(),
            "hire_types": con.execute("SELECT posting_id, hire_type FROM hire_types ORDER BY 1").fetchall(),
            "fit": con.execute("SELECT posting_id, round(fit_score, 4) FROM fit_scores ORDER BY 1").fetchall(),
            "runs": con.execute("SELECT executor, workers FROM scan_runs").fetchall(),
        }


def test_a_scan_on_local_2_equals_a_plain_scan(tmp_path):
    sources = tmp_path / "sources.toml"
    with ReplayServer(FIXTURES / "ats") as server:
        _sources_file(sources, server)
        for name, extra in (("plain", ()), ("dask", ("--dask", "local:2"))):
            marketfit("scan", "--sources", str(sources), "--profile", str(DEMO / "profile.toml"),
                      "--db", str(tmp_path / f"{name}.duckdb"), "--device", "cpu", *extra)
    plain, dask = _results(tmp_path / "plain.duckdb"), _results(tmp_path / "dask.duckdb")
    assert plain["runs"] == [("local", 1)] and dask["runs"] == [("dask", 2)]
    assert len(plain["postings"]) == 16 and len(plain["hire_types"]) == 16 and plain["fit"]
    for key in ("postings", "hire_types", "fit"):
        assert dask[key] == plain[key], key
    assert not list((tmp_path / "dask.duckdb.dask").iterdir())  # the part files went with the scan


def _kill_the_worker_crawling(path: str, server: FaultServer, done: threading.Event, killed: list[int]) -> None:
    """When the board at ``path`` is asked for, SIGKILL the Dask worker whose crawl child asks (and that child)."""
    while not server.hits_for(path) and not done.is_set():
        time.sleep(0.05)
    for process in psutil.Process().children(recursive=True):
        try:
            command = process.cmdline()
            if "scrapers.crawl" in command and path in open(command[-2], encoding="utf-8").read():
                worker = process.parent()
                os.kill(worker.pid, signal.SIGKILL)
                os.kill(process.pid, signal.SIGKILL)
                killed.append(worker.pid)
        except (psutil.Error, OSError, IndexError):
            continue


def test_a_worker_killed_mid_crawl_fails_its_boards_and_the_rest_loads(tmp_path):
    db = tmp_path / "w.duckdb"
    with FaultServer(slow_seconds=8) as server:
        sources = [Source(f"Co {name}", "greenhouse", name, server.url(f"/board/{name}"), allow_hosts=("127.0.0.1",))
                   for name in ("good", "good-2", "slow", "empty")]  # local:2: four shards of one board each
        done, killed = threading.Event(), []
        watcher = threading.Thread(target=_kill_the_worker_crawling, args=("/board/slow", server, done, killed))
        watcher.start()
        try:
            first = run_scan(db, sources, "test", [], device="cpu", dask=parse_dask("local:2"))
        finally:
            done.set()
            watcher.join()
        assert killed, "the slow board's worker was not found"
        assert first.sources == {"ok": 3, "failed": 1} and first.postings_added == 5
        with reader(db) as con:
            assert con.execute("SELECT board, error FROM scan_log WHERE status = 'failed'").fetchall() == [
                ("slow", "dask worker lost during crawl shard 2")]
            assert con.execute("SELECT executor, workers FROM scan_runs").fetchall() == [("dask", 2)]
        again = run_scan(db, sources, "rerun", [], device="cpu", dask=parse_dask("local:2"))
    assert again.sources == {"ok": 4} and again.postings_added == 1  # the slow board's one
    with reader(db) as con:
        assert con.execute("SELECT count(*) FROM postings WHERE closed_at IS NULL").fetchone()[0] == 6
        assert con.execute("SELECT count(*) FROM embeddings").fetchone()[0] == 6  # each text once, across workers


def test_serve_passes_dask_to_the_market_scan_deployment_only(tmp_path):
    import flows

    planned = {d.flow_name: d.parameters for d in flows.deployments(DEMO / "sources.toml", [DEMO / "profile.toml"],
                                                                     None, "0 6 * * *", "0 7 * * 1", "local:2")}
    assert planned["market-scan"]["dask"] == "local:2"
    assert "dask" not in planned["weekly-targets"] and "dask" not in planned["skill-trends"]
    result = marketfit("serve", "--dask", "local:2", "--db", str(tmp_path / "w.duckdb"), check=False)
    assert result.returncode == 2 and "needs --sources" in result.stderr


def test_the_market_scan_flow_fans_out_with_dask(prefect_api, tmp_path):
    from flows import market_scan

    sources = tmp_path / "sources.toml"
    with ReplayServer(FIXTURES / "ats") as server:
        _sources_file(sources, server)
        summary = market_scan(sources, [], tmp_path / "w.duckdb", "local:2")
    assert summary["sources"] == {"ok": 4} and summary["steps"]["embed"] == 16
    with reader(tmp_path / "w.duckdb") as con:
        assert con.execute("SELECT executor, workers FROM scan_runs").fetchall() == [("dask", 2)]
        assert con.execute("SELECT flow, status FROM flow_runs").fetchall() == [("market-scan", "completed")]
