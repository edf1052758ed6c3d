"""Top-k open postings for a query vector (a profile's), by cosine similarity of stored embeddings.

Ranking needs the vectors of every open posting as one contiguous float32 matrix: numpy scores 200k of them
in ~10–30 ms, while reading them out of DuckDB costs ~1 s (and DuckDB's own array_cosine_similarity as much).
So the matrix is kept as a **snapshot** beside the warehouse file, in ``<warehouse>.vectors/``: the open
postings' ids (Arrow IPC) and their vectors in the same order (.npy), memory-mapped when read, in a folder
named by the warehouse version it shows. The version is what the open postings and their vectors depend on:
the last scan (every posting change comes with one), the embeddings table's row count (embeddings are only
ever inserted) and the DuckDB version (whose hash() keys the rows).

A snapshot is a cache, never the source of truth; deleting the folder is always safe. When the warehouse has
moved on, the next ranking builds the new snapshot from the newest old one: a posting whose text (64-bit
hash of its content hash, checked by a second hash) is there takes that row, the rest are read from DuckDB.
The new folder is written under a temporary name and renamed, so a reader sees a whole snapshot or none. A
warehouse that cannot take the folder beside it (read-only disk, in-memory database) is ranked from DuckDB.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.ipc

from models.embedder import DIMENSIONS, MODEL_KEY
from warehouse.db import reader
from warehouse.embeddings import open_posting_keys, vectors_by_slot, vectors_version

STALE_TEMPORARY_S = 3600  # a temporary folder this old was left by a crashed build
UNREADABLE = (OSError, ValueError, pa.ArrowException)  # no snapshot there, or a damaged one: build it again


@dataclass(frozen=True)
class Match:
    posting_id: str
    similarity: float


@dataclass(frozen=True)
class PostingVectors:
    """Every open, embedded posting and its text's vector, row for row."""

    posting_ids: pa.Array
    keys: np.ndarray        # uint64, a hash of each posting's content hash (warehouse.embeddings)
    checks: np.ndarray      # uint64, a second, independent hash of the same
    matrix: np.ndarray      # float32 (postings, DIMENSIONS), unit rows

    def similarities(self, query: np.ndarray) -> np.ndarray:
        """Cosine similarity of each posting to a unit query vector."""
        return self.matrix @ query


_cache: dict[tuple, PostingVectors] = {}


def clear_cache() -> None:
    _cache.clear()


def _version(con: duckdb.DuckDBPyConnection, model: str) -> tuple[str | None, tuple]:
    """The warehouse file (None in memory) and what the open postings' vectors depend on."""
    path, (scan, started, rows) = vectors_version(con)
    return path, (model, scan, started, rows, duckdb.__version__)


def _snapshot_folder(path: str, version: tuple) -> Path:
    model_part = hashlib.sha256(version[0].encode()).hexdigest()[:12]
    return Path(path + ".vectors") / f"{model_part}-{hashlib.sha256(repr(version).encode()).hexdigest()[:16]}"


def _read_snapshot(folder: Path) -> PostingVectors:
    with pa.memory_map(str(folder / "postings.arrow")) as source:
        table = pa.ipc.open_file(source).read_all()
    return PostingVectors(table.column("posting_id").combine_chunks(), table.column("key").to_numpy(),
                          table.column("check").to_numpy(), np.load(folder / "vectors.npy", mmap_mode="r"))


def _write_snapshot(folder: Path, found: PostingVectors) -> None:
    """Write under a temporary name, then rename: readers see the whole snapshot or none."""
    temporary = folder.parent / f".tmp-{uuid.uuid4().hex}"
    temporary.mkdir(parents=True)
    try:
        table = pa.table({"posting_id": found.posting_ids, "key": found.keys, "check": found.checks})
        with pa.OSFile(str(temporary / "postings.arrow"), "wb") as sink, pa.ipc.new_file(sink, table.schema) as out:
            out.write_table(table)
        np.save(temporary / "vectors.npy", np.ascontiguousarray(found.matrix, dtype=np.float32))
        os.rename(temporary, folder)
    except BaseException:
        shutil.rmtree(temporary, ignore_errors=True)
        raise


def _others(folder: Path) -> list[Path]:
    """The other snapshots of the same model, newest first."""
    model_part = folder.name.split("-")[0]
    return sorted((p for p in folder.parent.iterdir() if p != folder and p.name.startswith(model_part + "-")),
                  key=lambda p: p.stat().st_mtime, reverse=True)


def _remove_others(folder: Path) -> None:
    """Older snapshots of the model, and temporary folders left by crashed builds (a reader that has one
    mapped keeps reading it: removing a file does not unmap it)."""
    now = time.time()
    for stale in _others(folder) + [p for p in folder.parent.glob(".tmp-*")
                                    if now - p.stat().st_mtime > STALE_TEMPORARY_S]:
        shutil.rmtree(stale, ignore_errors=True)


def _build(con: duckdb.DuckDBPyConnection, model: str, previous: PostingVectors | None) -> PostingVectors:
    """The open, embedded postings' vectors: rows of ``previous`` where its text is the same, the rest from DuckDB."""
    postings = open_posting_keys(con)
    keys, checks = postings.column("key").to_numpy(), postings.column("check").to_numpy()
    rows = np.full(len(keys), -1)
    if previous is not None and len(previous.keys) and len(keys):
        order = np.argsort(previous.keys, kind="stable")
        at = np.minimum(np.searchsorted(previous.keys, keys, sorter=order), len(order) - 1)
        candidate = order[at]
        same = (previous.keys[candidate] == keys) & (previous.checks[candidate] == checks)
        rows[same] = candidate[same]
    missing = np.flatnonzero(rows < 0)
    fetched = vectors_by_slot(con, model, postings.column("posting_id").take(pa.array(missing)), missing)
    fetched_at = fetched.column("slot").to_numpy()
    keep = np.sort(np.concatenate([np.flatnonzero(rows >= 0), fetched_at]))  # posting order; unembedded left out
    matrix = np.empty((len(keep), DIMENSIONS), dtype=np.float32)
    slot = np.searchsorted(keep, np.arange(len(keys)))
    reused = np.flatnonzero(rows >= 0)
    if len(reused):
        matrix[slot[reused]] = previous.matrix[rows[reused]]
    if len(fetched_at):
        matrix[slot[fetched_at]] = fetched.column("vector").combine_chunks().flatten().to_numpy().reshape(
            -1, DIMENSIONS)
    return PostingVectors(postings.column("posting_id").combine_chunks().take(pa.array(keep)),
                          keys[keep], checks[keep], matrix)


def open_posting_vectors(con: duckdb.DuckDBPyConnection, model: str = MODEL_KEY) -> PostingVectors:
    """The vectors of every open posting: from the process cache, else the snapshot, else built and saved."""
    path, version = _version(con, model)
    if path is None:
        return _build(con, model, None)
    if (path, version) in _cache:
        return _cache[path, version]
    folder = _snapshot_folder(path, version)
    try:
        found = _read_snapshot(folder)
    except UNREADABLE:
        shutil.rmtree(folder, ignore_errors=True)  # missing, or damaged: it is built again
        found = None
    if found is None:
        try:
            folder.parent.mkdir(exist_ok=True)
            previous = next((_read_snapshot(other) for other in _others(folder)[:1]), None)
        except UNREADABLE:
            previous = None
        found = _build(con, model, previous)
        try:
            _write_snapshot(folder, found)
            _remove_others(folder)
        except OSError:
            pass  # written first by another process, or no room or permission: rank from what was built
    _cache.clear()  # one warehouse version per process: the newest
    _cache[path, version] = found
    return found


def top_k(source: duckdb.DuckDBPyConnection | Path, query: np.ndarray, k: int = 50,
          model: str = MODEL_KEY) -> list[Match]:
    """The k open postings most similar to ``query``, best first; ``source`` is a connection or a warehouse file."""
    query = np.asarray(query, dtype=np.float32).reshape(-1)
    if query.shape != (DIMENSIONS,):
        raise ValueError(f"query vector has {query.size} values, expected {DIMENSIONS}")
    norm = float(np.linalg.norm(query))
    if not np.isfinite(norm) or norm == 0:
        raise ValueError("query vector has zero length or non-finite values")
    if k < 1:
        raise ValueError(f"k must be at least 1, not {k}")
    if isinstance(source, duckdb.DuckDBPyConnection):
        found = open_posting_vectors(source, model)
    else:
        with reader(source) as con:
            found = open_posting_vectors(con, model)
    scores = found.similarities(query / norm)
    if k < len(scores):
        best = np.argpartition(-scores, k - 1)[:k]
    else:
        best = np.arange(len(scores))
    best = best[np.argsort(-scores[best], kind="stable")]
    return [Match(posting_id, float(score))
            for posting_id, score in zip(found.posting_ids.take(pa.array(best)).to_pylist(), scores[best])]
