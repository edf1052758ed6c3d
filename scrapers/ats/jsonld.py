"""Careers pages with schema.org JobPosting markup (ats = "jsonld", board = the host, url required).

The source URL is either a page (every JobPosting on it: a single posting or a list) or a
sitemap / sitemap index: then the job-looking pages it lists on the same host are fetched, at
most ``MAX_PAGES``. Parsing is the pure ``scrapers.jsonld``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import urljoin, urlsplit

import lxml.etree
import scrapy
from scrapy.http import Response, XmlResponse
from scrapy.utils.gz import gunzip, gzip_magic_number
from scrapy.utils.sitemap import Sitemap

from scrapers import jsonld
from scrapers.ats.base import AtsSpider

MAX_PAGES = 500  # pages (job pages and nested sitemaps) one sitemap source may fetch
# what a job page's path looks like, in the languages careers sites use most
JOB_PAGE = re.compile(r"job|career|position|opening|vacanc|stelle|karriere|emploi|offre|vacature|empleo|lavoro",
                      re.IGNORECASE)
_UNREADABLE = (ValueError, TypeError, AttributeError)


def sitemap_of(response: Response, max_size: int) -> Sitemap | None:
    """The response as a sitemap or sitemap index (gunzipped if need be), or None for any other page.

    Raises ValueError for a gzip body past ``max_size``."""
    body = response.body
    if gzip_magic_number(response):
        body = gunzip(body, max_size=max_size)
    elif not (isinstance(response, XmlResponse) or urlsplit(response.url).path.endswith(".xml")):
        return None
    try:
        sitemap = Sitemap(body)
    except lxml.etree.XMLSyntaxError:
        return None
    return sitemap if sitemap.type in ("urlset", "sitemapindex") else None


class JsonLdSpider(AtsSpider):
    """A careers page (every JobPosting on it) or a sitemap (every job page it lists)."""

    name = "jsonld"
    ats = "jsonld"
    decode = staticmethod(jsonld.decode)
    jobs = staticmethod(jsonld.jobs)
    parse_job = staticmethod(jsonld.parse_job)
    max_pages = MAX_PAGES

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.pages_requested = 0
        self.seen: dict[str, str | None] = {}  # native id → title, of the postings yielded

    def _sitemap(self, response: Response) -> Sitemap | None:
        return sitemap_of(response, self.settings.getint("DOWNLOAD_MAXSIZE"))

    def parse(self, response: Response, **kwargs: Any):
        """The source URL: a sitemap to follow, or a page that must carry at least one JobPosting."""
        try:
            sitemap = self._sitemap(response)
        except (ValueError, OSError) as exc:
            self.fail(f"unreadable sitemap {response.url}: {exc.__class__.__name__}: {exc}")
            return
        if sitemap is not None:
            requests = list(self.follow(sitemap, response.url))
            if not requests and self.status == "ok":
                self.fail(f"sitemap {response.url} lists no job pages on its host")
            yield from requests
            return
        try:
            raw_jobs = jsonld.jobs(jsonld.decode(response.text, response.url))
        except _UNREADABLE as exc:
            self.fail(f"unreadable structured data on {response.url}: {exc.__class__.__name__}: {exc}")
            return
        if not raw_jobs:
            self.fail(f"no schema.org JobPosting (JSON-LD or microdata) on {response.url}")
        yield from self.postings(raw_jobs)

    def parse_sitemap(self, response: Response):
        """A sitemap named by a sitemap index."""
        try:
            sitemap, reason = self._sitemap(response), "not a sitemap"
        except (ValueError, OSError) as exc:
            sitemap, reason = None, f"{exc.__class__.__name__}: {exc}"
        if sitemap is None:
            self.fail(f"unreadable sitemap {response.url}: {reason}")
            return
        yield from self.follow(sitemap, response.url)

    def parse_job_page(self, response: Response):
        """A page a sitemap lists; one without a JobPosting (a benefits page under /careers/) adds nothing."""
        try:
            raw_jobs = jsonld.jobs(jsonld.decode(response.text, response.url))
        except _UNREADABLE as exc:
            self.reject({"page_url": response.url}, f"unreadable structured data: {exc.__class__.__name__}: {exc}")
            return
        yield from self.postings(raw_jobs)

    def postings(self, raw_jobs: list[dict]) -> Iterator[dict]:
        parsed = []
        for job in raw_jobs:
            try:
                parsed.append(jsonld.parse_job(job, company=self.source.company, board=self.source.board))
            except (ValueError, TypeError, KeyError, AttributeError) as exc:
                self.reject(job, f"{exc.__class__.__name__}: {exc}")
        new, clashes = jsonld.dedupe(parsed, self.seen)
        for posting in clashes:  # a site that gives every posting the same "identifier"
            self.reject(posting["raw"], f"id {posting['native_id']!r} is also the id of "
                                        f"'{self.seen[posting['native_id']]}'")
        yield from new

    def follow(self, sitemap: Sitemap, url: str) -> Iterator[scrapy.Request]:
        """Requests for a sitemap's same-host entries: its nested sitemaps, or its job-looking pages.

        Past ``max_pages`` the source fails, so postings on pages never fetched are not closed."""
        host = urlsplit(url).hostname
        nested = sitemap.type == "sitemapindex"
        for entry in sitemap:
            loc = urljoin(url, entry["loc"])
            parts = urlsplit(loc)
            if parts.scheme not in ("http", "https") or parts.hostname != host:
                continue
            if not nested and not JOB_PAGE.search(parts.path):
                continue
            if self.pages_requested >= self.max_pages:
                self.fail(f"sitemap {url} lists more than {self.max_pages} pages; fetched the first {self.max_pages}")
                return
            self.pages_requested += 1
            yield scrapy.Request(loc, callback=self.parse_sitemap if nested else self.parse_job_page,
                                 errback=self.failed)
