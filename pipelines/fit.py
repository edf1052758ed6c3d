"""Fit scores of open postings for a profile; only new or changed pairs are rescored."""

from __future__ import annotations

import json
from datetime import datetime, timezone
from pathlib import Path

import pyarrow as pa

from models.embedder import Embedder
from models.fit import FitScorer
from models.profile import Profile
from models.skills import SkillExtractor
from pipelines.embed import embed_texts
from warehouse.db import writer

_POSTING_COLUMNS = ("posting_id", "content_hash", "title", "description", "location", "remote", "salary_max",
                    "salary_currency", "salary_period", "expertise_probability")


def score_profile(db: Path, profile: Profile, embedder: Embedder, skills: SkillExtractor) -> int:
    """Returns how many postings were scored."""
    with writer(db) as con:
        con.execute("DELETE FROM fit_scores WHERE profile = ? AND profile_hash <> ?", [profile.name, profile.fingerprint])
        rows = con.execute(f"""
            SELECT {', '.join('p.' + c for c in _POSTING_COLUMNS[:-1])}, h.expertise_probability
            FROM postings p LEFT JOIN hire_types h USING (posting_id)
            LEFT JOIN fit_scores f ON f.profile = ? AND f.posting_id = p.posting_id
            WHERE p.closed_at IS NULL AND (f.posting_id IS NULL OR f.content_hash <> p.content_hash)
            ORDER BY p.posting_id""", [profile.name]).fetchall()
        if not rows:
            return 0
        # how many open postings name each skill: rarity for expertise hires is market-wide
        open_postings, = con.execute("SELECT count(*) FROM postings WHERE closed_at IS NULL").fetchone()
        frequency = dict(con.execute("""
            SELECT s.skill, count(DISTINCT p.posting_id) FROM postings p JOIN posting_skills s USING (content_hash)
            WHERE p.closed_at IS NULL GROUP BY s.skill""").fetchall())
    postings = [dict(zip(_POSTING_COLUMNS, row)) for row in rows]
    scorer = FitScorer(skills, lambda texts: embed_texts(db, embedder, texts))
    results = scorer.score_many(profile, postings, skill_frequency=(frequency, open_postings))
    now = datetime.now(timezone.utc)
    table = pa.table({
        "profile": [profile.name] * len(rows),
        "profile_hash": [profile.fingerprint] * len(rows),
        "posting_id": [p["posting_id"] for p in postings],
        "content_hash": [p["content_hash"] for p in postings],
        "fit_score": [r.fit_score for r in results],
        "explanation": [json.dumps(r.to_dict()) for r in results],
        "scored_at": pa.array([now] * len(rows), pa.timestamp("us", tz="UTC")),
    })
    with writer(db) as con:
        con.register("new_scores", table)
        con.execute("""INSERT OR REPLACE INTO fit_scores
                       SELECT profile, profile_hash, posting_id, content_hash, fit_score, explanation::JSON, scored_at
                       FROM new_scores""")
    return len(rows)
