"""Top-k postings by stored embedding: the right postings, in order, and never a stale answer."""

from __future__ import annotations

from datetime import datetime, timezone

import duckdb
import numpy as np
import pyarrow as pa
import pytest

from models.embedder import DIMENSIONS, MODEL_KEY
from pipelines import rank
from warehouse.db import migrate, reader, writer

POSTINGS = 300


def _unit(rows: int, seed: int) -> np.ndarray:
    vectors = np.random.default_rng(seed).standard_normal((rows, DIMENSIONS), dtype=np.float32)
    return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)


def _store(con, hashes: list[str], vectors: np.ndarray, model: str = MODEL_KEY) -> None:
    con.register("new_vectors", pa.table({
        "content_hash": hashes, "model": [model] * len(hashes),
        "vector": pa.FixedSizeListArray.from_arrays(pa.array(vectors.reshape(-1)), DIMENSIONS)}))
    con.execute("INSERT INTO embeddings SELECT * FROM new_vectors")
    con.unregister("new_vectors")


def _add_postings(con, numbers: range, text_of=lambda n: f"t{n}") -> None:
    con.execute("""INSERT INTO postings (posting_id, ats, board, native_id, company, title, description, content_hash,
                                         first_seen, last_seen, last_scan_id)
                   SELECT 'p' || n, 'greenhouse', 'b', n::VARCHAR, 'Co', 'Engineer', 'text', t, now(), now(), 1
                   FROM (SELECT unnest(?) AS n, unnest(?) AS t)""", [list(numbers), [text_of(n) for n in numbers]])


def _new_scan(con) -> None:
    con.execute("INSERT INTO scans (scan_id, started_at, finished_at, origin) VALUES (nextval('scan_ids'), ?, NULL, 'test')", [datetime.now(timezone.utc)])


@pytest.fixture
def warehouse(db):
    """300 open postings with their own vectors, plus what a real warehouse also holds: postings sharing a
    text, a closed posting, a posting not embedded yet, requirement-line vectors and another model's."""
    rank.clear_cache()
    vectors = _unit(POSTINGS, 1)
    with writer(db) as con:
        _new_scan(con)
        _add_postings(con, range(POSTINGS))
        _store(con, [f"t{n}" for n in range(POSTINGS)], vectors)
        _add_postings(con, range(POSTINGS, POSTINGS + 2), text_of=lambda n: "t7")  # the text of p7, elsewhere
        _add_postings(con, range(POSTINGS + 2, POSTINGS + 3))  # no vector yet
        con.execute("UPDATE postings SET closed_at = now() WHERE posting_id = 'p9'")
        _store(con, [f"requirement line {n}" for n in range(50)], _unit(50, 2))
        _store(con, [f"t{n}" for n in range(POSTINGS)], _unit(POSTINGS, 3), model="another-model@128")
    yield db, vectors
    rank.clear_cache()


def _brute_force(vectors: np.ndarray, query: np.ndarray, k: int) -> list[tuple[str, float]]:
    scores = {f"p{n}": float(vectors[n] @ query) for n in range(POSTINGS) if n != 9}
    scores |= {f"p{POSTINGS}": scores["p7"], f"p{POSTINGS + 1}": scores["p7"]}
    return sorted(scores.items(), key=lambda item: -item[1])[:k]


def test_top_k_is_the_open_postings_most_similar_to_the_query(warehouse):
    db, vectors = warehouse
    query = vectors[7] + 0.5 * vectors[11]  # not unit length: top_k normalises it
    with reader(db) as con:
        found = rank.top_k(con, query, k=20)
    expected = _brute_force(vectors, query / np.linalg.norm(query), 20)
    assert {m.posting_id for m in found[:3]} == {"p7", "p300", "p301"}  # one text, three postings
    assert sorted(m.posting_id for m in found) == sorted(p for p, _ in expected)
    assert np.allclose([m.similarity for m in found], [s for _, s in expected], atol=1e-5)
    assert [m.similarity for m in found] == sorted((m.similarity for m in found), reverse=True)
    assert "p9" not in {m.posting_id for m in found}  # closed


def test_k_beyond_the_open_postings_returns_them_all_from_a_file_path(warehouse):
    db, vectors = warehouse
    found = rank.top_k(db, vectors[0], k=10_000)
    assert len(found) == POSTINGS - 1 + 2  # p9 closed, two more on p7's text, p302 not embedded
    assert found[0].posting_id == "p0" and found[0].similarity == pytest.approx(1.0, abs=1e-5)


def test_a_new_scan_or_new_vectors_are_seen_at_once(warehouse):
    db, vectors = warehouse
    with reader(db) as con:
        assert rank.top_k(con, vectors[5], k=1)[0].posting_id == "p5"
    with writer(db) as con:  # a scan closes p5 and adds p400, whose text is p5's
        _new_scan(con)
        con.execute("UPDATE postings SET closed_at = now() WHERE posting_id = 'p5'")
        _add_postings(con, range(400, 401), text_of=lambda n: "t5")
    with reader(db) as con:
        assert rank.top_k(con, vectors[5], k=1)[0].posting_id == "p400"
    with writer(db) as con:  # p302's text gets its vector (no scan: embedding happens after the load)
        _store(con, ["t302"], vectors[5:6])
    with reader(db) as con:
        assert {m.posting_id for m in rank.top_k(con, vectors[5], k=2)} == {"p400", "p302"}


def test_in_memory_warehouse_and_empty_warehouse():
    con = duckdb.connect()
    migrate(con)
    assert rank.top_k(con, _unit(1, 4)[0], k=5) == []
    _add_postings(con, range(3))
    _store(con, ["t0", "t1", "t2"], _unit(3, 5))
    assert len(rank.top_k(con, _unit(1, 4)[0], k=5)) == 3


@pytest.mark.parametrize("query, k, message", [(np.zeros(DIMENSIONS), 5, "zero length"),
                                               (np.ones(10), 5, "expected 384"),
                                               (np.ones(DIMENSIONS), 0, "at least 1")])
def test_bad_queries_are_refused(warehouse, query, k, message):
    db, _ = warehouse
    with pytest.raises(ValueError, match=message):
        rank.top_k(db, query, k=k)


def _snapshots(db) -> list:
    return sorted(p for p in db.with_name(db.name + ".vectors").iterdir() if not p.name.startswith(".tmp-"))


def _negate_snapshot(folder) -> None:
    """Turn every stored vector around: a ranking that reads the snapshot puts the query's posting last."""
    vectors = np.load(folder / "vectors.npy")
    np.save(folder / "vectors.npy", -vectors)


def test_a_new_process_ranks_from_the_snapshot_beside_the_warehouse(warehouse):
    db, vectors = warehouse
    assert rank.top_k(db, vectors[5], k=1)[0].posting_id == "p5"
    snapshot, = _snapshots(db)
    _negate_snapshot(snapshot)
    rank.clear_cache()  # as a new process
    assert rank.top_k(db, vectors[5], k=1)[0].posting_id != "p5"
    assert rank.top_k(db, -vectors[5], k=1)[0].posting_id == "p5"


def test_a_damaged_snapshot_is_rebuilt(warehouse):
    db, vectors = warehouse
    rank.top_k(db, vectors[5], k=1)
    snapshot, = _snapshots(db)
    (snapshot / "vectors.npy").write_bytes(b"\x93NUMPY truncated")
    rank.clear_cache()
    found = rank.top_k(db, vectors[5], k=3)
    assert found[0].posting_id == "p5" and found[0].similarity == pytest.approx(1.0, abs=1e-5)
    assert np.load(snapshot / "vectors.npy").shape == (POSTINGS - 1 + 2, DIMENSIONS)  # written again, whole


def test_after_a_scan_the_new_snapshot_reuses_the_rows_of_unchanged_texts_and_replaces_the_old(warehouse):
    db, vectors = warehouse
    rank.top_k(db, vectors[5], k=1)
    old, = _snapshots(db)
    _negate_snapshot(old)  # reused rows stay negated; rows read from DuckDB do not
    extra = _unit(1, 9)
    with writer(db) as con:
        _new_scan(con)
        _add_postings(con, range(500, 501))
        _store(con, ["t500"], extra)
    rank.clear_cache()
    assert rank.top_k(db, extra[0], k=1)[0].posting_id == "p500"  # from DuckDB
    assert rank.top_k(db, -vectors[5], k=1)[0].posting_id == "p5"  # from the old snapshot
    new, = _snapshots(db)
    assert new != old and not old.exists()
