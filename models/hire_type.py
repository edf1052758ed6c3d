"""Why is this role open? Bandwidth (more hands for existing work) or expertise
(a capability the team lacks), with a calibrated probability and evidence.

Features: the posting embedding, counts of curated cue phrases for each class, and what the company's
postings say (``models.company_facts``: the title's history, the department's age, posting growth, the
role family's share), into a logistic regression Platt-calibrated on out-of-fold scores, saved as plain
arrays plus metadata (no pickle). The facts are learned like the rest, from the labelled postings' own
company histories.
"""

from __future__ import annotations

import hashlib
import json
import re
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from re import _constants as sre_constants, _parser as sre_parser  # the stdlib's own reading of a pattern

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import f1_score
from sklearn.model_selection import StratifiedKFold, cross_val_predict

from models.company_facts import FEATURES as FACT_FEATURES, CompanyFacts, facts_among
from models.embedder import MODEL_KEY
from scrapers.normalise import embedding_text

HERE = Path(__file__).parent
CUES_PATH = HERE / "data" / "cue_phrases.toml"
ARTIFACT_DIR = HERE / "artifacts" / "hire_type"
CLASSES = ("bandwidth", "expertise")
TITLE_ONLY_SHRINK = 0.5   # a title alone says little about why a role is open: its log-odds are halved
# how a posting becomes the text the model reads; change it whenever that changes, so stored calls are redone
TEXT_PREPARATION = f"1:parse_job+normalise,embedding_text(title,description),{MODEL_KEY}"
FEATURE_NAMES = ("embedding", "log1p(bandwidth cues)", "log1p(expertise cues)", "log1p(matches) per cue pattern",
                 *FACT_FEATURES,
                 "expertise cues x bandwidth cues", "expertise cues x same title listed or open")
THRESHOLDS = tuple(np.round(np.arange(0.25, 0.651, 0.05), 2))  # candidate expertise thresholds
EVIDENCE_LOGIT = 0.3      # a fact is cited when it moves the calibrated log-odds by at least this much


@dataclass(frozen=True)
class Cue:
    label: str
    phrase: str
    start: int
    end: int
    pattern: str = field(default="", compare=False)   # the lexicon regex that found it


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
                    cues.extend(Cue(label, m.group(0), m.start(), m.end(), pattern.pattern)
                                for m in pattern.finditer(text))
        return sorted(cues, key=lambda c: c.start)

    def counts(self, texts: list[str]) -> np.ndarray:
        return cue_counts([self.find(text) for text in texts])

    def keys(self) -> list[tuple[str, str]]:
        """(class, regex) of every lexicon entry, in lexicon order: the per-pattern features' columns."""
        return [(label, pattern.pattern) for label in CLASSES for pattern, _ in self.patterns[label]]


def cue_counts(found: list[list[Cue]]) -> np.ndarray:
    """log(1 + cues of each class) per text: the classifier's cue features."""
    rows = [[sum(c.label == label for c in cues) for label in CLASSES] for cues in found]
    return np.log1p(np.asarray(rows, dtype=np.float64)).reshape(len(found), len(CLASSES))


def pattern_counts(found: list[list[Cue]], keys: list[tuple[str, str]]) -> np.ndarray:
    """log(1 + matches) of each lexicon entry per text: each cue gets its own learned weight ("founding" is
    weaker than "our first finance hire"). ``keys`` are the entries the model was trained with; an entry
    added since has no column, one removed since counts nothing."""
    column = {key: j for j, key in enumerate(keys)}
    rows = np.zeros((len(found), len(keys)))
    for i, cues in enumerate(found):
        for cue in cues:
            if (cue.label, cue.pattern) in column:
                rows[i, column[(cue.label, cue.pattern)]] += 1
    return np.log1p(rows)


def features(vectors: np.ndarray, found: list[list[Cue]], facts: list[CompanyFacts],
             keys: list[tuple[str, str]]) -> np.ndarray:
    """Embedding, cue counts per class and per lexicon entry (``keys``), fact features, and two interactions:
    an expertise cue ("founding", "from scratch") said beside bandwidth cues, or by a company already listing
    the same title, is weaker."""
    cue_counts_ = cue_counts(found)
    fact_rows = np.asarray([fact.vector() for fact in facts], dtype=np.float64).reshape(len(facts), len(FACT_FEATURES))
    repeated = np.log1p([fact.same_title_open + fact.title_times_listed for fact in facts])
    interactions = np.column_stack([cue_counts_[:, 1] * cue_counts_[:, 0], cue_counts_[:, 1] * repeated])
    return np.hstack([vectors, cue_counts_, pattern_counts(found, keys), fact_rows, interactions]).astype(np.float64)


def file_digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()[:12]


def model_version(lineage: dict, cues_path: Path = CUES_PATH) -> str:
    """The hash of what the calls depend on: labels, lexicon, text preparation, hyper-parameters."""
    parts = {**lineage, "lexicon": file_digest(cues_path), "text_preparation": TEXT_PREPARATION,
             "title_only_shrink": TITLE_ONLY_SHRINK}
    return "hire_type:" + hashlib.sha256(json.dumps(parts, sort_keys=True).encode()).hexdigest()[:16]


class HireTypeClassifier(ClassifierMixin, BaseEstimator):
    """Logistic regression with out-of-fold Platt calibration; y is 1 for expertise. The expertise call is
    made above the calibrated probability that gave the best out-of-fold macro-F1 (``threshold_``): the
    classes are unequal, and 0.5 misses expertise hires the probability ranks well."""

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
        calibrated = platt.predict_proba(out_of_fold.reshape(-1, 1))[:, 1]
        self.threshold_ = max(THRESHOLDS, key=lambda t: (f1_score(y, calibrated >= t, average="macro"), -abs(t - 0.5)))
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
        return (self.predict_proba(X)[:, 1] >= self.threshold_).astype(int)

    def save(self, directory: Path, metadata: dict) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        np.savez(directory / "weights.npz", coef=self.coef_, intercept=self.intercept_, platt=self.platt_,
                 threshold=self.threshold_)
        params = self.get_params()
        (directory / "metadata.json").write_text(json.dumps({**metadata, "params": params}, indent=2) + "\n")

    @classmethod
    def load(cls, directory: Path = ARTIFACT_DIR) -> tuple["HireTypeClassifier", dict]:
        metadata = json.loads((directory / "metadata.json").read_text())
        weights = np.load(directory / "weights.npz")
        model = cls(**metadata["params"])
        model.coef_, model.intercept_ = weights["coef"], float(weights["intercept"])
        model.platt_ = tuple(float(v) for v in weights["platt"])
        model.threshold_ = float(weights["threshold"])
        model.classes_ = np.array([0, 1])
        return model, metadata


@dataclass
class HireTypeCall:
    hire_type: str
    expertise_probability: float
    evidence: list[str]


class HireTypeModel:
    """The saved classifier plus the cue lexicon: texts (+ vectors, facts) → calls with evidence."""

    def __init__(self, classifier: HireTypeClassifier, cues: CueMatcher, version: str,
                 trained_cues: list[tuple[str, str]]) -> None:
        self.classifier = classifier
        self.cues = cues
        self.version = version
        self.trained_cues = trained_cues

    @classmethod
    def load(cls, directory: Path = ARTIFACT_DIR, cues_path: Path = CUES_PATH) -> "HireTypeModel":
        classifier, metadata = HireTypeClassifier.load(directory)
        return cls(classifier, CueMatcher.load(cues_path), model_version(metadata["lineage"], cues_path),
                   [tuple(key) for key in metadata["cue_patterns"]])

    def _fact_evidence(self, fact: CompanyFacts) -> list[str]:
        """The facts that moved this call, in words, strongest first."""
        a, _ = self.classifier.platt_
        start = len(self.classifier.coef_) - len(FACT_FEATURES) - 2
        moves = a * self.classifier.coef_[start:start + len(FACT_FEATURES)] * np.asarray(fact.vector())
        cited = []
        for move, name, value in sorted(zip(moves, FACT_FEATURES, fact.shown()), key=lambda row: -abs(row[0])):
            if abs(move) >= EVIDENCE_LOGIT:
                cited.append(f"{CLASSES[int(move > 0)]} fact: {name}: {value}")
        return cited

    def predict(self, texts: list[str], vectors: np.ndarray, facts: list[CompanyFacts],
                title_only: list[bool] | None = None) -> list[HireTypeCall]:
        """``facts``: what the company's postings say (``models.company_facts``); ``title_only``: postings with
        no description, whose call is tempered toward 0.5 and says so."""
        title_only = title_only or [False] * len(texts)
        found = [self.cues.find(text) for text in texts]  # the regexes are the cost: run them once per text
        logits = self.classifier.calibrated_logit(features(vectors, found, facts, self.trained_cues))
        calls = []
        for cues, logit, fact, bare in zip(found, logits, facts, title_only):
            evidence = [f'{cue.label} cue: "{cue.phrase}"' for cue in cues]
            if bare:
                logit *= TITLE_ONLY_SHRINK
                evidence.append("judged from the title only: no description, so the call is less sure")
            evidence += self._fact_evidence(fact)
            probability = float(1.0 / (1.0 + np.exp(-logit)))
            label = CLASSES[int(probability >= self.classifier.threshold_)]
            if not evidence:
                evidence.append("no cue phrase; call made from the posting's overall wording (embedding)")
            calls.append(HireTypeCall(label, round(float(probability), 4), evidence[:8]))
        return calls

    def predict_postings(self, postings: list[dict], encode: Callable[[list[str]], np.ndarray],
                         role_texts: list[str] | None = None) -> list[HireTypeCall]:
        """Calls for normalised postings read together, with no warehouse (a postings file, the fit hard set):
        a posting's company facts come from the others of its company among them. ``role_texts``: each
        description's role content (``models.sections``), where the cues are read; the whole text when None."""
        texts = [embedding_text(p["title"], p["description"]) for p in postings]
        cue_texts = texts if role_texts is None else [embedding_text(p["title"], role)
                                                       for p, role in zip(postings, role_texts)]
        return self.predict(cue_texts, encode(texts), facts_among(postings),
                            title_only=[not p["description"].strip() for p in postings])
