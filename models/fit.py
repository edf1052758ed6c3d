"""How well a profile fits a posting, 0–100, with the evidence behind the number.

Components (each 0..1): semantic similarity of resume and posting, requirement
coverage (which posting requirement is evidenced by which resume line), skill
coverage (must-haves count more), title/function match and seniority match.
The weights move with the hire type: a bandwidth hire rewards looking like the
team's existing work (semantic, title); an expertise hire rewards covering the
rare, differentiating requirements. Preferences act as gates that cap the score.
"""

from __future__ import annotations

import math
import os
import re
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np

from models.profile import SENIORITY_LEVELS, Profile, seniority_from_title
from models.skills import SkillExtractor

Encoder = Callable[[list[str]], np.ndarray]

_REQUIREMENT_HEADINGS = re.compile(
    r"requirement|qualification|what you.?ll (need|bring)|you have|you.?ll have|about you|must|skills|"
    r"experience|nice to have|bonus|preferred|what we.?re looking for|who you are|you might be", re.I)
_BULLET = re.compile(r"^\s*(?:[-*•·‣▪]|\d+[.)])\s*")
MAX_REQUIREMENTS = 30
MATCH_THRESHOLD = 0.5
SKILL_PRIOR = 2.0

WEIGHTS_BANDWIDTH = {"semantic": 0.20, "requirements": 0.25, "skills": 0.15, "title": 0.30, "seniority": 0.10}
WEIGHTS_EXPERTISE = {"semantic": 0.10, "requirements": 0.30, "skills": 0.25, "title": 0.25, "seniority": 0.10}


@dataclass
class FitResult:
    fit_score: float
    components: dict[str, float]
    matched: list[dict] = field(default_factory=list)
    gaps: list[str] = field(default_factory=list)
    gates: list[str] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {"fit_score": self.fit_score, "components": self.components, "matched": self.matched,
                "gaps": self.gaps, "gates": self.gates}


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


class FitScorer:
    """Scores postings for one profile; ``encode`` maps texts to unit vectors."""

    def __init__(self, skills: SkillExtractor, encode: Encoder, location_cap: float = 50.0,
                 remote_cap: float = 40.0, salary_cap: float = 40.0, avoid_cap: float = 20.0) -> None:
        self.skills = skills
        self.encode = encode
        self.location_cap = location_cap
        self.remote_cap = remote_cap
        self.salary_cap = salary_cap
        self.avoid_cap = avoid_cap

    def resume_vector(self, profile: Profile) -> np.ndarray:
        """The resume as one unit vector (the mean of its lines'): what the semantic component compares."""
        return _unit(self.encode(_resume_lines(profile)).mean(axis=0))

    def score_many(self, profile: Profile, postings: Sequence[dict],
                   skill_frequency: tuple[dict[str, int], int] | None = None,
                   extra_skills: frozenset[str] = frozenset()) -> list[FitResult]:
        """``postings``: dicts with title, description and optional location, remote, salary_*, expertise_probability.
        ``skill_frequency``: (postings naming each skill, number of postings) in the market; by default, in
        ``postings`` themselves. ``extra_skills``: skills counted as the resume's too (what-if scoring)."""
        resume_lines = _resume_lines(profile)
        resume_vectors = self.encode(resume_lines)
        resume_vector = _unit(resume_vectors.mean(axis=0))
        resume_skills = {m.name for m in self.skills.extract(profile.resume)} | extra_skills
        roles = list(profile.preferences.roles) or [profile.headline or resume_lines[0]]
        role_vectors = self.encode(roles)
        posting_vectors = self.encode([f"{p['title']}\n\n{p.get('description') or ''}" for p in postings])
        title_vectors = self.encode([p["title"] for p in postings])
        mentions = [self.skills.extract(p.get("description") or "") for p in postings]
        if skill_frequency is None:
            skill_frequency = (Counter(name for found in mentions for name in {m.name for m in found}), len(postings))
        document_frequency, corpus_size = skill_frequency
        requirements = [requirement_lines(p.get("description") or "") for p in postings]
        flat = [line for lines in requirements for line in lines]
        requirement_vectors = self.encode(flat) if flat else np.zeros((0, resume_vectors.shape[1]), np.float32)
        results, offset = [], 0
        for i, posting in enumerate(postings):
            lines = requirements[i]
            vectors = requirement_vectors[offset:offset + len(lines)]
            offset += len(lines)
            results.append(self._score_one(
                profile, posting, float(posting_vectors[i] @ resume_vector),
                float((role_vectors @ title_vectors[i]).max()), lines, vectors, resume_lines, resume_vectors,
                mentions[i], resume_skills, document_frequency, corpus_size))
        return results

    def _score_one(self, profile, posting, semantic_cos, title_cos, lines, line_vectors, resume_lines,
                   resume_vectors, mentions, resume_skills, document_frequency, corpus_size) -> FitResult:
        matched, coverage = [], 0.0
        if lines:
            similarity = line_vectors @ resume_vectors.T
            best = similarity.argmax(axis=1)
            for j, line in enumerate(lines):
                sim = float(similarity[j, best[j]])
                coverage += _scale(sim, 0.3, 0.65)
                if sim >= MATCH_THRESHOLD:
                    matched.append({"requirement": line, "resume_line": resume_lines[best[j]],
                                    "similarity": round(sim, 3)})
            coverage /= len(lines)
        expertise = float(posting.get("expertise_probability") or 0.0)
        skill_score, gaps = self._skill_coverage(mentions, resume_skills, document_frequency, corpus_size, expertise)
        components = {
            "semantic": round(_scale(semantic_cos, 0.15, 0.65), 4),
            "requirements": round(coverage, 4),
            "skills": round(skill_score, 4),
            "title": round(_scale(title_cos, 0.25, 0.8), 4),
            "seniority": _seniority_match(profile.seniority, posting["title"]),
        }
        weights = {k: (1 - expertise) * WEIGHTS_BANDWIDTH[k] + expertise * WEIGHTS_EXPERTISE[k] for k in components}
        score = 100.0 * sum(weights[k] * components[k] for k in components)
        gates = self._gates(profile, posting)
        for cap, _ in gates:
            score = min(score, cap)
        return FitResult(fit_score=round(score, 1), components=components, matched=matched[:10],
                         gaps=gaps[:10], gates=[reason for _, reason in gates])

    @staticmethod
    def _skill_coverage(mentions, resume_skills, document_frequency, corpus_size, expertise):
        """Coverage of the posting's skills; must-haves weigh 2, nice-to-haves 0.5. For an expertise
        hire, rare skills (low document frequency in the scored set) weigh more."""
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
        # a neutral prior of SKILL_PRIOR weight at 0.5: one or two named skills are weak evidence either way
        return (covered + 0.5 * SKILL_PRIOR) / (sum(wanted.values()) + SKILL_PRIOR), gaps

    def _gates(self, profile: Profile, posting: dict) -> list[tuple[float, str]]:
        prefs, gates = profile.preferences, []
        for avoided in prefs.avoid:
            if _names_function(posting["title"], avoided):
                gates.append((self.avoid_cap, f"function to avoid: '{avoided}' in title"))
        mode = posting.get("remote")
        if prefs.remote == "remote-only" and mode not in (None, "remote"):
            gates.append((self.remote_cap, f"wants remote only; posting is {mode}"))
        elif prefs.remote == "remote-or-hybrid" and mode == "onsite":
            gates.append((self.remote_cap, "wants remote or hybrid; posting is on-site"))
        location = (posting.get("location") or "").lower()
        if prefs.locations and location and mode != "remote" and not any(
                part.strip().lower() in location for place in prefs.locations for part in place.split(",")):
            gates.append((self.location_cap, f"location '{posting.get('location')}' is not in your locations"))
        top = posting.get("salary_max")
        if prefs.min_salary and top and posting.get("salary_currency") in (None, prefs.currency) \
                and posting.get("salary_period") in (None, "year") and top < prefs.min_salary:
            gates.append((self.salary_cap, f"pays up to {top:,.0f} {prefs.currency}, below your floor "
                                           f"{prefs.min_salary:,.0f}"))
        return gates


_WORD = re.compile(r"[a-z0-9+#]+")


def _same_word(a: str, b: str) -> bool:
    """Words of one family: "engineer" ~ "engineering", "manager" ~ "management", "sdr" only "sdr"."""
    if a == b:
        return True
    shared = len(os.path.commonprefix([a, b]))
    return min(len(a), len(b)) >= 4 and shared >= max(4, min(len(a), len(b)) - 3)


def _names_function(title: str, function: str) -> bool:
    """Every word of ``function`` appears in ``title`` (up to its word family)."""
    title_words = _WORD.findall(title.lower())
    return all(any(_same_word(word, t) for t in title_words) for word in _WORD.findall(function.lower()))


def _seniority_match(wanted: str, title: str) -> float:
    posting_level = seniority_from_title(title) or "mid"
    distance = abs(SENIORITY_LEVELS.index(wanted) - SENIORITY_LEVELS.index(posting_level))
    return {0: 1.0, 1: 0.5}.get(distance, 0.0)


def _unit(vector: np.ndarray) -> np.ndarray:
    norm = float(np.linalg.norm(vector))
    return vector / norm if norm else vector
