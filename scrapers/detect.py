"""Which ATS board a careers URL points at: ``detect_source(url)`` → {"company", "ats", "board"}.

The result is a ready [[source]] entry for the sources file; the company name is only a guess
from the slug. Each ATS's spider knows its own hosts (``source_from_url``); an extra "url" (the board's API
URL) comes back where the default API host would be wrong (Lever's EU instance, Personio's .com host), for
Workday, whose careers site is always needed, and for a Hacker News thread's API item.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qs, unquote, urlsplit

from scrapers.registry import SPIDERS


def _company(board: str) -> str:
    """A readable guess: 'wealth-com' → 'Wealth Com', 'DeliveryHero' → 'Delivery Hero'."""
    words = re.sub(r"(?<=[a-z])(?=[A-Z])", " ", re.sub(r"[-_.+]+", " ", board)).split()
    return " ".join(word[:1].upper() + word[1:] for word in words)


def detect_source(url: str) -> dict | None:
    """The ATS board behind a careers/board/API URL, or None for a page that is not one."""
    parts = urlsplit(url.strip() if "://" in url else f"https://{url.strip()}")
    host = (parts.hostname or "").removeprefix("www.")
    path = [unquote(segment) for segment in parts.path.split("/") if segment]
    query = parse_qs(parts.query)
    for ats, spider in SPIDERS.items():
        if found := spider.source_from_url(host, path, query):
            return {"company": _company(found["board"].split("/", 1)[0]), "ats": ats, **found}
    return None
