"""schema.org JobPosting pages: the pure parser, the spider's page/sitemap logic, and real crawls on loopback.

Fixtures (written for this repository, invented companies): tests/fixtures/ats/jsonld/. Their golden
output (decoded without a page URL) is tests/golden/jsonld.json, checked by tests/test_parsers.py.
"""

from __future__ import annotations

import re
import shutil

import pytest
from scrapy.http import HtmlResponse, XmlResponse
from scrapy.utils.test import get_crawler

from pipelines.scan import crawl_and_load
from scrapers.ats.jsonld import JsonLdSpider
from scrapers.ats.jsonld import decode, parse_page
from scrapers.settings import SETTINGS
from scrapers.items import Source
from tests.helpers import FIXTURES
from warehouse.db import reader

PAGES = FIXTURES / "ats" / "jsonld"


def _page(name: str, url: str) -> list[dict]:
    return parse_page((PAGES / name).read_text(encoding="utf-8"), url)


# --- parse_page ---------------------------------------------------------------------------------

def test_single_posting_maps_every_field():
    posting, = _page("single.html", "https://careers.fernhill.example/jobs/fa-2041")
    assert (posting["ats"], posting["board"], posting["native_id"]) == ("jsonld", "careers.fernhill.example", "FA-2041")
    assert posting["company"] == "Fernhill Analytics" and posting["title"] == "Senior Data Engineer"
    assert posting["location"] == "Lisbon, Lisboa, PT" and posting["remote"] is None
    assert posting["posted_at"] == "2026-05-04" and posting["employment_type"] == "FULL_TIME, CONTRACTOR"
    # "80,000" as text and a lower-case currency still make a salary
    assert [posting[k] for k in ("salary_min", "salary_max", "salary_currency", "salary_period")] == [
        65000.0, 80000.0, "EUR", "year"]
    # the page's entity-escaped HTML comes back as real HTML
    assert posting["description_html"].startswith("<p>Fernhill Analytics builds") and "&lt;" not in posting[
        "description_html"]
    assert posting["raw"]["page_url"] == "https://careers.fernhill.example/jobs/fa-2041"
    assert posting["raw"]["posting"]["identifier"]["value"] == "FA-2041"


def test_graph_page_lists_three_postings_with_their_own_ids():
    page = "https://harbourline.example/careers"
    backend, warehouse, customs = _page("list.html", page)
    assert [p["title"] for p in (backend, warehouse, customs)] == [
        "Backend Engineer (Go)", "Warehouse Shift Lead", "Customs Documentation Specialist"]
    # identifier, then the posting's own (relative → absolute) URL, then a hash of page URL + title
    assert backend["native_id"] == "HL-118" and backend["url"] == page
    assert warehouse["native_id"] == warehouse["url"] == "https://harbourline.example/careers/warehouse-shift-lead"
    assert re.fullmatch(r"[0-9a-f]{16}", customs["native_id"]) and customs["url"] == page
    assert _page("list.html", page)[2]["native_id"] == customs["native_id"]  # stable
    assert _page("list.html", "https://harbourline.example/jobs")[2]["native_id"] != customs["native_id"]
    # TELECOMMUTE → remote, located by where applicants may live
    assert backend["remote"] == "remote" and backend["location"] == "Germany; Austria"
    assert warehouse["location"] == "Hamburg, DE; Bremen, DE" and warehouse["remote"] is None
    assert (warehouse["salary_min"], warehouse["salary_max"], warehouse["salary_period"]) == (21.5, 21.5, "hour")
    # plain-text description stays text; an address given as text is the location
    assert warehouse["description"].startswith("Lead a team of twelve") and warehouse["description_html"] is None
    assert customs["location"] == "Am Sandtorkai 5, 20457 Hamburg" and customs["company"] == "Harbourline Logistics"
    assert customs["salary_min"] is None and customs["salary_period"] is None


def test_item_list_with_type_spellings_numeric_ids_and_name_as_title():
    editor, rights = _page("itemlist.html", "https://quillmark.example/jobs")
    assert (editor["native_id"], editor["title"]) == ("5512", "Production Editor")
    assert (rights["native_id"], rights["title"]) == ("5513", "Rights Assistant")  # "name", @type as an IRI
    assert [rights[k] for k in ("salary_min", "salary_max", "salary_currency", "salary_period")] == [
        2400.0, 2400.0, "GBP", "month"]


def test_microdata_posting():
    posting, = _page("microdata.html", "https://tulpwerk.example/vacatures")
    assert (posting["native_id"], posting["company"], posting["location"]) == ("TW-77", "Tulpwerk B.V.", "Utrecht, NL")
    assert posting["url"] == "https://tulpwerk.example/vacatures/frontend-developer"
    assert [posting[k] for k in ("salary_min", "salary_max", "salary_currency", "salary_period")] == [
        4200.0, 5600.0, "EUR", "month"]
    assert posting["description_html"] is None
    assert posting["description"].startswith("Tulpwerk makes planning software") and "React" in posting["description"]


def test_the_same_posting_in_json_ld_and_microdata_counts_once():
    page = """<html><head><script type="application/ld+json">
      {"@context": "https://schema.org", "@type": "JobPosting", "title": "Baker", "identifier": "B-1",
       "description": "<p>Bread at dawn.</p>"}</script></head>
      <body><div itemscope itemtype="https://schema.org/JobPosting"><h1 itemprop="title">Baker</h1>
      <meta itemprop="identifier" content="B-1"><p itemprop="description">Bread at dawn.</p></div></body></html>"""
    posting, = parse_page(page, "https://bakery.example/jobs/b-1")
    assert posting["description_html"] == "<p>Bread at dawn.</p>"  # the JSON-LD one, first


def test_pages_without_postings_and_broken_json_ld():
    assert parse_page((PAGES / "about.html").read_text(encoding="utf-8"), "https://x.example/about") == []
    assert parse_page("", "https://x.example/") == []
    xhtml = ('<?xml version="1.0" encoding="utf-8"?><html xmlns="http://www.w3.org/1999/xhtml"><head>'
             '<script type="application/ld+json">{"@type": "JobPosting", "title": "Welder"}</script></head></html>')
    assert [p["title"] for p in parse_page(xhtml, "https://x.example/")] == ["Welder"]
    with pytest.raises(ValueError):
        decode('<script type="application/ld+json">{"@type": "JobPosting", "title": </script>', "https://x.example/")


# --- the spider, on responses --------------------------------------------------------------------

@pytest.fixture
def spider(tmp_path):
    crawler = get_crawler(JsonLdSpider, SETTINGS)
    return JsonLdSpider.from_crawler(crawler, source={"company": "Orchard Lane", "ats": "jsonld",
                                                      "board": "careers.example.test",
                                                      "url": "https://careers.example.test/sitemap.xml"},
                                     out_dir=str(tmp_path), source_index=0)


def _xml(url: str, body: str) -> XmlResponse:
    return XmlResponse(url=url, body=body.encode("utf-8"), encoding="utf-8")


def _html(url: str, body: str) -> HtmlResponse:
    return HtmlResponse(url=url, body=body.encode("utf-8"), encoding="utf-8")


def test_sitemap_follows_job_pages_on_its_own_host(spider):
    requests = list(spider.parse(_xml("https://careers.example.test/sitemap.xml",
                                      (PAGES / "sitemap.xml").read_text(encoding="utf-8"))))
    assert [r.url for r in requests] == ["https://careers.example.test/jobs/data-analyst.html",
                                         "https://careers.example.test/jobs/support-lead.html"]
    assert all(r.callback == spider.parse_job_page for r in requests) and spider.status == "ok"


def test_sitemap_past_the_page_limit_fails_the_source(spider):
    spider.max_pages = 1
    requests = list(spider.parse(_xml("https://careers.example.test/sitemap.xml",
                                      (PAGES / "sitemap.xml").read_text(encoding="utf-8"))))
    assert len(requests) == 1
    assert spider.status == "failed" and "more than 1 pages" in spider.error


def test_sitemap_index_follows_its_sitemaps(spider):
    index = """<?xml version="1.0" encoding="UTF-8"?>
      <sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
        <sitemap><loc>https://careers.example.test/sitemap-jobs.xml</loc></sitemap>
        <sitemap><loc>https://cdn.other.example/sitemap-blog.xml</loc></sitemap>
      </sitemapindex>"""
    requests = list(spider.parse(_xml("https://careers.example.test/sitemap.xml", index)))
    assert [(r.url, r.callback) for r in requests] == [("https://careers.example.test/sitemap-jobs.xml",
                                                        spider.parse_sitemap)]


def test_sitemap_without_job_pages_fails(spider):
    urlset = """<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
      <url><loc>https://careers.example.test/about.html</loc></url></urlset>"""
    assert list(spider.parse(_xml("https://careers.example.test/sitemap.xml", urlset))) == []
    assert spider.status == "failed" and "lists no job pages" in spider.error


def test_source_page_without_a_posting_fails(spider):
    assert list(spider.parse(_html("https://careers.example.test/", "<html><body>Careers</body></html>"))) == []
    assert spider.status == "failed" and "no schema.org JobPosting" in spider.error


def test_an_id_shared_by_differently_titled_postings_is_a_reject(spider):
    page = """<script type="application/ld+json">[
      {"@type": "JobPosting", "title": "Baker", "identifier": {"name": "Crumb", "value": "crumb"}},
      {"@type": "JobPosting", "title": "Cook", "identifier": {"name": "Crumb", "value": "crumb"}}]</script>"""
    out = list(spider.parse(_html("https://careers.example.test/jobs", page)))
    assert [p["title"] for p in out] == ["Baker"] and spider.status == "ok"
    assert [r["reason"] for r in spider.rejects] == ["id 'crumb' is also the id of 'Baker'"]
    assert spider.rejects[0]["raw"]["posting"]["title"] == "Cook"


def test_job_page_with_broken_json_ld_is_a_reject_not_a_failure(spider):
    url = "https://careers.example.test/jobs/9.html"
    broken = '<html><script type="application/ld+json">{"@type": "JobPosting", </script></html>'
    assert list(spider.parse_job_page(_html(url, broken))) == []
    assert spider.status == "ok" and spider.rejects[0]["raw"] == {"page_url": url}
    assert spider.rejects[0]["reason"].startswith("unreadable structured data")


# --- real crawls on loopback -------------------------------------------------------------------

@pytest.fixture
def site(tmp_path):
    """The fixture pages served on loopback, the sitemap pointing at the server's own address."""
    from scrapers.replay import ReplayServer

    root = tmp_path / "site"
    shutil.copytree(PAGES, root)
    with ReplayServer(root) as server:
        sitemap = (PAGES / "sitemap.xml").read_text(encoding="utf-8")
        (root / "sitemap.xml").write_text(sitemap.replace("https://careers.example.test", server.base_url),
                                          encoding="utf-8")
        yield server.base_url


def test_crawl_pages_and_a_sitemap_into_the_warehouse(db, site):
    def source(company: str, path: str) -> Source:
        return Source(company, "jsonld", "127.0.0.1", f"{site}/{path}", allow_hosts=("127.0.0.1",))

    sources = [source("Fernhill", "single.html"), source("Harbourline", "list.html"),
               source("Tulpwerk", "microdata.html"), source("Orchard Lane", "sitemap.xml"),
               source("Orchard Lane", "about.html"), source("Nobody", "missing.html")]
    scan_id, statuses, added = crawl_and_load(db, sources, "test")
    assert [(s["status"], s["items"]) for s in statuses] == [("ok", 1), ("ok", 3), ("ok", 1), ("ok", 2),
                                                             ("failed", 0), ("failed", 0)]
    assert "no schema.org JobPosting" in statuses[4]["error"] and "404" in statuses[5]["error"]
    assert added == 7
    with reader(db) as con:
        rows = con.execute("""SELECT company, title, remote, salary_min, url, company_source_name FROM postings
                              WHERE ats = 'jsonld' AND board = '127.0.0.1' ORDER BY title""").fetchall()
        raw_pages = con.execute("SELECT DISTINCT raw->>'$.page_url' FROM posting_versions ORDER BY 1").fetchall()
    assert [r[1] for r in rows] == ["Backend Engineer (Go)", "Customs Documentation Specialist",
                                    "Data Analyst, Patient Outcomes", "Frontend Developer", "Patient Support Lead",
                                    "Senior Data Engineer", "Warehouse Shift Lead"]
    assert rows[4][2] == "remote"  # found through the sitemap
    assert (rows[4][0], rows[4][5]) == ("Orchard Lane", "Orchard Lane Health")  # the source's name, its spelling
    assert rows[3][3] == 4200.0 and rows[3][4] == f"{site}/vacatures/frontend-developer"
    assert (f"{site}/jobs/support-lead.html",) in raw_pages


def test_a_url_added_with_sources_add_is_crawled(tmp_path, site):
    from scrapers.crawl import run_crawl
    from scrapers.sources import load_sources
    from tests.helpers import feed_lines, marketfit

    sources = tmp_path / "sources.toml"
    sources.write_text('allow_hosts = ["127.0.0.1"]\n', encoding="utf-8")
    marketfit("sources", "add", f"{site}/list.html", "--sources", str(sources), "--company", "Harbourline")
    source, = load_sources(sources)
    assert (source.ats, source.board, source.url) == ("jsonld", "127.0.0.1", f"{site}/list.html")
    status, = run_crawl([source], tmp_path / "out")
    assert (status["status"], status["items"]) == ("ok", 3)
    assert feed_lines(tmp_path / "out").count("\n") == 3


def test_a_jsonld_source_needs_its_url(tmp_path):
    from scrapers.sources import SourcesError, load_sources

    sources = tmp_path / "sources.toml"
    sources.write_text('[[source]]\ncompany = "Acme"\nats = "jsonld"\nboard = "acme.example"\n', encoding="utf-8")
    with pytest.raises(SourcesError, match="ats 'jsonld' needs the url of the careers page or sitemap"):
        load_sources(sources)
