"""One market scan: crawl → load → SCAN_STEPS (dedupe, embed, hire type, skills) → fit, with progress reports.

The crawl runs in a child process with no database open; each later step opens
the warehouse only for its short reads and writes. ``SCAN_STEPS`` is the one
place that orders the steps: ``run_scan`` (the `scan` command) and the
market-scan flow (flows.py) both walk it.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from functools import cached_property
from pathlib import Path

from models.embedder import Embedder
from models.hire_type import HireTypeModel
from models.profile import Profile
from models.skills import SkillExtractor
from pipelines.classify import classify_postings
from pipelines.dedupe import link_duplicates
from pipelines.embed import embed_postings
from pipelines.fit import score_profile
from pipelines.skills import extract_posting_skills
from scrapers.crawl import run_crawl
from scrapers.sources import Source
from warehouse.db import check_writable, reader, writer
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
    title_only: int = 0              # postings seen with no description: judged from the title alone
    scored: dict[str, int] = field(default_factory=dict)


def crawl_and_load(db: Path, sources: list[Source], origin: str) -> tuple[int, list[dict], int]:
    """Crawl the sources and load what came back; returns (scan_id, statuses, postings added)."""
    check_writable(db)  # not after the whole crawl
    started = datetime.now(timezone.utc)
    with tempfile.TemporaryDirectory(prefix="marketfit-crawl-") as folder:
        statuses = run_crawl(sources, Path(folder))
        with writer(db) as con:
            before = con.execute("SELECT count(*) FROM postings").fetchone()[0]
            scan_id = load_scan(con, started_at=started, origin=origin,
                                posting_files=sorted(Path(folder).glob("*-postings.jsonl")), statuses=statuses)
            added = con.execute("SELECT count(*) FROM postings").fetchone()[0] - before
    return scan_id, statuses, added


class ScanModels:
    """The models of one scan, each loaded on first use, then shared by every step (a load costs seconds)."""

    def __init__(self, device: str = "auto") -> None:
        self.device = device  # embedding device: auto | cpu | cuda[:N]

    @cached_property
    def embedder(self) -> Embedder:
        return Embedder(device=self.device)

    @cached_property
    def hire_type(self) -> HireTypeModel:
        return HireTypeModel.load()

    @cached_property
    def skills(self) -> SkillExtractor:
        return SkillExtractor.load()


@dataclass(frozen=True)
class Step:
    """A step over the whole warehouse after the load; ``run`` returns how many rows it (re)computed."""
    name: str
    run: Callable[[Path, ScanModels, Callable[[int, int], None]], int]


# What a scan does after crawl → load, in order; fit for each profile comes after.
SCAN_STEPS = (
    Step("dedupe", lambda db, models, progress: link_duplicates(db)["linked"]),
    Step("embed", lambda db, models, progress: embed_postings(db, models.embedder, progress)),
    Step("classify", lambda db, models, progress: classify_postings(db, models.hire_type)),
    Step("skills", lambda db, models, progress: extract_posting_skills(db, models.skills)),
)


def title_only_seen(db: Path, scan_id: int) -> int:
    """Open postings this scan saw that have no description."""
    with reader(db) as con:
        return con.execute("SELECT count(*) FROM postings WHERE last_scan_id = ? AND closed_at IS NULL "
                           "AND coalesce(description, '') = ''", [scan_id]).fetchone()[0]


def run_scan(db: Path, sources: list[Source], origin: str, profiles: list[Profile],
             progress: Progress = lambda step, done, total: None, device: str = "auto") -> ScanSummary:
    progress("crawl", 0, len(sources))
    scan_id, statuses, added = crawl_and_load(db, sources, origin)
    progress("crawl", len(sources), len(sources))
    counts: dict[str, int] = {}
    for status in statuses:
        counts[status["status"]] = counts.get(status["status"], 0) + 1
    models = ScanModels(device)
    done: dict[str, int] = {}
    for step in SCAN_STEPS:
        progress(step.name, 0, 1)
        done[step.name] = step.run(db, models, lambda n, total, name=step.name: progress(name, n, total))
        progress(step.name, done[step.name], done[step.name])
    summary = ScanSummary(scan_id, counts, sum(s["items"] for s in statuses), added, embedded=done["embed"],
                          classified=done["classify"], skills_read=done["skills"],
                          title_only=title_only_seen(db, scan_id))
    if profiles:
        for number, profile in enumerate(profiles):
            progress("fit", number, len(profiles))
            summary.scored[profile.name] = score_profile(db, profile, models.embedder, models.skills)
        progress("fit", len(profiles), len(profiles))
    return summary
