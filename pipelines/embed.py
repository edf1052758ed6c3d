"""The scan's embed step: every posting text with no vector for the model yet is embedded once and stored in
the embedding cache (``models.vector_cache``).

The model runs with no database connection open, and each batch is written in its own short write.
Pending texts go to the model shortest first, so each batch pads to similar lengths
(SentenceTransformer.encode sorts by length only within one call). A scan claims the texts it will embed
(embedding_claims), so a second scan running at the same time skips them rather than embedding them again.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from pathlib import Path

from models.embedder import MODEL_KEY, Embedder
from models.vector_cache import store_texts_vectors
from scrapers.normalise import embedding_text
from warehouse.db import writer
from warehouse.embeddings import claim_unembedded, release_claims

BATCH = 256
CLAIM_LIFETIME_S = 3600  # a claim this old is from a scan that died (a batch takes seconds to minutes)


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
            store_texts_vectors(db, [row[0] for row in batch], vectors)
            if progress:
                progress(min(start + step, len(pending)), len(pending))
    finally:
        if pending:  # what an error left unembedded is free for the next scan
            with writer(db) as con:
                release_claims(con, claimant)
    return len(pending)
