"""Workday: relative dates, paging, the sources entry, and a real crawl of a recorded CXS site on loopback."""

from __future__ import annotations

import json
import shutil
from datetime import datetime, timezone

import pytest

from pipelines.scan import crawl_and_load
from scrapers.ats import workday
from scrapers.replay import ReplayServer
from scrapers.items import Source
from scrapers.sources import SourcesError, load_sources
from tests.helpers import FIXTURES
from warehouse.db import reader

CRAWLED_AT = datetime(2026, 11, 20, 0, 30, tzinfo=timezone.utc)
RECORDED = FIXTURES / "ats" / "workday"


@pytest.mark.parametrize("text, day", [("Posted Today", "2026-11-20"), ("Posted Yesterday", "2026-11-19"),
                                       ("Posted 3 Days Ago", "2026-11-17"), ("posted 1 day ago", "2026-11-19"),
                                       ("Posted 30+ Days Ago", None), ("", None), (None, None),
                                       ("Posted last week", None)])
def test_relative_dates_are_read_against_the_crawl_time(text, day):
    assert workday.posted_at(text, CRAWLED_AT) == day


def test_pages_after_the_first_come_from_its_total():
    assert workday.page_offsets({"total": 3}) == []
    assert workday.page_offsets({"total": 41}) == [20, 40]
    assert workday.page_offsets({"total": 0}) == []  # later pages say 0: only the first page's total counts


def test_api_base_keeps_only_the_sites_host():
    assert (workday.api_base("https://acme.wd5.myworkdayjobs.com/en-US/External", "acme/External")
            == "https://acme.wd5.myworkdayjobs.com/wday/cxs/acme/External")


@pytest.mark.parametrize("entry, message", [
    ('board = "acme/External"', "ats 'workday' needs the url of the careers site"),
    ('board = "acme"\nurl = "https://acme.wd5.myworkdayjobs.com"', "a workday board is 'tenant/site_id'"),
])
def test_a_workday_entry_needs_its_site_and_a_tenant_site_board(tmp_path, entry, message):
    path = tmp_path / "sources.toml"
    path.write_text(f'[[source]]\ncompany = "Acme"\nats = "workday"\n{entry}\n')
    with pytest.raises(SourcesError, match=message):
        load_sources(path)


def _site(root, count: int) -> None:
    """A CXS site on disk as ReplayServer serves it: list pages by offset, one detail per posting (copies of a
    recorded detail with their own id, title and path); the last list item's detail is missing."""
    api = root / "wday" / "cxs" / "brightwater" / "Careers"
    template = json.loads((RECORDED / "brightwater_detail_water-quality-analyst.json").read_text(encoding="utf-8"))
    items = []
    for number in range(count):
        path = f"/job/Glasgow/Analyst-{number}_R{number}"
        items.append({"title": f"Analyst {number}", "externalPath": path, "locationsText": "Glasgow",
                      "postedOn": "Posted 2 Days Ago", "bulletFields": [f"R{number}"]})
        if number < count - 1:
            detail = json.loads(json.dumps(template))
            detail["jobPostingInfo"].update(id=f"id-{number}", title=f"Analyst {number}", postedOn="Posted 2 Days Ago")
            (api / path.lstrip("/")).parent.mkdir(parents=True, exist_ok=True)
            (api / path.lstrip("/")).write_text(json.dumps(detail), encoding="utf-8")
    (api / "jobs").mkdir(parents=True)
    for offset in range(0, count, workday.PAGE_SIZE):
        page = {"total": count if offset == 0 else 0, "jobPostings": items[offset:offset + workday.PAGE_SIZE]}
        (api / "jobs" / f"{offset}.json").write_text(json.dumps(page), encoding="utf-8")


def test_crawl_pages_through_the_list_and_fetches_each_detail(db, tmp_path):
    _site(tmp_path / "site", 23)
    with ReplayServer(tmp_path / "site") as server:
        source = Source("Brightwater", "workday", "brightwater/Careers", server.base_url, allow_hosts=("127.0.0.1",))
        scan_id, (status,), added = crawl_and_load(db, [source], "workday")
    assert (status["status"], status["items"], added) == ("ok", 22, 22)
    assert len(status["rejects"]) == 1 and "404" in status["rejects"][0]["reason"]
    assert status["rejects"][0]["raw"]["title"] == "Analyst 22"
    with reader(db) as con:
        rows = con.execute("""SELECT company, company_source_name, count(*), min(posted_at)::DATE = max(posted_at)::DATE
                              FROM postings_current WHERE ats = 'workday' GROUP BY ALL""").fetchall()
    assert rows == [("Brightwater", "Brightwater Utilities plc", 22, True)]


def test_recorded_site_crawls(db, tmp_path):
    """The three recorded postings behind the recorded list page."""
    api = tmp_path / "site" / "wday" / "cxs" / "brightwater" / "Careers"
    (api / "jobs").mkdir(parents=True)
    shutil.copy(RECORDED / "brightwater_jobs.json", api / "jobs" / "0.json")
    listing = json.loads((RECORDED / "brightwater_jobs.json").read_text(encoding="utf-8"))
    for item, name in zip(listing["jobPostings"], ("grid-reliability-engineer", "water-quality-analyst",
                                                    "field-operations-apprentice")):
        target = api / item["externalPath"].lstrip("/")
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(RECORDED / f"brightwater_detail_{name}.json", target)
    with ReplayServer(tmp_path / "site") as server:
        source = Source("Brightwater", "workday", "brightwater/Careers", server.base_url, allow_hosts=("127.0.0.1",))
        _, (status,), added = crawl_and_load(db, [source], "workday")
    assert (status["status"], status["items"], status["rejects"], added) == ("ok", 3, [], 3)
    with reader(db) as con:
        rows = con.execute("""SELECT title, remote, country, salary_min_annual FROM postings_current
                              ORDER BY title""").fetchall()
    assert rows == [("Field Operations Apprentice", "onsite", "GB", None),
                    ("Senior Grid Reliability Engineer", "hybrid", "GB", 62000.0),
                    ("Water Quality Analyst", None, "GB", None)]
