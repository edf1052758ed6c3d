"""Why is this role open? Bandwidth (more hands for existing work) or expertise
(a capability the team lacks), with a calibrated probability and evidence.

Text features: the posting embedding and counts of curated cue phrases for each
class, into a logistic regression Platt-calibrated on out-of-fold scores, saved
as plain arrays plus metadata (no pickle). What the warehouse knows about the
company then shifts the log-odds: the same title open several times → bandwidth;
a department new to the company's history → expertise. Those shifts are fixed
priors (FACT_LOGIT), not learned: labelled postings carry no company history.
"""

from __future__ import annotations

import json
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from re import _constants as sre_constants, _parser as sre_parser  # the stdlib's own reading of a pattern

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold, cross_val_predict

HERE = Path(__file__).parent
CUES_PATH = HERE / "data" / "cue_phrases.toml"
ARTIFACT_DIR = HERE / "artifacts" / "hire_type"
CLASSES = ("bandwidth", "expertise")
# log-odds shift per fact: per log(1 + other open postings with the same title), and for a new department
FACT_LOGIT = {"same_title_open": -0.8, "new_department": 0.8}
TITLE_ONLY_SHRINK = 0.5   # a title alone says little about why a role is open: its log-odds are halved


@dataclass(frozen=True)
class Cue:
    label: str
    phrase: str
    start: int
    end: int


# IGNORECASE matches an ASCII letter to these too (Python's re docs); casefold() leaves 'ı' alone and turns
# 'İ' into 'i' plus a combining dot above, so the text the anchors are looked for in maps them back
_ANCHOR_TEXT = str.maketrans({"\u0131": "i", "\u0307": None})


def anchor(pattern: str) -> str:
    """The longest run of literal ASCII characters every match of ``pattern`` contains ("" if none):
    a text without it cannot match, so the regex need not run (the regexes are the classifier's cost)."""
    best = run = ""
    for op, argument in sre_parser.parse(pattern):  # the top-level sequence: each item is required
        if op is sre_constants.LITERAL and chr(argument).isascii():
            run += chr(argument).lower()
        else:
            best, run = max(best, run, key=len), ""
    return max(best, run, key=len)


class CueMatcher:
    """Finds curated cue phrases (regexes) of each class in a text."""

    def __init__(self, phrases: dict[str, list[str]]) -> None:
        self.patterns = {label: [(re.compile(rf"\b(?:{p})\b", re.I), anchor(p)) for p in phrases.get(label, [])]
                         for label in CLASSES}

    @classmethod
    def load(cls, path: Path = CUES_PATH) -> "CueMatcher":
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        return cls({label: data[label]["phrases"] for label in CLASSES})

    def find(self, text: str) -> list[Cue]:
        folded = text.casefold().translate(_ANCHOR_TEXT)
        cues = []
        for label, patterns in self.patterns.items():
            for pattern, required in patterns:
                if required in folded:
                    cues.extend(Cue(label, m.group(0), m.start(), m.end()) for m in pattern.finditer(text))
        return sorted(cues, key=lambda c: c.start)

    def counts(self, texts: list[str]) -> np.ndarray:
        return cue_counts([self.find(text) for text in texts])


def cue_counts(found: list[list[Cue]]) -> np.ndarray:
    """log(1 + cues of each class) per text: the classifier's cue features."""
    rows = [[sum(c.label == label for c in cues) for label in CLASSES] for cues in found]
    return np.log1p(np.asarray(rows, dtype=np.float64)).reshape(len(found), len(CLASSES))


def features(vectors: np.ndarray, cue_counts: np.ndarray) -> np.ndarray:
    return np.hstack([vectors, cue_counts]).astype(np.float64)


@dataclass(frozen=True)
class CompanyFacts:
    same_title_open: int = 0       # other open postings with the same title at the company
    new_department: bool = False   # the posting's department first appeared in the company's latest scans


class HireTypeClassifier(ClassifierMixin, BaseEstimator):
    """Logistic regression with out-of-fold Platt calibration; y is 1 for expertise."""

    def __init__(self, C: float = 1.0, cv: int = 5, random_state: int = 0) -> None:
        self.C = C
        self.cv = cv
        self.random_state = random_state

    def _model(self) -> LogisticRegression:
        return LogisticRegression(C=self.C, class_weight="balanced", max_iter=2000)

    def fit(self, X: np.ndarray, y: np.ndarray) -> "HireTypeClassifier":
        X, y = np.asarray(X, dtype=np.float64), np.asarray(y, dtype=int)
        folds = StratifiedKFold(n_splits=self.cv, shuffle=True, random_state=self.random_state)
        out_of_fold = cross_val_predict(self._model(), X, y, cv=folds, method="decision_function")
        platt = LogisticRegression(C=1e6).fit(out_of_fold.reshape(-1, 1), y)
        model = self._model().fit(X, y)
        self.coef_, self.intercept_ = model.coef_[0].copy(), float(model.intercept_[0])
        self.platt_ = (float(platt.coef_[0, 0]), float(platt.intercept_[0]))
        self.classes_ = np.array([0, 1])
        return self

    def decision_function(self, X: np.ndarray) -> np.ndarray:
        return np.asarray(X, dtype=np.float64) @ self.coef_ + self.intercept_

    def calibrated_logit(self, X: np.ndarray) -> np.ndarray:
        a, b = self.platt_
        return a * self.decision_function(X) + b

    def predict_proba(self, X: np.ndarray) -> np.ndarray:
        expertise = 1.0 / (1.0 + np.exp(-self.calibrated_logit(X)))
        return np.column_stack([1 - expertise, expertise])

    def predict(self, X: np.ndarray) -> np.ndarray:
        return (self.predict_proba(X)[:, 1] >= 0.5).astype(int)

    def save(self, directory: Path, metadata: dict) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        np.savez(directory / "weights.npz", coef=self.coef_, intercept=self.intercept_, platt=self.platt_)
        params = self.get_params()
        (directory / "metadata.json").write_text(json.dumps({**metadata, "params": params}, indent=2) + "\n")

    @classmethod
    def load(cls, directory: Path = ARTIFACT_DIR) -> tuple["HireTypeClassifier", dict]:
        metadata = json.loads((directory / "metadata.json").read_text())
        weights = np.load(directory / "weights.npz")
        model = cls(**metadata["params"])
        model.coef_, model.intercept_ = weights["coef"], float(weights["intercept"])
        model.platt_ = tuple(float(v) for v in weights["platt"])
        model.classes_ = np.array([0, 1])
        return model, metadata


@dataclass
class HireTypeCall:
    hire_type: str
    expertise_probability: float
    evidence: list[str]


class HireTypeModel:
    """The saved classifier plus the cue lexicon: texts (+ vectors, facts) → calls with evidence."""

    def __init__(self, classifier: HireTypeClassifier, cues: CueMatcher, version: str) -> None:
        self.classifier = classifier
        self.cues = cues
        self.version = version

    @classmethod
    def load(cls, directory: Path = ARTIFACT_DIR) -> "HireTypeModel":
        classifier, metadata = HireTypeClassifier.load(directory)
        return cls(classifier, CueMatcher.load(), f"hire_type:{metadata['version']}:title-only{TITLE_ONLY_SHRINK}")

    def predict(self, texts: list[str], vectors: np.ndarray, facts: list[CompanyFacts] | None = None,
                title_only: list[bool] | None = None) -> list[HireTypeCall]:
        """``title_only``: postings with no description, whose call is tempered toward 0.5 and says so."""
        facts = facts or [CompanyFacts()] * len(texts)
        title_only = title_only or [False] * len(texts)
        found = [self.cues.find(text) for text in texts]  # the regexes are the cost: run them once per text
        logits = self.classifier.calibrated_logit(features(vectors, cue_counts(found)))
        calls = []
        for cues, logit, fact, bare in zip(found, logits, facts, title_only):
            evidence = [f'{cue.label} cue: "{cue.phrase}"' for cue in cues]
            if bare:
                logit *= TITLE_ONLY_SHRINK
                evidence.append("judged from the title only: no description, so the call is less sure")
            if fact.same_title_open:
                logit += FACT_LOGIT["same_title_open"] * np.log1p(fact.same_title_open)
                evidence.append(f"bandwidth fact: {fact.same_title_open} other open postings with the same "
                                "title at this company")
            if fact.new_department:
                logit += FACT_LOGIT["new_department"]
                evidence.append("expertise fact: a department new to this company's postings")
            probability = float(1.0 / (1.0 + np.exp(-logit)))
            label = CLASSES[int(probability >= 0.5)]
            if not evidence:
                evidence.append("no cue phrase; call made from the posting's overall wording (embedding)")
            calls.append(HireTypeCall(label, round(float(probability), 4), evidence[:8]))
        return calls
