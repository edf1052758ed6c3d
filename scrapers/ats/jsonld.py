"""Careers pages with schema.org JobPosting markup, JSON-LD and microdata (ats = "jsonld", board = the host,
url required).

The source URL is either a page (every JobPosting on it: a single posting or a list) or a
sitemap / sitemap index: then the job-looking pages it lists on the same host are fetched, at
most ``MAX_PAGES``. The parsing follows the ATS contract and is pure: ``decode`` (page → extruct data),
``jobs`` (every JobPosting in it, at any depth: @graph, ItemList, mainEntity) and ``parse_job`` (one → a
posting); ``parse_page(html, url)`` chains them.
"""

from __future__ import annotations

import hashlib
import html
import re
from collections.abc import Iterable, Iterator
from typing import Any
from urllib.parse import urljoin, urlsplit

import extruct
import lxml.etree
import scrapy
from scrapy.http import Response, XmlResponse
from scrapy.utils.gz import gunzip, gzip_magic_number
from scrapy.utils.sitemap import Sitemap

from scrapers.ats.base import AtsSpider
from scrapers.items import new_posting
from scrapers.normalise import HTML_TAG

MAX_PAGES = 500  # pages (job pages and nested sitemaps) one sitemap source may fetch
# what a job page's path looks like, in the languages careers sites use most
JOB_PAGE = re.compile(r"job|career|position|opening|vacanc|stelle|karriere|emploi|offre|vacature|empleo|lavoro",
                      re.IGNORECASE)
_UNREADABLE = (ValueError, TypeError, AttributeError)
_PERIODS = {"HOUR": "hour", "DAY": "day", "WEEK": "week", "MONTH": "month", "YEAR": "year"}


def decode(text: str, url: str | None = None) -> dict:
    """The JSON-LD and (flattened) microdata items of a page; ``url`` resolves relative links.

    Raises ValueError for a JSON-LD block that is not JSON."""
    if not text.strip():  # lxml cannot parse an empty document
        return {"url": url, "json-ld": [], "microdata": []}
    # bytes: lxml refuses text that carries an XML encoding declaration (XHTML pages)
    data = extruct.extract(text.encode("utf-8"), base_url=url, encoding="utf-8",
                           syntaxes=["json-ld", "microdata"], uniform=True)
    return {"url": url, "json-ld": data["json-ld"], "microdata": data["microdata"]}


def _types(item: dict) -> set[str]:
    kinds = item.get("@type")
    kinds = kinds if isinstance(kinds, list) else [kinds]
    # "JobPosting", "schema:JobPosting", "http://schema.org/JobPosting"
    return {re.split(r"[/:#]", str(kind))[-1] for kind in kinds if kind}


def _job_postings(node: Any) -> Iterator[dict]:
    if isinstance(node, list):
        for child in node:
            yield from _job_postings(child)
    elif isinstance(node, dict):
        if "JobPosting" in _types(node):
            yield node
        else:
            for value in node.values():
                yield from _job_postings(value)


def jobs(payload: dict) -> list[dict]:
    """Every JobPosting on the page, each with the page it was found on (the posting's ``raw``)."""
    found = [*_job_postings(payload["json-ld"]), *_job_postings(payload["microdata"])]
    return [{"page_url": payload["url"], "posting": item} for item in found]


def _text(value: Any) -> str | None:
    """A schema.org value as text: the first of a list, the name / value of an object."""
    if isinstance(value, list):
        return next((text for text in map(_text, value) if text), None)
    if isinstance(value, dict):
        return _text(value.get("name") or value.get("value") or value.get("@value"))
    if value is None or isinstance(value, bool):
        return None
    return str(value).strip() or None


def _texts(value: Any) -> list[str]:
    values = value if isinstance(value, list) else [value]
    return [text for text in map(_text, values) if text]


def _place(place: Any) -> str | None:
    """'Porto, PT' from a Place (or a bare PostalAddress / text)."""
    if not isinstance(place, dict):
        return _text(place)
    address = place.get("address", place)
    if isinstance(address, list):
        address = address[0] if address else {}
    if not isinstance(address, dict):
        return _text(address)
    parts = [_text(address.get(key)) for key in ("addressLocality", "addressRegion", "addressCountry")]
    return ", ".join(dict.fromkeys(part for part in parts if part)) or _text(place.get("name"))


def _location(item: dict) -> str | None:
    places = item.get("jobLocation")
    places = places if isinstance(places, list) else [places]
    found = [text for text in map(_place, places) if text]
    # a remote posting may name only where applicants may live
    found = found or _texts(item.get("applicantLocationRequirements"))
    return "; ".join(dict.fromkeys(found)) or None


def _amount(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return float(value)
    try:
        return float(str(value).replace(",", "").strip())
    except ValueError:
        return None


def _salary(amount: Any) -> dict:
    """MonetaryAmount → salary_* fields; value may be a QuantitativeValue or a bare number."""
    if isinstance(amount, list):
        amount = amount[0] if amount else None
    if not isinstance(amount, dict):
        return {}
    value = amount.get("value")
    if isinstance(value, dict):
        low, high = value.get("minValue"), value.get("maxValue")
        if low is None and high is None:
            low = high = value.get("value")
        unit = value.get("unitText") or amount.get("unitText")
    else:
        low = high = value
        unit = amount.get("unitText")
    low, high = _amount(low), _amount(high)
    if low is None and high is None:
        return {}
    currency = _text(amount.get("currency"))
    return {"salary_min": low, "salary_max": high, "salary_currency": currency.upper() if currency else None,
            "salary_period": _PERIODS.get(str(unit or "").strip().upper())}


def _description(value: Any) -> dict:
    """HTML (JSON-LD usually) → description_html; entity-escaped HTML is unescaped; text → description."""
    text = _text(value)
    if text is None:
        return {}
    if not HTML_TAG.search(text) and HTML_TAG.search(html.unescape(text)):
        text = html.unescape(text)
    return {"description_html": text} if HTML_TAG.search(text) else {"description": text}


def _identifier(value: Any) -> str | None:
    """A posting's own id: "FA-2041", 5512 or a PropertyValue {"value": ...}."""
    if isinstance(value, list):
        value = value[0] if value else None
    if isinstance(value, dict):
        value = value.get("value") or value.get("@value")
    if value is None or isinstance(value, (dict, list, bool)):
        return None
    return str(value).strip() or None


def parse_job(job: dict, *, company: str | None, board: str) -> dict:
    item, page_url = job["posting"], job["page_url"]
    title = _text(item.get("title")) or _text(item.get("name"))
    own_url = _text(item.get("url"))
    url = urljoin(page_url or "", own_url) if own_url else page_url
    native_id = (_identifier(item.get("identifier"))
                 or (url if own_url and url != page_url else None)
                 # postings on one page with neither id nor a URL of their own: page and title tell them apart
                 or hashlib.sha1(f"{url or ''}\x1f{title or ''}".encode()).hexdigest()[:16])
    kinds = _texts(item.get("jobLocationType"))
    organisation = _text(item.get("hiringOrganization"))
    return new_posting(
        ats="jsonld",
        board=board,
        native_id=native_id,
        company=company or organisation,  # a page read without a source (parse_page) names its own
        company_source_name=organisation,
        title=title,
        location=_location(item),
        remote="remote" if any(kind.upper() == "TELECOMMUTE" for kind in kinds) else None,
        url=url,
        posted_at=_text(item.get("datePosted")),
        employment_type=", ".join(_texts(item.get("employmentType"))) or None,
        **_salary(item.get("baseSalary")),
        **_description(item.get("description")),
        raw=job,
    )


def dedupe(postings: Iterable[dict], seen: dict[str, str | None]) -> tuple[list[dict], list[dict]]:
    """(postings new to ``seen``, postings whose id a differently titled posting already has).

    The same posting twice (in JSON-LD and microdata, on a list page and its own page) is dropped;
    ``seen`` maps native id → title and grows."""
    new, clashes = [], []
    for posting in postings:
        if posting["native_id"] not in seen:
            seen[posting["native_id"]] = posting["title"]
            new.append(posting)
        elif seen[posting["native_id"]] != posting["title"]:
            clashes.append(posting)
    return new, clashes


def parse_page(html_text: str, url: str) -> list[dict]:
    """Every JobPosting on one page as posting dicts (board = the page's host); id clashes left out."""
    board = urlsplit(url).hostname or url
    return dedupe((parse_job(job, company=None, board=board) for job in jobs(decode(html_text, url))), {})[0]


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
    decode = staticmethod(decode)
    jobs = staticmethod(jobs)
    parse_job = staticmethod(parse_job)
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
            raw_jobs = jobs(decode(response.text, response.url))
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
            raw_jobs = jobs(decode(response.text, response.url))
        except _UNREADABLE as exc:
            self.reject({"page_url": response.url}, f"unreadable structured data: {exc.__class__.__name__}: {exc}")
            return
        yield from self.postings(raw_jobs)

    def postings(self, raw_jobs: list[dict]) -> Iterator[dict]:
        parsed = []
        for job in raw_jobs:
            try:
                parsed.append(parse_job(job, company=self.source.company, board=self.source.board))
            except (ValueError, TypeError, KeyError, AttributeError) as exc:
                self.reject(job, f"{exc.__class__.__name__}: {exc}")
        new, clashes = dedupe(parsed, self.seen)
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
