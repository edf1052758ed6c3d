"""Learn the fit ranker from the graded hard set (``marketfit train`` / ``make models``) and measure it.

The hard set (models/data/fit_hardset/: profiles, rubric, pool, grades by two independent readers) pairs
10 profiles with ~155 real postings each, most of them of the profile's own function. Posting texts are read
in place from ../shared/data through the project's parsers and normaliser (``fit_hardset/postings.py``).

Evaluation is leave-profile-out: each profile is ranked by a model that never saw its pairs, whose
hyper-parameters were chosen by an inner leave-profile-out loop over the other profiles. The ranking is
the product's: tier first (a broken hard preference ranks below the rest), then the score.
"""

from __future__ import annotations

import hashlib
import json
import platform
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

import numpy as np
import platformdirs
from sklearn.linear_model import Ridge
from sklearn.metrics import ndcg_score

from models.data.fit_hardset.postings import DEFAULT_SHARED, GRADES, PROFILES, graded_pairs
from models.embedder import MODEL_KEY, Embedder
from models.fit import ARTIFACT, FEATURES, FitModel, FitScorer
from models.hire_type import HireTypeModel
from models.profile import Profile, load_profile
from models.skills import SkillExtractor
from models.vector_cache import embed_texts

POINTS_PER_GRADE = 100 / 3
ALPHAS = (0.3, 1.0, 3.0, 10.0)
# features that can only lower a score: more evidence of fit never costs points (a sign constraint)
LOWERING = frozenset({"must_missing", "family_adjacent", "family_other", "level_far_below", "level_below",
                      "level_above", "level_far_above", "years_short", "place_broken", "salary_below", "avoided",
                      "title_only"})

@dataclass
class GradedProfile:
    name: str
    profile: Profile
    postings: list[dict]            # normalised records with expertise_probability
    grades: np.ndarray
    X: np.ndarray = field(default_factory=lambda: np.zeros((0, len(FEATURES))))
    tiers: np.ndarray = field(default_factory=lambda: np.zeros(0))


def cache_encoder(embedder: Embedder):
    """Texts → vectors through an embedding cache in the user's cache folder: re-training embeds nothing twice."""
    db = Path(platformdirs.user_cache_dir("marketfit")) / "training.duckdb"
    db.parent.mkdir(parents=True, exist_ok=True)
    return lambda texts: embed_texts(db, embedder, list(texts))


def load_hardset(shared: Path, encode) -> list[GradedProfile]:
    """Every graded profile with its postings read, classified for hire type, and turned into features."""
    by_profile = graded_pairs(shared)
    every = {p["posting_id"]: p for pairs in by_profile.values() for p, _ in pairs}
    calls = HireTypeModel.load().predict_postings(list(every.values()), encode)
    expertise = {pid: call.expertise_probability for pid, call in zip(every, calls)}
    scorer = FitScorer(SkillExtractor.load(), encode, model=_untrained())
    out = []
    for name, pairs in sorted(by_profile.items()):
        profile = load_profile(PROFILES / f"{name}.toml")
        postings = [{**p, "expertise_probability": expertise[p["posting_id"]]} for p, _ in pairs]
        graded = GradedProfile(name, profile, postings, np.array([g for _, g in pairs], dtype=float))
        results = scorer.score_many(profile, postings)
        graded.X = np.array([[r.components[f] for f in FEATURES] for r in results])
        graded.tiers = np.array([r.tier for r in results], dtype=float)
        out.append(graded)
    return out


def _untrained() -> FitModel:
    return FitModel({name: 0.0 for name in FEATURES}, 0.0, {"version": "untrained"})


def fit(profiles: list[GradedProfile], alpha: float) -> FitModel:
    """Ridge regression of the grade in points (grade × 100/3) on the features, each weight held to its
    sign (LOWERING features ≤ 0, the rest ≥ 0), so a model can be read and a skill gained never costs."""
    sign = np.array([-1.0 if name in LOWERING else 1.0 for name in FEATURES])
    X = np.vstack([p.X for p in profiles]) * sign
    y = np.concatenate([p.grades for p in profiles]) * POINTS_PER_GRADE
    model = Ridge(alpha=alpha, positive=True).fit(X, y)
    return FitModel({name: round(float(w * s), 4) for name, w, s in zip(FEATURES, model.coef_, sign)},
                    round(float(model.intercept_), 4), {"alpha": alpha})


def ranking_score(model: FitModel, profile: GradedProfile) -> np.ndarray:
    """The product's order as one number: tier first, then the score (clipped for display, as shown)."""
    points = np.clip(model.intercept + profile.X @ np.array([model.weights[f] for f in FEATURES]), 0, 100)
    return points - 1000 * profile.tiers


def ndcg(grades: np.ndarray, scores: np.ndarray, k: int) -> float:
    return float(ndcg_score(grades[None, :], scores[None, :], k=k))


def _choose(profiles: list[GradedProfile]) -> float:
    """The ridge strength with the best mean NDCG@10 over an inner leave-profile-out loop."""
    def inner(alpha: float) -> float:
        return float(np.mean([ndcg(p.grades, ranking_score(fit([q for q in profiles if q is not p], alpha), p), 10)
                              for p in profiles]))
    return max(ALPHAS, key=inner)


def leave_profile_out(profiles: list[GradedProfile]) -> dict[str, dict]:
    """For each profile: the held-out ranking score from a model trained (and tuned) on the others."""
    out = {}
    for held in profiles:
        rest = [p for p in profiles if p is not held]
        alpha = _choose(rest)
        out[held.name] = {"scores": ranking_score(fit(rest, alpha), held), "alpha": alpha}
    return out


def train(shared: Path = DEFAULT_SHARED, out: Path | None = ARTIFACT) -> dict:
    """Cross-validate, then fit on every profile with the hyper-parameters the full inner loop chooses."""
    embedder = Embedder()
    profiles = load_hardset(shared, cache_encoder(embedder))
    held_out = leave_profile_out(profiles)
    per_profile = {p.name: {"ndcg@10": round(ndcg(p.grades, held_out[p.name]["scores"], 10), 4),
                            "ndcg@25": round(ndcg(p.grades, held_out[p.name]["scores"], 25), 4)}
                   for p in profiles}
    alpha = _choose(profiles)
    model = fit(profiles, alpha)
    metrics = {"leave_profile_out": per_profile,
               "mean_ndcg@10": round(float(np.mean([m["ndcg@10"] for m in per_profile.values()])), 4),
               "mean_ndcg@25": round(float(np.mean([m["ndcg@25"] for m in per_profile.values()])), 4),
               "pairs": int(sum(len(p.grades) for p in profiles)), "profiles": len(profiles)}
    if out is not None:
        import sklearn

        digest = hashlib.sha256(GRADES.read_bytes()).hexdigest()[:12]
        FitModel(model.weights, model.intercept, {
            "version": f"{digest}-ridge{alpha}", "method": "ridge, sign-constrained, pointwise", "alpha": alpha,
            "trained_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
            "training_data": {"grades": "models/data/fit_hardset/grades.jsonl", "sha256_12": digest,
                              "texts_from": "../shared/data (see models/data/fit_hardset/README.md)"},
            "features": list(FEATURES), "embedding_model": MODEL_KEY, "points_per_grade": round(POINTS_PER_GRADE, 4),
            "library_versions": {"python": platform.python_version(), "numpy": np.__version__,
                                 "scikit-learn": sklearn.__version__},
            "metrics": metrics}).save(out)
    return metrics


if __name__ == "__main__":
    print(json.dumps(train(), indent=1))
