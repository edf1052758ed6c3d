"""Greenhouse Job Board API: boards-api.greenhouse.io/v1/boards/{board}/jobs?content=true."""

from __future__ import annotations

import html
from typing import Any

from scrapers.ats.base import AtsSpider, path_after
from scrapers.items import new_posting


def board_url(board: str) -> str:
    return f"https://boards-api.greenhouse.io/v1/boards/{board}/jobs?content=true"


def jobs(payload: Any) -> list[dict]:
    return payload["jobs"]


# values seen in the "Location Type" custom field
_LOCATION_TYPES = {"remote": "remote", "hybrid": "hybrid", "on-site": "onsite", "onsite": "onsite",
                   "in office": "onsite", "in-office": "onsite", "office": "onsite"}


def _metadata(job: dict, name: str) -> Any:
    for field in job.get("metadata") or []:
        if isinstance(field, dict) and str(field.get("name", "")).lower() == name:
            return field.get("value")
    return None


def parse_job(job: dict, *, company: str, board: str) -> dict:
    content = job.get("content")
    location_type = _metadata(job, "location type")
    departments = [d["name"] for d in job.get("departments") or [] if d.get("name")]
    return new_posting(
        ats="greenhouse",
        board=board,
        native_id=str(job["id"]),
        company=company,
        company_source_name=job.get("company_name"),
        title=job["title"],
        location=(job.get("location") or {}).get("name"),
        remote=_LOCATION_TYPES.get(str(location_type).strip().lower()) if location_type else None,
        url=job.get("absolute_url"),
        posted_at=job.get("first_published") or job.get("updated_at"),
        department=", ".join(departments) or None,
        # content=true returns the HTML escaped once more inside the JSON string
        description_html=html.unescape(content) if content else None,
        raw=job,
    )


PAGE_HOSTS = {"boards.greenhouse.io", "job-boards.greenhouse.io", "boards.eu.greenhouse.io", "job-boards.eu.greenhouse.io"}
API_HOSTS = {"boards-api.greenhouse.io", "boards-api.eu.greenhouse.io", "api.greenhouse.io"}


def source_from_url(host: str, path: list[str], query: dict[str, list[str]]) -> dict | None:
    """EU boards (*.eu.greenhouse.io) need no url: the global boards-api host serves their JSON."""
    if host in PAGE_HOSTS:
        board = (query.get("for") or [None])[0] if path[:1] == ["embed"] else (path[0] if path else None)
    elif host in API_HOSTS:
        board = path_after(path, "v1", "boards")
    else:
        return None
    return {"board": board} if board else None


class GreenhouseSpider(AtsSpider):
    name = "greenhouse"
    ats = "greenhouse"
    source_from_url = staticmethod(source_from_url)
    board_url = staticmethod(board_url)
    jobs = staticmethod(jobs)
    parse_job = staticmethod(parse_job)
