"""Which ATS board a careers URL points at: ``detect_source(url)`` → {"company", "ats", "board"}.

The result is a ready [[source]] entry for the sources file; the company name is only a guess
from the slug. An extra "url" (the board's API URL) comes back where the default API host
would be wrong: Lever's EU instance (api.eu.lever.co) and Personio's .com host; and for Workday, whose
careers site (https://acme.wd5.myworkdayjobs.com) is always needed; and a Hacker News thread's API item. Greenhouse EU
boards (*.eu.greenhouse.io) need none: their JSON is served by the global boards-api host.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qs, unquote, urlsplit

_GREENHOUSE_PAGES = {"boards.greenhouse.io", "job-boards.greenhouse.io",
                     "boards.eu.greenhouse.io", "job-boards.eu.greenhouse.io"}
_GREENHOUSE_API = {"boards-api.greenhouse.io", "boards-api.eu.greenhouse.io", "api.greenhouse.io"}
_NOT_BOARDS = {"www", "api", "app", "apply", "jobs", "careers"}  # subdomains that are not tenants
HN_API = "https://hacker-news.firebaseio.com/v0"
_LOCALE = re.compile(r"[a-z]{2}(?:-[A-Za-z]{2})?")  # the optional first segment of a Workday page: en-US, fr-FR


def _after(path: list[str], *prefix: str) -> str | None:
    """The segment after ``prefix`` at the start of ``path``: /v0/postings/{board}."""
    n = len(prefix)
    return path[n] if len(path) > n and path[:n] == list(prefix) else None


def _tenant(host: str, domain: str) -> str | None:
    """``acme`` from ``acme.<domain>``."""
    sub = host.removesuffix(f".{domain}")
    return sub if sub != host and "." not in sub and sub not in _NOT_BOARDS else None


def _workday_board(host: str, path: list[str]) -> str | None:
    """'tenant/site_id' of a Workday careers page (/en-US/External/job/...) or CXS API URL (/wday/cxs/t/s/...)."""
    tenant = host.split(".", 1)[0]
    if path[:2] == ["wday", "cxs"]:
        return f"{path[2]}/{path[3]}" if len(path) > 3 else None
    if path and _LOCALE.fullmatch(path[0]):
        path = path[1:]
    return f"{tenant}/{path[0]}" if path and tenant and path[0] != "job" else None


def _match(host: str, path: list[str], query: dict[str, list[str]]) -> tuple[str, str | None] | None:
    first = path[0] if path else None
    if host.endswith(".myworkdayjobs.com"):
        return "workday", _workday_board(host, path)
    if host == "news.ycombinator.com" and first == "item" and (query.get("id") or [""])[0].isdigit():
        return "hn", "whoishiring"  # a "Who is hiring?" thread: the month's board
    if host in _GREENHOUSE_PAGES:
        return "greenhouse", (query.get("for") or [None])[0] if first == "embed" else first
    if host in _GREENHOUSE_API:
        return "greenhouse", _after(path, "v1", "boards")
    if host in ("jobs.lever.co", "jobs.eu.lever.co"):
        return "lever", first
    if host in ("api.lever.co", "api.eu.lever.co"):
        return "lever", _after(path, "v0", "postings")
    if host == "jobs.ashbyhq.com":
        return "ashby", first
    if host == "api.ashbyhq.com":
        return "ashby", _after(path, "posting-api", "job-board")
    if host == "apply.workable.com":
        if first == "api":
            return "workable", _after(path, "api", "v1", "widget", "accounts") or _after(path, "api", "v3", "accounts")
        return "workable", first if first != "j" else None  # /j/{shortcode} names no account
    if host in ("jobs.smartrecruiters.com", "careers.smartrecruiters.com"):
        if first in ("oneclick-ui", "external-referrals"):
            return "smartrecruiters", _after(path, first, "company")
        return "smartrecruiters", first
    if host == "api.smartrecruiters.com":
        return "smartrecruiters", _after(path, "v1", "companies")
    for domain, ats in (("workable.com", "workable"), ("recruitee.com", "recruitee"),
                        ("jobs.personio.de", "personio"), ("jobs.personio.com", "personio"),
                        ("bamboohr.com", "bamboohr")):
        if tenant := _tenant(host, domain):
            return ats, tenant
    return None


def _company(board: str) -> str:
    """A readable guess: 'wealth-com' → 'Wealth Com', 'DeliveryHero' → 'Delivery Hero'."""
    words = re.sub(r"(?<=[a-z])(?=[A-Z])", " ", re.sub(r"[-_.+]+", " ", board)).split()
    return " ".join(word[:1].upper() + word[1:] for word in words)


def detect_source(url: str) -> dict | None:
    """The ATS board behind a careers/board/API URL, or None for a page that is not one."""
    parts = urlsplit(url.strip() if "://" in url else f"https://{url.strip()}")
    host = (parts.hostname or "").removeprefix("www.")
    path = [unquote(segment) for segment in parts.path.split("/") if segment]
    found = _match(host, path, parse_qs(parts.query))
    if found is None or not found[1]:
        return None
    ats, board = found
    source = {"company": _company(board.split("/", 1)[0]), "ats": ats, "board": board}
    if host in ("jobs.eu.lever.co", "api.eu.lever.co"):
        source["url"] = f"https://api.eu.lever.co/v0/postings/{board}?mode=json"
    elif ats == "workday":
        source["url"] = f"https://{host}"
    elif ats == "hn":
        source.update(company="Hacker News", url=f"{HN_API}/item/{int(parse_qs(parts.query)['id'][0])}.json")
    elif host.endswith(".jobs.personio.com"):
        source["url"] = f"https://{board}.jobs.personio.com/xml"
    return source
