"""Fit ranking quality: NDCG@10 and @25 of marketfit's ranking against three baselines on the same folds.

1. The hard set (models/data/fit_hardset: 10 profiles × ~155 real postings, mostly within the profile's
   function, graded 0–3 by two independent readers). Leave-profile-out: each profile is ranked by a model
   trained and tuned on the other nine (models.train_fit). Baselines rank the same postings: TF-IDF cosine and
   embedding cosine of resume vs posting, and the previous hand-weighted scorer (its weights and caps below).
2. The older dev set (eval/fit_devset: 5 profiles × 77 postings, mostly across functions; its graders ignored
   place, remote and salary, so those preferences are dropped here). The shipped model ranks it: a second,
   easier number (the previous scorer was developed on it).

    python eval/eval_fit.py [--shared ../shared/data]
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
from pathlib import Path

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "eval" / "fit_devset"))

from models.embedder import Embedder  # noqa: E402
from models.fit import FEATURES, FitScorer, names_function  # noqa: E402
from models.hire_type import HireTypeModel  # noqa: E402
from models.profile import Profile, load_profile, seniority_from_title  # noqa: E402
from models.skills import SkillExtractor  # noqa: E402
from models.train_fit import GradedProfile, cache_encoder, leave_profile_out, load_hardset, ndcg  # noqa: E402
from pool import load_grades, load_pool  # noqa: E402
from scrapers.normalise import embedding_text, normalise  # noqa: E402
from scrapers.items import new_posting  # noqa: E402

DEVSET_PROFILES = REPO / "eval" / "fit_devset" / "profiles"
# the previous scorer (before the learned ranker): hand-set weights moving with the hire type, and caps
_PREVIOUS_BANDWIDTH = {"semantic": 0.20, "requirements": 0.25, "skills": 0.15, "title": 0.30, "seniority": 0.10}
_PREVIOUS_EXPERTISE = {"semantic": 0.10, "requirements": 0.30, "skills": 0.25, "title": 0.25, "seniority": 0.10}
_PREVIOUS_LEVELS = ("junior", "mid", "senior", "staff")


def previous_scorer(profile: Profile, posting: dict, row: dict[str, float]) -> float:
    """The hand-weighted score with caps that marketfit shipped before the learned ranker."""
    posting_level = seniority_from_title(posting["title"]) or "mid"
    distance = abs(_PREVIOUS_LEVELS.index(profile.seniority) - _PREVIOUS_LEVELS.index(posting_level))
    components = {**{k: row[k] for k in ("semantic", "requirements", "skills", "title")},
                  "seniority": {0: 1.0, 1: 0.5}.get(distance, 0.0)}
    expertise = float(posting.get("expertise_probability") or 0.0)
    score = 100 * sum(((1 - expertise) * _PREVIOUS_BANDWIDTH[k] + expertise * _PREVIOUS_EXPERTISE[k]) * v
                      for k, v in components.items())
    prefs, mode = profile.preferences, posting.get("remote")
    caps = [20.0 for avoided in prefs.avoid if names_function(posting["title"], avoided)]
    if (prefs.remote == "remote-only" and mode not in (None, "remote")) or \
            (prefs.remote == "remote-or-hybrid" and mode == "onsite"):
        caps.append(40.0)
    location = (posting.get("location") or "").lower()
    if prefs.locations and location and mode != "remote" and not any(
            part.strip().lower() in location for place in prefs.locations for part in place.split(",")):
        caps.append(50.0)
    top = posting.get("salary_max")
    if prefs.min_salary and top and posting.get("salary_currency") in (None, prefs.currency) \
            and posting.get("salary_period") in (None, "year") and top < prefs.min_salary:
        caps.append(40.0)
    return min([score, *caps])


def _baselines(graded: GradedProfile, encode) -> dict[str, np.ndarray]:
    texts = [embedding_text(p["title"], p["description"]) for p in graded.postings]
    resume = graded.profile.resume
    tfidf = TfidfVectorizer(sublinear_tf=True, stop_words="english").fit(texts + [resume])
    matrix = tfidf.transform(texts + [resume])
    rows = [dict(zip(FEATURES, x)) for x in graded.X]
    return {"tfidf_cosine": (matrix[:-1] @ matrix[-1].T).toarray().ravel(),
            "embedding_cosine": encode(texts) @ encode([resume])[0],
            "previous_scorer": np.array([previous_scorer(graded.profile, p, row)
                                         for p, row in zip(graded.postings, rows)])}


def hardset(shared: Path, encode) -> dict[str, dict[str, float]]:
    profiles = load_hardset(shared, encode)
    held_out = leave_profile_out(profiles)
    results = {}
    for graded in profiles:
        scores = {"marketfit": held_out[graded.name]["scores"], **_baselines(graded, encode)}
        results[graded.name] = {f"{method}@{k}": ndcg(graded.grades, s, k)
                                for method, s in scores.items() for k in (10, 25)}
    return results


def devset(shared: Path, encode) -> dict[str, dict[str, float]]:
    pool = load_pool(shared)
    grades = load_grades()
    postings = [normalise(new_posting(ats="devset", board="devset", native_id=p["posting_id"], company=p["company"],
                                      title=p["title"], description=p["description"])) for p in pool]
    texts = [embedding_text(p["title"], p["description"]) for p in postings]
    calls = HireTypeModel.load().predict(texts, encode(texts))
    postings = [{**p, "expertise_probability": c.expertise_probability} for p, c in zip(postings, calls)]
    scorer = FitScorer(SkillExtractor.load(), encode)
    results = {}
    for name in sorted(grades):
        profile = load_profile(DEVSET_PROFILES / f"{name}.toml")
        profile = dataclasses.replace(profile, preferences=dataclasses.replace(
            profile.preferences, locations=(), remote="any", min_salary=None))
        truth = np.array([grades[name][(p["source_file"], p["posting_id"])] for p in pool], dtype=float)
        ours = np.array([r.fit_score - 1000 * r.tier for r in scorer.score_many(profile, postings)])
        tfidf = TfidfVectorizer(sublinear_tf=True, stop_words="english").fit(texts + [profile.resume])
        matrix = tfidf.transform(texts + [profile.resume])
        results[name] = {"marketfit@10": ndcg(truth, ours, 10),
                         "tfidf_cosine@10": ndcg(truth, (matrix[:-1] @ matrix[-1].T).toarray().ravel(), 10),
                         "embedding_cosine@10": ndcg(truth, encode(texts) @ encode([profile.resume])[0], 10)}
    return results


def _print(title: str, results: dict[str, dict[str, float]]) -> None:
    columns = list(next(iter(results.values())))
    print(f"\n{title}\n{'profile':<28}" + "".join(f"{c:>22}" for c in columns))
    for name, row in results.items():
        print(f"{name:<28}" + "".join(f"{row[c]:>22.3f}" for c in columns))
    print(f"{'mean':<28}" + "".join(f"{np.mean([row[c] for row in results.values()]):>22.3f}" for c in columns))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=REPO.parent / "shared" / "data")
    args = parser.parse_args()
    encode = cache_encoder(Embedder())
    _print("Fit hard set, NDCG, leave-profile-out (marketfit never saw the profile it ranks)", hardset(args.shared, encode))
    _print("Fit dev set (older, mostly across functions; place ignored by its graders), NDCG@10", devset(args.shared, encode))


if __name__ == "__main__":
    main()
