"""Rebuild the hire-type model from the labelled postings (``marketfit train`` / ``make models``).

Labels live in the repo (models/data/hire_type_labels.jsonl: ids, labels and the deciding phrase); the
postings they point to are read from ../shared/data through the project's parsers and normaliser
(``models.data.labelled_postings``), with the company facts the warehouse would have had for them.
Only the train split is used to fit; the test split is scored once and reported.
"""

from __future__ import annotations

import json
import platform
import re
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

import numpy as np
from sklearn.metrics import f1_score, precision_score, recall_score
from sklearn.model_selection import StratifiedKFold, cross_val_predict

from models.company_facts import CompanyFacts
from models.data.labelled_postings import postings_of_file, training_facts
from models.embedder import MODEL_KEY, Embedder
from models.hire_type import (ARTIFACT_DIR, CLASSES, CUES_PATH, FEATURE_NAMES, TEXT_PREPARATION, CueMatcher,
                              HireTypeClassifier, cue_counts, features, file_digest, model_version)
from models.sections import boilerplate_spans, role_text, segment_board
from scrapers.normalise import embedding_text

LABELS_PATH = Path(__file__).parent / "data" / "hire_type_labels.jsonl"
DEFAULT_SHARED = Path(__file__).resolve().parents[2] / "shared" / "data"
C_GRID = (0.3, 1.0, 3.0, 10.0, 30.0)
NEAR_COPY_COSINE = 0.95   # embedding cosine at or above which two postings are the same ad
NEAR_COPY_JACCARD = 0.5   # or this share of shared word 5-grams: a repost with an edited header or line
RELIABILITY_BINS = 10


@dataclass
class LabelledSet:
    keys: list[str]
    texts: list[str]
    cue_texts: list[str]   # the role content, read as a scan reads the posting: where the cues are counted
    facts: list[CompanyFacts]
    y: np.ndarray
    split: list[str]


def role_texts_of_file(shared: Path, rel: str) -> dict[str, str]:
    """The role content of each posting of a recorded file, the file read as one board (as a scan reads it)."""
    postings = postings_of_file(shared, rel)
    texts = {pid: posting["description"] or "" for pid, posting in postings.items()}
    segments = segment_board([(postings[pid]["title"], text) for pid, text in texts.items()])
    return {pid: role_text(text, boilerplate_spans(found)) for (pid, text), found in zip(texts.items(), segments)}


def load_labelled(shared: Path, labels_path: Path = LABELS_PATH) -> LabelledSet:
    """Labelled postings with their texts and company facts; the 'unclear' class is left out."""
    if not shared.is_dir():
        raise FileNotFoundError(f"{shared}: the shared data folder is needed to read the labelled postings")
    rows = [json.loads(line) for line in labels_path.read_text(encoding="utf-8").splitlines() if line.strip()]
    rows = [row for row in rows if row["label"] in CLASSES]
    postings = [postings_of_file(shared, row["file"])[row["id"]] for row in rows]
    roles = {rel: role_texts_of_file(shared, rel) for rel in {row["file"] for row in rows}}
    return LabelledSet(keys=[f"{row['source']}:{row['id']}" for row in rows],
                       texts=[embedding_text(p["title"], p["description"]) for p in postings],
                       cue_texts=[embedding_text(p["title"], roles[row["file"]][row["id"]])
                                  for p, row in zip(postings, rows)],
                       facts=training_facts(shared, rows),
                       y=np.asarray([CLASSES.index(row["label"]) for row in rows]),
                       split=[row["split"] for row in rows])


def cue_only(cues: CueMatcher, texts: list[str]) -> np.ndarray:
    """Baseline: expertise when a text has more expertise cues than bandwidth cues."""
    counts = cues.counts(texts)
    return (counts[:, 1] > counts[:, 0]).astype(int)


def scores(y_true: np.ndarray, y_pred: np.ndarray) -> dict:
    """Macro-F1 and the expertise class's recall and precision."""
    def rounded(metric, **kwargs) -> float:
        return round(float(metric(y_true, y_pred, zero_division=0, **kwargs)), 4)
    return {"macro_f1": rounded(f1_score, average="macro", labels=[0, 1]),
            "expertise_recall": rounded(recall_score), "expertise_precision": rounded(precision_score)}


def reliability(y_true: np.ndarray, probability: np.ndarray, bins: int = RELIABILITY_BINS) -> list[dict]:
    """Equal-width probability bins: how many postings, mean predicted expertise probability, observed share."""
    index = np.minimum((probability * bins).astype(int), bins - 1)
    return [{"bin": f"{b / bins:.1f}-{(b + 1) / bins:.1f}", "n": int((index == b).sum()),
             "mean_predicted": round(float(probability[index == b].mean()), 3),
             "observed": round(float(y_true[index == b].mean()), 3)}
            for b in range(bins) if (index == b).any()]


def _shingles(text: str) -> set[tuple[str, ...]]:
    words = re.findall(r"\w+", text.casefold())
    return {tuple(words[i:i + 5]) for i in range(max(len(words) - 4, 1))}


def no_near_copy(texts: list[str], vectors: np.ndarray, train: np.ndarray) -> np.ndarray:
    """For each test posting: True when no train posting is a near-copy of it (HN companies repost the same
    ad under new ids each month)."""
    train_shingles = [_shingles(t) for t, is_train in zip(texts, train) if is_train]
    cosine = (vectors[~train] @ vectors[train].T).max(axis=1)
    unseen = []
    for text, closest in zip([t for t, is_train in zip(texts, train) if not is_train], cosine):
        mine = _shingles(text)
        jaccard = max(len(mine & other) / len(mine | other) for other in train_shingles)
        unseen.append(closest < NEAR_COPY_COSINE and jaccard < NEAR_COPY_JACCARD)
    return np.asarray(unseen)


def flat(metrics: dict, prefix: str = "") -> dict:
    """Nested figures as dotted keys (``test.model.macro_f1``), for a table; the reliability bins left out."""
    out = {}
    for key, value in metrics.items():
        if isinstance(value, dict) and key != "cv_macro_f1_by_C":
            out |= flat(value, f"{prefix}{key}.")
        elif not isinstance(value, list):
            out[f"{prefix}{key}"] = value
    return out


def _choose_C(X: np.ndarray, y: np.ndarray) -> tuple[float, dict]:
    folds = StratifiedKFold(n_splits=5, shuffle=True, random_state=0)
    cv = {C: scores(y, cross_val_predict(HireTypeClassifier(C=C), X, y, cv=folds))["macro_f1"] for C in C_GRID}
    return max(C_GRID, key=lambda c: (cv[c], -c)), cv


def evaluate_and_train(shared: Path = DEFAULT_SHARED, out: Path | None = ARTIFACT_DIR) -> dict:
    """Choose C by 5-fold CV on the train split, fit on all of it, score the test split (all of it, and the
    postings with no near-copy in train) beside the previous recipe (embedding and cue counts per class) and
    a cue-only baseline, save to ``out`` (None: evaluate only). Deterministic."""
    data = load_labelled(shared)
    train = np.array([s == "train" for s in data.split])
    embedder = Embedder()
    vectors = embedder.encode(data.texts)
    cues = CueMatcher.load()
    found = [cues.find(text) for text in data.cue_texts]
    X = features(vectors, found, data.facts, cues.keys())
    previous_X = np.hstack([vectors, cue_counts(found)])   # the model before cue and fact weights were learned
    y_train, y_test = data.y[train], data.y[~train]
    C, cv = _choose_C(X[train], y_train)
    classifier = HireTypeClassifier(C=C).fit(X[train], y_train)
    previous_C, _ = _choose_C(previous_X[train], y_train)
    previous = HireTypeClassifier(C=previous_C).fit(previous_X[train], y_train)
    unseen = no_near_copy(data.texts, vectors, train)
    predictions = {"model": classifier.predict(X[~train]), "previous_model": previous.predict(previous_X[~train]),
                   "cue_only_baseline": cue_only(cues, [t for t, is_train in zip(data.cue_texts, train) if not is_train])}
    probability = classifier.predict_proba(X[~train])[:, 1]
    metrics = {
        "cv_macro_f1": cv[C], "cv_macro_f1_by_C": {str(c): f for c, f in cv.items()},
        "test": {name: scores(y_test, predicted) for name, predicted in predictions.items()},
        "test_no_near_copy": {name: scores(y_test[unseen], predicted[unseen])
                              for name, predicted in predictions.items()},
        "test_brier": round(float(np.mean((probability - y_test) ** 2)), 4),
        "test_reliability": reliability(y_test, probability),
        "train_size": int(train.sum()), "test_size": int((~train).sum()), "test_no_near_copy_size": int(unseen.sum()),
        "train_expertise_share": round(float(y_train.mean()), 3),
    }
    if out is None:
        return metrics
    import sklearn
    import torch

    lineage = {"labels": file_digest(LABELS_PATH), "params": classifier.get_params(), "features": FEATURE_NAMES}
    classifier.save(out, {
        "lineage": lineage,
        "cue_patterns": cues.keys(),
        "version_at_training": model_version(lineage, CUES_PATH),
        "trained_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "training_data": {"labels": "models/data/hire_type_labels.jsonl", "lexicon": "models/data/cue_phrases.toml",
                          "texts_from": "../shared/data through the project's parsers and normaliser",
                          "text_preparation": TEXT_PREPARATION, "split": "train"},
        "embedding_model": MODEL_KEY, "embedding_precision": embedder.precision,
        "library_versions": {"python": platform.python_version(), "numpy": np.__version__,
                             "scikit-learn": sklearn.__version__, "torch": torch.__version__},
        "metrics": metrics,
    })
    return metrics
