"""A posting URL as compared across sources."""

from __future__ import annotations

from urllib.parse import urlsplit

from w3lib.url import canonicalize_url, url_query_cleaner

_TRACKING_PARAMS = ("gh_src", "source", "src", "ref", "referrer", "lever-source", "lever-origin", "lever-via",
                    "trk", "tracking", "utm_source", "utm_medium", "utm_campaign", "utm_term", "utm_content")


def canonical_url(url: str | None) -> str | None:
    """A posting URL without tracking parameters, fragment, "www." or trailing slash, lower-case host.

    Identifying parameters stay (a Greenhouse board on a company site is ``/jobs?gh_jid=123``).
    """
    if not url or not url.strip().lower().startswith(("http://", "https://")):
        return None
    parts = urlsplit(canonicalize_url(url_query_cleaner(url.strip(), _TRACKING_PARAMS, remove=True)))
    host = parts.netloc.lower().removeprefix("www.")
    return f"{host}{parts.path.rstrip('/')}" + (f"?{parts.query}" if parts.query else "")
