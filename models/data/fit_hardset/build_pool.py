"""Choose the postings each hard-set profile is graded against (run once; the result is pool.jsonl).

Most pairs are within the profile's own function, the hard part of ranking: the profile's function in
full-text postings (Hacker News posts, ATS boards), the same function as title-only Greenhouse postings
with their real locations (every level, many places), near-miss functions ("Product Engineer" for a
product manager) and a few other functions. Selection is by title patterns and a seeded shuffle; the
patterns choose what to *read*, not how it is graded.

    .venv/bin/python models/data/fit_hardset/build_pool.py [--shared ../shared/data]
"""

from __future__ import annotations

import argparse
import csv
import gzip
import html
import json
import random
import re
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[2]
sys.path.insert(0, str(REPO))

from scrapers.normalise import parse_location  # noqa: E402

POOL = HERE / "pool.jsonl"
LONGITUDINAL = "greenhouse_boards/greenhouse_jobs_monthly_longitudinal.csv.gz"
USAJOBS_PM = "usajobs_metadata/product_manager_jobs_analysis.csv"
FULL_TEXT_FILES = (
    "greenhouse_boards/raw_content_true/catawiki.json",
    "ats_fixtures_mit/lubobali_aws-job-streamer/greenhouse_jobs.json",
    "ats_fixtures_mit/lubobali_aws-job-streamer/lever_postings.json",
    "ats_fixtures_mit/lubobali_aws-job-streamer/ashby_jobs.json",
    "ats_fixtures_mit/ericfleshman_candidatezero/workable_account.json",
    "ats_fixtures_unlicensed/ehddd3579_career-page-job-monitor/ashby.json",
    "ats_fixtures_unlicensed/ehddd3579_career-page-job-monitor/lever.json",
    "ats_fixtures_unlicensed/kernsharma_intern-radar/jd_greenhouse_job.json",
)

# profile → (within-function title pattern, near-miss title pattern, home country for place variety)
PROFILES = {
    "pm_payments_senior": (
        r"\bproduct manag|\bproduct owner\b|\bproduct lead\b|\bhead of product\b|\bdirector,? (?:of )?product\b"
        r"|\bvp,? (?:of )?product\b|\bAPM\b|\bproduct management\b",
        r"product engineer|product marketing|product design|program manager|project manager|product analyst"
        r"|product operations|product specialist|payments? (?:engineer|analyst|operations)", "US"),
    "designer_mid_london": (
        r"designer|\bux\b|\bui\b|user experience|head of design|design lead|design manager",
        r"design engineer|front.?end|creative|researcher|content strateg|brand|illustrat|art director", "GB"),
    "data_analyst_toronto": (
        r"data analyst|analytics|business intelligence|\bBI\b|product analyst|insights analyst|reporting analyst"
        r"|data & analytics",
        r"data scien|data engineer|financial analyst|business analyst|machine learning|quant|research analyst",
        "CA"),
    "backend_poland_remote": (
        r"back.?end|\bjava\b|kotlin|platform engineer|server|distributed systems|software engineer",
        r"front.?end|full.?stack|mobile|\bios\b|android|devops|\bsre\b|site reliability|data engineer"
        r"|engineering manager|qa|test", "PL"),
    "ml_engineer_sf": (
        r"machine learning|\bML\b|\bAI engineer|applied scien|research engineer|\bLLM|deep learning|MLOps"
        r"|\bAI/ML\b|\bAI\b.*engineer",
        r"data scien|data engineer|research scientist|analytics|backend|software engineer", "US"),
    "security_remote_us": (
        r"secur|detection|threat|incident response|\bSOC\b|appsec|red team|penetration|infosec|\bCISO\b",
        r"devops|site reliability|\bSRE\b|platform engineer|infrastructure|compliance|\bIT\b|network engineer"
        r"|privacy|risk", "US"),
    "sales_ae_london": (
        r"account executive|\bAE\b|enterprise sales|sales executive|strategic account|new business"
        r"|head of sales|sales director|sales manager",
        r"account manag|customer success|business develop|\bSDR\b|\bBDR\b|sales engineer|solutions engineer"
        r"|partnership|revenue operations|sales operations", "GB"),
    "support_specialist_austin": (
        r"customer support|technical support|support specialist|support engineer|customer service"
        r"|customer success|help ?desk|customer care|customer experience|support associate"
        r"|support representative|support agent",
        r"account manag|implementation|onboarding|solutions engineer|operations (?:associate|specialist)"
        r"|community|sales development", "US"),
    "new_grad_swe_boston": (
        r"new grad|graduate|junior|entry.?level|software engineer|software developer|associate engineer"
        r"|engineer,? I\b|\bSWE\b|full.?stack|back.?end",
        r"intern|data analyst|\bqa\b|test engineer|IT support|devops|support engineer|solutions engineer", "US"),
    "eng_manager_berlin": (
        r"engineering manager|head of engineering|director,? (?:of )?engineering|engineering lead|vp,? (?:of )?"
        r"engineering|team lead|manager,? software|software engineering manager|\bCTO\b|engineering director",
        r"staff (?:software )?engineer|principal engineer|senior software engineer|technical program manager"
        r"|product manager|architect|tech lead", "DE"),
}
EXCLUDE_WITHIN = {
    "pm_payments_senior": r"product marketing|product design|product engineer",
    "backend_poland_remote": r"front.?end|mobile|ios|android|manager|machine learning|data engineer|intern",
    "designer_mid_london": r"design engineer|designer.*engineer|engineer",
    "data_analyst_toronto": r"engineer(?!ing)|scientist",
}
SIZES = {"full": 45, "title_only": 55, "near": 30, "other": 25}


def _text(raw: str | None) -> str:
    text = html.unescape(html.unescape(raw or ""))
    text = re.sub(r"<p>|<br\s*/?>|</li>|</h\d>", "\n", text)
    return re.sub(r"<[^>]+>", " ", text)


def full_text_postings(shared: Path) -> list[dict]:
    """Every full-text posting: HN posts (first run a post appears in) and ATS board postings."""
    found, seen = [], set()
    for run in sorted((shared / "hn_whoishiring" / "runs").glob("*/raw.json")):
        for job in json.loads(run.read_text(encoding="utf-8"))["jobs"]:
            text = _text(job.get("text"))
            if job["id"] in seen or len(text) < 300:
                continue
            seen.add(job["id"])
            found.append({"source_file": str(run.relative_to(shared)), "posting_id": str(job["id"]),
                          "headline": text.strip().split("\n", 1)[0][:300], "kind": "hn"})
    for name in FULL_TEXT_FILES:
        data = json.loads((shared / name).read_text(encoding="utf-8"))
        jobs = data if isinstance(data, list) else data.get("jobs") or [data]
        for job in jobs:
            text = job.get("content") or job.get("descriptionPlain") or job.get("descriptionHtml") \
                or job.get("description") or ""
            if len(text) < 300:
                continue
            title = job.get("title") or job.get("text") or ""
            found.append({"source_file": name, "posting_id": str(job.get("id") or job["shortcode"]),
                          "headline": title.strip(),
                          "kind": "ats"})
    return found


def title_only_postings(shared: Path) -> list[dict]:
    """Greenhouse postings seen in the monthly snapshots: title and location only, one per company+title+place."""
    rows, seen = [], set()
    with gzip.open(shared / LONGITUDINAL, "rt", encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            key = (row["board_token"], row["title"].strip().lower(), row["location"].strip().lower())
            if key in seen or not row["title"].strip():
                continue
            seen.add(key)
            rows.append({"source_file": LONGITUDINAL, "posting_id": f"{row['board_token']}/{row['job_id']}",
                         "headline": row["title"].strip(), "location": row["location"], "kind": "title_only"})
    return rows


def usajobs_pm(shared: Path) -> list[dict]:
    with open(shared / USAJOBS_PM, encoding="utf-8", newline="") as handle:
        return [{"source_file": USAJOBS_PM, "posting_id": row["control_number"],
                 "headline": row["position_title"], "kind": "title_only"} for row in csv.DictReader(handle)]


def _match(pattern: str, text: str) -> bool:
    return bool(re.search(pattern, text, re.I))


def choose(profile: str, full: list[dict], titles: list[dict], usajobs: list[dict], rng: random.Random) -> list[dict]:
    within, near, home = PROFILES[profile]
    exclude = EXCLUDE_WITHIN.get(profile)

    def is_within(p: dict) -> bool:
        return _match(within, p["headline"]) and not (exclude and _match(exclude, p["headline"]))

    chosen: list[dict] = []
    picked: set[tuple[str, str]] = set()

    def take(candidates: list[dict], n: int, group: str) -> None:
        candidates = [c for c in candidates if (c["source_file"], c["posting_id"]) not in picked]
        rng.shuffle(candidates)
        for c in candidates[:n]:
            picked.add((c["source_file"], c["posting_id"]))
            chosen.append({**c, "group": group})

    full_within = [p for p in full if is_within(p)]
    take(full_within, SIZES["full"], "within")
    # title-only in function: a third at home, a third remote-looking, a third elsewhere (real places)
    title_within = [p for p in titles if is_within(p)]
    home_rows = [p for p in title_within if parse_location(p["location"]).country == home]
    remote_rows = [p for p in title_within if "remote" in p["location"].lower()]
    share = SIZES["title_only"] + max(0, SIZES["full"] - len(full_within))
    take(home_rows, share // 3, "within")
    take(remote_rows, share // 3, "within")
    take(title_within, share - 2 * (share // 3), "within")
    if profile == "pm_payments_senior":
        take(usajobs, 5, "within")
    near_rows = [p for p in full + titles if _match(near, p["headline"]) and not is_within(p)]
    take([p for p in near_rows if p["kind"] != "title_only"], SIZES["near"] // 2, "near")
    take([p for p in near_rows if p["kind"] == "title_only"], SIZES["near"] - SIZES["near"] // 2, "near")
    others = [p for p in full if not is_within(p) and not _match(near, p["headline"])]
    take(others, SIZES["other"], "other")
    return chosen


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=REPO.parent / "shared" / "data")
    args = parser.parse_args()
    full, titles, usajobs = full_text_postings(args.shared), title_only_postings(args.shared), usajobs_pm(args.shared)
    print(f"{len(full)} full-text postings, {len(titles)} title-only postings")
    with POOL.open("w", encoding="utf-8") as out:
        for profile in PROFILES:
            rng = random.Random(f"fit-hardset/{profile}")
            rows = choose(profile, full, titles, usajobs, rng)
            counts = {g: sum(r["group"] == g for r in rows) for g in ("within", "near", "other")}
            print(f"{profile:<28} {len(rows)} postings {counts}, "
                  f"{sum(r['kind'] == 'title_only' for r in rows)} title-only")
            for row in rows:
                out.write(json.dumps({"profile": profile, "source_file": row["source_file"],
                                      "posting_id": row["posting_id"], "group": row["group"],
                                      "headline": row["headline"][:160]}, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
