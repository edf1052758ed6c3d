"""SmartRecruiters Posting API: api.smartrecruiters.com/v1/companies/{board}/postings (paged list),
then .../postings/{id} per posting for the job ad (the list carries no description)."""

from __future__ import annotations

import html
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import scrapy
from scrapy.http import Response
from w3lib.url import add_or_replace_parameter

from scrapers.ats.base import AtsSpider, path_after
from scrapers.items import new_posting

_PERIODS = {"HOURLY": "hour", "DAILY": "day", "WEEKLY": "week", "MONTHLY": "month", "YEARLY": "year"}


def board_url(board: str) -> str:
    return f"https://api.smartrecruiters.com/v1/companies/{board}/postings?limit=100"


def detail_url(list_url: str, item: dict) -> str:
    """A list item's detail URL, next to the list endpoint: .../postings?limit=100 → .../postings/{id}."""
    parts = urlsplit(list_url)
    return urlunsplit(parts._replace(path=f"{parts.path.rstrip('/')}/{item['id']}", query="", fragment=""))


def jobs(payload: Any) -> list[dict]:
    return payload["content"]


def next_offset(payload: Any) -> int | None:
    """Offset of the next list page, or None on the last one."""
    offset = payload.get("offset", 0) + len(payload["content"])
    return offset if payload["content"] and offset < payload.get("totalFound", 0) else None


def _location(place: dict) -> str | None:
    full = place.get("fullLocation") or ", ".join(
        p for p in (place.get("city"), place.get("region"), place.get("country")) if p)
    return ", ".join(p.strip() for p in full.split(",") if p.strip()) or None  # "Warsaw, , Poland"


def _remote(place: dict) -> str | None:
    if place.get("remote"):
        return "remote"
    if place.get("hybrid"):
        return "hybrid"
    return "onsite" if place.get("remote") is False and place.get("hybrid") is False else None


def _description_html(detail: dict) -> str | None:
    parts = []
    for section in ((detail.get("jobAd") or {}).get("sections") or {}).values():
        if section.get("text"):
            parts.append(f"<h3>{html.escape(section.get('title') or '')}</h3>\n{section['text']}")
    return "\n".join(parts) or None


def parse_job(job: dict, *, company: str, board: str) -> dict:
    """One posting *detail* (``GET .../postings/{id}``) → posting dict."""
    place = job.get("location") or {}
    pay = job.get("compensation") or {}
    has_pay = pay.get("min") is not None or pay.get("max") is not None
    return new_posting(
        ats="smartrecruiters",
        board=board,
        native_id=str(job["id"]),
        company=company,
        title=job["name"],
        location=_location(place),
        remote=_remote(place),
        url=job.get("postingUrl"),
        posted_at=job.get("releasedDate"),
        department=(job.get("department") or {}).get("label"),
        employment_type=(job.get("typeOfEmployment") or {}).get("label"),
        salary_min=pay.get("min"),
        salary_max=pay.get("max"),
        salary_currency=pay.get("currency") if has_pay else None,
        salary_period=_PERIODS.get(str(pay.get("period")).upper()) if has_pay else None,
        description_html=_description_html(job),
        raw=job,
    )


def source_from_url(host: str, path: list[str], query: dict[str, list[str]]) -> dict | None:
    first = path[0] if path else None
    if host in ("jobs.smartrecruiters.com", "careers.smartrecruiters.com"):
        board = path_after(path, first, "company") if first in ("oneclick-ui", "external-referrals") else first
    elif host == "api.smartrecruiters.com":
        board = path_after(path, "v1", "companies")
    else:
        return None
    return {"board": board} if board else None


class SmartRecruitersSpider(AtsSpider):
    name = "smartrecruiters"
    ats = "smartrecruiters"
    source_from_url = staticmethod(source_from_url)
    board_url = staticmethod(board_url)
    jobs = staticmethod(jobs)
    parse_job = staticmethod(parse_job)

    def parse(self, response: Response, **kwargs: Any):
        """A list page: one detail request per posting, then the next page."""
        try:
            payload = type(self).decode(response.text)
            items = jobs(payload)
            offset = next_offset(payload)
        except (ValueError, TypeError, KeyError, AttributeError) as exc:
            self.fail(f"unreadable board response from {response.url}: {exc.__class__.__name__}: {exc}")
            return
        for item in items:
            try:
                url = detail_url(response.url, item)
            except (TypeError, KeyError) as exc:
                self.reject(item, f"{exc.__class__.__name__}: {exc}")
                continue
            yield scrapy.Request(url, callback=self.parse_detail, errback=self.detail_failed,
                                 cb_kwargs={"item": item})
        if offset is not None:
            next_page = add_or_replace_parameter(response.url, "offset", str(offset))
            yield scrapy.Request(next_page, callback=self.parse, errback=self.failed)

    def parse_detail(self, response: Response, item: dict):
        try:
            yield parse_job(type(self).decode(response.text), company=self.source.company, board=self.source.board)
        except (ValueError, TypeError, KeyError, AttributeError) as exc:
            self.reject(item, f"{exc.__class__.__name__}: {exc}")
