"""Lever Postings API: api.lever.co/v0/postings/{board}?mode=json."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from scrapers.ats.base import AtsSpider, path_after
from scrapers.items import new_posting

_PERIODS = {"per-year-salary": "year", "per-month-salary": "month", "per-week-salary": "week",
            "per-day-wage": "day", "per-hour-wage": "hour"}


def board_url(board: str) -> str:
    return f"https://api.lever.co/v0/postings/{board}?mode=json"


def jobs(payload: Any) -> list[dict]:
    if not isinstance(payload, list):
        raise TypeError("Lever board response is not a list of postings")
    return payload


def _description_html(job: dict) -> str | None:
    parts = [job.get("description") or ""]
    for section in job.get("lists") or []:
        parts.append(f"<h3>{section.get('text', '')}</h3><ul>{section.get('content', '')}</ul>")
    parts.append(job.get("additional") or "")
    joined = "\n".join(p for p in parts if p)
    return joined or None


def _description_text(job: dict) -> str | None:
    if job.get("description"):
        return None  # the HTML (with lists) is richer; the normaliser converts it
    parts = [job.get("descriptionPlain"), job.get("additionalPlain")]
    return "\n\n".join(p for p in parts if p) or None


def parse_job(job: dict, *, company: str, board: str) -> dict:
    categories = job.get("categories") or {}
    created = job.get("createdAt")
    salary = job.get("salaryRange") or {}
    workplace = job.get("workplaceType")
    return new_posting(
        ats="lever",
        board=board,
        native_id=str(job["id"]),
        company=company,
        title=job["text"],
        location=categories.get("location"),
        remote=workplace if workplace in ("remote", "hybrid", "onsite") else None,
        url=job.get("hostedUrl"),
        posted_at=datetime.fromtimestamp(created / 1000, tz=timezone.utc).isoformat() if created else None,
        department=categories.get("department"),
        team=categories.get("team"),
        employment_type=categories.get("commitment"),
        salary_min=salary.get("min"),
        salary_max=salary.get("max"),
        salary_currency=salary.get("currency"),
        salary_period=_PERIODS.get(salary.get("interval")) if salary else None,
        description_html=_description_html(job) if job.get("description") else None,
        description=_description_text(job),
        raw=job,
    )


def source_from_url(host: str, path: list[str], query: dict[str, list[str]]) -> dict | None:
    if host in ("jobs.lever.co", "jobs.eu.lever.co"):
        board = path[0] if path else None
    elif host in ("api.lever.co", "api.eu.lever.co"):
        board = path_after(path, "v0", "postings")
    else:
        return None
    if not board:
        return None
    # the EU instance has its own API host
    return {"board": board, "url": f"https://api.eu.lever.co/v0/postings/{board}?mode=json"} if ".eu." in host \
        else {"board": board}


class LeverSpider(AtsSpider):
    name = "lever"
    ats = "lever"
    source_from_url = staticmethod(source_from_url)
    board_url = staticmethod(board_url)
    jobs = staticmethod(jobs)
    parse_job = staticmethod(parse_job)
