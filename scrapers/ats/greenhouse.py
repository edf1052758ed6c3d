"""Greenhouse Job Board API: boards-api.greenhouse.io/v1/boards/{board}/jobs?content=true."""

from __future__ import annotations

import html
from typing import Any

from scrapers.ats.base import AtsSpider
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


class GreenhouseSpider(AtsSpider):
    name = "greenhouse"
    ats = "greenhouse"
    board_url = staticmethod(board_url)
    jobs = staticmethod(jobs)
    parse_job = staticmethod(parse_job)
