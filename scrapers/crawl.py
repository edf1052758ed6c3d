"""Run one crawl of many sources in a child process (Twisted reactors cannot restart).

``run_crawl`` is what the rest of the code calls; ``python -m scrapers.crawl`` is the child.
The child writes, per source, ``NNNNN-postings.parquet`` (normalised postings) and
``NNNNN-status.json`` (status, error, item count, rejects) into the output folder.
A source whose every response came from the HTTP cache (fresh, or confirmed by a 304)
is ``not_modified``: its postings are still written, from the cached body. A crawl holds the cache folder
(scrapers.http_cache) while it runs, then prunes it.
"""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import asdict
from pathlib import Path

from scrapers.http_cache import locked, prune
from scrapers.settings import cache_lock_wait, crawl_settings
from scrapers.items import Source, source_status


def status_path(out_dir: Path, index: int) -> Path:
    return Path(out_dir) / f"{index:05d}-status.json"


def run_crawl(sources: list[Source], out_dir: Path, timeout: float | None = None) -> list[dict]:
    """Crawl every source; return one status dict per source, in order.

    The child reads the MARKETFIT_* crawl switches from the environment; they are checked
    here first, so a bad value raises SettingsError before anything is fetched.
    """
    settings = crawl_settings()
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    plan = out_dir / "sources.json"
    plan.write_text(json.dumps([asdict(s) for s in sources]), encoding="utf-8")
    command = [sys.executable, "-m", "scrapers.crawl", str(plan), str(out_dir)]
    if settings["HTTPCACHE_ENABLED"]:
        cache = Path(settings["HTTPCACHE_DIR"])
        with locked(cache, cache_lock_wait()):
            proc = subprocess.run(command, capture_output=True, text=True, timeout=timeout)
            prune(cache, [(s.ats, s.board) for s in sources], int(settings["MARKETFIT_HTTP_CACHE_MB"] * 1024 * 1024))
    else:
        proc = subprocess.run(command, capture_output=True, text=True, timeout=timeout)
    statuses = []
    for index, source in enumerate(sources):
        path = status_path(out_dir, index)
        if path.exists():
            statuses.append(json.loads(path.read_text(encoding="utf-8")))
        else:
            tail = (proc.stderr or "").strip().splitlines()[-1:] or [""]
            statuses.append(source_status(source, "failed",
                                          error=f"crawler exited with code {proc.returncode} {tail[0]}".strip()))
    return statuses


def _main(plan: Path, out_dir: Path) -> None:
    from scrapy import signals
    from scrapy.crawler import CrawlerProcess
    from scrapy.settings import Settings

    from scrapers.registry import SPIDERS
    from scrapers.middlewares import RESPONSES_FROM_CACHE, RESPONSES_FROM_NETWORK

    def write_status(spider, reason: str) -> None:
        status, error = spider.status, spider.error
        stats = spider.crawler.stats
        if status == "ok" and reason != "finished":
            status, error = "failed", f"crawl ended early: {reason}"
        elif status == "ok" and stats.get_value(RESPONSES_FROM_CACHE) and not stats.get_value(RESPONSES_FROM_NETWORK):
            status = "not_modified"
        record = source_status(spider.source, status, spider.items, spider.rejects, error)
        # ASCII JSON: a reject's raw may hold a lone surrogate ("\ud800"), which UTF-8 cannot
        status_path(out_dir, spider.source_index).write_text(json.dumps(record), encoding="utf-8")

    process = CrawlerProcess(Settings(crawl_settings()), install_root_handler=False)
    for index, source in enumerate(json.loads(plan.read_text(encoding="utf-8"))):
        crawler = process.create_crawler(SPIDERS[source["ats"]])
        crawler.signals.connect(write_status, signal=signals.spider_closed)
        process.crawl(crawler, source=source, out_dir=str(out_dir), source_index=index)
    process.start()


if __name__ == "__main__":
    _main(Path(sys.argv[1]), Path(sys.argv[2]))
