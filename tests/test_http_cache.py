"""The HTTP cache folder: one folder per source, pruned of removed sources, bounded in size, one scan at a time."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from scrapers.crawl import run_crawl
from scrapers.http_cache import NORMALISED, CacheBusyError, locked, prune, source_folder
from scrapers.replay import ReplayServer
from scrapers.settings import SettingsError, crawl_settings
from scrapers.items import Source
from tests.helpers import FIXTURES, marketfit


def _entry(cache: Path, ats: str, board: str, name: str, size: int, mtime: float) -> Path:
    """One cached response (a folder of files) of a source, written at ``mtime``."""
    folder = source_folder(cache, ats, board) / "responses" / name[:2] / name
    folder.mkdir(parents=True)
    (folder / "response_body").write_bytes(b"x" * size)
    os.utime(folder / "response_body", (mtime, mtime))
    return folder


DAY = 86400


def test_prune_removes_sources_no_scan_used_for_a_month_then_the_oldest_entries(tmp_path):
    cache = tmp_path / "cache"
    gone = _entry(cache, "ashby", "gone", "dd04", 10, 5_000)
    prune(cache, [("ashby", "gone")], max_bytes=10**9, now=0)  # last scanned at time 0
    old = _entry(cache, "lever", "acme", "aa01", 400, 1_000)
    newer = _entry(cache, "lever", "acme", "bb02", 400, 3_000)
    middle = _entry(cache, "greenhouse", "zeta", "cc03", 400, 2_000)
    normalised = source_folder(cache, "greenhouse", "zeta") / NORMALISED
    normalised.write_bytes(b"y" * 100)
    os.utime(normalised, (4_000, 4_000))

    prune(cache, [("lever", "acme"), ("greenhouse", "zeta")], max_bytes=1_000, now=29 * DAY)
    assert gone.exists()  # left out of this scan, but scanned within the month: another file's source, kept
    assert not old.exists() and not old.parent.exists()  # oldest first, and its empty prefix folder too
    assert middle.exists() and newer.exists() and normalised.exists()  # 910 bytes: within the bound

    prune(cache, [("lever", "acme"), ("greenhouse", "zeta")], max_bytes=1_000, now=31 * DAY)
    assert not source_folder(cache, "ashby", "gone").exists()  # no scan for over 30 days: removed
    prune(cache, [("lever", "acme"), ("greenhouse", "zeta")], max_bytes=0, now=31 * DAY)
    assert list((cache / "sources").rglob("*_body")) == [] and not normalised.exists()


def test_a_second_scan_waits_for_the_cache_then_fails_clearly(tmp_path, monkeypatch):
    cache = tmp_path / "cache"
    monkeypatch.setenv("MARKETFIT_HTTP_CACHE", str(cache))
    monkeypatch.setenv("MARKETFIT_LOCK_WAIT", "0.5")
    sources = tmp_path / "sources.toml"
    sources.write_text('[[source]]\ncompany = "A"\nats = "greenhouse"\nboard = "a"\n')
    with locked(cache, 0):  # a scan in progress
        with pytest.raises(CacheBusyError, match="another scan is using the HTTP cache"):
            run_crawl([Source("A", "greenhouse", "a")], tmp_path / "out")
        result = marketfit("scan", "--sources", str(sources), "--db", str(tmp_path / "w.duckdb"), check=False)
    assert result.returncode == 2
    assert result.stderr.strip() == (f"error: {cache}: another scan is using the HTTP cache; retry when it has "
                                     f"finished (or set MARKETFIT_HTTP_CACHE to another folder)")
    with locked(cache, 0):  # released: the next scan gets it at once
        pass


def test_crawls_keep_each_sources_files_in_its_folder(tmp_path, monkeypatch):
    cache = tmp_path / "cache"
    monkeypatch.setenv("MARKETFIT_HTTP_CACHE", str(cache))
    with ReplayServer(FIXTURES / "ats") as server:
        spotify = Source("Spotify", "lever", "spotify", f"{server.base_url}/lever/spotify_postings.json",
                         allow_hosts=("127.0.0.1",))
        ramp = Source("Ramp", "ashby", "ramp", f"{server.base_url}/ashby/ramp_jobs.json", allow_hosts=("127.0.0.1",))
        assert [s["status"] for s in run_crawl([spotify, ramp], tmp_path / "both")] == ["ok", "ok"]
        for source in (spotify, ramp):
            folder = source_folder(cache, source.ats, source.board)
            assert (folder / NORMALISED).exists() and list((folder / "responses").rglob("response_body"))
        assert [s["status"] for s in run_crawl([spotify], tmp_path / "one")] == ["not_modified"]
    assert (source_folder(cache, "lever", "spotify") / NORMALISED).exists()
    assert (source_folder(cache, "ashby", "ramp") / NORMALISED).exists()  # scanned a moment ago: kept


def test_cache_bound_is_a_positive_number_of_megabytes():
    assert crawl_settings({"MARKETFIT_HTTP_CACHE_MB": "2.5"})["MARKETFIT_HTTP_CACHE_MB"] == 2.5
    with pytest.raises(SettingsError, match="MARKETFIT_HTTP_CACHE_MB must be a positive number"):
        crawl_settings({"MARKETFIT_HTTP_CACHE_MB": "0"})
