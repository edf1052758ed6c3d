"""The embedding cache's reads and writes: vectors by text hash and model, the claims a scan holds on the
texts it is embedding, and the open postings' vectors as pipelines.rank reads them."""

from __future__ import annotations

from pathlib import Path

import duckdb
import numpy as np
import pyarrow as pa

from warehouse.db import transaction

# two independent 64-bit hashes of a posting's content hash: the rank snapshot's row key, and its check
_KEY = "hash(content_hash)"
_CHECK = "hash('marketfit', content_hash)"


def store_vectors(con: duckdb.DuckDBPyConnection, model: str, hashes: list[str], vectors: np.ndarray) -> None:
    """Store one vector per text hash (a text already stored keeps its vector) and release their claims."""
    con.register("new_vectors", pa.table({
        "content_hash": pa.array(hashes, pa.string()),
        "model": pa.array([model] * len(hashes), pa.string()),
        "vector": pa.FixedSizeListArray.from_arrays(pa.array(np.ascontiguousarray(vectors, np.float32).reshape(-1)),
                                                    vectors.shape[1]),
    }))
    try:
        con.execute("INSERT INTO embeddings SELECT * FROM new_vectors ON CONFLICT DO NOTHING")
        con.execute("DELETE FROM embedding_claims WHERE model = ? AND content_hash IN (SELECT unnest(?))",
                    [model, hashes])
    finally:
        con.unregister("new_vectors")


def stored_vectors(con: duckdb.DuckDBPyConnection, model: str, hashes: list[str]) -> pa.Table:
    """The stored vectors (content_hash, vector) of those of the text hashes that have one."""
    return con.sql("SELECT content_hash, vector FROM embeddings WHERE model = ? AND content_hash IN (SELECT unnest(?))",
                   params=[model, hashes]).to_arrow_table()


def unembedded_hashes(con: duckdb.DuckDBPyConnection, model: str) -> list[str]:
    """The posting texts' hashes with no vector for the model, in hash order."""
    return [h for h, in con.execute("SELECT content_hash FROM unembedded_texts(?) ORDER BY content_hash",
                                    [model]).fetchall()]


def claim_unembedded(con: duckdb.DuckDBPyConnection, model: str, claimant: str,
                     lifetime_s: int) -> list[tuple[str, str, str]]:
    """(content_hash, title, description) of the posting texts with no vector and no live claim (a claim older
    than ``lifetime_s`` is dropped), shortest first, claimed for ``claimant`` in the same transaction: with one
    writer at a time, two scans never claim the same text."""
    with transaction(con):
        con.execute(f"DELETE FROM embedding_claims WHERE claimed_at < now() - INTERVAL {int(lifetime_s)} SECOND")
        pending = con.execute("""
            SELECT content_hash, title, description FROM unembedded_texts($1) t
            WHERE NOT EXISTS (SELECT 1 FROM embedding_claims c WHERE c.content_hash = t.content_hash
                                                                 AND c.model = $1)
            ORDER BY length(title) + length(description), content_hash""", [model]).fetchall()
        con.execute("INSERT INTO embedding_claims SELECT unnest($1), $2, $3, now()",
                    [[row[0] for row in pending], model, claimant])
    return pending


def release_claims(con: duckdb.DuckDBPyConnection, claimant: str) -> None:
    con.execute("DELETE FROM embedding_claims WHERE claimed_by = ?", [claimant])


def vectors_version(con: duckdb.DuckDBPyConnection) -> tuple[str | None, tuple]:
    """The warehouse file (None in memory), and what the open postings and their vectors depend on: the last
    scan (every posting change comes with one) and the embeddings' row count (they are only ever inserted)."""
    # fetchall, not fetchone: it leaves the connection free for the relational reads that follow
    (path, scan, started, rows), = con.execute("""
        SELECT (SELECT path FROM duckdb_databases() WHERE database_name = current_database()),
               (SELECT max(scan_id) FROM scans), (SELECT max(started_at)::VARCHAR FROM scans), count(*)
        FROM embeddings""").fetchall()
    return (str(Path(path).resolve()) if path else None), (scan, started, rows)


def open_posting_keys(con: duckdb.DuckDBPyConnection) -> pa.Table:
    """Every open posting (posting_id order) with two 64-bit hashes of its content hash: key and check."""
    return con.sql(f"""SELECT posting_id, {_KEY} AS key, {_CHECK} AS "check" FROM postings
                       WHERE closed_at IS NULL ORDER BY posting_id""").to_arrow_table()


def vectors_by_slot(con: duckdb.DuckDBPyConnection, model: str, posting_ids: pa.Array,
                         slots: np.ndarray) -> pa.Table:
    """(slot, vector) for those of the postings (each given a slot number) whose text has a vector."""
    con.register("rank_missing", pa.table({"posting_id": posting_ids, "slot": slots}))
    try:
        return con.sql("""SELECT m.slot, e.vector FROM rank_missing m JOIN postings p USING (posting_id)
                          JOIN embeddings e ON e.content_hash = p.content_hash AND e.model = $model""",
                       params={"model": model}).to_arrow_table()
    finally:
        con.unregister("rank_missing")
