"""Polite, safe crawl defaults shared by every spider, and the environment switches that tune them."""

from __future__ import annotations

import math
import os
from collections.abc import Mapping
from pathlib import Path

from platformdirs import user_data_dir

SETTINGS = {
    "BOT_NAME": "marketfit",
    "USER_AGENT": "marketfit/0.1 (job-market research; local-first)",
    "ROBOTSTXT_OBEY": True,
    "AUTOTHROTTLE_ENABLED": True,
    "AUTOTHROTTLE_START_DELAY": 0.5,
    "AUTOTHROTTLE_MAX_DELAY": 30,
    "AUTOTHROTTLE_TARGET_CONCURRENCY": 1.0,
    "CONCURRENT_REQUESTS_PER_DOMAIN": 2,
    "DOWNLOAD_TIMEOUT": 30,
    "DOWNLOAD_MAXSIZE": 32 * 1024 * 1024,
    "DOWNLOAD_VERIFY_CERTIFICATES": True,  # Scrapy's default is False
    "REDIRECT_MAX_TIMES": 5,
    "RETRY_TIMES": 2,
    "MARKETFIT_RETRY_BACKOFF": 1.0,     # seconds before the first retry; doubles each attempt
    "MARKETFIT_MAX_RETRY_AFTER": 120,   # a server asking to wait longer is not retried
    "COOKIES_ENABLED": False,
    "TELNETCONSOLE_ENABLED": False,
    "DOWNLOAD_HANDLERS": {"file": None, "data": None, "ftp": None, "s3": None},
    "TWISTED_DNS_RESOLVER": "scrapers.middlewares.PinnedResolver",  # connect to the addresses checked
    "DOWNLOADER_MIDDLEWARES": {
        "scrapers.middlewares.SafeDestinationMiddleware": 10,  # first: a refused host gets no request at all
        "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
        "scrapers.middlewares.PoliteRetryMiddleware": 550,
        "scrapy.downloadermiddlewares.httpcache.HttpCacheMiddleware": None,
        "scrapers.middlewares.StrictHttpCacheMiddleware": 900,
    },
    "SPIDER_MIDDLEWARES": {"scrapers.middlewares.ResponseOriginMiddleware": 60},  # after HttpError (50)
    "HTTPCACHE_POLICY": "scrapers.middlewares.RevalidatingPolicy",  # enabled by crawl_settings
    "HTTPCACHE_GZIP": True,
    "HTTPCACHE_STORAGE": "scrapers.middlewares.SourceCacheStorage",  # one folder per source
    "MARKETFIT_HTTP_CACHE_MB": 1024,    # the cache folder's bound; the least recently written entries go first
    "ITEM_PIPELINES": {"scrapers.feed.NormalisePipeline": 100, "scrapers.feed.FeedWriterPipeline": 900},
    "LOG_LEVEL": "WARNING",
}


class SettingsError(ValueError):
    """A MARKETFIT_* environment variable that cannot be used; the message names it."""


def _positive(environ: Mapping[str, str], name: str, default: float, kind: type = float) -> float:
    text = environ.get(name, "").strip()
    if not text:
        return default
    try:
        value = kind(text)
    except ValueError:
        value = 0
    if not (math.isfinite(value) and value > 0):
        raise SettingsError(f"{name} must be a positive {'whole ' if kind is int else ''}number, got {text!r}")
    return value


def http_cache_dir(environ: Mapping[str, str] = os.environ) -> Path | None:
    """$MARKETFIT_HTTP_CACHE, else ``http-cache`` in the per-user data directory; None when set to ``off``."""
    value = environ.get("MARKETFIT_HTTP_CACHE", "").strip()
    if value.lower() == "off":
        return None
    return Path(value).resolve() if value else Path(user_data_dir("marketfit", appauthor=False)) / "http-cache"


def cache_lock_wait(environ: Mapping[str, str] = os.environ) -> float:
    """Seconds a scan waits for another scan's hold on the HTTP cache: $MARKETFIT_LOCK_WAIT (as for the
    warehouse), else 30."""
    return _positive(environ, "MARKETFIT_LOCK_WAIT", 30.0)


def crawl_settings(environ: Mapping[str, str] = os.environ) -> dict:
    """SETTINGS with the safety switches read from the environment:
    MARKETFIT_DOWNLOAD_TIMEOUT (seconds), MARKETFIT_MAX_RESPONSE_BYTES, MARKETFIT_MAX_RETRY_AFTER (seconds),
    MARKETFIT_HTTP_CACHE (a folder, or ``off``) and MARKETFIT_HTTP_CACHE_MB."""
    cache = http_cache_dir(environ)
    return {
        **SETTINGS,
        "DOWNLOAD_TIMEOUT": _positive(environ, "MARKETFIT_DOWNLOAD_TIMEOUT", SETTINGS["DOWNLOAD_TIMEOUT"]),
        "DOWNLOAD_MAXSIZE": _positive(environ, "MARKETFIT_MAX_RESPONSE_BYTES", SETTINGS["DOWNLOAD_MAXSIZE"], int),
        "MARKETFIT_MAX_RETRY_AFTER": _positive(environ, "MARKETFIT_MAX_RETRY_AFTER",
                                               SETTINGS["MARKETFIT_MAX_RETRY_AFTER"]),
        "MARKETFIT_HTTP_CACHE_MB": _positive(environ, "MARKETFIT_HTTP_CACHE_MB", SETTINGS["MARKETFIT_HTTP_CACHE_MB"]),
        "HTTPCACHE_ENABLED": cache is not None,
        "HTTPCACHE_DIR": str(cache) if cache else "",
    }
