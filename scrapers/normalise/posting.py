"""Turn a parsed posting into a loadable one: identity, clean text, checked and normalised fields.

Used by the Scrapy item pipeline and by file imports, so every source is
normalised the same way. Contract fields keep what the source said (tidied);
the added fields hold the normalised reading: annual salary, ISO country, city,
region, employment type code and seniority level.
"""

from __future__ import annotations

import json
from typing import Any

from scrapers.normalise.dates import parse_date
from scrapers.normalise.identity import content_hash, embedding_text, posting_id
from scrapers.normalise.labels import clean_label, employment_type_code, remote_from_text
from scrapers.normalise.location import parse_location
from scrapers.normalise.salary import PERIODS_PER_YEAR, Salary, currency_code, salary_from_text
from scrapers.normalise.seniority import seniority_level
from scrapers.normalise.text import clean_text, html_to_text, valid_unicode


class RejectedPosting(ValueError):
    """A posting that cannot be loaded; the message is the reason stored with the reject."""


def _required_text(posting: dict, key: str) -> str:
    value = posting.get(key)
    if value is None or (isinstance(value, str) and not value.strip()):
        raise RejectedPosting(f"missing {key}")
    if not isinstance(value, (str, int)):
        raise RejectedPosting(f"{key} is a {type(value).__name__}, expected text")
    return str(value).strip()


def _optional_text(posting: dict, key: str) -> str | None:
    value = posting.get(key)
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, (int, float)):
        return str(value)
    raise RejectedPosting(f"{key} is a {type(value).__name__}, expected text")


def _company(posting: dict) -> str | None:
    value = posting.get("company")
    if value is not None and not isinstance(value, str):
        raise RejectedPosting(f"company is a {type(value).__name__}, expected text")
    return value.strip() if value else None


def _number(value: Any, key: str) -> float | None:
    if value in (None, ""):
        return None
    try:
        return float(value)
    except (TypeError, ValueError):
        raise RejectedPosting(f"{key} is not a number: {value!r}") from None


def _salary(posting: dict, description: str, country: str | None) -> Salary | None:
    low, high = _number(posting.get("salary_min"), "salary_min"), _number(posting.get("salary_max"), "salary_max")
    low, high = (None if v is not None and v <= 0 else v for v in (low, high))
    if low is not None or high is not None:
        period = _optional_text(posting, "salary_period")
        return Salary(low, high, currency_code(_optional_text(posting, "salary_currency"), country),
                      period if period in PERIODS_PER_YEAR else None, "ats")
    return salary_from_text(description, country)


def normalise(posting: dict) -> dict:
    """Checked, identity-bearing posting ready for the warehouse; raises RejectedPosting."""
    try:
        return _normalise({key: valid_unicode(value) for key, value in posting.items()})
    except RejectedPosting:
        raise
    except (TypeError, ValueError, AttributeError, KeyError, OverflowError, RecursionError) as exc:
        # a field of a type or size no reader expects: recorded as a reject with the reason, not lost
        raise RejectedPosting(f"unreadable posting: {exc.__class__.__name__}: {str(exc)[:200]}") from None


def _normalise(posting: dict) -> dict:
    ats = _required_text(posting, "ats")
    board = _required_text(posting, "board")
    native_id = _required_text(posting, "native_id")
    title = clean_text(_required_text(posting, "title"))
    html = posting.get("description_html")
    description = posting.get("description")
    if not description and html:
        description = html_to_text(html)
    description = clean_text(description or "")  # metadata-only boards have none
    text = embedding_text(title, description)
    place = parse_location(_optional_text(posting, "location"))
    salary = _salary(posting, description, place.country)
    annual_min, annual_max = salary.annual if salary else (None, None)
    return {
        **posting,
        "posting_id": posting_id(ats, board, native_id),
        "ats": ats,
        "board": board,
        "native_id": native_id,
        "title": title,
        "company": _company(posting) or board,
        "remote": posting.get("remote") or remote_from_text(posting.get("location"), title),
        "posted_at": parse_date(posting.get("posted_at")),
        "department": clean_label(posting.get("department")),
        "team": clean_label(posting.get("team")),
        "salary_min": salary.minimum if salary else None,
        "salary_max": salary.maximum if salary else None,
        "salary_currency": salary.currency if salary else None,
        "salary_period": salary.period if salary else None,
        "salary_min_annual": annual_min,
        "salary_max_annual": annual_max,
        "salary_source": salary.source if salary else None,
        "country": place.country,
        "city": place.city,
        "region": place.region,
        "employment_type_code": employment_type_code(_optional_text(posting, "employment_type")),
        "seniority": seniority_level(title),
        "description": description,
        "content_hash": content_hash(text),
        "raw": valid_unicode(json.dumps(posting.get("raw"), ensure_ascii=False, sort_keys=True)),
    }
