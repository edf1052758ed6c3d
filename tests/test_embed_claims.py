"""Two scans at once (issue 17): the texts one scan has claimed to embed are skipped by the other, so no text
is embedded twice; a claim left by a scan that died is taken over once it is old."""

from __future__ import annotations

import threading

import pytest

from models.embedder import MODEL_KEY, Embedder
from pipelines.embed import CLAIM_LIFETIME_S, embed_postings
from pipelines.scan import crawl_and_load
from scrapers.replay import ReplayServer
from scrapers.items import Source
from tests.conftest import BOARDS
from tests.helpers import FIXTURES
from warehouse.db import reader, writer


class GatedEmbedder(Embedder):
    """The real embedder, recording what it is asked to embed; with a gate, it waits there first."""

    def __init__(self, gate: threading.Event | None = None):
        super().__init__()
        self.gate, self.asked, self.waiting = gate, [], threading.Event()

    def encode(self, texts, *args, **kwargs):
        self.asked += texts
        if self.gate:
            self.waiting.set()
            assert self.gate.wait(120)
        return super().encode(texts, *args, **kwargs)


@pytest.fixture
def crawled(tmp_path):
    db = tmp_path / "w.duckdb"
    with ReplayServer(FIXTURES / "ats") as server:
        crawl_and_load(db, [Source(company, ats, board, f"{server.base_url}/{path}", allow_hosts=("127.0.0.1",))
                            for company, ats, board, path in BOARDS], "claims-test")
    return db


def _embedded(db) -> int:
    with reader(db) as con:
        return con.execute("SELECT count(*) FROM embeddings WHERE model = ?", [MODEL_KEY]).fetchone()[0]


def test_a_second_scan_skips_the_texts_the_first_has_claimed(crawled):
    gate = threading.Event()
    first, second = GatedEmbedder(gate), GatedEmbedder()
    done = {}
    thread = threading.Thread(target=lambda: done.update(first=embed_postings(crawled, first)))
    thread.start()
    assert first.waiting.wait(120)  # the first scan holds its claims, in the model, no connection open
    done["second"] = embed_postings(crawled, second)
    gate.set()
    thread.join(300)
    assert done == {"first": 16, "second": 0} and second.asked == [] and len(first.asked) == 16
    assert _embedded(crawled) == 16
    with reader(crawled) as con:
        assert con.execute("SELECT count(*) FROM embedding_claims").fetchone()[0] == 0


def test_a_claim_left_by_a_scan_that_died_is_taken_over_when_old(crawled):
    with writer(crawled) as con:
        con.execute(f"""INSERT INTO embedding_claims
                        SELECT DISTINCT content_hash, ?, 'died', now() - INTERVAL {CLAIM_LIFETIME_S + 60} SECOND
                        FROM postings""", [MODEL_KEY])
    assert embed_postings(crawled, GatedEmbedder()) == 16 and _embedded(crawled) == 16
