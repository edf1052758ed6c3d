"""Ashby Job Posting API: api.ashbyhq.com/posting-api/job-board/{board}?includeCompensation=true."""

from __future__ import annotations

from typing import Any

from scrapers.ats.base import AtsSpider, path_after
from scrapers.items import new_posting

_PERIODS = {"1 YEAR": "year", "1 MONTH": "month", "1 WEEK": "week", "1 DAY": "day", "1 HOUR": "hour"}
_WORKPLACE = {"remote": "remote", "hybrid": "hybrid", "onsite": "onsite"}


def board_url(board: str) -> str:
    return f"https://api.ashbyhq.com/posting-api/job-board/{board}?includeCompensation=true"


def jobs(payload: Any) -> list[dict]:
    return [job for job in payload["jobs"] if job.get("isListed", True)]


def _salary(job: dict) -> dict:
    for component in (job.get("compensation") or {}).get("summaryComponents") or []:
        if component.get("compensationType") == "Salary" and component.get("minValue") is not None:
            return component
    return {}


def parse_job(job: dict, *, company: str, board: str) -> dict:
    salary = _salary(job)
    workplace = _WORKPLACE.get(str(job.get("workplaceType") or "").lower())
    if workplace is None and job.get("isRemote"):
        workplace = "remote"
    locations = [job.get("location")] + [s.get("location") for s in job.get("secondaryLocations") or []]
    return new_posting(
        ats="ashby",
        board=board,
        native_id=str(job["id"]),
        company=company,
        title=job["title"],
        location="; ".join(loc for loc in locations if loc) or None,
        remote=workplace,
        url=job.get("jobUrl"),
        posted_at=job.get("publishedAt"),
        department=job.get("department"),
        team=job.get("team"),
        employment_type=job.get("employmentType"),
        salary_min=salary.get("minValue"),
        salary_max=salary.get("maxValue"),
        salary_currency=salary.get("currencyCode"),
        salary_period=_PERIODS.get(salary.get("interval")) if salary else None,
        description_html=job.get("descriptionHtml"),
        description=None if job.get("descriptionHtml") else job.get("descriptionPlain"),
        raw=job,
    )


def source_from_url(host: str, path: list[str], query: dict[str, list[str]]) -> dict | None:
    if host == "jobs.ashbyhq.com":
        board = path[0] if path else None
    elif host == "api.ashbyhq.com":
        board = path_after(path, "posting-api", "job-board")
    else:
        return None
    return {"board": board} if board else None


class AshbySpider(AtsSpider):
    name = "ashby"
    ats = "ashby"
    source_from_url = staticmethod(source_from_url)
    board_url = staticmethod(board_url)
    jobs = staticmethod(jobs)
    parse_job = staticmethod(parse_job)
