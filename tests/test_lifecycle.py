"""Posting lifecycle, reposts, identity across sources and staleness, on real loads into a DuckDB file.

Scans are loaded with ``warehouse.load.load_scan`` from JSONL files of normalised postings, with
``started_at`` set to simulate days passing; ``pipelines.dedupe.link_duplicates`` runs after each load
as the scan pipeline runs it.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from pathlib import Path

import duckdb
import pytest

from pipelines.dedupe import link_duplicates
from scrapers.items import new_posting
from scrapers.normalise import normalise
from warehouse.db import MIGRATIONS, reader, writer
from warehouse.load import load_scan

DAY0 = datetime(2026, 1, 5, 8, 0, tzinfo=timezone.utc)

ABOUT = ("Acme builds payment infrastructure for small businesses across Europe and North America. We are a "
         "team of three hundred people who care about reliability, clear writing and shipping carefully, and "
         "we publish our engineering principles so candidates know how we work before they apply.")
ROLES = {
    "payouts": ("You will design and run the services that move money from our ledger to bank accounts in "
                "thirty countries. You will own payout scheduling, retries against flaky bank APIs, and the "
                "reconciliation jobs that prove every cent arrived. We use Python, PostgreSQL and Kafka, deploy "
                "on Kubernetes, and page each other rarely because we test failure paths before they happen. "
                "You have built payment or billing systems before and can explain idempotency to a new hire."),
    "ledger": ("You will extend the double-entry ledger that records every balance change at Acme, from card "
               "authorisations to currency conversion. The work is schema design for append-only tables, "
               "query plans that stay fast at billions of rows, and audits with our finance team each quarter. "
               "We write Go and SQL, run CockroachDB across three regions, and review every migration in pairs. "
               "You enjoy correctness proofs, careful naming and long-lived data models more than new frameworks."),
    "sales": ("You will sell Acme to mid-market retailers in the DACH region, running the full cycle from first "
              "call to signed contract. You will build a pipeline with our marketing team, run product demos "
              "with solutions engineers, negotiate pricing within clear guardrails, and forecast honestly every "
              "week. You have closed software deals with finance buyers before, speak German and English, and "
              "like working from a plan that you wrote yourself and revisit every month with your manager."),
}


def description(role: str, apply_by: str = "1 March") -> str:
    return f"{ABOUT}\n\n{ROLES[role]}\n\nApplications close on {apply_by}; we reply to everyone within two weeks."


def posting(ats: str, board: str, native_id: str, role: str, title: str = "Senior Backend Engineer",
            location: str | None = "Berlin, Germany", company: str = "Acme", apply_by: str = "1 March",
            **fields) -> dict:
    return normalise(new_posting(ats=ats, board=board, native_id=native_id, company=company, title=title,
                                 location=location, description=description(role, apply_by),
                                 url=fields.pop("url", f"https://{ats}.example/{board}/{native_id}"), **fields))


class Warehouse:
    """A real warehouse file fed one scan at a time; ``day`` sets the scan's started_at."""

    def __init__(self, db: Path, folder: Path) -> None:
        self.db, self.folder = db, folder

    def scan(self, day: int, postings: list[dict], answered: list[tuple[str, str]] | None = None,
             link: bool = True) -> dict:
        """Load one scan; every (ats, board) among the postings, plus ``answered``, answered 'ok'."""
        boards = {(p["ats"], p["board"]) for p in postings} | set(answered or [])
        files = []
        for index, (ats, board) in enumerate(sorted(boards)):
            path = self.folder / f"day{day:03d}-{index:02d}-postings.jsonl"
            rows = [p for p in postings if (p["ats"], p["board"]) == (ats, board)]
            path.write_text("".join(json.dumps(p) + "\n" for p in rows), encoding="utf-8")
            files.append(path)
        statuses = [{"company": "Acme", "ats": ats, "board": board, "status": "ok", "items": 0, "rejects": []}
                    for ats, board in sorted(boards)]
        with writer(self.db) as con:
            load_scan(con, started_at=DAY0 + timedelta(days=day), origin=f"day {day}", posting_files=files,
                      statuses=statuses)
        return link_duplicates(self.db) if link else {}

    def rows(self, sql: str, params: list | None = None) -> list[tuple]:
        with reader(self.db) as con:
            return con.execute(sql, params or []).fetchall()

    def one(self, sql: str, params: list | None = None):
        return self.rows(sql, params)[0]


@pytest.fixture
def warehouse(db: Path, tmp_path: Path) -> Warehouse:
    return Warehouse(db, tmp_path)


def _id(ats: str, board: str, native_id: str) -> str:
    return posting(ats, board, native_id, "payouts")["posting_id"]


def test_history_records_first_and_last_seen_closing_and_versions(warehouse):
    payouts, ledger = posting("greenhouse", "acme", "1", "payouts"), posting("greenhouse", "acme", "2", "ledger")
    warehouse.scan(0, [payouts, ledger])
    warehouse.scan(3, [payouts])                                      # the ledger role is gone
    edited = posting("greenhouse", "acme", "1", "payouts", apply_by="15 March")
    warehouse.scan(10, [edited])
    history = {row[0]: row[1:] for row in warehouse.rows(
        "SELECT posting_id, first_seen, last_seen, closed_at, days_open, versions, repost_of, times_reposted "
        "FROM postings_history")}
    assert history[payouts["posting_id"]] == (DAY0, DAY0 + timedelta(days=10), None, 10, 2, None, 0)
    assert history[ledger["posting_id"]] == (DAY0, DAY0, DAY0 + timedelta(days=3), 3, 1, None, 0)


def test_rerun_of_the_same_scan_adds_no_rows(warehouse):
    scan = [posting("greenhouse", "acme", "1", "payouts"), posting("lever", "acme", "a", "payouts"),
            posting("greenhouse", "acme", "2", "ledger")]
    first = warehouse.scan(0, scan)
    counted = "SELECT (SELECT count(*) FROM postings), (SELECT count(*) FROM posting_versions), " \
              "(SELECT count(*) FROM posting_links), (SELECT count(DISTINCT canonical_id) FROM posting_links)"
    before = warehouse.one(counted)
    again = warehouse.scan(1, scan)
    assert first["linked"] == 3 and again == {"linked": 0, "duplicates": 0, "reposts": 0}
    assert warehouse.one(counted) == before == (3, 3, 3, 2)
    assert link_duplicates(warehouse.db)["linked"] == 0


def test_repost_points_to_the_original_and_the_chain_is_counted(warehouse):
    original = posting("greenhouse", "acme", "100", "payouts")
    other_team = posting("greenhouse", "acme", "101", "ledger")      # same title, another job
    warehouse.scan(0, [original, other_team])
    first_repost = posting("greenhouse", "acme", "200", "payouts", apply_by="1 April")
    assert warehouse.scan(30, [first_repost, other_team])["reposts"] == 1
    second_repost = posting("greenhouse", "acme", "300", "payouts", apply_by="1 May")
    warehouse.scan(65, [second_repost, other_team])
    history = {row[0]: row[1:] for row in warehouse.rows(
        "SELECT posting_id, repost_of, times_reposted, closed_at IS NULL FROM postings_history")}
    assert history == {
        original["posting_id"]: (None, 2, False),
        first_repost["posting_id"]: (original["posting_id"], 2, False),
        second_repost["posting_id"]: (original["posting_id"], 2, True),   # the chain's root, not the last one
        other_team["posting_id"]: (None, 0, True),
    }


def test_reposts_and_evergreen_titles_raise_the_stale_score(warehouse):
    original = posting("greenhouse", "acme", "100", "payouts")
    other_team = posting("greenhouse", "acme", "101", "ledger")
    warehouse.scan(0, [original, other_team])
    warehouse.scan(30, [posting("greenhouse", "acme", "200", "payouts", apply_by="1 April"), other_team])
    latest = posting("greenhouse", "acme", "300", "payouts", apply_by="1 May")
    fresh = posting("greenhouse", "acme", "400", "sales", title="Account Executive, DACH")
    warehouse.scan(65, [latest, other_team, fresh])
    links = dict(warehouse.rows("SELECT posting_id, repost_of FROM posting_links"))
    assert links[latest["posting_id"]] == original["posting_id"]
    assert links[_id("greenhouse", "acme", "200")] == original["posting_id"]
    assert links[other_team["posting_id"]] is None and links[fresh["posting_id"]] is None
    stale = {row[0]: row[1:] for row in warehouse.rows(
        "SELECT posting_id, age_days, times_reposted, title_listed_days, stale_score, stale_reasons "
        "FROM posting_staleness")}
    assert set(stale) == {latest["posting_id"], other_team["posting_id"], fresh["posting_id"]}  # open ones
    # reposted twice: 0.8; evergreen: 0.5; brand new: no age → 1 - 0.2 × 0.5
    assert stale[latest["posting_id"]] == (0, 2, 65, 0.9, ["reposted 2 time(s)",
                                                            "evergreen title: listed continuously for 65 days"])
    # open 65 days: (65 - 30) / 90 × 0.8; its title has been listed all along: 0.5
    age = (65 - 30) / 90 * 0.8
    assert stale[other_team["posting_id"]] == (65, 0, 65, round(1 - (1 - age) * 0.5, 3),
                                               ["open 65 days", "evergreen title: listed continuously for 65 days"])
    assert stale[fresh["posting_id"]] == (0, 0, 0, 0.0, [])


def test_age_counts_from_the_posted_date_when_it_is_earlier(warehouse):
    old = posting("lever", "acme", "x", "ledger", posted_at=(DAY0 - timedelta(days=100)).isoformat())
    warehouse.scan(0, [old])
    age_days, score, reasons = warehouse.one("SELECT age_days, stale_score, stale_reasons FROM posting_staleness")
    assert (age_days, reasons) == (100, ["open 100 days"])
    assert score == pytest.approx((100 - 30) / 90 * 0.8, abs=1e-3)


def test_the_same_job_on_several_sources_is_one_canonical_posting_with_every_url(warehouse):
    greenhouse = posting("greenhouse", "acme", "1", "payouts", url="https://boards.greenhouse.io/acme/jobs/1",
                         salary_min=70_000, salary_max=90_000, salary_currency="EUR", salary_period="year")
    careers_page = posting("jsonld", "acme.com", "page-1", "payouts", company="Acme GmbH",  # same URL, tracked
                           url="https://boards.greenhouse.io/acme/jobs/1?gh_src=careers", location=None)
    lever = posting("lever", "acme", "uuid-1", "payouts", location="Berlin, DE",         # same place and title
                    url="https://jobs.lever.co/acme/uuid-1")
    ashby = posting("ashby", "acme", "9", "payouts", location=None,                      # only the text agrees
                    url="https://jobs.ashbyhq.com/acme/9")
    sales = posting("greenhouse", "acme", "2", "sales", title="Account Executive, DACH")
    warehouse.scan(0, [greenhouse, sales])
    counts = warehouse.scan(1, [careers_page, lever, ashby])  # greenhouse not scanned: it stays open
    assert counts == {"linked": 3, "duplicates": 3, "reposts": 0}
    links = {row[0]: row[1:] for row in warehouse.rows(
        "SELECT posting_id, canonical_id, match_rule FROM posting_links")}
    canonical = greenhouse["posting_id"]  # the earliest
    assert {pid: canonical_id for pid, (canonical_id, _) in links.items()} == {
        greenhouse["posting_id"]: canonical, careers_page["posting_id"]: canonical, lever["posting_id"]: canonical,
        ashby["posting_id"]: canonical, sales["posting_id"]: sales["posting_id"]}
    rules = {pid: rule for pid, (_, rule) in links.items()}
    assert rules[careers_page["posting_id"]] == "url" and rules[ashby["posting_id"]] == "text"
    assert rules[lever["posting_id"]] == "company_title_location" and rules[greenhouse["posting_id"]] == "native_id"
    deduped = warehouse.rows("SELECT canonical_id, source_count, sources, salary_min_annual, salary_source, "
                             "closed_at FROM postings_deduped ORDER BY source_count DESC")
    assert len(deduped) == 2
    job_id, count, sources, salary, salary_source, closed = deduped[0]
    assert (job_id, count, salary, salary_source, closed) == (canonical, 4, 70_000, "ats", None)
    assert sorted(sources) == sorted(p["url"] for p in (greenhouse, careers_page, lever, ashby))
    assert warehouse.one("SELECT count(DISTINCT canonical_id) FROM postings_current") == (2,)


def test_two_listings_on_one_board_stay_two_postings(warehouse):
    first = posting("greenhouse", "acme", "1", "payouts", url="https://acme.example/careers")
    second = posting("greenhouse", "acme", "2", "payouts", url="https://acme.example/careers")
    lever = posting("lever", "acme", "a", "payouts", url="https://acme.example/careers")
    warehouse.scan(0, [first, second])
    warehouse.scan(1, [lever])
    canonical = dict(warehouse.rows("SELECT posting_id, canonical_id FROM posting_links"))
    assert canonical[first["posting_id"]] != canonical[second["posting_id"]]  # two requisitions: hiring two
    # a landing-page URL identifies nothing, and the place is ambiguous on greenhouse: lever joins by text, once
    assert canonical[lever["posting_id"]] in (canonical[first["posting_id"]], canonical[second["posting_id"]])
    assert warehouse.one("SELECT match_rule FROM posting_links WHERE posting_id = ?", [lever["posting_id"]]) == \
        ("text",)


def test_a_job_listed_elsewhere_after_it_closed_is_a_repost_not_a_duplicate(warehouse):
    greenhouse = posting("greenhouse", "acme", "1", "payouts")
    warehouse.scan(0, [greenhouse])
    warehouse.scan(5, [], answered=[("greenhouse", "acme")])          # the board answered without it
    lever = posting("lever", "acme", "a", "payouts")
    warehouse.scan(10, [lever])
    canonical_id, match_rule, repost_of = warehouse.one(
        "SELECT canonical_id, match_rule, repost_of FROM posting_links WHERE posting_id = ?", [lever["posting_id"]])
    assert (canonical_id, match_rule, repost_of) == (lever["posting_id"], "native_id", greenhouse["posting_id"])


def test_postings_seen_before_dedupe_runs_read_as_their_own_canonical(warehouse):
    payouts = posting("greenhouse", "acme", "1", "payouts")
    warehouse.scan(0, [payouts, posting("lever", "acme", "a", "payouts")], link=False)
    assert warehouse.one("SELECT count(DISTINCT canonical_id) FROM postings_current") == (2,)
    assert warehouse.one("SELECT times_reposted, repost_of FROM postings_history WHERE posting_id = ?",
                         [payouts["posting_id"]]) == (0, None)
    link_duplicates(warehouse.db)
    assert warehouse.one("SELECT count(DISTINCT canonical_id) FROM postings_current") == (1,)


def test_normalised_fields_land_in_postings_current(warehouse):
    warehouse.scan(0, [posting("ashby", "acme", "1", "payouts", title="Staff Engineer, Payments",
                               location="Remote (US)", employment_type="FullTime", salary_min=90,
                               salary_max=110, salary_currency="USD", salary_period="hour")])
    row = warehouse.one("SELECT salary_min_annual, salary_max_annual, salary_source, country, city, region, "
                        "employment_type_code, seniority, remote FROM postings_current")
    assert row == (187_200, 228_800, "ats", "US", None, None, "full_time", "staff", "remote")


def test_an_existing_warehouse_is_migrated_and_its_old_rows_still_link(db, tmp_path):
    con = duckdb.connect(str(db))
    con.execute("CREATE TABLE schema_migrations (name VARCHAR PRIMARY KEY, applied_at TIMESTAMPTZ)")
    con.execute((MIGRATIONS / "001_core.sql").read_text(encoding="utf-8"))
    con.execute("INSERT INTO schema_migrations VALUES ('001_core.sql', now())")
    con.execute("INSERT INTO scans (scan_id, started_at, finished_at, origin) VALUES (nextval('scan_ids'), ?, ?, 'old')", [DAY0, DAY0])
    old = posting("greenhouse", "acme", "1", "payouts")
    con.execute("""INSERT INTO postings (posting_id, ats, board, native_id, company, title, location, url,
                                         description, content_hash, first_seen, last_seen, last_scan_id)
                   VALUES (?, 'greenhouse', 'acme', '1', 'Acme', ?, ?, ?, ?, ?, ?, ?, 1)""",
                [old["posting_id"], old["title"], old["location"], old["url"], old["description"],
                 old["content_hash"], DAY0, DAY0])
    con.close()
    with writer(db):  # the next writer migrates
        pass
    warehouse = Warehouse(db, tmp_path)
    assert warehouse.one("SELECT country, seniority, canonical_id FROM postings_current") == \
        (None, None, old["posting_id"])
    lever = posting("lever", "acme", "a", "payouts")
    warehouse.scan(1, [lever])
    assert warehouse.one("SELECT canonical_id FROM posting_links WHERE posting_id = ?", [lever["posting_id"]]) == \
        (old["posting_id"],)
    assert warehouse.one("SELECT count(*) FROM postings_deduped") == (1,)
