"""Hacker News "Ask HN: Who is hiring?" through the public HN API (hacker-news.firebaseio.com/v0).

``board = "whoishiring"``; ``url`` is the month's thread (``.../v0/item/{id}.json``); without it (or with a
``.../v0/user/{name}.json`` URL) the newest "Who is hiring?" thread the account submitted is read. Each
top-level comment is one request and one posting; deleted and dead comments are skipped. A post's first line
is free-form by convention "Company | Title | Location | REMOTE | Salary | ...": ``parse_header`` reads it,
the rest of the post is the description. Several roles in one post stay one posting, their titles joined as
the post wrote them (a post rarely lists roles one per line with their own place and pay, so no split is
safe). The month is the board: when the configured thread changes, last month's posts are no longer listed
and are closed.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any
from urllib.parse import urlsplit

import scrapy
from scrapy.http import Response

from scrapers.ats.base import AtsSpider, decode_json
from scrapers.items import new_posting
from scrapers.normalise import employment_type_code, parse_location, salary_from_text

HN_API = "https://hacker-news.firebaseio.com/v0"
THREAD_TITLE = re.compile(r"^Ask HN: Who is hiring\?", re.I)
THREADS_TRIED = 6  # the whoishiring account also posts "Who wants to be hired?" and "Freelancer?" each month
MAX_HEADER = 400   # a first "line" longer than this is prose, not a header

_TAG = re.compile(r"<[^>]+>")
_URL = re.compile(r"https?://|www\.|^[\w-]+(?:\.[\w-]+)*\.(?:com|io|ai|dev|co|org|net|tech|app|xyz|so|health|run"
                  r"|space|sh|us|eu|de|uk|fr|bio)(?:/\S*)?$", re.I)
_SALARY = re.compile(r"[$€£¥₹]\s?\d|\d\s?[kK]\b|\b\d{2,3}[,.]?\d{3}\b|\b(?:USD|EUR|GBP|CAD|AUD|CHF)\b|\bsalary\b"
                     r"|\bequity\b|\bcompensation\b", re.I)
_EMPLOYMENT = re.compile(r"^(?:full[- ]?time|part[- ]?time|ft|pt|fulltime|contract(?:or)?|freelance|internships?"
                         r"|interns?|permanent|full[- ]?time (?:or|and|/|&) (?:part[- ]?time|contract\S*)"
                         r"|part[- ]?time available|consulting|temporary)\b", re.I)
_MODES = (("remote", re.compile(r"\bremote\b|\bwfh\b|\bwork from home\b|\bdistributed\b|\banywhere\b", re.I)),
          ("hybrid", re.compile(r"\bhybrid\b", re.I)),
          ("onsite", re.compile(r"\bon[- ]?site\b|\bin[- ]?office\b|\bin[- ]?person\b|\boffice\b", re.I)))
_ROLE = re.compile(
    r"engineer|developer|programmer|scientist|designer|manager|\blead\b|head of|director|founding|research"
    r"|analyst|architect|\bsre\b|devops|\bqa\b|product|recruit|marketing|sales|account exec|operations|\bops\b"
    r"|consultant|expert|specialist|\bstaff\b|technical|\broles?\b|\bpositions?\b|\bopenings?\b|\beng\b|\bgtm\b"
    r"|\bcto\b|\bvp\b|administrator|support|writer|\bml\b|\bai\b|backend|frontend|full[- ]?stack|infra"
    r"|hacker|intern\b|associate|officer|\bteam\b|hiring|engineering|\bdata\b|\bsecurity\b|robotics", re.I)
_HIRING_PROSE = re.compile(r"^(?P<company>[A-Z][\w.&' -]{1,60}?)\s+is\s+hiring\b(?:\s+(?:an?|for)\s+"
                           r"(?P<title>[^.,:;!?(]{3,120}))?")
_SEPARATORS = (re.compile(r"\s*\|\s*"), re.compile(r"\s+[—–]\s+|\s+-\s+"), re.compile(r"\s*/\s+|\s+/\s*"))
_REQUIREMENT = re.compile(r"\bcitizen|\bvisa\b|\bclearance\b|\bauthori[sz]ed\b|\bsponsor", re.I)
_PARENTHESES = re.compile(r"\s*\([^)]*\)")
_LABEL = re.compile(r"^(?:location|role|position|salary|compensation)\s*:\s*", re.I)  # "Location: NYC"
_BRACKETS = re.compile(r"^(?P<company>[^\[]+?)\s*\[(?P<rest>.+)\]\s*$")  # "Tiger Data [ Global | Remote ]"


@dataclass(frozen=True)
class Header:
    """What the first line of a post says; None where it says nothing."""
    company: str | None
    title: str | None
    location: str | None
    remote: str | None
    salary: str | None
    employment_type: str | None


def split_post(text: str) -> tuple[str, str]:
    """(first line as plain text, the rest of the post as HTML); HN separates paragraphs with <p>."""
    first, _, rest = text.partition("<p>")
    plain = html.unescape(_TAG.sub("", first)).replace("\xa0", " ")
    line, newline, more = plain.strip().partition("\n")
    if newline and more.strip():  # a header line, then prose in the same paragraph
        rest = f"{html.escape(more.strip())}<p>{rest}" if rest else html.escape(more.strip())
    return line.strip(), rest


def _segments(line: str) -> list[str]:
    if match := _BRACKETS.match(line):
        return [match["company"], *(s.strip() for s in _SEPARATORS[0].split(match["rest"]) if s.strip())]
    for separator in _SEPARATORS:
        parts = [p.strip(" \t|•·") for p in separator.split(line) if p.strip(" \t|•·")]
        if len(parts) > 1:
            return parts
    return [line]


def _mode(segments: list[str]) -> str | None:
    """The most flexible arrangement a header offers: "NYC or REMOTE" is remote, "Onsite/Hybrid" hybrid."""
    joined = " ".join(segments)
    return next((mode for mode, pattern in _MODES if pattern.search(joined)), None)


def _is_place(segment: str) -> bool:
    place = parse_location(segment)
    return bool(place.country or place.city or place.region)


def parse_header(line: str) -> Header:
    """Company, title, location, remote, salary and employment type from a post's first line."""
    if len(line) > MAX_HEADER:
        line = line[:MAX_HEADER]
    segments = _segments(line)
    if len(segments) == 1:
        prose = _HIRING_PROSE.match(line)
        if not prose:
            return Header(None, None, None, None, None, None)
        title = prose["title"].strip() if prose["title"] else None
        return Header(prose["company"].strip(), title, None, _mode([line]), None, None)
    company, *rest = segments
    company = _PARENTHESES.sub("", company).strip() or None  # "Acme (YC W24)", "Acme (https://acme.com)"
    titles, places, mode_places, modes, salaries, kinds = [], [], [], [], [], []
    for segment in rest:
        segment = _LABEL.sub("", segment)
        if _URL.search(segment) and " " not in segment.strip():
            continue
        if _SALARY.search(segment):
            if re.search(r"\d", segment):  # "Competitive salary + equity" states none
                salaries.append(segment)
        elif _EMPLOYMENT.match(segment):
            kinds.append(segment)
            if any(p.search(segment) for _, p in _MODES):
                modes.append(segment)
        elif any(pattern.search(segment) for _, pattern in _MODES):
            modes.append(segment)
            if _is_place(segment):
                mode_places.append(segment)
        elif _ROLE.search(segment):
            titles.append(segment)
        elif _is_place(segment) and not _REQUIREMENT.search(segment):
            places.append(segment)
    places = places or mode_places  # "Onsite/Hybrid (US Only) | SF Bay Area": the plain place says more
    return Header(company=company, title=", ".join(titles) or None, location="; ".join(places) or None,
                  remote=_mode(modes), salary="; ".join(salaries) or None,
                  employment_type=", ".join(kinds) or None)


def thread_url(base: str, item_id: int | str) -> str:
    """An item's API URL beside ``base`` (any .../item/{id}.json or the API root)."""
    root = base.split("/item/", 1)[0].split("/user/", 1)[0].rstrip("/")
    return f"{root}/item/{int(item_id)}.json"


def jobs(payload: Any) -> list[int]:
    """The top-level comment ids of a thread."""
    return [int(kid) for kid in payload.get("kids") or []]


def is_live(item: Any) -> bool:
    return isinstance(item, dict) and not item.get("deleted") and not item.get("dead") and bool(item.get("text"))


def parse_job(job: dict, *, company: str, board: str) -> dict:
    """One top-level comment → posting dict; ``company`` (the sources file's name for HN) is not the employer:
    a post that names no company is rejected."""
    line, rest = split_post(job["text"])
    header = parse_header(line)
    if not header.company:
        raise ValueError(f"no company in the post's first line: {line[:80]!r}")
    country = parse_location(header.location).country
    pay = salary_from_text(f"Salary: {header.salary}", country) if header.salary else None
    return new_posting(
        ats="hn",
        board=board,
        native_id=str(job["id"]),
        company=header.company,
        company_source_name=header.company,
        title=header.title or line[:200],
        location=header.location,
        remote=header.remote,
        url=f"https://news.ycombinator.com/item?id={int(job['id'])}",
        posted_at=datetime.fromtimestamp(job["time"], timezone.utc).isoformat() if job.get("time") else None,
        employment_type=header.employment_type if employment_type_code(header.employment_type) else None,
        salary_min=pay.minimum if pay else None,
        salary_max=pay.maximum if pay else None,
        salary_currency=pay.currency if pay else None,
        salary_period=pay.period if pay else None,
        description_html=rest or job["text"],
        raw=job,
    )


def source_from_url(host: str, path: list[str], query: dict[str, list[str]]) -> dict | None:
    """A "Who is hiring?" thread's page: the month's board, read through the thread's API item."""
    item = (query.get("id") or [""])[0]
    if host != "news.ycombinator.com" or path[:1] != ["item"] or not item.isdigit():
        return None
    return {"board": "whoishiring", "company": "Hacker News", "url": f"{HN_API}/item/{int(item)}.json"}


class HackerNewsSpider(AtsSpider):
    name = "hn"
    ats = "hn"
    source_from_url = staticmethod(source_from_url)
    jobs = staticmethod(jobs)
    parse_job = staticmethod(parse_job)

    def url(self) -> str:
        return self.source.url or f"{HN_API}/user/{self.source.board}.json"

    async def start(self):
        """A thread's item URL, or a user's (the default): its newest "Who is hiring?" thread."""
        user = "/user/" in urlsplit(self.url()).path
        yield scrapy.Request(self.url(), callback=self.parse_user if user else self.parse, errback=self.failed)

    def parse_user(self, response: Response, **kwargs: Any):
        """The account's submissions, newest first: read them in turn until a "Who is hiring?" thread."""
        try:
            submitted = [int(i) for i in decode_json(response.text).get("submitted") or []][:THREADS_TRIED]
        except (ValueError, TypeError, AttributeError) as exc:
            self.fail(f"unreadable user response from {response.url}: {exc.__class__.__name__}: {exc}")
            return
        yield from self._next_candidate(response.url, submitted)

    def _next_candidate(self, base: str, candidates: list[int]):
        if not candidates:
            self.fail(f"no 'Ask HN: Who is hiring?' thread among the last {THREADS_TRIED} submissions of "
                      f"{self.source.board}")
            return
        yield scrapy.Request(thread_url(base, candidates[0]), callback=self.parse_candidate, errback=self.failed,
                             cb_kwargs={"candidates": candidates[1:]})

    def parse_candidate(self, response: Response, candidates: list[int]):
        try:
            item = decode_json(response.text)
            title = item.get("title") or ""
        except (ValueError, TypeError, AttributeError) as exc:
            self.fail(f"unreadable item from {response.url}: {exc.__class__.__name__}: {exc}")
            return
        if THREAD_TITLE.match(title):
            yield from self.parse(response)
        else:
            yield from self._next_candidate(response.url, candidates)

    def parse(self, response: Response, **kwargs: Any):
        """The thread: one request per top-level comment."""
        try:
            kids = jobs(decode_json(response.text))
        except (ValueError, TypeError, AttributeError) as exc:
            self.fail(f"unreadable thread from {response.url}: {exc.__class__.__name__}: {exc}")
            return
        for kid in kids:
            yield scrapy.Request(thread_url(response.url, kid), callback=self.parse_comment,
                                 errback=self.detail_failed, cb_kwargs={"item": {"id": kid}})

    def parse_comment(self, response: Response, item: dict):
        try:
            comment = decode_json(response.text)
        except ValueError as exc:
            self.reject(item, f"{exc.__class__.__name__}: {exc}")
            return
        if not is_live(comment):
            return
        try:
            yield parse_job(comment, company=self.source.company, board=self.source.board)
        except (ValueError, TypeError, KeyError, AttributeError) as exc:
            self.reject(comment, f"{exc.__class__.__name__}: {exc}")
