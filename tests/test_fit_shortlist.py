"""Fit scoring shortlists each profile's postings by embedding before the full (slow) scoring."""

from __future__ import annotations

import hashlib
from datetime import datetime, timezone

import pytest

from models.profile import load_profile
from models.skills import SkillExtractor
from pipelines.embed import embed_postings
from pipelines.fit import score_profile
from pipelines.rank import clear_cache
from warehouse.db import reader, writer

RESUME = """# Sam Rivera
Senior backend engineer

## Experience
- Built Python and Go microservices on PostgreSQL and Kafka handling 20k requests per second
- Led the migration of a payments API to Kubernetes, cutting p99 latency by 40%
- Designed event-driven data pipelines and on-call runbooks for the platform team
"""

NEAR = [("Senior Backend Engineer", "Build Python microservices on PostgreSQL and Kafka for our payments API."),
        ("Platform Engineer", "Run Kubernetes, design event-driven pipelines and own on-call for backend services."),
        ("Backend Engineer, Go", "Write Go services and APIs backed by PostgreSQL; improve latency at scale.")]
FAR = [("Registered Nurse", "Provide patient care on a hospital ward, administer medication, night shifts."),
       ("Head Chef", "Lead our restaurant kitchen, plan seasonal menus and train the line cooks."),
       ("Payroll Accountant", "Run monthly payroll, reconcile ledgers and prepare statutory tax filings.")]


@pytest.fixture
def market(tmp_path, embedder):
    db = tmp_path / "warehouse.duckdb"
    now = datetime.now(timezone.utc)
    with writer(db) as con:
        con.execute("INSERT INTO scans (scan_id, started_at, finished_at, origin) VALUES (1, ?, NULL, 'test')", [now])
        for number, (title, text) in enumerate(NEAR + FAR):
            con.execute("""INSERT INTO postings (posting_id, ats, board, native_id, company, title, description,
                           content_hash, first_seen, last_seen, last_scan_id)
                           VALUES (?, 'greenhouse', 'b', ?, 'Co', ?, ?, ?, ?, ?, 1)""",
                        [f"p{number}", str(number), title, text,
                         hashlib.sha256(f"{title}\n\n{text}".encode()).hexdigest(), now, now])
    embed_postings(db, embedder)
    (tmp_path / "resume.md").write_text(RESUME, encoding="utf-8")
    profile_file = tmp_path / "sam.toml"
    profile_file.write_text('[profile]\nname = "sam"\nresume = "resume.md"\n', encoding="utf-8")
    clear_cache()
    yield db, load_profile(profile_file)
    clear_cache()


def _scored(db) -> set[str]:
    with reader(db) as con:
        return {row[0] for row in con.execute("SELECT posting_id FROM fit_scores WHERE profile = 'sam'").fetchall()}


def test_only_the_postings_nearest_the_resume_are_scored_then_the_rest_when_the_shortlist_grows(market, embedder):
    db, profile = market
    skills = SkillExtractor.load()
    assert score_profile(db, profile, embedder, skills, candidates=3) == 3
    assert _scored(db) == {"p0", "p1", "p2"}
    assert score_profile(db, profile, embedder, skills, candidates=10) == 3
    assert _scored(db) == {f"p{n}" for n in range(6)}
    assert score_profile(db, profile, embedder, skills, candidates=10) == 0
