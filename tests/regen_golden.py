"""Golden outputs of the ATS parsers.

``python -m tests.regen_golden`` (or ``REGEN_GOLDEN=1 pytest tests/test_parsers.py``) rewrites
``tests/golden/<ats>.json`` from the recorded payloads in ``tests/fixtures/ats/<ats>/``.
Review the diff before committing: a golden change is a parser behaviour change.
"""

from __future__ import annotations

import json
from datetime import datetime, timezone
from pathlib import Path

from scrapers.registry import SPIDERS

HERE = Path(__file__).parent
FIXTURES = HERE / "fixtures" / "ats"
GOLDEN = HERE / "golden"

# ats -> [(payload file in tests/fixtures/ats/<ats>/, company, board)]
CASES: dict[str, list[tuple[str, str, str]]] = {
    "greenhouse": [("anthropic_jobs.json", "Anthropic", "anthropic"), ("gongio_list.json", "Gong", "gongio")],
    "lever": [("spotify_postings.json", "Spotify", "spotify"), ("outreach_postings.json", "Outreach", "outreach")],
    "ashby": [("ramp_jobs.json", "Ramp", "ramp"), ("wealth-com_board.json", "Wealth.com", "wealth-com")],
    "workable": [("crewai_account.json", "CrewAI", "crewai")],
    "smartrecruiters": [("hirevue_detail.json", "HireVue", "hirevue"),
                        ("mapleharborfoods_detail.json", "Maple Harbor Foods", "MapleHarborFoods")],
    "recruitee": [("lindqvistbikes_offers.json", "Lindqvist Bikes", "lindqvistbikes")],
    "personio": [("kranich-logistik.xml", "Kranich Logistik", "kranich-logistik")],
    # jsonld: pages decoded without their URL here (tests/test_jsonld.py covers URL resolution)
    "jsonld": [("single.html", "Fernhill", "careers.fernhill.example"),
               ("list.html", "Harbourline", "harbourline.example"),
               ("itemlist.html", "Quillmark", "quillmark.example"),
               ("microdata.html", "Tulpwerk", "tulpwerk.example"),
               ("jobs/data-analyst.html", "Orchard Lane", "careers.example.test"),
               ("jobs/support-lead.html", "Orchard Lane", "careers.example.test")],
    "workday": [("brightwater_detail_grid-reliability-engineer.json", "Brightwater", "brightwater/Careers"),
                ("brightwater_detail_water-quality-analyst.json", "Brightwater", "brightwater/Careers"),
                ("brightwater_detail_field-operations-apprentice.json", "Brightwater", "brightwater/Careers")],
    # bamboohr: a list payload; each posting's detail beside it as <stem without _list>_detail_<id>.json
    "bamboohr": [("fernwood_list.json", "Fernwood Analytics", "fernwood")],
    # hn: the live top-level comments of a thread, one API item each (tests/test_hn.py crawls the rest)
    "hn": [(f"v0/item/{item}.json", "Hacker News", "whoishiring") for item in (41000011, 41000012, 41000016)],
}
# ATS whose payloads here are posting details: parse_job's input, one posting each
DETAIL_PAYLOADS = ("smartrecruiters", "workday", "hn")
# Workday dates are relative ("Posted 3 Days Ago"): read against this crawl time
PARSE_OPTIONS: dict[str, dict] = {"workday": {"crawled_at": datetime(2026, 11, 20, 9, 30, tzinfo=timezone.utc)}}


def parse(ats: str, job, company: str, board: str) -> dict:
    """One raw job through its ATS's parse_job, as the spider calls it."""
    return SPIDERS[ats].parse_job(job, company=company, board=board, **PARSE_OPTIONS.get(ats, {}))


def raw_jobs(ats: str, name: str) -> list:
    """The raw jobs in one recorded payload, decoded the way the spider decodes it."""
    spider = SPIDERS[ats]
    payload = spider.decode((FIXTURES / ats / name).read_text(encoding="utf-8"))
    if ats == "bamboohr":
        stem = name.removesuffix("_list.json")
        return [{"listing": item, "detail": spider.decode((FIXTURES / ats / f"{stem}_detail_{item['id']}.json")
                                                          .read_text(encoding="utf-8"))}
                for item in spider.jobs(payload)]
    return [payload] if ats in DETAIL_PAYLOADS else list(spider.jobs(payload))


def postings(ats: str) -> list[dict]:
    """Every fixture of one ATS through the spider's pure functions, ``raw`` dropped."""
    result = []
    for name, company, board in CASES[ats]:
        for job in raw_jobs(ats, name):
            posting = parse(ats, job, company, board)
            posting.pop("raw")
            result.append(posting)
    return result


def render(items: list[dict]) -> str:
    return json.dumps(items, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def write(ats: str) -> Path:
    path = GOLDEN / f"{ats}.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render(postings(ats)), encoding="utf-8")
    return path


def main() -> None:
    for ats in CASES:
        print(f"wrote {write(ats).relative_to(HERE.parent)}")


if __name__ == "__main__":
    main()
