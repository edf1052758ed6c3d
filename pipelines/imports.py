"""Postings from a file into the warehouse: our JSONL posting contract, or a JobSpy CSV export.

An import is a scan whose sources are the file: postings are normalised like crawled ones, written
as the crawler's feed files and merged by the same atomic loader, then run through the scan's
steps (embed, classify, ...: ``pipelines.scan.SCAN_STEPS``).

- JSONL (``.jsonl``/``.ndjson``): ats "file", board = the file's stem. The file speaks for its whole
  board: a posting missing from a newer version of the file is closed.
- JobSpy CSV (``.csv``, python-jobspy's ``scrape_jobs(...).to_csv(...)``): ats = the row's ``site``
  (indeed, linkedin, ...), board "jobspy". A search result is not a whole board, so it closes
  nothing: its sources are logged with status ``not_modified``.
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from scrapers.items import Source, source_status
from scrapers.normalise import RejectedPosting, normalise
from warehouse.db import writer
from warehouse.load import load_scan, posting_count



@dataclass
class ImportSummary:
    scan_id: int
    read: int          # postings in the file
    added: int         # new postings in the warehouse
    rejected: int
    steps: dict[str, int] = field(default_factory=dict)  # scan step → rows it (re)computed


def import_postings(db: Path, path: Path, postings: list[dict],
                    progress: Callable[[str, int, int], None] = lambda step, done, total: None) -> ImportSummary:
    """Normalise, load (one scan, atomically) and enrich postings read from ``path``."""
    from pipelines.scan import SCAN_STEPS, ScanModels  # torch and the models: not needed to read a file

    started = datetime.now(timezone.utc)
    status_of_board: dict[tuple[str, str], dict] = {}
    feeds: dict[tuple[str, str], list[dict]] = {}
    closes = path.suffix.lower() != ".csv"
    for posting in postings:
        key = (posting["ats"] or "unknown", posting["board"])
        if key not in status_of_board:
            status_of_board[key] = source_status(Source(path.name, key[0], key[1], path.resolve().as_uri()),
                                                 "ok" if closes else "not_modified")
        status = status_of_board[key]
        try:
            feeds.setdefault(key, []).append(normalise(posting))
            status["items"] += 1
        except RejectedPosting as exc:  # a value of the wrong kind (a number as company) is one too
            status["rejects"].append({"reason": str(exc), "raw": posting["raw"]})
    statuses = list(status_of_board.values())
    with tempfile.TemporaryDirectory(prefix="marketfit-import-") as folder:
        files = []
        for index, key in enumerate(status_of_board):
            feed = Path(folder) / f"{index:05d}-postings.jsonl"
            feed.write_text("".join(json.dumps(p, ensure_ascii=False) + "\n" for p in feeds.get(key, [])),
                            encoding="utf-8")
            files.append(feed)
        with writer(db) as con:
            before = posting_count(con)
            scan_id = load_scan(con, started_at=started, origin=str(path), posting_files=files, statuses=statuses)
            added = posting_count(con) - before
    summary = ImportSummary(scan_id, len(postings), added, sum(len(s["rejects"]) for s in statuses))
    models = ScanModels()
    for step in SCAN_STEPS:  # the steps a scan runs after its load, in the scan's order
        progress(step.name, 0, 1)
        summary.steps[step.name] = step.run(db, models, lambda n, total, name=step.name: progress(name, n, total))
        progress(step.name, summary.steps[step.name], summary.steps[step.name])
    return summary
