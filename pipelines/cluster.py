"""Scale-out on a Dask cluster through Prefect's DaskTaskRunner (prefect-dask): ``--dask ADDRESS | local:N``.

Two steps fan out: the crawl, by shards of boards (each shard one crawl child on a worker, its Parquet feed
written under a folder this process and every worker can read), and the embedding of new texts, by batches
(each worker loads the model once). This process stays the warehouse's one writer: it plans the work from the
warehouse, then loads or stores what comes back. The runner owns the cluster (a LocalCluster it starts and
stops, or a connection to a running scheduler); work goes to Dask as plain functions through its client, since
a Prefect task run on a worker would need a Prefect API there.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

import numpy as np

from pipelines.embed import BATCH
from scrapers.crawl import run_crawl
from scrapers.items import Source, source_status

_LOCAL = re.compile(r"local:([0-9]+)")
_ADDRESS = re.compile(r"(tcp|tls)://[^\s/:]+:[0-9]+")


class ClusterError(ValueError):
    """A --dask value that is not a scheduler address or local:N, or a cluster that cannot be used."""


@dataclass(frozen=True)
class DaskTarget:
    """Where to fan out: a running scheduler (``address``) or a LocalCluster of ``local_workers`` processes."""
    spec: str
    local_workers: int | None = None

    def task_runner(self):
        from prefect_dask import DaskTaskRunner

        if self.local_workers:
            # one thread per worker process; Dask also gives each worker OMP_NUM_THREADS=1 (torch's threads)
            return DaskTaskRunner(cluster_kwargs={"n_workers": self.local_workers, "processes": True,
                                                  "threads_per_worker": 1, "dashboard_address": None})
        return DaskTaskRunner(address=self.spec)


def parse_dask(spec: str) -> DaskTarget:
    """``local:N`` (N ≥ 1) or ``tcp://host:port`` / ``tls://host:port``; ClusterError otherwise."""
    local = _LOCAL.fullmatch(spec)
    if local:
        if int(local.group(1)) < 1:
            raise ClusterError(f"--dask local:N needs at least one worker, not {spec!r}")
        return DaskTarget(spec, int(local.group(1)))
    if _ADDRESS.fullmatch(spec):
        return DaskTarget(spec)
    raise ClusterError(f"--dask takes a scheduler address (tcp://host:8786) or local:N (N worker processes), "
                       f"not {spec!r}")


def feeds_root(db: Path) -> Path:
    """Where the crawl shards write their feeds: $MARKETFIT_DASK_FOLDER (a folder every worker sees at the same
    path), else a folder beside the warehouse (enough for local:N and workers that mount it there)."""
    folder = os.environ.get("MARKETFIT_DASK_FOLDER")
    return Path(folder) if folder else Path(db).resolve().parent / f"{Path(db).name}.dask"


class Cluster:
    """An open Dask cluster: its client, how many workers it had when opened, and the feeds folder."""

    def __init__(self, client, workers: int, feeds: Path) -> None:
        self.client, self.workers, self.feeds = client, workers, feeds

    @contextmanager
    def scan_folder(self) -> Iterator[Path]:
        """A new folder for one scan's part files (``scan-<UTC time>-<pid>/shard-NNNN/``), removed afterwards."""
        self.feeds.mkdir(parents=True, exist_ok=True)
        stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S")
        folder = Path(tempfile.mkdtemp(prefix=f"scan-{stamp}-{os.getpid()}-", dir=self.feeds))
        try:
            yield folder
        finally:
            shutil.rmtree(folder, ignore_errors=True)

    def crawl(self, sources: list[Source], folder: Path) -> tuple[list[dict], list[Path]]:
        """Crawl the sources in shards on the workers: (one status per source, in order; the feeds to load).

        A shard whose worker was lost, or whose task failed, fails its boards with the reason; the other
        shards' feeds are loaded as usual.
        """
        from distributed import KilledWorker

        shards = shard(len(sources), self.workers)
        futures = [self.client.submit(crawl_shard, [sources[i] for i in indexes], str(folder / f"shard-{n:04d}"),
                                      pure=False, key=f"crawl-{folder.name}-shard-{n:04d}")
                   for n, indexes in enumerate(shards)]
        statuses: list[dict | None] = [None] * len(sources)
        feeds: list[Path] = []
        for n, (indexes, future) in enumerate(zip(shards, futures)):
            try:
                shard_statuses = future.result()
            except KilledWorker:  # the worker died (no retry elsewhere: allowed-failures is 0)
                shard_statuses = _failed(sources, indexes, f"dask worker lost during crawl shard {n}")
            except Exception as exc:
                shard_statuses = _failed(sources, indexes, f"crawl shard {n} failed on its worker: "
                                                           f"{type(exc).__name__}: {exc}")
            else:
                feeds += sorted((folder / f"shard-{n:04d}").glob("*-postings.parquet"))
            for i, status in zip(indexes, shard_statuses):
                statuses[i] = status
        return statuses, feeds

    def embed(self, texts: list[str], device: str) -> np.ndarray:
        """Vectors for the texts, in order, encoded on the workers BATCH at a time (as one local encode call)."""
        from models.embedder import DIMENSIONS

        if not texts:
            return np.zeros((0, DIMENSIONS), dtype=np.float32)
        futures = [self.client.submit(embed_on_worker, texts[start:start + BATCH], device, pure=False)
                   for start in range(0, len(texts), BATCH)]
        return np.concatenate(self.client.gather(futures))


class ClusterEmbedder:
    """What the scan steps need of an Embedder (``encode``), with the batches encoded on the cluster."""

    def __init__(self, cluster: Cluster, device: str) -> None:
        self.cluster, self.device = cluster, device
        self.batches_at_once = cluster.workers

    def encode(self, texts: list[str]) -> np.ndarray:
        return self.cluster.embed(list(texts), self.device)


def _failed(sources: list[Source], indexes: list[int], reason: str) -> list[dict]:
    return [source_status(sources[i], "failed", error=reason) for i in indexes]


def shard(count: int, workers: int) -> list[list[int]]:
    """Source indexes in round-robin shards: two per worker (a slow board holds up half a worker's share),
    never more shards than sources. Each shard costs one crawl child's start (~2 s)."""
    shards = min(count, 2 * workers)
    return [list(range(n, count, shards)) for n in range(shards)]


@contextmanager
def open_cluster(target: DaskTarget, db: Path) -> Iterator[Cluster]:
    """Start (local:N) or connect to the cluster for one command; ClusterError when it cannot be used."""
    import dask
    import distributed  # noqa: F401 - loads its config defaults: leaving dask.config.set would drop them otherwise

    # a lost worker fails its shard, as a crawl child's crash does, rather than moving it to another worker
    # (this applies to a LocalCluster's scheduler; a running scheduler keeps its own setting)
    with dask.config.set({"distributed.scheduler.allowed-failures": 0,
                          "distributed.comm.timeouts.connect": "20s"}), target.task_runner() as runner:
        try:
            client = runner.client
        except OSError as exc:
            raise ClusterError(f"--dask {target.spec}: cannot reach the Dask scheduler ({exc})") from None
        workers = len(client.scheduler_info()["workers"])
        if not workers:
            raise ClusterError(f"--dask {target.spec}: the Dask scheduler has no workers")
        yield Cluster(client, workers, feeds_root(db))


# --- what runs on the workers -------------------------------------------------------------------------------

def crawl_shard(sources: list[Source], out_dir: str) -> list[dict]:
    """One shard's crawl, in a crawl child of this worker (Scrapy's reactor does not restart in a process)."""
    return run_crawl(sources, Path(out_dir))


_worker_embedders: dict = {}  # device → Embedder: each worker process loads the model once


def embed_on_worker(texts: list[str], device: str) -> np.ndarray:
    from models.embedder import Embedder

    if device not in _worker_embedders:
        _worker_embedders[device] = Embedder(device=device)
    return _worker_embedders[device].encode(texts)
