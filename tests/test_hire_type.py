"""The hire-type estimator's contract and lineage, and the company facts it learns from."""

from __future__ import annotations

import shutil
from datetime import date

import numpy as np
import pytest
from sklearn.base import clone

from models.company_facts import CompanyFacts, Seen, facts_among, facts_at
from models.company_facts import FEATURES as FACT_FEATURES
from models.hire_type import (ARTIFACT_DIR, CUES_PATH, EVIDENCE_LOGIT, CueMatcher, HireTypeClassifier, HireTypeModel,
                              pattern_counts)


def _separable(n: int = 120, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    y = (np.arange(n) % 3 == 0).astype(int)        # a third expertise, like the labels
    X = rng.normal(size=(n, 6)) + y[:, None] * np.array([2.0, -1.5, 0, 0, 1.0, 0])
    return X, y


def test_fit_predict_contract():
    X, y = _separable()
    model = HireTypeClassifier(C=1.0)
    assert model.fit(X, y) is model
    assert list(model.classes_) == [0, 1]
    proba = model.predict_proba(X)
    assert proba.shape == (len(X), 2) and np.allclose(proba.sum(axis=1), 1) and ((proba >= 0) & (proba <= 1)).all()
    assert set(model.predict(X)) <= {0, 1} and (model.predict(X) == y).mean() > 0.85
    assert 0.25 <= model.threshold_ <= 0.65
    assert clone(model).get_params() == {"C": 1.0, "cv": 5, "random_state": 0}
    again = HireTypeClassifier(C=1.0).fit(X, y)   # deterministic: the same data, the same model
    assert np.array_equal(again.coef_, model.coef_) and again.platt_ == model.platt_


def test_save_load_round_trip(tmp_path):
    X, y = _separable()
    model = HireTypeClassifier(C=0.3).fit(X, y)
    model.save(tmp_path, {"lineage": {"labels": "x"}})
    loaded, metadata = HireTypeClassifier.load(tmp_path)
    assert metadata["params"]["C"] == 0.3 and loaded.get_params() == model.get_params()
    assert np.array_equal(loaded.predict_proba(X), model.predict_proba(X))
    assert np.array_equal(loaded.predict(X), model.predict(X)) and loaded.threshold_ == model.threshold_
    assert not list(tmp_path.glob("*.pkl"))


def test_editing_the_lexicon_changes_the_version(tmp_path):
    lexicon = tmp_path / "cue_phrases.toml"
    shutil.copy(CUES_PATH, lexicon)
    before = HireTypeModel.load(ARTIFACT_DIR, lexicon).version
    assert HireTypeModel.load(ARTIFACT_DIR, lexicon).version == before    # the same inputs, the same version
    lexicon.write_text(CUES_PATH.read_text(encoding="utf-8").replace('"greenfield",', '"greenfield",\n  "skunkworks",'),
                       encoding="utf-8")
    edited = HireTypeModel.load(ARTIFACT_DIR, lexicon)
    assert edited.version != before
    # the new entry is found and cited; it has no learned weight until the model is trained again
    call = edited.predict(["Engineer\n\nJoin our skunkworks."], np.zeros((1, 384)), [CompanyFacts()])[0]
    assert 'expertise cue: "skunkworks"' in call.evidence


def test_each_cue_pattern_counts_in_the_column_it_was_trained_with():
    matcher = CueMatcher({"expertise": ["founding engineer", "greenfield"], "bandwidth": ["backfill"]})
    found = [matcher.find("Founding engineer for a greenfield greenfield build"), matcher.find("a backfill")]
    trained = [("bandwidth", r"\b(?:backfill)\b"), ("expertise", r"\b(?:greenfield)\b"),
               ("expertise", r"\b(?:from scratch)\b")]   # "founding engineer" was added after training
    assert np.allclose(pattern_counts(found, trained), np.log1p([[0, 2, 0], [1, 0, 0]]))


def test_the_served_model_weighs_facts_and_cites_those_that_moved_the_call():
    model = HireTypeModel.load()
    vector = np.zeros((1, 384), dtype=np.float32)
    text = ["Senior Engineer\n\nWe build payments software."]
    crowded = CompanyFacts(same_title_open=6, title_times_listed=8, department_age_days=700.0, company_open=40,
                           company_growth=-1.0, family_share=0.8)
    alone = model.predict(text, vector, [CompanyFacts()])[0]
    call = model.predict(text, vector, [crowded])[0]
    assert call.expertise_probability != alone.expertise_probability
    facts = [e for e in call.evidence if " fact: " in e]
    assert facts, call.evidence
    a, _ = model.classifier.platt_
    weights = dict(zip(FACT_FEATURES, a * model.classifier.coef_[-len(FACT_FEATURES) - 2:-2] * crowded.vector()))
    for line in facts:
        kind, _, rest = line.partition(" fact: ")
        name = next(n for n in FACT_FEATURES if rest.startswith(n))
        assert (weights[name] > 0) == (kind == "expertise") and abs(weights[name]) >= EVIDENCE_LOGIT


def _seen(pid: str, title: str, day: int, department: str | None = None, company: str = "Acme") -> Seen:
    return Seen(pid, company, title, department, date(2026, 3, day))


def test_facts_of_a_title_seen_before_a_new_department_and_growth():
    history = [_seen("a", "Backend Engineer", 1, "Platform"), _seen("b", "Backend Engineer", 20, "Platform"),
               _seen("c", "Backend Engineer", 20, "Platform"), _seen("d", "Finance Lead", 25, "Finance")]
    facts = facts_at(history, {"b", "c", "d"}, date(2026, 3, 28))
    assert facts["b"] == CompanyFacts(same_title_open=1, title_times_listed=1, new_department=False,
                                      department_age_days=19.0, company_open=3, company_growth=facts["b"].company_growth,
                                      family_share=pytest.approx(2 / 3, abs=1e-4))
    assert facts["d"].title_times_listed == 0 and facts["d"].new_department and facts["d"].department_age_days == 0
    assert facts["d"].family_share == pytest.approx(1 / 3, abs=1e-4)
    assert facts["b"].company_growth == pytest.approx(np.log((4 + 1) / (0 + 1)), abs=1e-4)  # all four new in 4 weeks
    assert set(facts) == {"b", "c", "d"}                                          # closed "a" is history only


def test_facts_among_a_file_compare_postings_of_one_company():
    postings = [{"posting_id": "1", "company": "Acme Inc.", "title": "Data Engineer"},
                {"posting_id": "2", "company": "acme", "title": "Data Engineer"},
                {"posting_id": "3", "company": "Other", "title": "Data Engineer"}]
    first, second, other = facts_among(postings)
    assert first.same_title_open == second.same_title_open == 1 and first.company_open == 2
    assert other.same_title_open == 0 and other.company_open == 1
