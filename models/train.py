"""Rebuild the hire-type model from the labelled postings (``marketfit train`` / ``make models``).

Labels live in the repo (models/data/hire_type_labels.jsonl: ids, labels and the
deciding phrase); the posting texts they point to are read from ../shared/data.
Only the train split is used to fit; the test split is scored once and reported.
"""

from __future__ import annotations

import hashlib
import html
import json
import platform
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

import html_text
import numpy as np
from sklearn.metrics import f1_score
from sklearn.model_selection import StratifiedKFold, cross_val_predict

from models.data.check_labels import clean, hn_title, postings_in_file
from models.embedder import MODEL_KEY, Embedder
from models.hire_type import ARTIFACT_DIR, CLASSES, CueMatcher, HireTypeClassifier, features
from models.sections import boilerplate_spans, role_text, segment_board
from scrapers.normalise import clean_text

LABELS_PATH = Path(__file__).parent / "data" / "hire_type_labels.jsonl"
DEFAULT_SHARED = Path(__file__).resolve().parents[2] / "shared" / "data"


@dataclass
class LabelledSet:
    texts: list[str]
    cue_texts: list[str]   # the role content, read as a scan reads the posting: where the cues are counted
    y: np.ndarray
    split: list[str]


def layout_text(raw: str) -> str:
    """A recorded posting's HTML (Greenhouse's escaped twice) as a scan stores it: read with its layout, tidied."""
    return clean_text(html_text.extract_text(html.unescape(raw), guess_layout=True))


def role_texts_in_file(rel: str, shared: Path) -> dict[str, str]:
    """The role content of each posting of a recorded file, the file read as one board."""
    postings = [(pid, title or hn_title(raw), layout_text(raw))
                for pid, title, raw in postings_in_file(rel, str(shared))]
    segments = segment_board([(title, text) for _, title, text in postings])
    return {pid: role_text(text, boilerplate_spans(found)) for (pid, _, text), found in zip(postings, segments)}


def load_labelled(shared: Path, labels_path: Path = LABELS_PATH) -> LabelledSet:
    """Labelled postings with their texts; the 'unclear' class is left out."""
    if not shared.is_dir():
        raise FileNotFoundError(f"{shared}: the shared data folder is needed to read the labelled postings")
    rows = [json.loads(line) for line in labels_path.read_text(encoding="utf-8").splitlines() if line.strip()]
    texts_by_file: dict[str, dict[str, str]] = {}
    roles_by_file: dict[str, dict[str, str]] = {}
    texts, cue_texts, y, split = [], [], [], []
    for row in rows:
        if row["label"] not in CLASSES:
            continue
        if row["file"] not in texts_by_file:
            texts_by_file[row["file"]] = {pid: clean(text) for pid, _, text in postings_in_file(row["file"], str(shared))}
            roles_by_file[row["file"]] = role_texts_in_file(row["file"], shared)
        texts.append(texts_by_file[row["file"]][row["id"]])
        cue_texts.append(roles_by_file[row["file"]][row["id"]])
        y.append(CLASSES.index(row["label"]))
        split.append(row["split"])
    return LabelledSet(texts, cue_texts, np.asarray(y), split)


def _macro_f1(y_true: np.ndarray, y_pred: np.ndarray) -> float:
    return round(float(f1_score(y_true, y_pred, average="macro", labels=[0, 1], zero_division=0)), 4)


def cue_only(cues: CueMatcher, texts: list[str]) -> np.ndarray:
    """Baseline: expertise when a text has more expertise cues than bandwidth cues."""
    counts = cues.counts(texts)
    return (counts[:, 1] > counts[:, 0]).astype(int)


C_GRID = (0.1, 0.3, 1.0, 3.0)
NEAR_DUPLICATE = 0.95  # embedding cosine above which two postings are the same ad


def evaluate_and_train(shared: Path = DEFAULT_SHARED, out: Path | None = ARTIFACT_DIR) -> dict:
    """Choose C by 5-fold CV on the train split, fit on all of it, score the test split, save to ``out``
    (None: evaluate only). Deterministic: the same labels give the same model and numbers."""
    data = load_labelled(shared)
    train = np.array([s == "train" for s in data.split])
    embedder = Embedder()
    vectors = embedder.encode(data.texts)
    cues = CueMatcher.load()
    X = features(vectors, cues.counts(data.cue_texts))
    X_train, y_train, X_test, y_test = X[train], data.y[train], X[~train], data.y[~train]
    folds = StratifiedKFold(n_splits=5, shuffle=True, random_state=0)
    cv_f1 = {C: _macro_f1(y_train, cross_val_predict(HireTypeClassifier(C=C), X_train, y_train, cv=folds))
             for C in C_GRID}
    C = max(C_GRID, key=lambda c: (cv_f1[c], -c))
    classifier = HireTypeClassifier(C=C).fit(X_train, y_train)
    test_texts = [t for t, is_train in zip(data.cue_texts, train) if not is_train]
    majority = int(np.bincount(y_train).argmax())
    # HN companies repost the same ad under new ids: also score the test rows with no near-copy in train
    unseen = (vectors[~train] @ vectors[train].T).max(axis=1) < NEAR_DUPLICATE
    metrics = {
        "cv_macro_f1": cv_f1[C], "cv_macro_f1_by_C": {str(c): f for c, f in cv_f1.items()},
        "test_macro_f1": _macro_f1(y_test, classifier.predict(X_test)),
        "test_majority_baseline_macro_f1": _macro_f1(y_test, np.full_like(y_test, majority)),
        "test_cue_only_baseline_macro_f1": _macro_f1(y_test, cue_only(cues, test_texts)),
        "test_unseen_macro_f1": _macro_f1(y_test[unseen], classifier.predict(X_test[unseen])),
        "test_unseen_size": int(unseen.sum()),
        "train_size": int(train.sum()), "test_size": int((~train).sum()),
        "train_expertise_share": round(float(y_train.mean()), 3),
    }
    if out is None:
        return metrics
    labels_digest = hashlib.sha256(LABELS_PATH.read_bytes()).hexdigest()[:12]
    import sklearn
    import torch

    classifier.save(out, {
        "version": f"{labels_digest}-C{C}",
        "trained_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "training_data": {"labels": "models/data/hire_type_labels.jsonl", "sha256_12": labels_digest,
                          "texts_from": "../shared/data (see models/data/README.md)", "split": "train"},
        "embedding_model": MODEL_KEY, "embedding_precision": embedder.precision,
        "features": ["embedding[384]", "log1p(bandwidth cues)", "log1p(expertise cues)"],
        "library_versions": {"python": platform.python_version(), "numpy": np.__version__,
                             "scikit-learn": sklearn.__version__, "torch": torch.__version__},
        "metrics": metrics,
    })
    return metrics
