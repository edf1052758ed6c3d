"""The crawl cache folder (MARKETFIT_HTTP_CACHE): one folder per source, one scan at a time, a size bound.

``sources/<key>/responses/..`` holds a source's cached HTTP responses (scrapers.middlewares.SourceCacheStorage) and
``sources/<key>/normalised.json.gz`` its postings as normalised by its last complete crawl. A scan holds
``.lock`` for its whole crawl, so two scans never write the same entries; after the crawl the folders of
sources no scan has included for 30 days are removed and, past MARKETFIT_HTTP_CACHE_MB, the least recently
written entries.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import os
import shutil
import time
from collections.abc import Iterable, Iterator
from pathlib import Path

NORMALISED = "normalised.json.gz"
USED = ".used"              # its modification time: the last scan that included the source
REMOVED_AFTER_DAYS = 30     # a source no scan has included for this long is gone from the cache
LOCK_POLL_S = 0.2


class CacheBusyError(RuntimeError):
    """Another scan holds the cache folder; the message says which folder and what to do."""


def source_folder(cache: Path, ats: str, board: str) -> Path:
    """The folder of one source's cached files."""
    return Path(cache) / "sources" / hashlib.sha256(f"{ats}\x1f{board}".encode()).hexdigest()[:32]


@contextlib.contextmanager
def locked(cache: Path, wait_s: float) -> Iterator[None]:
    """Hold the cache folder for one scan; wait up to ``wait_s`` for another scan to finish, then raise."""
    cache.mkdir(parents=True, exist_ok=True)
    with open(cache / ".lock", "a+b") as lock:
        deadline = time.monotonic() + wait_s
        while True:
            try:
                fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise CacheBusyError(f"{cache}: another scan is using the HTTP cache; retry when it has finished "
                                         f"(or set MARKETFIT_HTTP_CACHE to another folder)") from None
                time.sleep(LOCK_POLL_S)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def _entries(folder: Path) -> Iterator[tuple[float, int, Path]]:
    """(last written, bytes, path) of every removable entry: one cached response (a folder) or a normalised file."""
    normalised = folder / NORMALISED
    if normalised.exists():
        stat = normalised.stat()
        yield stat.st_mtime, stat.st_size, normalised
    for response in (folder / "responses").glob("*/*"):
        files = [f.stat() for f in response.iterdir() if f.is_file()]
        if files:
            yield max(s.st_mtime for s in files), sum(s.st_size for s in files), response


def prune(cache: Path, scanned: Iterable[tuple[str, str]], max_bytes: int, now: float | None = None) -> None:
    """Mark the ``scanned`` sources ((ats, board) pairs) as used now; remove the folders of sources no scan has
    used for REMOVED_AFTER_DAYS (a source removed from the sources file; a scan of another file, or the demo,
    does not wipe the rest), then the oldest entries until the cache holds at most ``max_bytes``."""
    now = time.time() if now is None else now
    for ats, board in scanned:
        marker = source_folder(cache, ats, board) / USED
        marker.parent.mkdir(parents=True, exist_ok=True)
        marker.touch()
        os.utime(marker, (now, now))
    sources = cache / "sources"
    folders = []
    for folder in sources.iterdir() if sources.exists() else []:
        used = folder / USED
        if used.exists() and used.stat().st_mtime >= now - REMOVED_AFTER_DAYS * 86400:
            folders.append(folder)
        else:
            shutil.rmtree(folder, ignore_errors=True)
    entries = sorted(entry for folder in folders for entry in _entries(folder))
    total = sum(size for _, size, _ in entries)
    for _, size, path in entries:
        if total <= max_bytes:
            break
        if path.is_dir():
            shutil.rmtree(path, ignore_errors=True)
        else:
            path.unlink(missing_ok=True)
        total -= size
    for folder in folders:  # empty fingerprint-prefix folders left behind
        for prefix in (folder / "responses").glob("*"):
            with contextlib.suppress(OSError):
                os.rmdir(prefix)
