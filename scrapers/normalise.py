"""Turn a parsed posting into a loadable one: identity, clean text, checked fields.

Used by the Scrapy item pipeline and by file imports, so every source is
normalised the same way.
"""

from __future__ import annotations

import hashlib
import json
import re
from datetime import datetime, timezone
from typing import Any

import dateparser
import html_text

_SPACE = re.compile(r"[ \t\r\f\v]+")
_BLANK_LINES = re.compile(r"\n\s*\n+")
_REMOTE_WORDS = (("hybrid", "hybrid"), ("remote", "remote"), ("on-site", "onsite"), ("onsite", "onsite"),
                 ("in office", "onsite"), ("in-office", "onsite"))


class RejectedPosting(ValueError):
    """A posting that cannot be loaded; the message is the reason stored with the reject."""


def posting_id(ats: str, board: str, native_id: str) -> str:
    """Stable id: the same (ats, board, native id) always maps to the same posting."""
    return hashlib.sha1(f"{ats}\x1f{board}\x1f{native_id}".encode()).hexdigest()[:20]


def clean_text(text: str) -> str:
    lines = (_SPACE.sub(" ", line).strip() for line in text.replace("\xa0", " ").split("\n"))
    return _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()


def embedding_text(title: str, description: str) -> str:
    """The exact text that is embedded; its hash keys the embedding cache."""
    return f"{title}\n\n{description}"


def content_hash(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def parse_date(value: Any) -> str | None:
    """ISO-8601 UTC, or None when the value is not a date we can trust."""
    if value in (None, ""):
        return None
    if isinstance(value, (int, float)):
        return datetime.fromtimestamp(value / 1000 if value > 1e11 else value, tz=timezone.utc).isoformat()
    text = str(value).strip()
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        parsed = dateparser.parse(text, settings={"RETURN_AS_TIMEZONE_AWARE": True, "TO_TIMEZONE": "UTC"})
    if parsed is None:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=timezone.utc)
    return parsed.astimezone(timezone.utc).isoformat()


def remote_from_text(*texts: str | None) -> str | None:
    joined = " ".join(t for t in texts if t).lower()
    for word, mode in _REMOTE_WORDS:
        if word in joined:
            return mode
    return None


def _required_text(posting: dict, key: str) -> str:
    value = posting.get(key)
    if value is None or (isinstance(value, str) and not value.strip()):
        raise RejectedPosting(f"missing {key}")
    if not isinstance(value, (str, int)):
        raise RejectedPosting(f"{key} is a {type(value).__name__}, expected text")
    return str(value).strip()


def _number(value: Any, key: str) -> float | None:
    if value in (None, ""):
        return None
    try:
        return float(value)
    except (TypeError, ValueError):
        raise RejectedPosting(f"{key} is not a number: {value!r}") from None


def normalise(posting: dict) -> dict:
    """Checked, identity-bearing posting ready for the warehouse; raises RejectedPosting."""
    ats = _required_text(posting, "ats")
    board = _required_text(posting, "board")
    native_id = _required_text(posting, "native_id")
    title = clean_text(_required_text(posting, "title"))
    html = posting.get("description_html")
    description = posting.get("description")
    if not description and html:
        description = html_text.extract_text(html, guess_layout=True)
    description = clean_text(description or "")  # metadata-only boards have none
    text = embedding_text(title, description)
    return {
        **posting,
        "posting_id": posting_id(ats, board, native_id),
        "ats": ats,
        "board": board,
        "native_id": native_id,
        "title": title,
        "company": (posting.get("company") or board).strip(),
        "remote": posting.get("remote") or remote_from_text(posting.get("location"), title),
        "posted_at": parse_date(posting.get("posted_at")),
        "salary_min": _number(posting.get("salary_min"), "salary_min"),
        "salary_max": _number(posting.get("salary_max"), "salary_max"),
        "description": description,
        "content_hash": content_hash(text),
        "raw": json.dumps(posting.get("raw"), ensure_ascii=False, sort_keys=True),
    }
