"""Embedding cache: every distinct text is embedded once per model and stored.

Texts are keyed by the sha256 of the exact embedded text; the model runs with
no database connection open, and each batch is written in its own short write.
Pending texts go to the model shortest first, so each batch pads to similar lengths
(SentenceTransformer.encode sorts by length only within one call). A scan claims the texts it will embed
(embedding_claims), so a second scan running at the same time skips them rather than embedding them again.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from pathlib import Path

import duckdb
import numpy as np

from models.embedder import DIMENSIONS, MODEL_KEY, Embedder
from scrapers.normalise import content_hash, embedding_text
from warehouse.db import writer
from warehouse.embeddings import claim_unembedded, release_claims, store_vectors, stored_vectors

BATCH = 256
CLAIM_LIFETIME_S = 3600  # a claim this old is from a scan that died (a batch takes seconds to minutes)


def _store(db: Path, hashes: list[str], vectors: np.ndarray) -> None:
    with writer(db) as con:
        store_vectors(con, MODEL_KEY, hashes, vectors)


def load_vectors(con: duckdb.DuckDBPyConnection, hashes: list[str]) -> dict[str, np.ndarray]:
    """The stored vectors of those of the text hashes that have one, by hash."""
    if not hashes:
        return {}
    found = stored_vectors(con, MODEL_KEY, hashes)
    matrix = found.column("vector").combine_chunks().flatten().to_numpy().reshape(-1, DIMENSIONS)
    return dict(zip(found.column("content_hash").to_pylist(), matrix))


def embed_postings(db: Path, embedder: Embedder, progress: Callable[[int, int], None] | None = None) -> int:
    """Embed every stored posting text that has no vector for this model yet and that no other running scan
    has claimed; returns how many this call embedded.

    Each encode call gets BATCH texts per batch the embedder runs at once (a cluster's workers each take BATCH),
    so every path embeds the same texts together."""
    claimant = uuid.uuid4().hex
    with writer(db) as con:
        pending = claim_unembedded(con, MODEL_KEY, claimant, CLAIM_LIFETIME_S)
    step = BATCH * embedder.batches_at_once
    try:
        for start in range(0, len(pending), step):
            batch = pending[start:start + step]
            vectors = embedder.encode([embedding_text(title, description) for _, title, description in batch])
            _store(db, [row[0] for row in batch], vectors)
            if progress:
                progress(min(start + step, len(pending)), len(pending))
    finally:
        if pending:  # what an error left unembedded is free for the next scan
            with writer(db) as con:
                release_claims(con, claimant)
    return len(pending)


def embed_texts(db: Path, embedder: Embedder, texts: list[str]) -> np.ndarray:
    """Vectors for arbitrary texts (requirement lines, resume lines), through the same cache."""
    hashes = [content_hash(text) for text in texts]
    with writer(db) as con:
        known = load_vectors(con, sorted(set(hashes)))
    missing = sorted({h: t for h, t in zip(hashes, texts) if h not in known}.items())
    if missing:
        vectors = embedder.encode([text for _, text in missing])
        _store(db, [h for h, _ in missing], vectors)
        known.update(zip((h for h, _ in missing), vectors))
    return np.stack([known[h] for h in hashes]) if hashes else np.zeros((0, DIMENSIONS), np.float32)
