"""Golden tests for every ATS parser, plus targeted field and reject/fail checks.

Goldens: tests/golden/<ats>.json; regenerate with ``python -m tests.regen_golden`` or
``REGEN_GOLDEN=1 pytest tests/test_parsers.py`` (see tests/fixtures/README.md).
"""

from __future__ import annotations

import copy
import json
import os

import pytest
import scrapy
from scrapy.http import TextResponse
from scrapy.utils.test import get_crawler
from twisted.python.failure import Failure

from scrapers.ats import ashby, greenhouse, lever, personio, recruitee, smartrecruiters, workable
from scrapers.items import POSTING_FIELDS
from scrapers.registry import SPIDERS
from tests.regen_golden import CASES, FIXTURES, GOLDEN, parse, postings, raw_jobs, render, write


def _payload(ats: str, name: str):
    return SPIDERS[ats].decode((FIXTURES / ats / name).read_text(encoding="utf-8"))


@pytest.fixture
def make_spider(tmp_path):
    def make(ats: str, board: str = "acme"):
        spider_class = SPIDERS[ats]
        return spider_class.from_crawler(get_crawler(spider_class), source={"company": "Acme", "ats": ats,
                                                                             "board": board},
                                         out_dir=str(tmp_path), source_index=0)
    return make


def _response(url: str, body: str) -> TextResponse:
    return TextResponse(url=url, body=body.encode("utf-8"), encoding="utf-8")


# --- goldens ---------------------------------------------------------------------------------

def test_every_registered_ats_has_golden_cases():
    assert set(CASES) == set(SPIDERS)


@pytest.mark.parametrize("ats", sorted(CASES))
def test_golden(ats):
    if os.environ.get("REGEN_GOLDEN") == "1":
        write(ats)
    expected = json.loads((GOLDEN / f"{ats}.json").read_text(encoding="utf-8"))
    assert json.loads(render(postings(ats))) == expected


@pytest.mark.parametrize("ats", sorted(CASES))
def test_postings_keep_contract_and_raw(ats):
    for name, company, board in CASES[ats]:
        for job in raw_jobs(ats, name):
            posting = parse(ats, job, company, board)
            assert tuple(posting) == POSTING_FIELDS
            assert posting["ats"] == ats and posting["board"] == board
            assert isinstance(posting["native_id"], str) and posting["title"]
            assert posting["remote"] in (None, "remote", "hybrid", "onsite")
            assert posting["raw"] is job
            json.dumps(posting["raw"])  # raw is stored as JSON, Personio's XML included


# --- Greenhouse, Lever, Ashby -----------------------------------------------------------------

def test_greenhouse_content_is_unescaped_to_real_html():
    job = _payload("greenhouse", "anthropic_jobs.json")["jobs"][0]
    assert job["content"].startswith("&lt;div")
    posting = greenhouse.parse_job(job, company="Anthropic", board="anthropic")
    assert posting["description_html"].startswith('<div class="content-intro"><h2><strong>About Anthropic')
    assert "&lt;" not in posting["description_html"] and "&quot;" not in posting["description_html"]


def test_greenhouse_content_false_list_has_no_description():
    job = _payload("greenhouse", "gongio_list.json")["jobs"][0]
    posting = greenhouse.parse_job(job, company="Gong", board="gongio")
    assert posting["description_html"] is None
    # the sources file's name is the company; the payload's own spelling is kept beside it
    assert (posting["company"], posting["company_source_name"]) == ("Gong", "Gong.io")


def test_lever_salary_range_and_workplace_type():
    with_pay, without_pay = _payload("lever", "outreach_postings.json")[:2]
    posting = lever.parse_job(with_pay, company="Outreach", board="outreach")
    assert (posting["salary_min"], posting["salary_max"]) == (140000, 160000)
    assert (posting["salary_currency"], posting["salary_period"]) == ("USD", "year")
    assert posting["remote"] == "remote" and posting["team"] == "Account Executives"
    posting = lever.parse_job(without_pay, company="Outreach", board="outreach")
    assert posting["remote"] == "hybrid"
    assert [posting[k] for k in ("salary_min", "salary_max", "salary_currency", "salary_period")] == [None] * 4


def test_ashby_compensation_secondary_locations_and_remote():
    job = _payload("ashby", "ramp_jobs.json")["jobs"][0]
    posting = ashby.parse_job(job, company="Ramp", board="ramp")
    assert posting["location"] == "Remote (US); San Francisco, CA; New York, NY (HQ)"
    assert (posting["salary_min"], posting["salary_max"], posting["salary_currency"], posting["salary_period"]) == (
        151000, 231000, "USD", "year")  # the Salary component, not the equity one listed first
    assert posting["remote"] == "remote"
    no_workplace = {**job, "workplaceType": None}
    assert ashby.parse_job(no_workplace, company="Ramp", board="ramp")["remote"] == "remote"  # isRemote
    assert ashby.parse_job({**no_workplace, "isRemote": False}, company="Ramp", board="ramp")["remote"] is None


def test_ashby_unlisted_jobs_are_skipped():
    board = _payload("ashby", "wealth-com_board.json")
    assert len(ashby.jobs(board)) == len(board["jobs"]) - 1


# --- malformed job → reject; unreadable board → fail -------------------------------------------

def test_malformed_job_raises():
    job = copy.deepcopy(_payload("greenhouse", "gongio_list.json")["jobs"][0])
    del job["title"]
    with pytest.raises(KeyError):
        greenhouse.parse_job(job, company="Gong", board="gongio")


def test_malformed_job_becomes_a_reject_and_the_rest_still_parse(make_spider):
    payload = _payload("greenhouse", "gongio_list.json")
    del payload["jobs"][1]["title"]
    spider = make_spider("greenhouse", "gongio")
    out = list(spider.parse(_response(greenhouse.board_url("gongio"), json.dumps(payload))))
    assert [p["native_id"] for p in out] == [str(payload["jobs"][0]["id"]), str(payload["jobs"][2]["id"])]
    assert spider.status == "ok"
    assert spider.rejects == [{"reason": "KeyError: 'title'", "raw": payload["jobs"][1]}]
    spider.closed("finished")
    assert spider.crawler.stats.get_value("marketfit/rejects") == 1


@pytest.mark.parametrize("ats, body", [("workable", "<html>maintenance</html>"),
                                       ("personio", '{"not": "xml"}'),
                                       ("personio", "<html><body>Not found</body></html>")])
def test_unreadable_board_fails_the_source(make_spider, ats, body):
    spider = make_spider(ats)
    assert list(spider.parse(_response("https://example.test/board", body))) == []
    assert spider.status == "failed" and "unreadable board response" in spider.error


# --- Workable -----------------------------------------------------------------------------------

def test_workable_fields():
    first, _, onsite, _ = _payload("workable", "crewai_account.json")["jobs"]
    posting = workable.parse_job(first, company="CrewAI", board="crewai")
    assert posting["native_id"] == "3862836931" and posting["remote"] == "remote"
    assert posting["location"] == "São Paulo, State of São Paulo, Brazil"
    assert posting["posted_at"] == "2026-06-30" and posting["employment_type"] == "Full-time"
    assert posting["description_html"].startswith("<p>About the Role</p>")
    assert workable.parse_job(onsite, company="CrewAI", board="crewai")["remote"] is None


def test_workable_location_falls_back_to_top_level_fields():
    job = {"shortcode": "X1", "title": "T", "city": "Lyon", "state": "", "country": "France", "locations": []}
    assert workable.parse_job(job, company="A", board="a")["location"] == "Lyon, France"
    job["locations"] = [{"city": "Paris", "country": "France"}, {"city": "Paris", "country": "France"},
                        {"city": "", "region": None, "country": "Spain"}]
    assert workable.parse_job(job, company="A", board="a")["location"] == "Paris, France; Spain"


# --- SmartRecruiters ----------------------------------------------------------------------------

def test_smartrecruiters_detail_fields():
    posting = smartrecruiters.parse_job(_payload("smartrecruiters", "mapleharborfoods_detail.json"),
                                        company="Maple Harbor Foods", board="MapleHarborFoods")
    assert posting["location"] == "Halifax, Canada"  # "Halifax, , Canada" in the source
    assert posting["remote"] == "hybrid"
    assert (posting["salary_min"], posting["salary_max"], posting["salary_currency"], posting["salary_period"]) == (
        68000, 82000, "CAD", "year")
    html = posting["description_html"]
    assert html.startswith("<h3>Company Description</h3>\n<p>Maple Harbor Foods")
    assert "<h3>Qualifications</h3>\n<ul><li>HACCP" in html and "Benefits" not in html  # empty section dropped


def test_smartrecruiters_remote_flags():
    assert smartrecruiters._remote({"remote": True, "hybrid": False}) == "remote"
    assert smartrecruiters._remote({"remote": False, "hybrid": False}) == "onsite"
    assert smartrecruiters._remote({"remote": False}) is None  # no hybrid flag: unknown


def test_smartrecruiters_list_paging():
    page = _payload("smartrecruiters", "hirevue_postings.json")  # offset 0, 3 of totalFound 5
    assert [item["id"] for item in smartrecruiters.jobs(page)][0] == "744000138728139"
    assert smartrecruiters.next_offset(page) == 3
    assert smartrecruiters.next_offset({**page, "offset": 3}) is None
    assert smartrecruiters.next_offset({**page, "content": []}) is None
    assert smartrecruiters.detail_url(smartrecruiters.board_url("hirevue"), page["content"][0]) == (
        "https://api.smartrecruiters.com/v1/companies/hirevue/postings/744000138728139")
    assert smartrecruiters.detail_url("http://127.0.0.1:8000/sr/hirevue/postings/?offset=3", {"id": 7}) == (
        "http://127.0.0.1:8000/sr/hirevue/postings/7")  # a replayed or mirrored board keeps its host


def test_smartrecruiters_spider_follows_details_and_next_page(make_spider):
    page = _payload("smartrecruiters", "hirevue_postings.json")
    del page["content"][2]["id"]
    spider = make_spider("smartrecruiters", "hirevue")
    out = list(spider.parse(_response(smartrecruiters.board_url("hirevue"), json.dumps(page))))
    assert all(isinstance(r, scrapy.Request) for r in out)
    assert [r.url for r in out] == [
        "https://api.smartrecruiters.com/v1/companies/hirevue/postings/744000138728139",
        "https://api.smartrecruiters.com/v1/companies/hirevue/postings/744000136509359",
        "https://api.smartrecruiters.com/v1/companies/hirevue/postings?limit=100&offset=3",
    ]
    assert out[0].callback == spider.parse_detail and out[0].cb_kwargs == {"item": page["content"][0]}
    assert out[2].callback == spider.parse
    assert spider.rejects == [{"reason": "KeyError: 'id'", "raw": page["content"][2]}]

    detail = (FIXTURES / "smartrecruiters" / "hirevue_detail.json").read_text(encoding="utf-8")
    [posting] = spider.parse_detail(_response(out[0].url, detail), item=page["content"][0])
    assert posting["native_id"] == "744000138728139" and posting["company"] == "Acme"
    assert list(spider.parse_detail(_response(out[1].url, "{}"), item=page["content"][1])) == []
    assert spider.rejects[-1] == {"reason": "KeyError: 'id'", "raw": page["content"][1]}

    failure = Failure(ValueError("404 gone"))
    failure.request = out[1]  # Scrapy sets this before calling the errback
    spider.detail_failed(failure)
    assert spider.rejects[-1] == {"reason": f"ValueError: 404 gone ({out[1].url})", "raw": page["content"][1]}
    assert spider.status == "ok"  # a lost posting does not fail the board


# --- Recruitee ----------------------------------------------------------------------------------

def test_recruitee_fields():
    engineer, support, mechanic = _payload("recruitee", "lindqvistbikes_offers.json")["offers"]
    posting = recruitee.parse_job(engineer, company="L", board="lindqvistbikes")
    assert posting["posted_at"] == "2026-08-04T09:30:00+00:00"  # from "2026-08-04 09:30:00 UTC"
    assert (posting["salary_min"], posting["salary_max"], posting["salary_currency"], posting["salary_period"]) == (
        4800, 6200, "EUR", "month")  # numeric strings in the source
    assert posting["remote"] == "hybrid"
    assert posting["description_html"] == engineer["description"] + "\n" + engineer["requirements"]
    posting = recruitee.parse_job(support, company="L", board="lindqvistbikes")
    assert posting["remote"] == "remote" and posting["salary_currency"] is None  # no bounds, no salary
    posting = recruitee.parse_job(mechanic, company="L", board="lindqvistbikes")
    assert posting["location"] == "Rotterdam, Netherlands" and posting["remote"] == "onsite"
    assert posting["posted_at"] == "2026-07-28T15:45:10+00:00"  # unpublished: created_at


def test_recruitee_bad_timestamp_rejects():
    with pytest.raises(ValueError):
        recruitee.parse_job({"id": 1, "title": "T", "published_at": "last Tuesday"}, company="A", board="a")


# --- Personio -----------------------------------------------------------------------------------

def test_personio_xml_fields():
    root = personio.decode((FIXTURES / "personio" / "kranich-logistik.xml").read_text(encoding="utf-8"))
    first, _, bare = personio.jobs(root)
    assert first["additionalOffices"] == ["Bremen", "Hannover"]
    posting = personio.parse_job(first, company="Kranich Logistik", board="kranich-logistik")
    assert posting["title"] == "Backend Engineer (m/w/d) – Routing & Dispatch"
    assert posting["location"] == "Hamburg; Bremen; Hannover"
    assert posting["url"] == "https://kranich-logistik.jobs.personio.de/job/1830001"
    assert posting["employment_type"] == "permanent, full-time"
    assert posting["description_html"] == (
        "<h3>Deine Aufgaben</h3>\n<ul><li>Du entwickelst unsere Tourenplanung in Python weiter.</li>"
        "<li>Du betreibst Dienste auf Kubernetes.</li></ul>\n"
        "<h3>Dein Profil</h3>\n<p>Erfahrung mit <strong>PostgreSQL</strong> &amp; Event-Streaming.</p>")
    assert personio.parse_job(bare, company="K", board="k")["description_html"] is None


def test_personio_spider_reads_xml(make_spider):
    xml = (FIXTURES / "personio" / "kranich-logistik.xml").read_text(encoding="utf-8")
    spider = make_spider("personio", "kranich-logistik")
    out = list(spider.parse(_response(personio.board_url("kranich-logistik"), xml)))
    assert [p["native_id"] for p in out] == ["1830001", "1830002", "1830003"]
    assert spider.status == "ok" and spider.rejects == []


def test_personio_refuses_entity_expansion():
    bomb = '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><workzag-jobs>&a;</workzag-jobs>'
    with pytest.raises(ValueError):
        personio.decode(bomb)
