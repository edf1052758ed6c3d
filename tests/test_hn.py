"""Hacker News "Who is hiring?": the header parser, and real crawls of a recorded thread on loopback."""

from __future__ import annotations

import pytest

from pipelines.scan import crawl_and_load
from scrapers.ats.hn import Header, parse_header, split_post
from scrapers.replay import ReplayServer
from scrapers.items import Source
from tests.helpers import FIXTURES
from warehouse.db import reader


@pytest.mark.parametrize("line, header", [
    ("Acme | Senior Engineer | Berlin, Germany | REMOTE (EU) | €80k-€100k",
     Header("Acme", "Senior Engineer", "Berlin, Germany", "remote", "€80k-€100k", None)),
    ("Acme (YC W24) | https://acme.example | SF In-Person | Full Time | $125k–$175k",
     Header("Acme", None, "SF In-Person", "onsite", "$125k–$175k", "Full Time")),
    ("Acme | Onsite/Hybrid (US Only) | SF Bay Area | Multiple Roles",
     Header("Acme", "Multiple Roles", "SF Bay Area", "hybrid", None, None)),  # a plain place beats a mode's
    ("Acme | NYC or REMOTE (US) | Backend Engineer, Designer",  # the most flexible arrangement offered
     Header("Acme", "Backend Engineer, Designer", "NYC or REMOTE (US)", "remote", None, None)),
    ("Acme Labs [ Global | 100% Remote | Multiple Roles ]",
     Header("Acme Labs", "Multiple Roles", "Global", "remote", None, None)),
    ("Acme / Mobile Engineer/ Fully Remote/ US Citizen",
     Header("Acme", "Mobile Engineer", None, "remote", None, None)),  # a requirement is not a place
    ("Acme is hiring a Staff Engineer for our data platform.",
     Header("Acme", "Staff Engineer for our data platform", None, None, None, None)),
    ("Great thread, thanks!", Header(None, None, None, None, None, None)),
])
def test_header(line, header):
    assert parse_header(line) == header


def test_first_line_and_the_rest():
    assert split_post("Acme | Engineer<p>We build <i>things</i>.") == ("Acme | Engineer", "We build <i>things</i>.")
    assert split_post("Acme &amp; Co | Engineer\nWe build things.") == ("Acme & Co | Engineer", "We build things.")


def _source(server: ReplayServer, thread: int | None) -> Source:
    url = f"{server.base_url}/hn/v0/item/{thread}.json" if thread else None
    return Source("Hacker News", "hn", "whoishiring", url, allow_hosts=("127.0.0.1",))


def test_crawl_reads_live_posts_skips_deleted_and_dead_and_rejects_prose(db):
    with ReplayServer(FIXTURES / "ats") as server:
        scan_id, (status,), added = crawl_and_load(db, [_source(server, 41000001)], "november")
    assert (status["status"], status["items"], added) == ("ok", 3, 3)
    assert [r["raw"]["id"] for r in status["rejects"]] == [41000015]  # no company; deleted and dead: skipped
    assert "no company in the post's first line" in status["rejects"][0]["reason"]
    with reader(db) as con:
        rows = con.execute("""SELECT company, title, remote, country, salary_min_annual, salary_currency
                              FROM postings_current ORDER BY company""").fetchall()
        description = con.execute("SELECT description FROM postings WHERE company = 'Larkspur Labs'").fetchone()[0]
    assert rows == [("Larkspur Labs", "Senior Backend Engineer", "remote", "PT", 70000.0, "EUR"),
                    ("Quarry Robotics", "Robotics Software Engineer, Controls Engineer, Founding Designer", "onsite",
                     "US", 150000.0, "USD"),  # one post, one posting, every title
                    ("Tidewater Health", "Data Engineer", "hybrid", "US", None, None)]
    assert description.startswith("We build scheduling software") and "Larkspur Labs |" not in description


def test_without_a_thread_the_accounts_newest_who_is_hiring_thread_is_read(db):
    with ReplayServer(FIXTURES / "ats") as server:
        # the account's submissions, newest first: "Who wants to be hired?" is passed over
        source = Source("Hacker News", "hn", "whoishiring", f"{server.base_url}/hn/v0/user/whoishiring.json",
                        allow_hosts=("127.0.0.1",))
        _, (status,), added = crawl_and_load(db, [source], "latest")
    assert (status["status"], status["items"], added) == ("ok", 3, 3)


def test_a_month_is_a_board_last_months_posts_close_when_the_thread_changes(db):
    with ReplayServer(FIXTURES / "ats") as server:
        crawl_and_load(db, [_source(server, 41000001)], "november")
        _, (status,), added = crawl_and_load(db, [_source(server, 41500001)], "december")
    assert (status["status"], added) == ("ok", 1)
    with reader(db) as con:
        open_titles = con.execute("SELECT title FROM postings_current").fetchall()
        closed = con.execute("SELECT count(*) FROM postings WHERE closed_at IS NOT NULL").fetchone()[0]
    assert open_titles == [("Staff Platform Engineer",)] and closed == 3
