"""Skill-gap roadmap: the skills the profile's target postings ask for that the resume lacks, ranked by return.

Target postings are the profile's TARGET_POSTINGS best-fitting open postings (tier first, as ranked). A candidate skill is one that at
least MIN_MENTIONS of them name and the resume does not. Its return is a real counterfactual: every target
posting is re-scored by FitScorer with the skill added to the resume's skills, and the postings that move up a
fit band (<40, 40-60, 60-75, >=75) are counted; the count is weighted by the skill's market-wide demand growth
over 13 weeks: return = moved * (1 + growth clipped to [-0.5, 1]) (no growth figure below the floor: weight 1).
"""

from __future__ import annotations

import json
from bisect import bisect_right
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timezone
from functools import lru_cache
from pathlib import Path

import numpy as np
import pyarrow as pa

from models.embedder import MemoEncoder
from models.fit import FitScorer
from models.profile import Profile
from models.skills import SkillExtractor
from pipelines.fit import skill_mentions
from warehouse.db import writer

BANDS = (40.0, 60.0, 75.0)
TARGET_POSTINGS = 50
MIN_MENTIONS = 2
MAX_CANDIDATES = 30
GROWTH_WEEKS = 13
EXAMPLES = 3

class RoadmapError(ValueError):
    """No roadmap can be made (the profile has no scored open postings); the message says why."""


@dataclass
class RoadmapRow:
    skill: str
    postings_moved: int
    demand_share: float    # share of the target postings that name the skill
    growth_13w: float | None
    return_score: float
    examples: list[dict]   # postings that move up a band: title, company, fit before and after


def fit_band(score: float) -> int:
    return bisect_right(BANDS, score)


class _MemoExtractor:
    """The real extractor, each text read once across the re-scores."""

    def __init__(self, extractor: SkillExtractor) -> None:
        self.extract = lru_cache(maxsize=None)(extractor.extract)


def build_roadmap(db: Path, profile: Profile, skills: SkillExtractor, encode: Callable[[list[str]], np.ndarray],
                  limit: int = 15) -> list[RoadmapRow]:
    """Rank the missing skills for ``profile`` and store them as its roadmap (replacing the previous one)."""
    with writer(db) as con:
        rows = con.sql("""
            SELECT i.* FROM fit_scores f JOIN fit_inputs i USING (posting_id)
            WHERE f.profile = ? ORDER BY f.tier, f.fit_score DESC, i.posting_id LIMIT ?""",
                       params=[profile.name, TARGET_POSTINGS]).to_arrow_table().to_pylist()
        if not rows:
            raise RoadmapError(f"no scored open postings for profile '{profile.name}': run `marketfit scan "
                               f"--profile ...` (or `marketfit demo`) first")
        postings = [{**row, "skills": skill_mentions(row)} for row in rows]
        # the same market-wide skill frequency pipelines/fit.py scores with
        open_postings, = con.execute("SELECT count(*) FROM postings WHERE closed_at IS NULL").fetchone()
        frequency = dict(con.execute("""
            SELECT s.skill, count(DISTINCT p.posting_id) FROM postings p JOIN posting_skills s USING (content_hash)
            WHERE p.closed_at IS NULL GROUP BY s.skill""").fetchall())
        named = con.execute("""SELECT DISTINCT content_hash, skill FROM posting_skills
                               WHERE content_hash IN (SELECT unnest(?))""",
                            [[p["content_hash"] for p in postings]]).fetchall()
        growth = {skill: g for skill, g in con.execute(
            "SELECT skill, growth FROM skill_growth_over(?)", [GROWTH_WEEKS]).fetchall()}
    memo_skills = _MemoExtractor(skills)
    resume_skills = {m.name for m in memo_skills.extract(profile.resume)}
    skills_by_text: dict[str, set[str]] = {}
    for content_hash, skill in named:
        skills_by_text.setdefault(content_hash, set()).add(skill)
    demand = Counter(skill for p in postings for skill in skills_by_text.get(p["content_hash"], ())
                     if skill not in resume_skills)
    candidates = sorted((s for s, n in demand.items() if n >= MIN_MENTIONS), key=lambda s: (-demand[s], s))
    scorer = FitScorer(memo_skills, MemoEncoder(encode))
    market = (frequency, open_postings)
    before = scorer.score_many(profile, postings, skill_frequency=market)
    roadmap = []
    for skill in candidates[:MAX_CANDIDATES]:
        after = scorer.score_many(profile, postings, skill_frequency=market, extra_skills=frozenset({skill}))
        moved = [i for i, (b, a) in enumerate(zip(before, after)) if fit_band(a.fit_score) > fit_band(b.fit_score)]
        moved.sort(key=lambda i: (before[i].fit_score - after[i].fit_score, postings[i]["posting_id"]))
        skill_growth = growth.get(skill)
        weight = 1.0 if skill_growth is None else 1.0 + min(1.0, max(-0.5, skill_growth))
        roadmap.append(RoadmapRow(
            skill=skill, postings_moved=len(moved), demand_share=round(demand[skill] / len(postings), 4),
            growth_13w=None if skill_growth is None else round(skill_growth, 4),
            return_score=round(len(moved) * weight, 3),
            examples=[{"posting_id": postings[i]["posting_id"], "title": postings[i]["title"],
                       "company": postings[i]["company"], "fit_before": before[i].fit_score,
                       "fit_after": after[i].fit_score} for i in moved[:EXAMPLES]]))
    roadmap.sort(key=lambda r: (-r.return_score, -r.demand_share, r.skill))
    roadmap = roadmap[:limit]
    _store(db, profile, roadmap)
    return roadmap


def _store(db: Path, profile: Profile, roadmap: list[RoadmapRow]) -> None:
    now = datetime.now(timezone.utc)
    table = pa.Table.from_pylist([
        {"profile": profile.name, "profile_hash": profile.fingerprint, "computed_at": now, "rank": rank,
         "skill": r.skill, "postings_moved": r.postings_moved, "demand_share": r.demand_share,
         "growth_13w": r.growth_13w, "return_score": r.return_score, "examples": json.dumps(r.examples)}
        for rank, r in enumerate(roadmap, start=1)], schema=pa.schema([
            ("profile", pa.string()), ("profile_hash", pa.string()), ("computed_at", pa.timestamp("us", tz="UTC")),
            ("rank", pa.int32()), ("skill", pa.string()), ("postings_moved", pa.int32()),
            ("demand_share", pa.float64()), ("growth_13w", pa.float64()), ("return_score", pa.float64()),
            ("examples", pa.string())]))
    with writer(db) as con:
        con.register("new_roadmap", table)
        con.execute("BEGIN")
        con.execute("DELETE FROM skill_roadmaps WHERE profile = ?", [profile.name])
        con.execute("INSERT INTO skill_roadmaps SELECT * EXCLUDE (examples), examples::JSON FROM new_roadmap")
        con.execute("COMMIT")
