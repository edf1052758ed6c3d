"""Top-k open postings for a query vector (a profile's), by cosine similarity of stored embeddings.

The vectors leave DuckDB as float32 matrices through Arrow, zero-copy (one matrix
per Arrow chunk; DuckDB returns one chunk per scan thread), and are scored with one
matrix-vector product each in numpy. They are read by rowid, apart from the posting
join: a join that carries the vectors builds its hash table on them (DuckDB estimates
the embeddings side as the smaller) and runs several times slower.

A process that ranks several profiles reads the vectors once: they are kept while the
warehouse has not changed, that is, while the file, its last scan and the embeddings
table's row count and largest rowid stay the same (every posting change comes with a
scan; embeddings are only ever inserted).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import duckdb
import numpy as np
import pyarrow as pa

from models.embedder import DIMENSIONS, MODEL_KEY
from warehouse.db import reader


@dataclass(frozen=True)
class Match:
    posting_id: str
    similarity: float


@dataclass(frozen=True)
class PostingVectors:
    """Every open, embedded posting, and where its text's vector is among the distinct vectors read."""

    posting_ids: pa.Array
    rows: np.ndarray              # per posting, its vector's row in the chunks laid end to end
    chunks: list[np.ndarray]      # float32 (rows, DIMENSIONS) views of the Arrow buffers, unit rows

    def similarities(self, query: np.ndarray) -> np.ndarray:
        """Cosine similarity of each posting to a unit query vector."""
        if not self.chunks:
            return np.zeros(0, dtype=np.float32)
        return np.concatenate([chunk @ query for chunk in self.chunks])[self.rows]


_cache: dict[tuple, PostingVectors] = {}


def clear_cache() -> None:
    _cache.clear()


def _version(con: duckdb.DuckDBPyConnection, model: str) -> tuple | None:
    """What the matrix depends on; None for an in-memory database, which is never cached."""
    # fetchall, not fetchone: it leaves the connection free for the relational reads that follow
    (path, scan, rows, last_rowid), = con.execute("""
        SELECT (SELECT path FROM duckdb_databases() WHERE database_name = current_database()),
               (SELECT max(scan_id) FROM scans), count(*), max(rowid)
        FROM embeddings""").fetchall()
    return (str(Path(path).resolve()), model, scan, rows, last_rowid) if path else None


def open_posting_vectors(con: duckdb.DuckDBPyConnection, model: str = MODEL_KEY) -> PostingVectors:
    """The vectors of every open posting, from the process cache while the warehouse is unchanged."""
    key = _version(con, model)
    if key is not None and key in _cache:
        return _cache[key]
    postings = con.sql("""
        SELECT p.posting_id, e.rowid AS vector_rowid FROM postings p
        JOIN embeddings e ON e.content_hash = p.content_hash AND e.model = $model
        WHERE p.closed_at IS NULL""", params={"model": model}).to_arrow_table()
    wanted = postings.column("vector_rowid").to_numpy()
    if not len(wanted):
        return PostingVectors(postings.column("posting_id").combine_chunks(), wanted, [])
    # an Arrow table of rowids joins ~40% faster than the same rowids bound as a list parameter
    con.register("rank_wanted_rowids", pa.table({"vector_rowid": np.unique(wanted)}))
    try:
        vectors = con.sql("""SELECT rowid AS vector_rowid, vector FROM embeddings
                             WHERE rowid IN (SELECT vector_rowid FROM rank_wanted_rowids)""").to_arrow_table()
    finally:
        con.unregister("rank_wanted_rowids")
    chunks = [chunk.flatten().to_numpy(zero_copy_only=False).reshape(-1, DIMENSIONS)
              for chunk in vectors.column("vector").chunks]
    read = vectors.column("vector_rowid").to_numpy()
    by_rowid = np.argsort(read)
    found = PostingVectors(postings.column("posting_id").combine_chunks(),
                           by_rowid[np.searchsorted(read, wanted, sorter=by_rowid)], chunks)
    if key is not None:
        _cache.clear()  # one warehouse version per process: the newest
        _cache[key] = found
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
