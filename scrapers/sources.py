"""The sources file: which boards to scan, as data (TOML): read and validate it, add a careers URL to it."""

from __future__ import annotations

import ipaddress
import re
import tomllib
from pathlib import Path
from urllib.parse import urlsplit

import tomli_w

from scrapers.detect import detect_source
from scrapers.files import NotAFileError, regular_file_size
from scrapers.items import Source
from scrapers.registry import SPIDERS

ENTRY_KEYS = ("company", "ats", "board", "url")
MAX_SOURCES_BYTES = 16 * 1024 * 1024  # ~100k boards; anything larger is not a sources file
_HOST_NAME = re.compile(r"[a-z0-9_-]+(\.[a-z0-9_-]+)*")


class SourcesError(ValueError):
    """A sources file that cannot be used; the message names the file and the problem."""


def canonical_host(host: str) -> str | None:
    """A host name or IP address in the one spelling requests are compared by; None if it is neither."""
    text = host.strip().lower().removeprefix("[").removesuffix("]").rstrip(".")
    try:
        return str(ipaddress.ip_address(text))
    except ValueError:
        return text if _HOST_NAME.fullmatch(text) else None


def url_problem(url: str) -> str | None:
    """Why ``url`` is not a URL a crawl can fetch (None when it is): http(s), a host, a port, no spaces."""
    if any(c.isspace() or not c.isprintable() for c in url):
        return "has a space or control character"
    parts = urlsplit(url)
    if parts.scheme.lower() not in ("http", "https"):
        return "is not an http(s) URL"
    try:
        parts.port
        host = (parts.hostname or "").encode("idna").decode("ascii")
    except (ValueError, UnicodeError):
        return "has a host or port that is not valid"
    if not host or canonical_host(host) is None:
        return "has no valid host name"
    return None


def load_sources(path: Path) -> list[Source]:
    """Read and validate a sources TOML file; unknown keys are errors."""
    try:
        size = regular_file_size(path, "a TOML file")
    except NotAFileError as exc:
        raise SourcesError(f"{path}: {exc}") from None
    if size > MAX_SOURCES_BYTES:
        raise SourcesError(f"{path}: {size} bytes exceeds the {MAX_SOURCES_BYTES} byte limit for a sources file")
    try:
        data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except UnicodeDecodeError:
        raise SourcesError(f"{path}: not UTF-8 text") from None
    except tomllib.TOMLDecodeError as exc:
        raise SourcesError(f"{path}: invalid TOML: {exc}") from None
    unknown_top = set(data) - {"source", "allow_hosts"}
    if unknown_top:
        raise SourcesError(f"{path}: unknown top-level keys {sorted(unknown_top)}")
    entries = data.get("source")
    if not isinstance(entries, list) or not entries:
        raise SourcesError(f"{path}: no [[source]] entries")
    allow_hosts = _allow_hosts(path, data.get("allow_hosts", []))
    sources = []
    for number, entry in enumerate(entries, 1):
        where = f"{path}: source #{number}"
        if not isinstance(entry, dict):
            raise SourcesError(f"{where}: expected a [[source]] table, not {type(entry).__name__}")
        unknown = set(entry) - set(ENTRY_KEYS)
        if unknown:
            raise SourcesError(f"{where}: unknown keys {sorted(unknown)}")
        for key in ("company", "ats", "board"):
            if not isinstance(entry.get(key), str) or not entry[key].strip():
                raise SourcesError(f"{where}: '{key}' must be a non-empty string")
        if entry["ats"] not in SPIDERS:
            raise SourcesError(f"{where}: ats '{entry['ats']}' is not one of {', '.join(sorted(SPIDERS))}")
        url = entry.get("url")
        if url is not None and not isinstance(url, str):
            raise SourcesError(f"{where}: url must be an http(s) URL")
        if url is not None and url_problem(url):
            raise SourcesError(f"{where}: url must be an http(s) URL with a host and no spaces; {url!r} "
                               f"{url_problem(url)}")
        if entry["ats"] == "jsonld" and url is None:  # jsonld: no board API to default to
            raise SourcesError(f"{where}: ats 'jsonld' needs the url of the careers page or sitemap")
        if entry["ats"] == "workday":
            if url is None:  # the wdN shard of the host cannot be derived from the tenant
                raise SourcesError(f"{where}: ats 'workday' needs the url of the careers site "
                                   f"(https://TENANT.wdN.myworkdayjobs.com)")
            if not re.fullmatch(r"[^/\s]+/[^/\s]+", entry["board"]):
                raise SourcesError(f"{where}: a workday board is 'tenant/site_id', got {entry['board']!r}")
        sources.append(Source(**entry, allow_hosts=allow_hosts))
    return sources


def _allow_hosts(path: Path, value: object) -> tuple[str, ...]:
    if not isinstance(value, list):
        raise SourcesError(f"{path}: allow_hosts must be a list of host names or IP addresses")
    hosts = []
    for entry in value:
        host = canonical_host(entry) if isinstance(entry, str) else None
        if not host:
            raise SourcesError(f"{path}: allow_hosts entry {entry!r} is not a host name or IP address "
                               f"(no scheme, port or path)")
        hosts.append(host)
    return tuple(hosts)


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
