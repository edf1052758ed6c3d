"""BambooHR careers sites: {board}.bamboohr.com/careers/list (every open posting), then
.../careers/{id}/detail per posting for its description, date and compensation.

A posting is the pair ``{"listing": list item, "detail": detail response}``, both kept unchanged as ``raw``:
the detail does not repeat the posting's id.
"""

from __future__ import annotations

from typing import Any

import scrapy
from scrapy.http import Response

from scrapers.ats.base import AtsSpider, decode_json, tenant_of
from scrapers.items import new_posting
from scrapers.normalise import salary_from_text

_LOCATION_TYPES = {"0": "onsite", "1": "remote", "2": "hybrid"}


def board_url(board: str) -> str:
    return f"https://{board}.bamboohr.com/careers/list"


def detail_url(list_url: str, item: dict) -> str:
    """.../careers/list → .../careers/{id}/detail."""
    base = list_url.split("?", 1)[0].removesuffix("/").removesuffix("/list")
    return f"{base}/{int(item['id'])}/detail"


def jobs(payload: Any) -> list[dict]:
    return payload["result"]


def _location(place: dict) -> str | None:
    parts = [place.get(key) for key in ("city", "state", "province", "country", "addressCountry")]
    return ", ".join(p.strip() for p in parts if isinstance(p, str) and p.strip()) or None


def parse_job(job: dict, *, company: str, board: str) -> dict:
    listing, opening = job["listing"], job["detail"]["result"]["jobOpening"]
    place = opening.get("atsLocation") or listing.get("atsLocation") or opening.get("location") or {}
    remote = _LOCATION_TYPES.get(str(opening.get("locationType", listing.get("locationType"))))
    if remote is None and (opening.get("isRemote") or listing.get("isRemote")):
        remote = "remote"
    # compensation is free text ("$140,000 - $165,000 USD"); read as a salary when it states one
    pay = salary_from_text(f"Compensation: {opening['compensation']}") if opening.get("compensation") else None
    return new_posting(
        ats="bamboohr",
        board=board,
        native_id=str(listing["id"]),
        company=company,
        title=opening.get("jobOpeningName") or listing["jobOpeningName"],
        location=_location(place),
        remote=remote,
        url=opening.get("jobOpeningShareUrl") or f"https://{board}.bamboohr.com/careers/{listing['id']}",
        posted_at=opening.get("datePosted"),
        department=opening.get("departmentLabel") or listing.get("departmentLabel"),
        employment_type=opening.get("employmentStatusLabel") or listing.get("employmentStatusLabel"),
        salary_min=pay.minimum if pay else None,
        salary_max=pay.maximum if pay else None,
        salary_currency=pay.currency if pay else None,
        salary_period=pay.period if pay else None,
        description_html=opening.get("description"),
        raw=job,
    )


def source_from_url(host: str, path: list[str], query: dict[str, list[str]]) -> dict | None:
    board = tenant_of(host, "bamboohr.com")
    return {"board": board} if board else None


class BambooHrSpider(AtsSpider):
    name = "bamboohr"
    ats = "bamboohr"
    source_from_url = staticmethod(source_from_url)
    board_url = staticmethod(board_url)
    jobs = staticmethod(jobs)
    parse_job = staticmethod(parse_job)

    def parse(self, response: Response, **kwargs: Any):
        """The list: one detail request per posting."""
        try:
            items = jobs(decode_json(response.body.decode("utf-8")))
        except (ValueError, TypeError, KeyError, AttributeError) as exc:
            self.fail(f"unreadable board response from {response.url}: {exc.__class__.__name__}: {exc}")
            return
        for item in items:
            try:
                url = detail_url(response.url, item)
            except (TypeError, KeyError, ValueError) as exc:
                self.reject(item, f"{exc.__class__.__name__}: {exc}")
                continue
            yield scrapy.Request(url, callback=self.parse_detail, errback=self.detail_failed,
                                 cb_kwargs={"item": item})

    def parse_detail(self, response: Response, item: dict):
        try:
            detail = decode_json(response.body.decode("utf-8"))
            yield parse_job({"listing": item, "detail": detail}, company=self.source.company,
                            board=self.source.board)
        except (ValueError, TypeError, KeyError, AttributeError) as exc:
            self.reject(item, f"{exc.__class__.__name__}: {exc}")
