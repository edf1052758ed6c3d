"""Workday careers sites, through their public CXS JSON API.

``POST {site}/wday/cxs/{tenant}/{site_id}/jobs`` with ``{"limit", "offset", "searchText", "appliedFacets"}``
lists postings 20 at a time (``total`` is only reliable on the first page), then ``GET
{site}/wday/cxs/{tenant}/{site_id}{externalPath}`` returns each posting's ``jobPostingInfo``.
``board`` is ``tenant/site_id``; ``url`` is the careers site (``https://acme.wd5.myworkdayjobs.com``: the
``wdN`` shard is not derivable from the tenant, so it is required). Dates come relative ("Posted 3 Days
Ago") and are read against the crawl time.
"""

from __future__ import annotations

import json
import re
from datetime import datetime, timedelta, timezone
from typing import Any
from urllib.parse import urlsplit

import scrapy
from scrapy.http import Response

from scrapers.ats.base import AtsSpider, decode_json
from scrapers.items import new_posting

PAGE_SIZE = 20  # the most a CXS list page returns
_REMOTE_TYPES = {"remote": "remote", "fully remote": "remote", "hybrid": "hybrid", "on-site": "onsite",
                 "onsite": "onsite", "on site": "onsite", "in office": "onsite"}
_POSTED_DAYS = re.compile(r"posted\s+(\d+)\s+days?\s+ago", re.I)


def split_board(board: str) -> tuple[str, str]:
    """'acme/External' → ('acme', 'External')."""
    tenant, slash, site_id = board.partition("/")
    if not (slash and tenant and site_id) or "/" in site_id:
        raise ValueError(f"workday board must be 'tenant/site_id', got {board!r}")
    return tenant, site_id


def api_base(site_url: str, board: str) -> str:
    """The CXS API root of a careers site: https://acme.wd5.myworkdayjobs.com + acme/External →
    https://acme.wd5.myworkdayjobs.com/wday/cxs/acme/External (only the site's scheme and host are used)."""
    tenant, site_id = split_board(board)
    parts = urlsplit(site_url)
    return f"{parts.scheme}://{parts.netloc}/wday/cxs/{tenant}/{site_id}"


def list_body(offset: int) -> str:
    return json.dumps({"limit": PAGE_SIZE, "offset": offset, "searchText": "", "appliedFacets": {}})


def jobs(payload: Any) -> list[dict]:
    """The list items of one CXS list page."""
    return payload["jobPostings"]


def page_offsets(first_page: Any) -> list[int]:
    """Offsets of the list pages after the first, from the first page's ``total``."""
    return list(range(PAGE_SIZE, int(first_page.get("total") or 0), PAGE_SIZE))


def posted_at(text: str | None, crawled_at: datetime) -> str | None:
    """'Posted Today' / 'Posted Yesterday' / 'Posted 3 Days Ago' → that day (UTC) as read at ``crawled_at``;
    'Posted 30+ Days Ago' says only "a month or more", so no date."""
    if not text:
        return None
    lowered = text.strip().lower()
    if lowered == "posted today":
        days = 0
    elif lowered == "posted yesterday":
        days = 1
    elif match := _POSTED_DAYS.fullmatch(lowered):
        days = int(match.group(1))
    else:
        return None
    return (crawled_at.astimezone(timezone.utc) - timedelta(days=days)).date().isoformat()


def _location(info: dict) -> str | None:
    places = [info.get("location"), *(info.get("additionalLocations") or [])]
    return "; ".join(p for p in places if isinstance(p, str) and p.strip()) or None


def parse_job(job: dict, *, company: str, board: str, crawled_at: datetime) -> dict:
    """One posting detail (``GET .../job/{externalPath}``) → posting dict."""
    info = job["jobPostingInfo"]
    remote_type = info.get("remoteType")
    return new_posting(
        ats="workday",
        board=board,
        native_id=str(info.get("id") or info["jobPostingId"]),
        company=company,
        company_source_name=(job.get("hiringOrganization") or {}).get("name") or None,
        title=info["title"],
        location=_location(info),
        remote=_REMOTE_TYPES.get(str(remote_type).strip().lower()) if remote_type else None,
        url=info.get("externalUrl"),
        posted_at=posted_at(info.get("postedOn"), crawled_at),
        employment_type=info.get("timeType"),
        description_html=info.get("jobDescription"),
        raw=job,
    )


_LOCALE = re.compile(r"[a-z]{2}(?:-[A-Za-z]{2})?")  # the optional first segment of a careers page: en-US, fr-FR


def source_from_url(host: str, path: list[str], query: dict[str, list[str]]) -> dict | None:
    """'tenant/site_id' of a careers page (/en-US/External/job/...) or CXS API URL (/wday/cxs/t/s/...); the
    careers site is always the url (its wdN shard cannot be derived from the tenant)."""
    if not host.endswith(".myworkdayjobs.com"):
        return None
    tenant = host.split(".", 1)[0]
    if path[:2] == ["wday", "cxs"]:
        board = f"{path[2]}/{path[3]}" if len(path) > 3 else None
    else:
        if path and _LOCALE.fullmatch(path[0]):
            path = path[1:]
        board = f"{tenant}/{path[0]}" if path and tenant and path[0] != "job" else None
    return {"board": board, "url": f"https://{host}"} if board else None


class WorkdaySpider(AtsSpider):
    name = "workday"
    ats = "workday"
    source_from_url = staticmethod(source_from_url)

    @classmethod
    def seed_entry(cls, listed: dict) -> dict | None:
        site = listed.get("workday") or {}
        if not all(site.get(key) for key in ("tenant", "site", "shard")):
            return None
        return {"company": listed["name"], "ats": cls.ats, "board": f"{site['tenant']}/{site['site']}",
                "url": f"https://{site['tenant']}.{site['shard']}.myworkdayjobs.com"}
    jobs = staticmethod(jobs)
    parse_job = staticmethod(parse_job)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.crawled_at = datetime.now(timezone.utc)

    def url(self) -> str:
        return api_base(self.source.url, self.source.board)

    def list_request(self, offset: int) -> scrapy.Request:
        return scrapy.Request(f"{self.url()}/jobs", method="POST", body=list_body(offset),
                              headers={"Content-Type": "application/json", "Accept": "application/json"},
                              callback=self.parse, errback=self.failed, cb_kwargs={"offset": offset})

    async def start(self):
        yield self.list_request(0)

    def parse(self, response: Response, offset: int = 0, **kwargs: Any):
        """A list page: one detail request per posting; the first page also asks for the others."""
        try:
            payload = decode_json(response.body.decode("utf-8"))
            items = jobs(payload)
            later = page_offsets(payload) if offset == 0 else []
        except (ValueError, TypeError, KeyError, AttributeError) as exc:
            self.fail(f"unreadable board response from {response.url}: {exc.__class__.__name__}: {exc}")
            return
        for item in items:
            path = item.get("externalPath") if isinstance(item, dict) else None
            if not isinstance(path, str) or not path.startswith("/"):
                self.reject(item, "list item without an externalPath")
                continue
            yield scrapy.Request(f"{self.url()}{path}", headers={"Accept": "application/json"},
                                 callback=self.parse_detail, errback=self.detail_failed, cb_kwargs={"item": item})
        for next_offset in later:
            yield self.list_request(next_offset)

    def parse_detail(self, response: Response, item: dict):
        try:
            yield parse_job(decode_json(response.body.decode("utf-8")), company=self.source.company,
                            board=self.source.board, crawled_at=self.crawled_at)
        except (ValueError, TypeError, KeyError, AttributeError) as exc:
            self.reject(item, f"{exc.__class__.__name__}: {exc}")
