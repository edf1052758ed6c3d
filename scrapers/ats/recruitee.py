"""Recruitee careers-site API: {board}.recruitee.com/api/offers/."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from scrapers.ats.base import AtsSpider, tenant_of
from scrapers.items import new_posting

_PERIODS = {"year": "year", "annual": "year", "yearly": "year", "month": "month", "monthly": "month",
            "week": "week", "weekly": "week", "day": "day", "daily": "day", "hour": "hour", "hourly": "hour"}


def board_url(board: str) -> str:
    return f"https://{board}.recruitee.com/api/offers/"


def jobs(payload: Any) -> list[dict]:
    return payload["offers"]


def _timestamp(value: str | None) -> str | None:
    """'2026-08-18 07:34:38 UTC' (the API's format) or ISO-8601 → ISO-8601 UTC."""
    if not value:
        return None
    parsed = datetime.fromisoformat(value.replace(" UTC", "+00:00").replace("Z", "+00:00"))
    return parsed.astimezone(timezone.utc).isoformat()


def _amount(value: Any) -> int | float | None:
    """Salary bounds come as numbers or numeric strings; anything else is no bound."""
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return int(number) if number.is_integer() else number


def _remote(offer: dict) -> str | None:
    for flag, value in (("remote", "remote"), ("hybrid", "hybrid"), ("on_site", "onsite")):
        if offer.get(flag):
            return value
    return None


def parse_job(job: dict, *, company: str, board: str) -> dict:
    salary = job.get("salary") or {}
    low, high = _amount(salary.get("min")), _amount(salary.get("max"))
    has_salary = low is not None or high is not None
    place = ", ".join(p for p in (job.get("city"), job.get("country")) if p)
    parts = [job.get("description"), job.get("requirements")]
    return new_posting(
        ats="recruitee",
        board=board,
        native_id=str(job["id"]),
        company=company,
        title=job["title"],
        location=job.get("location") or place or None,
        remote=_remote(job),
        url=job.get("careers_url"),
        posted_at=_timestamp(job.get("published_at") or job.get("created_at")),
        department=job.get("department") or None,
        employment_type=job.get("employment_type_code") or None,
        salary_min=low,
        salary_max=high,
        salary_currency=salary.get("currency") if has_salary else None,
        salary_period=_PERIODS.get(str(salary.get("period")).lower()) if has_salary else None,
        description_html="\n".join(p for p in parts if p) or None,
        raw=job,
    )


def source_from_url(host: str, path: list[str], query: dict[str, list[str]]) -> dict | None:
    board = tenant_of(host, "recruitee.com")
    return {"board": board} if board else None


class RecruiteeSpider(AtsSpider):
    name = "recruitee"
    ats = "recruitee"
    source_from_url = staticmethod(source_from_url)
    board_url = staticmethod(board_url)
    jobs = staticmethod(jobs)
    parse_job = staticmethod(parse_job)
