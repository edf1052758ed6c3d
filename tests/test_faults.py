"""Real crawls of misbehaving boards (tests/fault_server.py) into a real DuckDB file.

One scan holds every fault next to good boards, then the same sources are scanned again: each
source must land in scan_log with its status and error both times, the good boards must load
anyway, a rerun must add no rows, and an unchanged board must cost one conditional request.
"""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from pipelines.scan import crawl_and_load
from scrapers.items import Source
from tests.fault_server import FaultServer, oversized_board
from warehouse.db import reader

# route → (first scan: status, items), (rerun: status, items), a piece of the error (None: no error)
FAULTS = {
    "/board/good": (("ok", 3), ("ok", 3), None),
    "/board/good-2": (("ok", 2), ("ok", 2), None),
    "/board/error": (("failed", 0), ("failed", 0), "HTTP 500 from {base}/board/error"),
    "/board/busy": (("failed", 0), ("failed", 0), "HTTP 503 from {base}/board/busy (Retry-After: 3600)"),
    "/board/rate-limited": (("ok", 2), ("ok", 2), None),
    "/board/slow": (("failed", 0), ("failed", 0),
                    "DownloadTimeoutError: Getting {base}/board/slow took longer than 2.0 seconds"),
    "/board/truncated": (("failed", 0), ("failed", 0),
                         "unreadable board response from {base}/board/truncated: JSONDecodeError: Unterminated string"),
    "/board/cut": (("failed", 0), ("failed", 0),
                   "ResponseDataLossError: Indicates that Scrapy couldn't get a complete response. ({base}/board/cut)"),
    "/board/html": (("failed", 0), ("failed", 0),
                    "unreadable board response from {base}/board/html: JSONDecodeError: Expecting value"),
    "/board/oversized": (("failed", 0), ("failed", 0),
                         f"DownloadCancelledError: Expected to receive {len(oversized_board(32768))} bytes which is "
                         "larger than download max size (16384) in request <GET {base}/board/oversized>. "
                         "Raise MARKETFIT_MAX_RESPONSE_BYTES to accept larger responses."),
    "/board/bad-date": (("ok", 2), ("ok", 2), None),
    "/board/empty": (("ok", 0), ("ok", 0), None),
    "/board/missing-title": (("ok", 2), ("ok", 2), None),
    # boards with an ETag: unchanged between the scans, changed (posting 112 dropped), broken (500)
    "/tagged/steady": (("ok", 3), ("not_modified", 3), None),
    "/tagged/changing": (("ok", 3), ("ok", 2), None),
    "/tagged/breaking": (("ok", 3), ("failed", 0), None),
}
ADDED = sum(items for (status, items), _, _ in FAULTS.values() if status == "ok")  # by the first scan


@pytest.fixture(scope="module")
def faulty_scans(tmp_path_factory):
    """The two scans, with a 2 s timeout, a 16 KiB response cap and an HTTP cache of their own."""
    folder = tmp_path_factory.mktemp("faults")
    with pytest.MonkeyPatch.context() as env, FaultServer(slow_seconds=15, oversized_bytes=32768) as server:
        env.setenv("MARKETFIT_DOWNLOAD_TIMEOUT", "2")
        env.setenv("MARKETFIT_MAX_RESPONSE_BYTES", "16384")
        env.setenv("MARKETFIT_HTTP_CACHE", str(folder / "http-cache"))
        sources = [Source(f"Company {n}", "greenhouse", route.rsplit("/", 1)[1], server.url(route),
                          allow_hosts=("127.0.0.1",)) for n, route in enumerate(FAULTS)]
        db = folder / "warehouse.duckdb"
        first = crawl_and_load(db, sources, "first")
        with reader(db) as con:
            postings_after_first = con.execute("SELECT board, native_id, last_seen FROM postings "
                                               "ORDER BY 1, 2").fetchall()
        server.change("changing")
        server.break_("breaking")
        second = crawl_and_load(db, sources, "rerun")
        yield SimpleNamespace(server=server, db=db, first=first, second=second,
                              postings_after_first=postings_after_first)


def _scan_log(db, scan_id: int) -> dict[str, tuple]:
    """route → (status, items, rejected, error) for one scan."""
    with reader(db) as con:
        rows = con.execute("SELECT url, status, items, rejected, error FROM scan_log WHERE scan_id = ?",
                           [scan_id]).fetchall()
    return {"/" + url.split("/", 3)[3]: tuple(rest) for url, *rest in rows}


@pytest.mark.parametrize("route", FAULTS)
def test_each_source_is_logged_with_its_status_and_error(faulty_scans, route):
    *expected, error = FAULTS[route]
    for (scan_id, _, _), (status, items) in zip((faulty_scans.first, faulty_scans.second), expected):
        logged_status, logged_items, _, logged_error = _scan_log(faulty_scans.db, scan_id)[route]
        assert (logged_status, logged_items) == (status, items)
        if error is not None:
            assert error.format(base=faulty_scans.server.url("")) in logged_error
        elif logged_status != "failed":
            assert logged_error is None


def test_good_boards_load_although_others_fail_in_the_same_scan(faulty_scans):
    scan_id, statuses, added = faulty_scans.first
    assert added == ADDED == 20
    with reader(faulty_scans.db) as con:
        titles = {row[0] for row in con.execute("SELECT title FROM postings_current").fetchall()}
    assert {"Backend Engineer 1", "Backend Engineer 21", "Backend Engineer 41", "Backend Engineer 91"} <= titles


def test_a_posting_without_title_is_rejected_with_its_reason(faulty_scans):
    scan_id = faulty_scans.first[0]
    assert _scan_log(faulty_scans.db, scan_id)["/board/missing-title"][2] == 1
    with reader(faulty_scans.db) as con:
        rejects = con.execute("SELECT board, reason, raw->>'$.id' FROM rejects WHERE scan_id = ?", [scan_id]).fetchall()
        loaded = con.execute("SELECT native_id FROM postings WHERE board = 'missing-title' ORDER BY 1").fetchall()
    assert rejects == [("missing-title", "KeyError: 'title'", "102")]
    assert loaded == [("101",), ("103",)]


def test_a_bad_date_loads_the_posting_without_a_date(faulty_scans):
    with reader(faulty_scans.db) as con:
        dates = con.execute("SELECT native_id, posted_at IS NULL FROM postings WHERE board = 'bad-date' "
                            "ORDER BY 1").fetchall()
    assert dates == [("91", False), ("92", True)]


def test_rate_limited_board_waits_what_retry_after_asks(faulty_scans):
    hits = faulty_scans.server.hits_for("/board/rate-limited")
    assert len(hits) == 3  # 429 then 200 in the first scan; the counter is spent, so 200 in the rerun
    assert hits[1].at - hits[0].at >= 1.0


def test_server_errors_are_retried_with_growing_backoff(faulty_scans):
    hits = faulty_scans.server.hits_for("/board/error")
    assert len(hits) == 6  # RETRY_TIMES = 2: three tries per scan
    for first, second, third in (hits[:3], hits[3:]):
        assert second.at - first.at >= 0.5  # 1 s ±50 %
        assert third.at - second.at >= 1.0  # 2 s ±50 %


def test_a_server_asking_for_too_long_a_wait_is_not_retried(faulty_scans):
    assert len(faulty_scans.server.hits_for("/board/busy")) == 2  # one try per scan


def test_rerun_adds_no_rows_and_closes_only_what_a_board_dropped(faulty_scans):
    scan_id, statuses, added = faulty_scans.second
    assert added == 0
    with reader(faulty_scans.db) as con:
        after = con.execute("SELECT board, native_id, last_seen, closed_at FROM postings ORDER BY 1, 2").fetchall()
        assert con.execute("SELECT count(*) FROM posting_versions").fetchone()[0] == ADDED
        assert con.execute("SELECT count(*) FROM rejects").fetchone()[0] == 2  # one per scan
    assert [(b, n) for b, n, _, _ in after] == [(b, n) for b, n, _ in faulty_scans.postings_after_first]
    assert [(b, n) for b, n, _, closed in after if closed] == [("changing", "112")]


def test_unchanged_board_costs_a_304_and_keeps_its_postings_seen(faulty_scans):
    tagged = faulty_scans.server.hits_for("/tagged/steady")
    assert [h.headers.get("If-None-Match") for h in tagged] == [None, '"steady-v1"']
    before = {(b, n): seen for b, n, seen in faulty_scans.postings_after_first}
    with reader(faulty_scans.db) as con:
        rows = con.execute("SELECT native_id, last_seen, closed_at FROM postings WHERE board = 'steady'").fetchall()
    assert sorted(n for n, _, _ in rows) == ["111", "112", "113"]
    assert all(closed is None and seen > before[("steady", n)] for n, seen, closed in rows)


def test_changed_board_sends_its_etag_and_gets_the_new_body(faulty_scans):
    tagged = faulty_scans.server.hits_for("/tagged/changing")
    assert [h.headers.get("If-None-Match") for h in tagged] == [None, '"changing-v1"']


def test_cached_board_that_now_fails_is_failed_and_closes_nothing(faulty_scans):
    _, statuses, _ = faulty_scans.second
    breaking = next(s for s in statuses if s["board"] == "breaking")
    assert breaking["error"] == f"HTTP 500 from {faulty_scans.server.url('/tagged/breaking')}"
    assert len(faulty_scans.server.hits_for("/tagged/breaking")) == 1 + 3  # retried, not served from the cache
    with reader(faulty_scans.db) as con:
        assert con.execute("SELECT count(*) FROM postings_current WHERE board = 'breaking'").fetchone()[0] == 3
