"""Real crawls of recorded boards on loopback into a real DuckDB file."""

from __future__ import annotations

import dataclasses
import json
import shutil

import duckdb
import pytest

from pipelines.scan import crawl_and_load
from scrapers.items import Source
from tests.helpers import FIXTURES
from warehouse import db as db_module
from warehouse.db import reader, writer


def _count(db, sql: str) -> int:
    with reader(db) as con:
        return con.execute(sql).fetchone()[0]


def test_crawl_loads_every_board_and_records_the_scan(db, board_sources):
    scan_id, statuses, added = crawl_and_load(db, board_sources, "test")
    assert [s["status"] for s in statuses] == ["ok"] * len(board_sources)
    assert added == 16 and _count(db, "SELECT count(*) FROM postings") == 16
    with reader(db) as con:
        log = con.execute("SELECT company, ats, status, items, error FROM scan_log WHERE scan_id = ? ORDER BY company",
                          [scan_id]).fetchall()
        assert log == [("Anthropic", "greenhouse", "ok", 4, None), ("Outreach", "lever", "ok", 4, None),
                       ("Ramp", "ashby", "ok", 4, None), ("Spotify", "lever", "ok", 4, None)]
        kept = con.execute("SELECT count(*) FROM posting_versions v JOIN postings p USING (posting_id) "
                           "WHERE p.ats = 'greenhouse' AND v.raw->>'$.title' = p.title").fetchone()[0]
        assert kept == 4  # the raw payload is kept
        ids = con.execute("SELECT count(DISTINCT posting_id), count(DISTINCT content_hash) FROM postings").fetchone()
        assert ids == (16, 16)


def test_rescan_adds_no_rows_and_moves_last_seen(db, board_sources):
    crawl_and_load(db, board_sources, "first")
    with reader(db) as con:
        before = con.execute("SELECT posting_id, first_seen, last_seen FROM postings ORDER BY 1").fetchall()
    _, _, added = crawl_and_load(db, board_sources, "second")
    assert added == 0
    with reader(db) as con:
        after = con.execute("SELECT posting_id, first_seen, last_seen FROM postings ORDER BY 1").fetchall()
        assert con.execute("SELECT count(*) FROM posting_versions").fetchone()[0] == 16
        assert con.execute("SELECT count(*) FROM scans").fetchone()[0] == 2
    assert [r[0] for r in after] == [r[0] for r in before]
    assert all(a[1] == b[1] and a[2] > b[2] for a, b in zip(after, before))


def test_posting_gone_from_its_board_is_closed_not_deleted(db, board_sources, tmp_path):
    crawl_and_load(db, board_sources, "first")
    from scrapers.replay import ReplayServer

    smaller = tmp_path / "boards" / "greenhouse"
    smaller.mkdir(parents=True)
    payload = json.loads((FIXTURES / "ats/greenhouse/anthropic_jobs.json").read_text())
    payload["jobs"] = payload["jobs"][:3]
    (smaller / "anthropic.json").write_text(json.dumps(payload))
    with ReplayServer(tmp_path / "boards") as server:
        only = dataclasses.replace(board_sources[0], url=f"{server.base_url}/greenhouse/anthropic.json")
        crawl_and_load(db, [only], "second")
    assert _count(db, "SELECT count(*) FROM postings") == 16
    assert _count(db, "SELECT count(*) FROM postings WHERE closed_at IS NOT NULL") == 1
    assert _count(db, "SELECT count(*) FROM postings_current") == 15


def test_failing_board_is_logged_and_loses_nothing(db, board_sources):
    crawl_and_load(db, board_sources, "first")
    broken = [dataclasses.replace(board_sources[0], url=board_sources[0].url.replace("anthropic", "missing")),
              board_sources[1]]
    scan_id, statuses, added = crawl_and_load(db, broken, "second")
    assert [s["status"] for s in statuses] == ["failed", "ok"] and added == 0
    assert "404" in statuses[0]["error"]
    # a failed board closes nothing: its postings stay open
    assert _count(db, "SELECT count(*) FROM postings_current") == 16
    assert _count(db, f"SELECT count(*) FROM scan_log WHERE scan_id = {scan_id} AND status = 'failed'") == 1


def test_malformed_posting_is_rejected_with_reason_while_the_rest_loads(db, board_sources, tmp_path):
    from scrapers.replay import ReplayServer

    payload = json.loads((FIXTURES / "ats/lever/spotify_postings.json").read_text())
    del payload[1]["text"]  # a posting without its title
    (tmp_path / "b/lever").mkdir(parents=True)
    (tmp_path / "b/lever/spotify.json").write_text(json.dumps(payload))
    with ReplayServer(tmp_path / "b") as server:
        source = dataclasses.replace(board_sources[1], url=f"{server.base_url}/lever/spotify.json")
        scan_id, statuses, added = crawl_and_load(db, [source], "test")
    assert statuses[0]["status"] == "ok" and added == 3
    with reader(db) as con:
        reason, = con.execute("SELECT reason FROM rejects WHERE scan_id = ?", [scan_id]).fetchone()
    assert "text" in reason


def test_crash_inside_load_leaves_the_warehouse_as_it_was(db, board_sources, monkeypatch):
    import warehouse.load as load

    crawl_and_load(db, board_sources, "first")

    def explode(*args, **kwargs):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(load, "_record_sources", explode)
    with pytest.raises(RuntimeError):
        crawl_and_load(db, board_sources, "second")
    assert _count(db, "SELECT count(*) FROM scans") == 1
    assert _count(db, "SELECT count(*) FROM postings") == 16


def test_the_sources_file_names_the_company_and_the_payloads_spelling_is_kept(db, tmp_path):
    """Two Greenhouse boards whose payloads both say "Gong.io" stay two companies, as the user named them."""
    from scrapers.replay import ReplayServer

    with ReplayServer(FIXTURES / "ats") as server:
        url = f"{server.base_url}/greenhouse/gongio_list.json"
        sources = [Source("Gong", "greenhouse", "gongio", url, allow_hosts=("127.0.0.1",)),
                   Source("Gong Mirror", "greenhouse", "gong-mirror", url, allow_hosts=("127.0.0.1",))]
        crawl_and_load(db, sources, "two boards, one payload name")
    with reader(db) as con:
        rows = con.execute("""SELECT board, company, company_source_name, count(*) FROM postings_current
                              GROUP BY ALL ORDER BY board""").fetchall()
    assert rows == [("gong-mirror", "Gong Mirror", "Gong.io", 3), ("gongio", "Gong", "Gong.io", 3)]


def test_views_exist_with_their_documented_columns(db):
    with writer(db) as con:
        columns = {name: [c[0] for c in con.execute(f"SELECT * FROM {name} LIMIT 0").description]
                   for name in ("postings_current", "scan_log")}
    assert columns["postings_current"][:11] == ["posting_id", "company", "title", "location", "remote", "url",
                                                "posted_at", "first_seen", "last_seen", "hire_type",
                                                "expertise_probability"]
    assert columns["scan_log"][:7] == ["scan_id", "started_at", "company", "ats", "status", "items", "error"]


def test_views_are_created_again_when_one_is_missing_or_their_code_changed(db, tmp_path, monkeypatch):
    with writer(db) as con:
        con.execute("DROP VIEW scan_log")
    with writer(db) as con:  # missing: all created again
        assert con.execute("SELECT count(*) FROM scan_log").fetchone() == (0,)
    views = tmp_path / "views"
    shutil.copytree(db_module.VIEWS, views)
    # a view no other view or macro reads, so the changed code still binds
    (views / "02_scan_runs.sql").write_text("CREATE OR REPLACE VIEW scan_runs AS SELECT 42 AS answer;")
    monkeypatch.setattr(db_module, "VIEWS", views)
    with writer(db) as con:  # changed code: created again
        assert con.execute("SELECT answer FROM scan_runs").fetchone() == (42,)


def test_reader_refuses_writes(db, board_sources):
    crawl_and_load(db, board_sources, "first")
    with reader(db) as con, pytest.raises(duckdb.Error):
        con.execute("DELETE FROM postings")
