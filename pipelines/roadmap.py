"""Skill-gap roadmap: the skills the profile's target postings ask for that the resume lacks, ranked by return.

Target postings are the profile's TARGET_POSTINGS best-fitting open postings (tier first, as ranked) of the
person's own function (a title whose role family, ``models.roles``, is one the person's roles or headline name;
all of them when none is): a product manager's roadmap is read from product postings, not from the engineering
roles a small market ranks next. A candidate skill is one that at least MIN_MENTIONS of them name and the resume
does not. Its return is a real counterfactual: every target posting is re-scored by FitScorer with the skill added
to the resume's skills; the expected lift is the mean fit gain over the target postings (points), weighted by the
skill's market-wide demand growth over 13 weeks: return = lift * (1 + growth clipped to [-0.5, 1]) (no growth
figure below the floor: weight 1). The postings that move up a fit band (<40, 40-60, 60-75, >=75) are counted
and named as examples. Each skill carries its taxonomy group (the taxonomy's ``kind`` column where it has one,
else ``category``) so that tools and languages read apart from product and business skills.
"""

from __future__ import annotations

import csv
import json
from bisect import bisect_right
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timezone
from functools import cache, lru_cache
from pathlib import Path

import numpy as np
import pyarrow as pa

from models.embedder import MemoEncoder
from models.fit import FitScorer
from models.profile import Profile
from models.roles import family_relation, person_families, title_roles
from models.skills import DEFAULT_TAXONOMY, SkillExtractor
from pipelines.fit import skill_mentions
from warehouse import insights
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
    return_score: float    # mean fit gain over the target postings (points), weighted by growth
    examples: list[dict]   # postings that move up a band: title, company, fit before and after
    group: str             # the skill's taxonomy kind (or category)


def fit_band(score: float) -> int:
    return bisect_right(BANDS, score)


@cache
def skill_groups() -> dict[str, str]:
    """skill name → its group in the bundled taxonomy: the ``kind`` column where the taxonomy has one, else
    ``category``."""
    with DEFAULT_TAXONOMY.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    column = "kind" if rows and "kind" in rows[0] else "category"
    return {row["name"]: row.get(column) or "" for row in rows}


def own_function(profile: Profile, postings: list[dict]) -> list[dict]:
    """The postings whose title leads with, or lists, one of the person's role families (all when none does)."""
    families = person_families(profile.preferences.roles, profile.headline)
    own = [p for p in postings if family_relation(families, title_roles(p["title"])) in ("same", "listed")]
    return own or postings


class _MemoExtractor:
    """The real extractor, each text read once across the re-scores."""

    def __init__(self, extractor: SkillExtractor) -> None:
        self.extract = lru_cache(maxsize=None)(extractor.extract)


def build_roadmap(db: Path, profile: Profile, skills: SkillExtractor, encode: Callable[[list[str]], np.ndarray],
                  limit: int = 15) -> list[RoadmapRow]:
    """Rank the missing skills for ``profile`` and store them as its roadmap (replacing the previous one)."""
    with writer(db) as con:
        rows = own_function(profile, insights.scored_fit_inputs(con, profile.name))[:TARGET_POSTINGS]
        if not rows:
            raise RoadmapError(f"no scored open postings for profile '{profile.name}': run `marketfit scan "
                               f"--profile ...` (or `marketfit demo`) first")
        postings = [{**row, "skills": skill_mentions(row)} for row in rows]
        market = insights.open_skill_frequency(con)   # the market-wide frequency pipelines/fit.py scores with
        skills_by_text = {h: set(named) for h, named in
                          insights.content_skills(con, {p["content_hash"] for p in postings}).items()}
        growth = {skill: g["growth"] for skill, g in insights.skill_growth(con, GROWTH_WEEKS).items()}
    memo_skills = _MemoExtractor(skills)
    resume_skills = {m.name for m in memo_skills.extract(profile.resume)}
    demand = Counter(skill for p in postings for skill in skills_by_text.get(p["content_hash"], ())
                     if skill not in resume_skills)
    candidates = sorted((s for s, n in demand.items() if n >= MIN_MENTIONS), key=lambda s: (-demand[s], s))
    scorer = FitScorer(memo_skills, MemoEncoder(encode))
    groups = skill_groups()
    before = scorer.score_many(profile, postings, skill_frequency=market)
    roadmap = []
    for skill in candidates[:MAX_CANDIDATES]:
        after = scorer.score_many(profile, postings, skill_frequency=market, extra_skills=frozenset({skill}))
        moved = [i for i, (b, a) in enumerate(zip(before, after)) if fit_band(a.fit_score) > fit_band(b.fit_score)]
        moved.sort(key=lambda i: (before[i].fit_score - after[i].fit_score, postings[i]["posting_id"]))
        lift = sum(a.fit_score - b.fit_score for b, a in zip(before, after)) / len(postings)
        skill_growth = growth.get(skill)
        weight = 1.0 if skill_growth is None else 1.0 + min(1.0, max(-0.5, skill_growth))
        roadmap.append(RoadmapRow(
            skill=skill, postings_moved=len(moved), demand_share=round(demand[skill] / len(postings), 4),
            growth_13w=None if skill_growth is None else round(skill_growth, 4),
            return_score=round(lift * weight, 3),
            examples=[{"posting_id": postings[i]["posting_id"], "title": postings[i]["title"],
                       "company": postings[i]["company"], "fit_before": before[i].fit_score,
                       "fit_after": after[i].fit_score} for i in moved[:EXAMPLES]],
            group=groups.get(skill, "")))
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
        insights.store_roadmap(con, profile.name, table)
