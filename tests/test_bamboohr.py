"""BambooHR: a real crawl of a recorded careers site (list, then a detail per posting) on loopback."""

from __future__ import annotations

import shutil

from pipelines.scan import crawl_and_load
from scrapers.ats import bamboohr
from scrapers.replay import ReplayServer
from scrapers.items import Source
from tests.helpers import FIXTURES
from warehouse.db import reader

RECORDED = FIXTURES / "ats" / "bamboohr"


def test_detail_url_sits_next_to_the_list():
    assert bamboohr.detail_url("https://fernwood.bamboohr.com/careers/list", {"id": "48"}) == (
        "https://fernwood.bamboohr.com/careers/48/detail")


def test_crawl_loads_every_posting_and_rejects_one_without_a_detail(db, tmp_path):
    careers = tmp_path / "site" / "fernwood" / "careers"
    careers.mkdir(parents=True)
    shutil.copy(RECORDED / "fernwood_list.json", careers / "list")
    for posting_id in ("48", "53"):  # 57's detail is missing: a reject, not a failed board
        (careers / posting_id).mkdir()
        shutil.copy(RECORDED / f"fernwood_detail_{posting_id}.json", careers / posting_id / "detail")
    with ReplayServer(tmp_path / "site") as server:
        source = Source("Fernwood", "bamboohr", "fernwood", f"{server.base_url}/fernwood/careers/list",
                        allow_hosts=("127.0.0.1",))
        _, (status,), added = crawl_and_load(db, [source], "bamboohr")
    assert (status["status"], status["items"], added) == ("ok", 2, 2)
    assert [r["raw"]["id"] for r in status["rejects"]] == ["57"] and "HTTP 404" in status["rejects"][0]["reason"]
    with reader(db) as con:
        rows = con.execute("""SELECT p.native_id, c.company, c.remote, c.country, c.salary_min_annual,
                                     c.posted_at::DATE::VARCHAR
                              FROM postings_current c JOIN postings p USING (posting_id) ORDER BY 1""").fetchall()
    assert rows == [("48", "Fernwood", "hybrid", "US", 145000.0, "2026-10-28"),
                    ("53", "Fernwood", "remote", "CA", None, "2026-11-12")]
