"""The hire-type labels' postings, read in place from ../shared/data the way a scan reads them.

Each recorded payload goes through the project's parser for its ATS (Hacker News posts through the HN
spider's ``parse_job``), then through the normaliser, so training sees the title and description serving
sees. The three payload kinds the project has no spider for (Remotive, USAJOBS, Oracle) and the few HN posts
whose first line names no company (the spider rejects them) are read by ``check_labels`` and given to the
normaliser as a plain ``file`` posting. Every posting also carries ``first_seen`` (the HN run's date; a
board posting's own publication date where it has one) and ``group`` (the postings it is seen among: an HN
run, or one board file), from which the company facts of training rows are computed; a Greenhouse board's
earlier postings come from the monthly longitudinal file.
"""

from __future__ import annotations

import csv
import gzip
import json
from collections import defaultdict
from datetime import date, datetime, timezone
from functools import cache
from pathlib import Path

from models.company_facts import CompanyFacts, Seen, facts_by_company
from models.data.check_labels import postings_in_file
from scrapers.ats import ashby, greenhouse, hn, lever, recruitee, smartrecruiters, workable, workday
from scrapers.items import new_posting
from scrapers.normalise import RejectedPosting, company_key, normalise

HN_PREFIX = "hn_whoishiring/runs/"
LONGITUDINAL = "greenhouse_boards/greenhouse_jobs_monthly_longitudinal.csv.gz"
BOARD_SNAPSHOT = date(2026, 1, 1)  # a board posting with no date of its own is taken as first seen then
_SNAPSHOT_TIME = datetime(2026, 1, 1, tzinfo=timezone.utc)

# board files the project has a parser for: (its parse_job, the company the board belongs to; None: the
# payload's own "name")
_PARSERS = {
    "greenhouse_boards/raw_content_true/catawiki.json": (greenhouse.parse_job, "Catawiki"),
    "ats_fixtures_mit/lubobali_aws-job-streamer/greenhouse_jobs.json": (greenhouse.parse_job, "Anthropic"),
    "ats_fixtures_mit/lubobali_aws-job-streamer/lever_postings.json": (lever.parse_job, "Spotify"),
    "ats_fixtures_mit/lubobali_aws-job-streamer/ashby_jobs.json": (ashby.parse_job, "Ramp"),
    "ats_fixtures_mit/ericfleshman_candidatezero/ashby_board.json": (ashby.parse_job, "Ashby board"),
    "ats_fixtures_mit/ericfleshman_candidatezero/lever_postings.json": (lever.parse_job, "Lever board"),
    "ats_fixtures_mit/ericfleshman_candidatezero/smartrecruiters_detail.json": (smartrecruiters.parse_job,
                                                                                 "SmartRecruiters board"),
    "ats_fixtures_mit/ericfleshman_candidatezero/workable_account.json": (workable.parse_job, None),
    "ats_fixtures_unlicensed/ehddd3579_career-page-job-monitor/ashby.json": (ashby.parse_job, "Ramp"),
    "ats_fixtures_unlicensed/ehddd3579_career-page-job-monitor/lever.json": (lever.parse_job, "Leverdemo"),
    "ats_fixtures_unlicensed/ehddd3579_career-page-job-monitor/recruitee.json": (recruitee.parse_job,
                                                                                  "Recruitee board"),
    "ats_fixtures_unlicensed/kernsharma_intern-radar/ashby_jobs.json": (ashby.parse_job, "Ashby jobs"),
    "ats_fixtures_unlicensed/kernsharma_intern-radar/jd_greenhouse_job.json": (greenhouse.parse_job, "Stripe"),
    "ats_fixtures_unlicensed/kernsharma_intern-radar/jd_lever_posting.json": (lever.parse_job, "Lever posting"),
    "ats_fixtures_unlicensed/kernsharma_intern-radar/lever_postings.json": (lever.parse_job, "Lever postings"),
    "ats_fixtures_unlicensed/kernsharma_intern-radar/jd_smartrecruiters_posting.json": (
        smartrecruiters.parse_job, "SmartRecruiters posting"),
    "ats_fixtures_unlicensed/kernsharma_intern-radar/jd_workday_job.json": (
        lambda job, company, board: workday.parse_job(job, company=company, board=board, crawled_at=_SNAPSHOT_TIME),
        "Workday posting"),
}


def _jobs(data) -> list[dict]:
    if isinstance(data, list):
        return data
    return data.get("jobs") or data.get("offers") or [data]


def _hn_run(shared: Path, rel: str) -> dict[str, dict]:
    run = date.fromisoformat(Path(rel).parent.name)
    out = {}
    for job in json.loads((shared / rel).read_text(encoding="utf-8"))["jobs"]:
        if not job.get("text"):
            continue
        try:
            raw = hn.parse_job(job, company="hn", board="whoishiring")
        except ValueError:  # no company in the first line: the spider rejects it; read as a plain post
            line, _ = hn.split_post(job["text"])
            raw = new_posting(ats="file", board="whoishiring", native_id=str(job["id"]),
                              company=f"(unnamed, post {job['id']})",
                              title=line[:200] or "(no header)", description_html=job["text"], raw={"id": job["id"]})
        out[str(job["id"])] = {**raw, "first_seen": run, "group": rel}
    return out


def _board(shared: Path, rel: str) -> dict[str, dict]:
    out = {}
    if rel in _PARSERS:
        parse, company = _PARSERS[rel]
        data = json.loads((shared / rel).read_text(encoding="utf-8"))
        company = company or data["name"]
        for job in _jobs(data):
            raw = parse(job, company=company, board=Path(rel).stem)
            out[raw["native_id"]] = raw
    for native_id, title, text in postings_in_file(rel, str(shared)):
        if native_id not in out:  # no parser for this payload kind
            out[native_id] = new_posting(ats="file", board=Path(rel).stem, native_id=native_id,
                                         company=Path(rel).parent.name, title=title or "(untitled)",
                                         description_html=text, raw={"id": native_id})
    return {native_id: {**raw, "group": rel} for native_id, raw in out.items()}


@cache
def postings_of_file(shared: Path, rel: str) -> dict[str, dict]:
    """{native id: normalised posting (+ first_seen, group)} of one recorded file; rejects left out."""
    raws = _hn_run(shared, rel) if rel.startswith(HN_PREFIX) else _board(shared, rel)
    out = {}
    for native_id, raw in raws.items():
        try:
            posting = normalise(raw)
        except RejectedPosting:
            continue
        posted = date.fromisoformat(posting["posted_at"][:10]) if posting["posted_at"] else BOARD_SNAPSHOT
        out[native_id] = {**posting, "first_seen": raw.get("first_seen", posted), "group": raw["group"]}
    return out


@cache
def _greenhouse_history(shared: Path) -> dict[str, list[tuple[str, str, date]]]:
    """{board token: [(job id, title, first published)]} from the monthly longitudinal Greenhouse file."""
    out = defaultdict(list)
    with gzip.open(shared / LONGITUDINAL, "rt", encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            out[row["board_token"]].append((row["job_id"], row["title"],
                                            date.fromisoformat((row["first_published"] or row["first_seen_snapshot"])[:10])))
    return dict(out)


def _board_history(shared: Path, postings: dict[str, dict]) -> list[Seen]:
    """A board file's postings, plus the board's earlier postings where the longitudinal file knows it."""
    history = [_seen(native_id, posting) for native_id, posting in postings.items()]
    known = _greenhouse_history(shared)
    for posting in postings.values():
        token = company_key(posting["company"]).replace(" ", "")
        if posting["ats"] == "greenhouse" and token in known:
            history += [Seen(f"earlier:{job_id}", posting["company"], title, None, day)
                        for job_id, title, day in known[token] if job_id not in postings]
            break
    return history

def hn_runs(shared: Path) -> list[str]:
    return sorted(str(path.relative_to(shared)) for path in (shared / HN_PREFIX).glob("*/raw.json"))


def _seen(native_id: str, posting: dict) -> Seen:
    return Seen(native_id, posting["company"], posting["title"], posting.get("department"), posting["first_seen"])


def training_facts(shared: Path, rows: list[dict]) -> list[CompanyFacts]:
    """The company facts of labelled rows as the warehouse would have had them when each was first seen: an
    HN post against its company's posts in every run up to that run (open: those in the run); a board
    posting against the board file's other postings (all open, one date)."""
    runs = {rel: postings_of_file(shared, rel) for rel in hn_runs(shared)}
    first: dict[str, Seen] = {}
    for rel in sorted(runs, key=lambda rel: Path(rel).parent.name):
        for native_id, posting in runs[rel].items():
            first.setdefault(native_id, _seen(native_id, posting))
    by_group: dict[str, dict[str, CompanyFacts]] = {}
    out = []
    for row in rows:
        group = row["file"]
        if group not in by_group:
            if group.startswith(HN_PREFIX):
                by_group[group] = facts_by_company(list(first.values()), set(runs[group]),
                                                   date.fromisoformat(Path(group).parent.name))
            else:
                postings = postings_of_file(shared, group)
                as_of = max(p["first_seen"] for p in postings.values())   # the board as it was when read
                by_group[group] = facts_by_company(_board_history(shared, postings), set(postings), as_of)
        out.append(by_group[group][row["id"]])
    return out
