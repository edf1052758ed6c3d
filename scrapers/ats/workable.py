"""Workable widget API: apply.workable.com/api/v1/widget/accounts/{board}?details=true."""

from __future__ import annotations

from typing import Any

from scrapers.ats.base import AtsSpider, path_after, tenant_of
from scrapers.items import new_posting


def board_url(board: str) -> str:
    return f"https://apply.workable.com/api/v1/widget/accounts/{board}?details=true"


def jobs(payload: Any) -> list[dict]:
    return payload["jobs"]


def _location(job: dict) -> str | None:
    places = job.get("locations") or [{"city": job.get("city"), "region": job.get("state"),
                                       "country": job.get("country")}]
    names = [", ".join(p for p in (place.get("city"), place.get("region"), place.get("country")) if p)
             for place in places]
    return "; ".join(dict.fromkeys(name for name in names if name)) or None


def parse_job(job: dict, *, company: str, board: str) -> dict:
    return new_posting(
        ats="workable",
        board=board,
        native_id=str(job["shortcode"]),
        company=company,
        title=job["title"],
        location=_location(job),
        remote="remote" if job.get("telecommuting") else None,
        url=job.get("url"),
        posted_at=job.get("published_on") or job.get("created_at"),
        department=job.get("department") or None,
        employment_type=job.get("employment_type") or None,
        description_html=job.get("description") or None,
        raw=job,
    )


def source_from_url(host: str, path: list[str], query: dict[str, list[str]]) -> dict | None:
    if host == "apply.workable.com":
        first = path[0] if path else None
        if first == "api":
            board = path_after(path, "api", "v1", "widget", "accounts") or path_after(path, "api", "v3", "accounts")
        else:
            board = first if first != "j" else None  # /j/{shortcode} names no account
    else:
        board = tenant_of(host, "workable.com")
    return {"board": board} if board else None


class WorkableSpider(AtsSpider):
    name = "workable"
    ats = "workable"
    source_from_url = staticmethod(source_from_url)
    board_url = staticmethod(board_url)
    jobs = staticmethod(jobs)
    parse_job = staticmethod(parse_job)
