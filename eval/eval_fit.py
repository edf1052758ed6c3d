"""Fit ranking quality on the graded dev set: NDCG@10 of marketfit's fit score vs two baselines.

Baselines run on the same data: TF-IDF cosine of resume vs posting, and raw embedding cosine
(same model). Location, remote and salary preferences are dropped because the graders ignored them;
roles, functions to avoid and seniority are kept. Reads posting texts from ../shared/data.

    python eval/eval_fit.py [--shared ../shared/data]
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
from pathlib import Path

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.metrics import ndcg_score

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "eval" / "fit_devset"))

from models.embedder import Embedder  # noqa: E402
from models.fit import FitScorer  # noqa: E402
from models.hire_type import HireTypeModel  # noqa: E402
from models.profile import load_profile  # noqa: E402
from models.skills import SkillExtractor  # noqa: E402
from pool import load_grades, load_pool  # noqa: E402
from scrapers.normalise import embedding_text  # noqa: E402

PROFILES = REPO / "eval" / "fit_devset" / "profiles"


def ndcg_at_10(grades: np.ndarray, scores: np.ndarray) -> float:
    return float(ndcg_score(grades[None, :], scores[None, :], k=10))


def evaluate(shared: Path) -> dict[str, dict[str, float]]:
    pool = load_pool(shared)
    grades = load_grades()
    embedder = Embedder()
    cache: dict[str, np.ndarray] = {}

    def encode(texts: list[str]) -> np.ndarray:
        missing = [t for t in dict.fromkeys(texts) if t not in cache]
        cache.update(zip(missing, embedder.encode(missing)))
        return np.stack([cache[t] for t in texts])

    texts = [embedding_text(p["title"], p["description"]) for p in pool]
    calls = HireTypeModel.load().predict(texts, encode(texts))
    postings = [{**p, "expertise_probability": c.expertise_probability} for p, c in zip(pool, calls)]
    scorer = FitScorer(SkillExtractor.load(), encode)
    results: dict[str, dict[str, float]] = {}
    for name in sorted(grades):
        profile = load_profile(PROFILES / f"{name}.toml")
        profile = dataclasses.replace(profile, preferences=dataclasses.replace(
            profile.preferences, locations=(), remote="any", min_salary=None))
        truth = np.array([grades[name][(p["source_file"], p["posting_id"])] for p in pool], dtype=float)
        ours = np.array([r.fit_score for r in scorer.score_many(profile, postings)])
        tfidf = TfidfVectorizer(sublinear_tf=True, stop_words="english").fit(texts + [profile.resume])
        matrix = tfidf.transform(texts + [profile.resume])
        tfidf_scores = (matrix[:-1] @ matrix[-1].T).toarray().ravel()
        cosine = encode(texts) @ encode([profile.resume])[0]
        results[name] = {"marketfit": ndcg_at_10(truth, ours), "tfidf_cosine": ndcg_at_10(truth, tfidf_scores),
                         "embedding_cosine": ndcg_at_10(truth, cosine)}
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=REPO.parent / "shared" / "data")
    args = parser.parse_args()
    results = evaluate(args.shared)
    methods = ("marketfit", "tfidf_cosine", "embedding_cosine")
    print(f"{'profile':<20}" + "".join(f"{m:>18}" for m in methods))
    for name, row in results.items():
        print(f"{name:<20}" + "".join(f"{row[m]:>18.3f}" for m in methods))
    means = {m: float(np.mean([row[m] for row in results.values()])) for m in methods}
    print(f"{'mean NDCG@10':<20}" + "".join(f"{means[m]:>18.3f}" for m in methods))


if __name__ == "__main__":
    main()
