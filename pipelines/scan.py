"""One market scan: crawl → load → SCAN_STEPS (dedupe, sections, embed, hire type, skills) → fit, with progress reports.

The crawl runs in a child process with no database open (with ``--dask``, in shards on a
cluster's workers, and the embedding too: pipelines/cluster.py); each later step opens
the warehouse only for its short reads and writes. ``SCAN_STEPS`` is the one
place that orders the steps: ``run_scan`` (the `scan` command) and the
market-scan flow (flows.py) both walk it.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from contextlib import nullcontext
from dataclasses import dataclass, field
from datetime import datetime, timezone
from functools import cached_property
from pathlib import Path

from models.embedder import Embedder, MemoEncoder
from models.hire_type import HireTypeModel
from models.linking import SkillReader, load_reader
from models.profile import Profile
from models.skills import SkillExtractor
from pipelines.classify import classify_postings
from pipelines.cluster import Cluster, ClusterEmbedder, DaskTarget, open_cluster
from pipelines.dedupe import link_duplicates
from pipelines.embed import embed_postings
from pipelines.fit import score_profile
from pipelines.sections import segment_postings
from pipelines.skills import extract_posting_skills
from scrapers.crawl import run_crawl
from scrapers.items import Source
from warehouse.db import check_writable, reader, writer
from warehouse.load import load_scan

Progress = Callable[[str, int, int], None]
READ = ("ok", "not_modified")  # a source's statuses when its board was read (fresh or unchanged since the last scan)


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
    unread: list[tuple[str, str, str]] = field(default_factory=list)  # (company, status, why) of each source not read

    @property
    def any_source_read(self) -> bool:
        return any(status in READ for status in self.sources)


def crawl_and_load(db: Path, sources: list[Source], origin: str,
                   cluster: Cluster | None = None) -> tuple[int, list[dict], int]:
    """Crawl the sources (in one child, or in shards on the cluster) and load what came back in one
    transaction; returns (scan_id, statuses, postings added)."""
    check_writable(db)  # not after the whole crawl
    started = datetime.now(timezone.utc)
    with cluster.scan_folder() if cluster else tempfile.TemporaryDirectory(prefix="marketfit-crawl-") as folder:
        if cluster:
            statuses, feeds = cluster.crawl(sources, Path(folder))
        else:
            statuses = run_crawl(sources, Path(folder))
            feeds = sorted(Path(folder).glob("*-postings.parquet"))
        with writer(db) as con:
            before = con.execute("SELECT count(*) FROM postings").fetchone()[0]
            scan_id = load_scan(con, started_at=started, origin=origin, posting_files=feeds, statuses=statuses,
                                executor="dask" if cluster else "local", workers=cluster.workers if cluster else 1)
            added = con.execute("SELECT count(*) FROM postings").fetchone()[0] - before
    return scan_id, statuses, added


class ScanModels:
    """The models of one scan, each loaded on first use, then shared by every step (a load costs seconds)."""

    def __init__(self, device: str = "auto", cluster: Cluster | None = None) -> None:
        self.device = device  # embedding device: auto | cpu | cuda[:N]
        self.cluster = cluster  # embed on its workers when there is one

    @cached_property
    def embedder(self) -> Embedder | ClusterEmbedder:
        return ClusterEmbedder(self.cluster, self.device) if self.cluster else Embedder(device=self.device)

    @cached_property
    def hire_type(self) -> HireTypeModel:
        return HireTypeModel.load()

    @cached_property
    def skills(self) -> SkillExtractor:
        return SkillExtractor.load()

    @cached_property
    def skill_reader(self) -> SkillReader:
        return load_reader(self.skills, MemoEncoder(self.embedder.encode))


@dataclass(frozen=True)
class Step:
    """A step over the whole warehouse after the load; ``run`` returns how many rows it (re)computed."""
    name: str
    run: Callable[[Path, ScanModels, Callable[[int, int], None]], int]


# What a scan does after crawl → load, in order; fit for each profile comes after.
SCAN_STEPS = (
    Step("dedupe", lambda db, models, progress: link_duplicates(db)["linked"]),
    Step("sections", lambda db, models, progress: segment_postings(db)),
    Step("embed", lambda db, models, progress: embed_postings(db, models.embedder, progress)),
    Step("classify", lambda db, models, progress: classify_postings(db, models.hire_type)),
    Step("skills", lambda db, models, progress: extract_posting_skills(db, models.skill_reader)),
)


def title_only_seen(db: Path, scan_id: int) -> int:
    """Open postings this scan saw that have no description."""
    with reader(db) as con:
        return con.execute("SELECT count(*) FROM postings WHERE last_scan_id = ? AND closed_at IS NULL "
                           "AND coalesce(description, '') = ''", [scan_id]).fetchone()[0]


def run_scan(db: Path, sources: list[Source], origin: str, profiles: list[Profile],
             progress: Progress = lambda step, done, total: None, device: str = "auto",
             dask: DaskTarget | None = None) -> ScanSummary:
    """One scan; with ``dask``, the crawl and the embedding fan out on that cluster (opened for this scan)."""
    with open_cluster(dask, db) if dask else nullcontext() as cluster:
        return _run_scan(db, sources, origin, profiles, progress, ScanModels(device, cluster))


def _run_scan(db: Path, sources: list[Source], origin: str, profiles: list[Profile], progress: Progress,
              models: ScanModels) -> ScanSummary:
    progress("crawl", 0, len(sources))
    scan_id, statuses, added = crawl_and_load(db, sources, origin, models.cluster)
    progress("crawl", len(sources), len(sources))
    counts: dict[str, int] = {}
    for status in statuses:
        counts[status["status"]] = counts.get(status["status"], 0) + 1
    done: dict[str, int] = {}
    for step in SCAN_STEPS:
        progress(step.name, 0, 1)
        done[step.name] = step.run(db, models, lambda n, total, name=step.name: progress(name, n, total))
        progress(step.name, done[step.name], done[step.name])
    summary = ScanSummary(scan_id, counts, sum(s["items"] for s in statuses), added, embedded=done["embed"],
                          classified=done["classify"], skills_read=done["skills"],
                          title_only=title_only_seen(db, scan_id),
                          unread=[(s["company"], s["status"], s.get("error") or "") for s in statuses
                                  if s["status"] not in READ])
    if profiles:
        for number, profile in enumerate(profiles):
            progress("fit", number, len(profiles))
            summary.scored[profile.name] = score_profile(db, profile, models.embedder, models.skills)
        progress("fit", len(profiles), len(profiles))
    return summary
