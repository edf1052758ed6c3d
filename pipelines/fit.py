"""Fit scores of open postings for a profile; only new or changed pairs are rescored.

Every path scores one reading of a posting: the normalised record, its segments, its hire-type call and its
skills. In the warehouse that is the ``fit_inputs`` view (what scans and ``load`` wrote); for a postings file,
``file_inputs`` puts the file through the same normaliser, segmenter (the file's postings of one board read
together), hire-type model and skill extractor.

Full scoring embeds every requirement line of a posting, far too slow for a warehouse of 200k postings,
so each profile first shortlists the ``CANDIDATES`` open postings nearest its resume by embedding
(pipelines.rank.top_k, tens of milliseconds); postings further away are left unscored.
"""

from __future__ import annotations

import hashlib
import json
from datetime import datetime, timezone
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pyarrow as pa

from models.embedder import Embedder
from models.fit import FitScorer
from models.hire_type import HireTypeModel
from models.profile import Profile
from models.sections import boilerplate_spans, role_text, segment_batch
from models.skills import SkillExtractor, SkillMention
from models.vector_cache import embed_texts
from scrapers.files import jsonl_postings
from pipelines.rank import top_k
from scrapers.normalise import RejectedPosting, normalise
from warehouse.db import reader, writer

CANDIDATES = 2_000
# the fields of fit_inputs the score depends on (the description through content_hash)
_INPUT_FIELDS = ("content_hash", "title", "location", "remote", "country", "city", "region", "seniority",
                 "salary_max_annual", "salary_currency", "expertise_probability", "skills_extractor", "boilerplate")


def input_hash(posting: dict, model_version: str) -> str:
    values = [posting.get(name) for name in _INPUT_FIELDS]
    return hashlib.sha256(json.dumps([values, model_version], default=str).encode()).hexdigest()[:16]


def skill_mentions(row: dict) -> list[SkillMention] | None:
    """The skills a scan read in a fit_inputs row; None when its text was never read (the scorer reads it)."""
    if not row["skills_extractor"]:
        return None
    return [SkillMention(**skill) for skill in row["skills"] or []]


def file_inputs(path: Path, encode: Callable[[list[str]], np.ndarray],
                skills: SkillExtractor) -> tuple[list[dict], list[tuple[str, str]]]:
    """A postings file read as a scan would read it: normalised, segmented, classified, skills extracted.
    Each record keeps the file's ``id``. Returns (records, [(id, why)] of the postings the normaliser rejects)."""
    postings, rejected = [], []
    for raw in jsonl_postings(path):
        try:
            postings.append(normalise(raw))
        except RejectedPosting as exc:
            rejected.append((raw["native_id"], str(exc)))
    boilerplate = [[list(span) for span in boilerplate_spans(segments)]
                   for segments in segment_batch(postings, lambda p: (p["ats"], p["board"]))]
    role_texts = [role_text(p["description"], spans) for p, spans in zip(postings, boilerplate)]
    calls = HireTypeModel.load().predict_postings(postings, encode, role_texts)
    return [{**p, "id": p["native_id"], "boilerplate": spans or None, "hire_type": call.hire_type,
             "expertise_probability": call.expertise_probability, "skills": skills.extract(text)}
            for p, spans, text, call in zip(postings, boilerplate, role_texts, calls)], rejected


def score_profile(db: Path, profile: Profile, embedder: Embedder, skills: SkillExtractor,
                  candidates: int = CANDIDATES) -> int:
    """Score the shortlisted open postings with no current score for this profile; returns how many."""
    scorer = FitScorer(skills, lambda texts: embed_texts(db, embedder, texts))
    shortlist = [m.posting_id for m in top_k(db, scorer.resume_vector(profile), candidates)]
    with reader(db) as con:  # no lock held while reading
        con.register("fit_shortlist", pa.table({"posting_id": pa.array(shortlist, pa.string())}))
        inputs = con.sql("""
            SELECT i.*, f.input_hash AS scored_hash, f.profile_hash AS scored_profile
            FROM fit_inputs i LEFT JOIN fit_scores f ON f.profile = ? AND f.posting_id = i.posting_id
            WHERE i.posting_id IN (SELECT posting_id FROM fit_shortlist)
            ORDER BY i.posting_id""", params=[profile.name]).to_arrow_table().to_pylist()
        # how many open postings name each skill: rarity for expertise hires is market-wide
        open_postings, = con.execute("SELECT count(*) FROM postings WHERE closed_at IS NULL").fetchone()
        frequency = dict(con.execute("""
            SELECT s.skill, count(DISTINCT p.posting_id) FROM postings p JOIN posting_skills s USING (content_hash)
            WHERE p.closed_at IS NULL AND s.found_by <> 'tagger' GROUP BY s.skill""").fetchall())
    version = scorer.model.version
    stale = [{**row, "skills": skill_mentions(row)} for row in inputs
             if row["scored_profile"] != profile.fingerprint or row["scored_hash"] != input_hash(row, version)]
    if not stale:
        return 0
    results = scorer.score_many(profile, stale, skill_frequency=(frequency, open_postings))
    now = datetime.now(timezone.utc)
    table = pa.table({
        "profile": [profile.name] * len(stale),
        "profile_hash": [profile.fingerprint] * len(stale),
        "posting_id": [p["posting_id"] for p in stale],
        "content_hash": [p["content_hash"] for p in stale],
        "fit_score": [r.fit_score for r in results],
        "explanation": [json.dumps(r.to_dict()) for r in results],
        "scored_at": pa.array([now] * len(stale), pa.timestamp("us", tz="UTC")),
        "tier": pa.array([r.tier for r in results], pa.int32()),
        "input_hash": [input_hash(p, version) for p in stale],
    })
    with writer(db) as con:
        con.execute("DELETE FROM fit_scores WHERE profile = ? AND profile_hash <> ?", [profile.name, profile.fingerprint])
        con.register("new_scores", table)
        con.execute("""INSERT OR REPLACE INTO fit_scores
                       SELECT profile, profile_hash, posting_id, content_hash, fit_score, explanation::JSON,
                              scored_at, tier, input_hash
                       FROM new_scores""")
    return len(stale)
