"""One market scan: crawl → load → embed new text → hire type → fit, with progress reports.

The crawl runs in a child process with no database open; each later step opens
the warehouse only for its short reads and writes.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from models.embedder import Embedder
from models.hire_type import HireTypeModel
from models.profile import Profile
from models.skills import SkillExtractor
from pipelines.classify import classify_postings
from pipelines.embed import embed_postings
from pipelines.fit import score_profile
from pipelines.skills import extract_posting_skills
from scrapers.crawl import run_crawl
from scrapers.sources import Source
from warehouse.db import writer
from warehouse.load import load_scan

Progress = Callable[[str, int, int], None]


@dataclass
class ScanSummary:
    scan_id: int
    sources: dict[str, int]          # status → number of sources
    postings_seen: int
    postings_added: int
    embedded: int
    classified: int
    skills_read: int
    scored: dict[str, int] = field(default_factory=dict)


def crawl_and_load(db: Path, sources: list[Source], origin: str) -> tuple[int, list[dict], int]:
    """Crawl the sources and load what came back; returns (scan_id, statuses, postings added)."""
    started = datetime.now(timezone.utc)
    with tempfile.TemporaryDirectory(prefix="marketfit-crawl-") as folder:
        statuses = run_crawl(sources, Path(folder))
        with writer(db) as con:
            before = con.execute("SELECT count(*) FROM postings").fetchone()[0]
            scan_id = load_scan(con, started_at=started, origin=origin,
                                posting_files=sorted(Path(folder).glob("*-postings.jsonl")), statuses=statuses)
            added = con.execute("SELECT count(*) FROM postings").fetchone()[0] - before
    return scan_id, statuses, added


def run_scan(db: Path, sources: list[Source], origin: str, profiles: list[Profile],
             progress: Progress = lambda step, done, total: None) -> ScanSummary:
    progress("crawl", 0, len(sources))
    scan_id, statuses, added = crawl_and_load(db, sources, origin)
    progress("crawl", len(sources), len(sources))
    counts: dict[str, int] = {}
    for status in statuses:
        counts[status["status"]] = counts.get(status["status"], 0) + 1
    embedder = Embedder()
    embedded = embed_postings(db, embedder, lambda done, total: progress("embed", done, total))
    progress("classify", 0, 1)
    classified = classify_postings(db, HireTypeModel.load())
    progress("classify", 1, 1)
    skills = SkillExtractor.load()
    skills_read = extract_posting_skills(db, skills)
    summary = ScanSummary(scan_id, counts, sum(s["items"] for s in statuses), added, embedded, classified,
                          skills_read)
    if profiles:
        for number, profile in enumerate(profiles):
            progress("fit", number, len(profiles))
            summary.scored[profile.name] = score_profile(db, profile, embedder, skills)
        progress("fit", len(profiles), len(profiles))
    return summary
