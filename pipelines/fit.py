"""Fit scores of open postings for a profile; only new or changed pairs are rescored.

Full scoring embeds every requirement line of a posting, far too slow for a warehouse of 200k postings,
so each profile first shortlists the ``CANDIDATES`` open postings nearest its resume by embedding
(pipelines.rank.top_k, tens of milliseconds); postings further away are left unscored.
"""

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
from pipelines.rank import top_k
from warehouse.db import writer

CANDIDATES = 2_000

_POSTING_COLUMNS = ("posting_id", "content_hash", "title", "description", "location", "remote", "salary_max",
                    "salary_currency", "salary_period", "expertise_probability")


def score_profile(db: Path, profile: Profile, embedder: Embedder, skills: SkillExtractor,
                  candidates: int = CANDIDATES) -> int:
    """Score the shortlisted open postings with no current score for this profile; returns how many."""
    scorer = FitScorer(skills, lambda texts: embed_texts(db, embedder, texts))
    shortlist = [m.posting_id for m in top_k(db, scorer.resume_vector(profile), candidates)]  # a reader: no lock held
    with writer(db) as con:
        con.execute("DELETE FROM fit_scores WHERE profile = ? AND profile_hash <> ?", [profile.name, profile.fingerprint])
        con.register("fit_shortlist", pa.table({"posting_id": pa.array(shortlist, pa.string())}))
        rows = con.execute(f"""
            SELECT {', '.join('p.' + c for c in _POSTING_COLUMNS[:-1])}, h.expertise_probability
            FROM postings p LEFT JOIN hire_types h USING (posting_id)
            LEFT JOIN fit_scores f ON f.profile = ? AND f.posting_id = p.posting_id
            WHERE p.closed_at IS NULL AND (f.posting_id IS NULL OR f.content_hash <> p.content_hash)
            AND p.posting_id IN (SELECT posting_id FROM fit_shortlist)
            ORDER BY p.posting_id""", [profile.name]).fetchall()
        con.unregister("fit_shortlist")
        if not rows:
            return 0
        # how many open postings name each skill: rarity for expertise hires is market-wide
        open_postings, = con.execute("SELECT count(*) FROM postings WHERE closed_at IS NULL").fetchone()
        frequency = dict(con.execute("""
            SELECT s.skill, count(DISTINCT p.posting_id) FROM postings p JOIN posting_skills s USING (content_hash)
            WHERE p.closed_at IS NULL GROUP BY s.skill""").fetchall())
    postings = [dict(zip(_POSTING_COLUMNS, row)) for row in rows]
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
