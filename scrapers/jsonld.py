"""schema.org JobPosting pages (JSON-LD and microdata), and careers URLs as sources.

The pure part follows the ATS contract: ``decode`` (page → extruct data), ``jobs`` (every
JobPosting in it, at any depth: @graph, ItemList, mainEntity) and ``parse_job`` (one → a posting);
``parse_page(html, url)`` chains them. The spider that fetches pages and sitemaps is
``scrapers.ats.jsonld`` (inside the spider package, which imports this module).
``source_for_url`` turns any careers URL into a [[source]] entry: the ATS board behind it when
``scrapers.detect`` knows the pattern, else the jsonld spider on the page; ``add_source`` appends it.
"""

from __future__ import annotations

import hashlib
import html
import re
import tomllib
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

import extruct
import tomli_w

from scrapers.detect import detect_source
from scrapers.items import new_posting
from scrapers.sources import SourcesError, load_sources, url_problem

_PERIODS = {"HOUR": "hour", "DAY": "day", "WEEK": "week", "MONTH": "month", "YEAR": "year"}
_HTML_TAG = re.compile(r"<(p|div|br|ul|ol|li|h[1-6]|span|strong|b|em|i|a|table)\b", re.IGNORECASE)


# --- pure parsing -------------------------------------------------------------------------------

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
    if not _HTML_TAG.search(text) and _HTML_TAG.search(html.unescape(text)):
        text = html.unescape(text)
    return {"description_html": text} if _HTML_TAG.search(text) else {"description": text}


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


# --- a careers URL as a [[source]] entry ---------------------------------------------------------

def _company_from_host(host: str) -> str:
    """'careers.acme-robotics.com' → 'Acme Robotics' (a guess; --company overrides it)."""
    labels = [label for label in host.split(".") if label not in ("www", "careers", "jobs", "karriere", "apply")]
    name = labels[0] if labels else host
    return " ".join(word[:1].upper() + word[1:] for word in re.split(r"[-_]+", name) if word)


def source_for_url(url: str, company: str | None = None) -> dict:
    """The [[source]] entry for a careers/board URL: its ATS board if known, else this spider on the URL."""
    url = url.strip()
    given = url
    if "://" not in url:
        url = f"https://{url}"
    problem = url_problem(url)
    if problem is None and "://" not in given and "." not in (urlsplit(url).hostname or ""):
        problem = "has no scheme and no dotted host name"
    if problem:
        raise SourcesError(f"{given!r} is not a URL marketfit can read: it {problem}")
    parts = urlsplit(url)
    source = detect_source(url)
    if source is None:
        host = parts.hostname.removeprefix("www.")
        source = {"company": _company_from_host(host), "ats": "jsonld", "board": host, "url": url}
    if company:
        source["company"] = company.strip()
    return source


def add_source(path: Path, source: dict) -> None:
    """Append one [[source]] block, keeping the file's text (comments included) as it was.

    Refuses an existing (ats, board) and a file that is not a valid sources file."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8") if path.exists() else ""
    except UnicodeDecodeError:
        raise SourcesError(f"{path}: not UTF-8 text") from None
    except IsADirectoryError:
        raise SourcesError(f"{path}: is a directory, expected a sources TOML file") from None
    try:
        has_entries = bool(tomllib.loads(text).get("source"))
    except tomllib.TOMLDecodeError as exc:
        raise SourcesError(f"{path}: invalid TOML: {exc}") from None
    for existing in load_sources(path) if has_entries else []:
        if (existing.ats, existing.board) == (source["ats"], source["board"]):
            raise SourcesError(f"{path}: already has {source['ats']} board '{source['board']}' "
                               f"(company '{existing.company}')")
    separator = "" if not text or text.endswith("\n\n") else "\n" if text.endswith("\n") else "\n\n"
    with path.open("a", encoding="utf-8") as file:
        file.write(f"{separator}[[source]]\n{tomli_w.dumps(source)}")
