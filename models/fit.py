"""How well a profile fits a posting, 0–100, with the evidence behind the number.

Each (profile, posting) pair becomes a row of features (``FEATURES``): how close the texts are (resume vs
posting, wanted roles vs title, requirement lines evidenced by resume lines, skill and must-have coverage),
whether the title's role is the person's (role families, ``models.roles``), the level gap and the years
short (only within the person's function), whether the place works (``models.place``), the salary against
the floor, an avoided function, a title-only posting. A linear model learned from graded pairs
(``models.train_fit``) turns the row into a score; each feature's contribution is its weight times its
value, said in points and words, so the explanation adds up to the score.

A broken hard preference does not clip the score: it puts the posting in tier 1, below every posting that
breaks none (tier 0), keeps its own score and says why in ``gates``. Preferences the person marks soft
(``soft = ["salary"]``) only cost the learned points.
"""

from __future__ import annotations

import json
import math
import os
import re
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from models.place import person_places, place_fit
from models.profile import Profile
from models.roles import (family_relation, level_from_years, person_families, title_levels, title_roles,
                          years_asked)
from models.sections import role_text
from models.skills import SkillExtractor, SkillMention
from scrapers.normalise import BULLET as _BULLET, LEVEL_RANK, embedding_text

Encoder = Callable[[list[str]], np.ndarray]

ARTIFACT = Path(__file__).parent / "artifacts" / "fit" / "model.json"
_REQUIREMENT_HEADINGS = re.compile(
    r"requirement|qualification|what you.?ll (need|bring)|you have|you.?ll have|about you|must|skills|"
    r"experience|nice to have|bonus|preferred|what we.?re looking for|who you are|you might be", re.I)
MAX_REQUIREMENTS = 30
TEXT_ROLES_CHARS = 400      # where a post whose title names no role says what it hires
MATCH_THRESHOLD = 0.5
SKILL_PRIOR = 2.0

# feature → what it says when it moves the score (the explanation's words)
FEATURES: dict[str, str] = {
    "semantic": "resume and posting read alike",
    "title": "title close to the roles you want",
    "requirements": "requirement lines your resume evidences",
    "skills": "skills the posting names that your resume has",
    "must_missing": "must-have skills missing from your resume",
    "family_same": "the role is your function",
    "family_listed": "your function is one of several roles listed",
    "family_adjacent": "an adjacent function, not yours",
    "family_other": "a different function",
    "level_far_below": "two or more levels below yours",
    "level_below": "one level below yours",
    "level_above": "one level above yours",
    "level_far_above": "two or more levels above yours",
    "years_short": "asks for more years than you have",
    "place_broken": "the place or remote mode does not work for you",
    "salary_below": "pays below your floor",
    "avoided": "a function you avoid",
    "title_only": "judged from the title only",
    "expertise_skills": "an expertise hire that your skills cover",
}


@dataclass
class FitResult:
    fit_score: float
    tier: int                               # 0: breaks no hard preference; 1: breaks one (ranks below every 0)
    components: dict[str, float]            # the feature row
    contributions: dict[str, float]         # points each feature adds (+) or costs (-)
    reasons: list[str]                      # the largest contributions, in words
    confidence: str                         # "full text" | "title only"
    matched: list[dict] = field(default_factory=list)
    gaps: list[str] = field(default_factory=list)
    gates: list[str] = field(default_factory=list)   # broken preferences, hard or soft, in words

    def to_dict(self) -> dict:
        return {"fit_score": self.fit_score, "tier": self.tier, "components": self.components,
                "contributions": self.contributions, "reasons": self.reasons, "confidence": self.confidence,
                "matched": self.matched, "gaps": self.gaps, "gates": self.gates}


@dataclass(frozen=True)
class FitModel:
    """The learned linear ranker: points = intercept + Σ weight × feature, clipped to 0–100 for display."""
    weights: dict[str, float]
    intercept: float
    metadata: dict

    @classmethod
    def load(cls, path: Path = ARTIFACT) -> FitModel:
        data = json.loads(path.read_text(encoding="utf-8"))
        if set(data["weights"]) != set(FEATURES):
            raise ValueError(f"{path}: the fit model's features do not match this code; run `marketfit train`")
        return cls(data["weights"], data["intercept"], data["metadata"])

    def save(self, path: Path = ARTIFACT) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps({"weights": self.weights, "intercept": self.intercept,
                                    "metadata": self.metadata}, indent=1, sort_keys=True) + "\n", encoding="utf-8")

    @property
    def version(self) -> str:
        return str(self.metadata.get("version", "unversioned"))

    def contributions(self, row: dict[str, float]) -> dict[str, float]:
        return {name: self.weights[name] * row[name] for name in FEATURES}

    def points(self, row: dict[str, float]) -> float:
        return self.intercept + sum(self.contributions(row).values())


def requirement_lines(description: str) -> list[str]:
    """Lines that state what the role needs: bullets under requirement-like headings, else all bullets."""
    lines = [line.strip() for line in description.splitlines() if line.strip()]
    under_heading, bullets, in_section = [], [], False
    for line in lines:
        is_heading = len(line) < 80 and not _BULLET.match(line) and (line.endswith(":") or len(line.split()) <= 8)
        if is_heading:
            in_section = bool(_REQUIREMENT_HEADINGS.search(line))
            continue
        text = _BULLET.sub("", line)
        if not 20 <= len(text) <= 400:
            continue
        bullets.append(text)
        if in_section:
            under_heading.append(text)
    chosen = under_heading or bullets or [s for line in lines for s in re.split(r"(?<=[.!?])\s+", line)
                                          if 20 <= len(s) <= 400]
    return list(dict.fromkeys(chosen))[:MAX_REQUIREMENTS]


def _resume_lines(profile: Profile) -> list[str]:
    return list(profile.lines) or [profile.resume[:2000]]


def _scale(value: float, low: float, high: float) -> float:
    return float(min(1.0, max(0.0, (value - low) / (high - low))))


@dataclass
class _Pair:
    """One posting's evidence before the model weighs it."""
    row: dict[str, float]
    matched: list[dict]
    gaps: list[str]
    broken: dict[str, str]      # preference → why it is broken


class FitScorer:
    """Scores postings for one profile; ``encode`` maps texts to unit vectors.

    A posting is the normalised record (``scrapers.normalise.normalise``) plus ``expertise_probability``, its
    ``boilerplate`` spans (models/sections.py) and, when the warehouse has read them, its ``skills``
    (SkillMention list); missing skills are extracted here. Skills and requirement lines are read in the
    role content."""

    def __init__(self, skills: SkillExtractor, encode: Encoder, model: FitModel | None = None) -> None:
        self.skills = skills
        self.encode = encode
        self.model = model or FitModel.load()

    def resume_vector(self, profile: Profile) -> np.ndarray:
        """The resume as one unit vector (the mean of its lines'): what the semantic component compares."""
        return _unit(self.encode(_resume_lines(profile)).mean(axis=0))

    def score_many(self, profile: Profile, postings: Sequence[dict],
                   skill_frequency: tuple[dict[str, int], int] | None = None,
                   extra_skills: frozenset[str] = frozenset()) -> list[FitResult]:
        """``skill_frequency``: (postings naming each skill, number of postings) in the market; by default, in
        ``postings`` themselves. ``extra_skills``: skills counted as the resume's too (what-if scoring)."""
        return [self._result(profile, pair) for pair in self._pairs(profile, postings, skill_frequency, extra_skills)]

    def _result(self, profile: Profile, pair: _Pair) -> FitResult:
        contributions = self.model.contributions(pair.row)
        score = min(100.0, max(0.0, self.model.points(pair.row)))
        hard = [name for name in pair.broken if name not in profile.preferences.soft]
        gates = [f"{why} ({'soft: costs points' if name in profile.preferences.soft else 'ranked below the rest'})"
                 for name, why in pair.broken.items()]
        title_only = pair.row["title_only"] > 0
        reasons = [f"{'+' if points > 0 else '−'}{abs(points):.0f} {FEATURES[name]}"
                   for name, points in sorted(contributions.items(), key=lambda kv: -abs(kv[1]))
                   if abs(points) >= 2][:6]
        if title_only:
            reasons.append("judged from the title only: no description to check requirements against")
        return FitResult(fit_score=round(score, 1), tier=1 if hard else 0,
                         components={k: round(v, 4) for k, v in pair.row.items()},
                         contributions={k: round(v, 2) for k, v in contributions.items() if v},
                         reasons=reasons, confidence="title only" if title_only else "full text",
                         matched=pair.matched[:10], gaps=pair.gaps[:10], gates=gates)

    def _pairs(self, profile: Profile, postings: Sequence[dict],
              skill_frequency: tuple[dict[str, int], int] | None = None,
              extra_skills: frozenset[str] = frozenset()) -> list[_Pair]:
        resume_lines = _resume_lines(profile)
        resume_vectors = self.encode(resume_lines)
        resume_vector = _unit(resume_vectors.mean(axis=0))
        resume_skills = {m.name for m in self.skills.extract(profile.resume)} | extra_skills
        roles = list(profile.preferences.roles) or [profile.headline or resume_lines[0]]
        role_vectors = self.encode(roles)
        posting_vectors = self.encode([embedding_text(p["title"], p.get("description") or "") for p in postings])
        title_vectors = self.encode([p["title"] for p in postings])
        role_texts = [role_text(p.get("description") or "", p.get("boilerplate")) for p in postings]
        mentions = [p["skills"] if p.get("skills") is not None else self.skills.extract(text)
                    for p, text in zip(postings, role_texts)]
        if skill_frequency is None:
            skill_frequency = (Counter(name for found in mentions for name in {m.name for m in found}), len(postings))
        requirements = [requirement_lines(text) for text in role_texts]
        flat = [line for lines in requirements for line in lines]
        requirement_vectors = self.encode(flat) if flat else np.zeros((0, resume_vectors.shape[1]), np.float32)
        person = _Person(profile, resume_lines, resume_vectors, resume_skills)
        pairs, offset = [], 0
        for i, posting in enumerate(postings):
            lines = requirements[i]
            vectors = requirement_vectors[offset:offset + len(lines)]
            offset += len(lines)
            pairs.append(person.pair(posting, float(posting_vectors[i] @ resume_vector),
                                     float((role_vectors @ title_vectors[i]).max()), lines, vectors,
                                     mentions[i], skill_frequency))
        return pairs


class _Person:
    """What is read once per profile, and the features of one posting against it."""

    def __init__(self, profile: Profile, resume_lines: list[str], resume_vectors: np.ndarray,
                 resume_skills: set[str]) -> None:
        self.profile = profile
        self.prefs = profile.preferences
        self.resume_lines = resume_lines
        self.resume_vectors = resume_vectors
        self.resume_skills = resume_skills
        self.families = person_families(self.prefs.roles, profile.headline)
        self.level = LEVEL_RANK[profile.seniority]
        self.places = person_places(self.prefs)

    def pair(self, posting: dict, semantic_cos: float, title_cos: float, lines: list[str],
             line_vectors: np.ndarray, mentions: list[SkillMention],
             skill_frequency: tuple[dict[str, int], int]) -> _Pair:
        matched, coverage = [], 0.0
        if lines:
            similarity = line_vectors @ self.resume_vectors.T
            best = similarity.argmax(axis=1)
            for j, line in enumerate(lines):
                sim = float(similarity[j, best[j]])
                coverage += _scale(sim, 0.3, 0.65)
                if sim >= MATCH_THRESHOLD:
                    matched.append({"requirement": line, "resume_line": self.resume_lines[best[j]],
                                    "similarity": round(sim, 3)})
            coverage /= len(lines)
        expertise = float(posting.get("expertise_probability") or 0.0)
        skill_score, must_missing, gaps = _skill_coverage(mentions, self.resume_skills, skill_frequency, expertise)
        relation = family_relation(self.families, title_roles(posting["title"]))
        if relation == "unknown" and posting.get("description"):
            # a Hacker News header may name no role ("Acme | Remote | Full-time"): the post's opening does
            relation = family_relation(self.families, title_roles(posting["description"][:TEXT_ROLES_CHARS]))
            relation = "listed" if relation == "same" else relation
        row = {
            "semantic": _scale(semantic_cos, 0.15, 0.65),
            "title": _scale(title_cos, 0.25, 0.8),
            "requirements": coverage,
            "skills": skill_score,
            "must_missing": must_missing,
            **{f"family_{name}": float(relation == name) for name in ("same", "listed", "adjacent", "other")},
            **self._level(posting, relation),
            "place_broken": 0.0, "salary_below": 0.0, "avoided": 0.0,
            "title_only": float(not (posting.get("description") or "").strip()),
            "expertise_skills": expertise * skill_score,
        }
        broken = self._broken(posting)
        for name, feature in (("place", "place_broken"), ("salary", "salary_below"), ("avoid", "avoided")):
            row[feature] = float(name in broken)
        return _Pair(row, matched, gaps, broken)

    def _level(self, posting: dict, relation: str) -> dict[str, float]:
        """Level gap and years short, read only when the role is the person's function (or next to it)."""
        out = {"level_far_below": 0.0, "level_below": 0.0, "level_above": 0.0, "level_far_above": 0.0,
               "years_short": 0.0}
        if relation not in ("same", "listed", "adjacent"):
            return out
        asked = years_asked(posting.get("description"))
        # a title naming several levels ("Senior + Mid-Level Engineers") hires at each: the nearest one counts
        levels = title_levels(posting["title"]) or ((level_from_years(asked),) if asked is not None else ())
        if levels:
            gap = min((LEVEL_RANK[level] - self.level for level in levels), key=abs)
            key = {-1: "level_below", 1: "level_above"}.get(gap) or (
                "level_far_below" if gap < -1 else "level_far_above" if gap > 1 else None)
            if key:
                out[key] = 1.0
        if asked is not None:
            out["years_short"] = min(1.0, max(0.0, asked - self.profile.years_experience) / 5)
        return out

    def _broken(self, posting: dict) -> dict[str, str]:
        broken: dict[str, str] = {}
        verdict = place_fit(self.places, posting)
        if verdict.status == "broken":
            broken["place"] = verdict.reason
        top, currency = posting.get("salary_max_annual"), posting.get("salary_currency")
        if self.prefs.min_salary and top and currency == self.prefs.currency and top < self.prefs.min_salary:
            broken["salary"] = f"pays up to {top:,.0f} {currency} a year, below your floor {self.prefs.min_salary:,.0f}"
        roles = title_roles(posting["title"])
        for avoided in self.prefs.avoid:
            # the title leads with an avoided function ("frontend"), not the person's own ("SDR" is in sales, as
            # an account executive is: there only the words count); words only where the title names one role
            if roles.leading in person_families((avoided,)) - self.families or (
                    len(roles.families) <= 1 and names_function(posting["title"], avoided)):
                broken["avoid"] = f"a function you avoid: {avoided}"
                break
        return broken


def _skill_coverage(mentions: list[SkillMention], resume_skills: set[str],
                    skill_frequency: tuple[dict[str, int], int], expertise: float) -> tuple[float, float, list[str]]:
    """(coverage, must-haves missing, gaps). Must-haves weigh 2, nice-to-haves 0.5; for an expertise hire,
    rare skills (low document frequency in the market) weigh more. A neutral prior of SKILL_PRIOR weight at
    0.5: one or two named skills are weak evidence either way."""
    document_frequency, corpus_size = skill_frequency
    wanted: dict[str, float] = {}
    kind: dict[str, str | None] = {}
    for mention in mentions:
        weight = {"must": 2.0, "nice": 0.5}.get(mention.requirement or "", 1.0)
        frequency = max(1, document_frequency.get(mention.name, 1))
        rarity = math.log(1 + corpus_size / frequency) / math.log(1 + max(corpus_size, 1))
        weight *= (1 - expertise) + expertise * 2 * rarity
        if weight > wanted.get(mention.name, 0.0):
            wanted[mention.name], kind[mention.name] = weight, mention.requirement
    covered = sum(w for name, w in wanted.items() if name in resume_skills)
    gaps = sorted((name for name in wanted if name not in resume_skills and kind[name] != "nice"),
                  key=lambda name: -wanted[name])
    musts = [name for name in wanted if kind[name] == "must"]
    missing = sum(name not in resume_skills for name in musts) / (len(musts) + SKILL_PRIOR)
    return (covered + 0.5 * SKILL_PRIOR) / (sum(wanted.values()) + SKILL_PRIOR), missing, gaps


_WORD = re.compile(r"[a-z0-9+#]+")


def _same_word(a: str, b: str) -> bool:
    """Words of one family: "engineer" ~ "engineering", "manager" ~ "management", "sdr" only "sdr"."""
    if a == b:
        return True
    shared = len(os.path.commonprefix([a, b]))
    return min(len(a), len(b)) >= 4 and shared >= max(4, min(len(a), len(b)) - 3)


def names_function(title: str, function: str) -> bool:
    """Every word of ``function`` appears in ``title`` (up to its word family)."""
    title_words = _WORD.findall(title.lower())
    return all(any(_same_word(word, t) for t in title_words) for word in _WORD.findall(function.lower()))


def _unit(vector: np.ndarray) -> np.ndarray:
    norm = float(np.linalg.norm(vector))
    return vector / norm if norm else vector
