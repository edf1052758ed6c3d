"""Middlewares that keep crawls safe, polite and honest about what changed.

- ``SafeDestinationMiddleware``: refuses any request (robots.txt and redirects included) whose host
  is, or resolves to, a non-public address, unless the sources file allows that host; ``PinnedResolver``
  makes the connection use the addresses it checked.
- ``PoliteRetryMiddleware``: the one place for retries; waits what ``Retry-After`` asks on 429/503,
  else exponential backoff with jitter, without blocking the reactor.
- ``RevalidatingPolicy`` + ``StrictHttpCacheMiddleware``: Scrapy's RFC 2616 cache, so an unchanged
  board costs one conditional request; a failure is never passed off as "not modified".
- ``SourceCacheStorage``: the cache's files of each source in one folder, to prune by source.
- ``ResponseOriginMiddleware``: counts which board responses came from the cache, so the crawl
  can report a source as ``not_modified``.
"""

from __future__ import annotations

import ipaddress
import random
import socket
import threading
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime
from pathlib import Path

from scrapy.downloadermiddlewares.httpcache import HttpCacheMiddleware
from scrapy.downloadermiddlewares.retry import RetryMiddleware
from scrapy.exceptions import CannotResolveHostError, IgnoreRequest
from scrapy.extensions.httpcache import FilesystemCacheStorage, RFC2616Policy
from scrapy.utils.asyncio import run_in_thread, sleep
from scrapy.utils.httpobj import urlparse_cached
from scrapy.resolver import HostResolution
from scrapy.utils.response import response_status_message
from twisted.internet.address import IPv4Address as TwistedIPv4Address
from twisted.internet.address import IPv6Address as TwistedIPv6Address
from twisted.internet.interfaces import IHostnameResolver
from zope.interface import implementer

from scrapers.http_cache import source_folder
from scrapers.sources import canonical_host

RESPONSES_FROM_CACHE = "marketfit/responses/from_cache"
RESPONSES_FROM_NETWORK = "marketfit/responses/from_network"


class BlockedDestination(IgnoreRequest):
    """A request the crawler refuses to send; the source is logged as ``blocked``."""


def refusal(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> str | None:
    """What kind of non-public address this is ("a loopback address"...), or None for a public one."""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        address = address.ipv4_mapped  # ::ffff:127.0.0.1 reaches 127.0.0.1
    for kind, flagged in (("unspecified", address.is_unspecified), ("loopback", address.is_loopback),
                          ("link-local", address.is_link_local), ("multicast", address.is_multicast),
                          ("reserved", address.is_reserved), ("private", address.is_private)):
        if flagged:
            return f"{'an' if kind[0] in 'aeiou' else 'a'} {kind} address"
    return None if address.is_global else "not a public address"


def resolve(host: str) -> list[ipaddress.IPv4Address | ipaddress.IPv6Address]:
    """Every address the host resolves to (an IP literal is its own answer)."""
    try:
        return [ipaddress.ip_address(host)]
    except ValueError:
        pass
    infos = socket.getaddrinfo(host, None, type=socket.SOCK_STREAM)
    return [ipaddress.ip_address(info[4][0].split("%", 1)[0]) for info in infos]  # drop an IPv6 zone id


_PINNED: dict[str, list[ipaddress.IPv4Address | ipaddress.IPv6Address]] = {}
_PINNED_LOCK = threading.Lock()


def resolve_once(host: str) -> list[ipaddress.IPv4Address | ipaddress.IPv6Address]:
    """The host's addresses as first resolved in this crawl process, kept for every later request: the address
    checked is the address connected to, however the DNS answer changes in between (rebinding)."""
    with _PINNED_LOCK:
        pinned = _PINNED.get(host)
    if pinned is None:
        addresses = resolve(host)
        with _PINNED_LOCK:
            pinned = _PINNED.setdefault(host, addresses)
    return pinned


@implementer(IHostnameResolver)
class PinnedResolver:
    """The reactor's name resolver for crawls (TWISTED_DNS_RESOLVER): it answers only with the addresses
    ``SafeDestinationMiddleware`` resolved (and checked) for a host, never asking DNS again; a host the
    middleware did not see gets no address (the request fails). The URL is unchanged, so the Host header and
    TLS SNI and certificate check still use the host name."""

    def __init__(self, reactor) -> None:
        self.reactor = reactor

    @classmethod
    def from_crawler(cls, crawler, reactor):
        return cls(reactor)

    def install_on_reactor(self) -> None:
        self.reactor.installNameResolver(self)

    def resolveHostName(self, resolutionReceiver, hostName, portNumber=0, addressTypes=None,  # noqa: N802, N803
                        transportSemantics="TCP"):  # noqa: N803 - Twisted's interface
        name = hostName.decode("ascii") if isinstance(hostName, bytes) else hostName
        with _PINNED_LOCK:
            addresses = _PINNED.get(canonical_host(name) or name, [])
        resolution = HostResolution(name)
        resolutionReceiver.resolutionBegan(resolution)
        for address in addresses:
            kind = TwistedIPv4Address if address.version == 4 else TwistedIPv6Address
            if addressTypes is None or kind in addressTypes:
                resolutionReceiver.addressResolved(kind("TCP", str(address), portNumber))
        resolutionReceiver.resolutionComplete()
        return resolution


def verdict(host: str, addresses) -> str | None:
    """Why a host must not be contacted, given what it resolves to; None when every address is public."""
    for address in addresses:
        kind = refusal(address)
        if kind:
            return f"{host} is {kind}" if str(address) == host else f"{host} resolves to {address}, {kind}"
    return None


class SafeDestinationMiddleware:
    """Refuse, before connecting, requests to loopback, private, link-local, multicast, unspecified or
    reserved addresses (cloud metadata at 169.254.169.254 included) and to non-HTTP schemes.

    Runs first among the downloader middlewares, so a refused host gets no robots.txt request either.
    Hosts in the sources file's ``allow_hosts`` skip the address check. Each host is resolved once per
    crawl process (``resolve_once``) and ``PinnedResolver`` connects to those very addresses, so a DNS answer
    that changes after the check (rebinding) is never used.
    """

    def __init__(self, crawler) -> None:
        self.crawler = crawler
        self._verdicts: dict[str, str | None] = {}

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    async def process_request(self, request):
        url = urlparse_cached(request)
        where = (f"redirect from {request.meta['redirect_urls'][-1]} to {request.url}"
                 if request.meta.get("redirect_urls") else request.url)
        if url.scheme not in ("http", "https"):
            raise BlockedDestination(f"refused {where}: only http and https are crawled")
        host = canonical_host(url.hostname or "") or url.hostname or ""
        if host not in self._verdicts:
            try:
                addresses = await run_in_thread(resolve_once, host)  # what the connection will use
            except (OSError, UnicodeError) as exc:
                raise CannotResolveHostError(f"cannot resolve {host}: {exc}") from None
            self._verdicts[host] = verdict(host, addresses)
        if host in getattr(self.crawler.spider, "allow_hosts", ()):
            return None
        if self._verdicts[host]:
            raise BlockedDestination(f"refused {where}: {self._verdicts[host]}; "
                                     f"list the host in the sources file's allow_hosts to crawl it")
        return None


def retry_after_seconds(value: bytes | str | None, now: datetime | None = None) -> float | None:
    """Seconds a ``Retry-After`` header asks to wait (delta-seconds or HTTP-date), or None if unusable."""
    if not value:
        return None
    text = value.decode("latin-1") if isinstance(value, bytes) else value
    text = text.strip()
    if text.isdigit():
        return float(text)
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return max(0.0, (when - (now or datetime.now(timezone.utc))).total_seconds())


class PoliteRetryMiddleware(RetryMiddleware):
    """Scrapy's retry rules (RETRY_TIMES, RETRY_HTTP_CODES, RETRY_EXCEPTIONS) plus waiting between tries.

    On 429/503 the wait is the server's ``Retry-After``; a server asking for longer than
    MARKETFIT_MAX_RETRY_AFTER seconds is not retried at all. Otherwise the wait doubles from
    MARKETFIT_RETRY_BACKOFF seconds per attempt, with ±50 % jitter so crawlers do not retry in step.
    """

    def __init__(self, settings) -> None:
        super().__init__(settings)
        self.max_retry_after = settings.getfloat("MARKETFIT_MAX_RETRY_AFTER")
        self.backoff = settings.getfloat("MARKETFIT_RETRY_BACKOFF")

    def backoff_delay(self, request) -> float:
        attempt = request.meta.get("retry_times", 0)  # 0 before the first retry
        return self.backoff * 2 ** attempt * random.uniform(0.5, 1.5)

    async def process_response(self, request, response):
        if request.meta.get("dont_retry", False) or response.status not in self.retry_http_codes:
            return response
        asked = (retry_after_seconds(response.headers.get("Retry-After"))
                 if response.status in (429, 503) else None)
        if asked is not None and asked > self.max_retry_after:
            self.crawler.stats.inc_value("retry/retry_after_too_long")
            return response
        retry = self._retry(request, response_status_message(response.status))
        if retry is None:
            return response
        await sleep(asked if asked is not None else self.backoff_delay(request))
        return retry

    async def process_exception(self, request, exception):
        retry = super().process_exception(request, exception)
        if retry is not None:
            await sleep(self.backoff_delay(request))
        return retry


class RevalidatingPolicy(RFC2616Policy):
    """RFC 2616 caching of board bodies (200 only), where only a 304 confirms the cached copy.

    Scrapy's policy also answers a 5xx with the cached copy; for a scan that would log a broken
    board as ``not_modified`` and skip its retries.
    """

    def should_cache_response(self, response, request) -> bool:
        return response.status == 200 and super().should_cache_response(response, request)

    def is_cached_response_fresh(self, cachedresponse, request) -> bool:
        if super().is_cached_response_fresh(cachedresponse, request):
            return True
        # Scrapy returns early for "Cache-Control: no-cache" without adding the validators,
        # yet no-cache means exactly "revalidate before use"
        self._set_conditional_validators(request, cachedresponse)
        return False

    def is_cached_response_valid(self, cachedresponse, response, request) -> bool:
        return response.status == 304

    def _compute_freshness_lifetime(self, response, request, now: float) -> float:
        """Fresh only as long as the server said (max-age, Expires). Scrapy's fallback, a tenth of the time
        since Last-Modified, would skip a board that last changed a month ago for three days without asking."""
        if self._get_max_age(self._parse_cachecontrol(response)) is None and b"Expires" not in response.headers:
            return 0
        return super()._compute_freshness_lifetime(response, request, now)


class SourceCacheStorage(FilesystemCacheStorage):
    """Scrapy's filesystem cache storage with each source's responses in its own folder
    (scrapers.http_cache), so a source removed from the sources file leaves nothing behind."""

    def _get_request_path(self, spider, request) -> str:
        key = self._fingerprinter.fingerprint(request).hex()
        folder = source_folder(Path(self.cachedir), spider.source.ats, spider.source.board)
        return str(folder / "responses" / key[:2] / key)


class StrictHttpCacheMiddleware(HttpCacheMiddleware):
    """The HTTP cache without error recovery: a timeout or refused connection is a failure to retry
    and report, not a reason to replay the cached copy."""

    def process_exception(self, request, exception):
        request.meta.pop("cached_response", None)
        return None


class ResponseOriginMiddleware:
    """Count, in the crawl stats, the responses that reach a spider callback from the cache (fresh, or
    revalidated by a 304) and from the network; robots.txt never reaches a callback."""

    def __init__(self, stats) -> None:
        self.stats = stats

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler.stats)

    def process_spider_input(self, response) -> None:
        self.stats.inc_value(RESPONSES_FROM_CACHE if "cached" in response.flags else RESPONSES_FROM_NETWORK)
