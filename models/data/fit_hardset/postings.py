"""The hard set's postings, read in place from ../shared/data (texts are not stored in the repo).

Each pool entry (source_file, posting_id) becomes a raw posting dict through the project's own parser of
its payload (Greenhouse, Lever, Ashby, Workable), which ``records`` puts through the project's normaliser,
as a scan would. Hacker News posts have no fields: the title is the post's first line (its header) and the
whole post is the description; the title-only Greenhouse snapshot rows keep their title and location.

    .venv/bin/python -m models.data.fit_hardset.postings --packets DIR   # one reading packet per profile
"""

from __future__ import annotations

import argparse
import csv
import gzip
import json
from collections import defaultdict
from functools import cache
from pathlib import Path

import html_text

from scrapers.ats import ashby, greenhouse, lever, workable
from scrapers.items import new_posting
from scrapers.normalise import normalise

HERE = Path(__file__).resolve().parent
POOL = HERE / "pool.jsonl"
GRADES = HERE / "grades.jsonl"
PROFILES = HERE / "profiles"
DEFAULT_SHARED = HERE.parents[3] / "shared" / "data"
LONGITUDINAL = "greenhouse_boards/greenhouse_jobs_monthly_longitudinal.csv.gz"
USAJOBS_PM = "usajobs_metadata/product_manager_jobs_analysis.csv"


def pool_rows(path: Path = POOL) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def pair_key(row: dict) -> str:
    return f"{row['source_file']}#{row['posting_id']}"


@cache
def _longitudinal(shared: Path) -> dict[str, dict]:
    with gzip.open(shared / LONGITUDINAL, "rt", encoding="utf-8", newline="") as handle:
        return {f"{row['board_token']}/{row['job_id']}": row for row in csv.DictReader(handle)}


@cache
def _usajobs(shared: Path) -> dict[str, dict]:
    with open(shared / USAJOBS_PM, encoding="utf-8", newline="") as handle:
        return {row["control_number"]: row for row in csv.DictReader(handle)}


# full-text files: (the project's parser of that payload, the company its board belongs to)
_PARSERS = {
    "greenhouse_boards/raw_content_true/catawiki.json": (greenhouse.parse_job, "Catawiki"),
    "ats_fixtures_mit/lubobali_aws-job-streamer/greenhouse_jobs.json": (greenhouse.parse_job, "Anthropic"),
    "ats_fixtures_mit/lubobali_aws-job-streamer/lever_postings.json": (lever.parse_job, "Spotify"),
    "ats_fixtures_mit/lubobali_aws-job-streamer/ashby_jobs.json": (ashby.parse_job, "Ramp"),
    "ats_fixtures_mit/ericfleshman_candidatezero/workable_account.json": (workable.parse_job, None),
    "ats_fixtures_unlicensed/ehddd3579_career-page-job-monitor/ashby.json": (ashby.parse_job, "Ramp"),
    "ats_fixtures_unlicensed/ehddd3579_career-page-job-monitor/lever.json": (lever.parse_job, "Leverdemo"),
    "ats_fixtures_unlicensed/kernsharma_intern-radar/jd_greenhouse_job.json": (greenhouse.parse_job, "Stripe"),
}


@cache
def _board_file(shared: Path, source_file: str) -> dict[str, dict]:
    """{native id: raw posting} of one recorded board response, parsed by the project's own parser."""
    parse, company = _PARSERS[source_file]
    data = json.loads((shared / source_file).read_text(encoding="utf-8"))
    jobs = data if isinstance(data, list) else data.get("jobs") or [data]
    company = company or data["name"]
    board = Path(source_file).stem
    return {str(job.get("id") or job.get("shortcode")): parse(job, company=company, board=board) for job in jobs}


@cache
def _hn_file(shared: Path, source_file: str) -> dict[str, dict]:
    """{item id: raw posting} of one month's Hacker News posts: the first line is the title."""
    out = {}
    for job in json.loads((shared / source_file).read_text(encoding="utf-8"))["jobs"]:
        text = job.get("text") or ""
        header = html_text.extract_text(text.split("<p>", 1)[0]).strip()
        out[str(job["id"])] = new_posting(
            ats="hn", board="whoishiring", native_id=str(job["id"]), company=header.split("|", 1)[0].strip()[:80],
            title=header[:300] or "(no header)", description_html=text, raw={"id": job["id"]})
    return out


def raw_posting(row: dict, shared: Path = DEFAULT_SHARED) -> dict:
    """The pool entry as the scan's raw posting dict (before normalising)."""
    source, native = row["source_file"], str(row["posting_id"])
    if source == LONGITUDINAL:
        rec = _longitudinal(shared)[native]
        return new_posting(ats="greenhouse", board=rec["board_token"], native_id=rec["job_id"],
                           company=rec["company_name"], title=rec["title"], location=rec["location"],
                           url=rec["absolute_url"], raw=rec)
    if source == USAJOBS_PM:
        rec = _usajobs(shared)[native]
        return new_posting(ats="usajobs", board="usajobs", native_id=native, company=rec["hiring_agency_name"],
                           title=rec["position_title"], location="United States",
                           remote="remote" if rec["telework_eligible"] == "Y" else None,
                           salary_min=float(rec["minimum_salary"]), salary_max=float(rec["maximum_salary"]),
                           salary_currency="USD", salary_period="year", raw=rec)
    if source.startswith("hn_whoishiring/"):
        return _hn_file(shared, source)[native]
    return _board_file(shared, source)[native]


def records(rows: list[dict], shared: Path = DEFAULT_SHARED) -> dict[str, dict]:
    """{pair key: normalised posting} for every distinct posting of the rows."""
    out: dict[str, dict] = {}
    for row in rows:
        key = pair_key(row)
        if key not in out:
            out[key] = normalise(raw_posting(row, shared))
    return out


def graded_pairs(shared: Path = DEFAULT_SHARED) -> dict[str, list[tuple[dict, int]]]:
    """{profile: [(normalised posting, final grade)]} in pool order."""
    if not shared.is_dir():
        raise FileNotFoundError(f"{shared}: the shared data folder is needed to read the hard set's postings")
    grades = {(g["profile"], g["key"]): int(g["grade"]) for g in map(json.loads, GRADES.read_text("utf-8").splitlines())}
    rows = [row for row in pool_rows() if (row["profile"], pair_key(row)) in grades]
    postings = records(rows, shared)
    out: dict[str, list[tuple[dict, int]]] = defaultdict(list)
    for row in rows:
        out[row["profile"]].append((postings[pair_key(row)], grades[(row["profile"], pair_key(row))]))
    return dict(out)


def _packet(profile: str, rows: list[dict], shared: Path) -> str:
    toml = (PROFILES / f"{profile}.toml").read_text(encoding="utf-8")
    resume = (PROFILES / f"{profile}.md").read_text(encoding="utf-8")
    parts = [f"# Profile `{profile}`\n\n## Preferences (TOML)\n```toml\n{toml}```\n\n## Resume\n{resume}\n",
             f"# Postings to grade ({len(rows)})\n"]
    for number, row in enumerate(rows, 1):
        raw = normalise(raw_posting(row, shared))
        text = raw["description"]
        head = [f"## {number}. key: `{pair_key(row)}`",
                f"- title: {raw['title']}", f"- company: {raw.get('company') or '?'}",
                f"- location field: {raw.get('location') or '(none)'}"]
        if raw.get("remote"):
            head.append(f"- remote field: {raw['remote']}")
        if raw.get("salary_source") == "ats":
            head.append(f"- salary field: {raw['salary_min']:.0f}-{raw['salary_max']:.0f} "
                        f"{raw['salary_currency']} per {raw['salary_period']}")
        body = (text[:5000] + " […]" if len(text) > 5000 else text) if text else "(no description: title only)"
        parts.append("\n".join(head) + "\n\n" + body + "\n")
    return "\n".join(parts)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=DEFAULT_SHARED)
    parser.add_argument("--packets", type=Path, required=True, help="folder for one Markdown packet per profile")
    args = parser.parse_args()
    by_profile: dict[str, list[dict]] = defaultdict(list)
    for row in pool_rows():
        by_profile[row["profile"]].append(row)
    args.packets.mkdir(parents=True, exist_ok=True)
    for profile, rows in by_profile.items():
        (args.packets / f"{profile}.md").write_text(_packet(profile, rows, args.shared), encoding="utf-8")
        print(f"{profile}: {len(rows)} postings")


if __name__ == "__main__":
    main()
