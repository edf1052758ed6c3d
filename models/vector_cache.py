"""The warehouse's embedding cache as the models read it: texts are keyed by the sha256 of the exact embedded
text, and each is embedded once per model."""

from __future__ import annotations

from pathlib import Path

import duckdb
import numpy as np

from models.embedder import DIMENSIONS, MODEL_KEY, Embedder
from scrapers.normalise import content_hash
from warehouse.db import writer
from warehouse.embeddings import store_vectors, stored_vectors


def store_texts_vectors(db: Path, hashes: list[str], vectors: np.ndarray) -> None:
    """Store vectors of texts (by the hash of the exact embedded text) in one short write."""
    with writer(db) as con:
        store_vectors(con, MODEL_KEY, hashes, vectors)


def load_vectors(con: duckdb.DuckDBPyConnection, hashes: list[str]) -> dict[str, np.ndarray]:
    """The stored vectors of those of the text hashes that have one, by hash."""
    if not hashes:
        return {}
    found = stored_vectors(con, MODEL_KEY, hashes)
    matrix = found.column("vector").combine_chunks().flatten().to_numpy().reshape(-1, DIMENSIONS)
    return dict(zip(found.column("content_hash").to_pylist(), matrix))


def embed_texts(db: Path, embedder: Embedder, texts: list[str]) -> np.ndarray:
    """Vectors for arbitrary texts (requirement lines, resume lines), through the same cache."""
    hashes = [content_hash(text) for text in texts]
    with writer(db) as con:
        known = load_vectors(con, sorted(set(hashes)))
    missing = sorted({h: t for h, t in zip(hashes, texts) if h not in known}.items())
    if missing:
        vectors = embedder.encode([text for _, text in missing])
        store_texts_vectors(db, [h for h, _ in missing], vectors)
        known.update(zip((h for h, _ in missing), vectors))
    return np.stack([known[h] for h in hashes]) if hashes else np.zeros((0, DIMENSIONS), np.float32)
