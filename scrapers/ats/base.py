"""One base spider for every ATS: each ATS module's spider is that ATS's one definition.

Each ATS module defines ``board_url(board)``, ``jobs(payload)`` (the list of raw job
objects in a board response) and ``parse_job(job, company=..., board=...)`` (one raw
job → one posting dict); a non-JSON board also sets ``decode(text)`` (response text →
payload). The spider only fetches; parsing is pure and golden-tested. ``source_from_url`` says which
board a careers URL on the ATS's hosts names (``scrapers.detect``), ``seed_entry`` turns a company of
open-jobs-data's list into a [[source]] (``scrapers.build_seed``). A spider class registers itself in
``AtsSpider.registry`` (``scrapers.registry`` imports every module of this package).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from typing import Any, ClassVar

import scrapy
from scrapy.exceptions import DownloadCancelledError, IgnoreRequest
from scrapy.http import Response
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.python.failure import Failure

from scrapers.items import Source

NOT_TENANTS = frozenset({"www", "api", "app", "apply", "jobs", "careers"})  # subdomains that name no board


def decode_json(text: str) -> Any:
    """json.loads, with JSON nested too deep to decode reported as the ValueError the spider expects."""
    try:
        return json.loads(text)
    except RecursionError:
        raise ValueError("JSON nested too deeply") from None


def path_after(path: list[str], *prefix: str) -> str | None:
    """The segment after ``prefix`` at the start of ``path``: /v0/postings/{board}."""
    n = len(prefix)
    return path[n] if len(path) > n and path[:n] == list(prefix) else None


def tenant_of(host: str, domain: str) -> str | None:
    """``acme`` from ``acme.<domain>``."""
    sub = host.removesuffix(f".{domain}")
    return sub if sub != host and "." not in sub and sub not in NOT_TENANTS else None


class AtsSpider(scrapy.Spider):
    """Fetch one source's board and yield its postings; record what happened."""

    registry: ClassVar[dict[str, type[AtsSpider]]] = {}
    ats: ClassVar[str]
    board_url: ClassVar[Callable[[str], str]]
    jobs: ClassVar[Callable[[Any], Iterable[dict]]]
    parse_job: ClassVar[Callable[..., dict]]
    decode: ClassVar[Callable[[str], Any]] = staticmethod(decode_json)

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        AtsSpider.registry[cls.ats] = cls

    @staticmethod
    def source_from_url(host: str, path: list[str], query: dict[str, list[str]]) -> dict | None:
        """{"board"} (+ "url" where the default API host would be wrong, + "company" where the URL names it)
        for a URL on this ATS's hosts; None for any other URL."""
        return None

    @classmethod
    def seed_entry(cls, listed: dict) -> dict | None:
        """The [[source]] for a company of open-jobs-data's list on this ATS, None when the list lacks what
        the ATS needs."""
        return {"company": listed["name"], "ats": cls.ats, "board": listed["slug"]} if listed.get("slug") else None

    def __init__(self, source: dict, out_dir: str, source_index: int, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.source = Source(**source)
        self.out_dir = out_dir
        self.source_index = source_index
        self.status = "ok"
        self.error: str | None = None
        self.items = 0
        self.rejects: list[dict] = []

    @property
    def allow_hosts(self) -> tuple[str, ...]:
        """Non-public hosts this crawl may reach (read by scrapers.middlewares.SafeDestinationMiddleware)."""
        return self.source.allow_hosts

    def url(self) -> str:
        return self.source.url or type(self).board_url(self.source.board)

    async def start(self):
        yield scrapy.Request(self.url(), callback=self.parse, errback=self.failed)

    def parse(self, response: Response, **kwargs: Any):
        try:
            payload = type(self).decode(response.text)
            raw_jobs = list(type(self).jobs(payload))
        except (ValueError, TypeError, KeyError, AttributeError) as exc:
            self.fail(f"unreadable board response from {response.url}: {exc.__class__.__name__}: {exc}")
            return
        for job in raw_jobs:
            try:
                yield type(self).parse_job(job, company=self.source.company, board=self.source.board)
            except (ValueError, TypeError, KeyError, AttributeError) as exc:
                self.reject(job, f"{exc.__class__.__name__}: {exc}")

    def reject(self, job: Any, reason: str) -> None:
        self.rejects.append({"reason": reason, "raw": job})

    def closed(self, reason: str) -> None:
        self.crawler.stats.set_value("marketfit/rejects", len(self.rejects))

    def detail_failed(self, failure: Failure) -> None:
        """A posting whose detail request (cb_kwargs ``item``: its list entry) cannot be fetched is a
        reject, not a failed board."""
        request = failure.request
        if failure.check(HttpError):
            reason = f"HTTP {failure.value.response.status} from {request.url}"
        else:
            reason = f"{failure.type.__name__}: {failure.getErrorMessage()} ({request.url})"
        self.reject(request.cb_kwargs["item"], reason)

    def fail(self, error: str, status: str = "failed") -> None:
        self.status = status
        self.error = error
        self.logger.warning("%s (%s): %s", self.source.company, self.source.ats, error)

    def failed(self, failure: Failure) -> None:
        # HttpError is an IgnoreRequest too; a plain IgnoreRequest is robots.txt or the destination guard saying no
        if failure.check(HttpError):
            response = failure.value.response
            wait = response.headers.get("Retry-After")
            asked = f" (Retry-After: {wait.decode('latin-1')})" if wait else ""
            self.fail(f"HTTP {response.status} from {response.url}{asked}")
            return
        message = failure.getErrorMessage() or (failure.type.__doc__ or "").strip()  # some carry no message
        url = failure.request.url
        error = f"{failure.type.__name__}: {message}" + ("" if url in message else f" ({url})")
        if failure.check(DownloadCancelledError):
            error += " Raise MARKETFIT_MAX_RESPONSE_BYTES to accept larger responses."
        blocked = failure.check(IgnoreRequest) is not None
        self.fail(error, "blocked" if blocked else "failed")
