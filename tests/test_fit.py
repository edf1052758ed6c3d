"""Profile parsing and the fit scorer, with the real embedding model."""

from __future__ import annotations

import dataclasses
import json

import pytest

from models.fit import FEATURES, FitModel, FitScorer, requirement_lines
from models.profile import Preferences, load_profile
from models.skills import SkillExtractor
from scrapers.items import new_posting
from scrapers.normalise import normalise
from tests.helpers import DEMO

RESUME = """# Sam Lee
Senior Backend Engineer · Berlin

## Summary
Backend engineer building payment systems.

## Experience
### Backend Engineer — Paycorp (2016–present)
- Built a Go payments ledger on PostgreSQL processing 2M transactions a day
- Ran Kubernetes clusters on AWS for 40 services
- Mentored junior engineers

## Skills
Go, Python, PostgreSQL, Kubernetes, AWS

## Looking for
- Senior backend engineer roles, remote only
"""



def posting(title: str, description: str, **fields) -> dict:
    """A posting as the scorer reads it: the normaliser's record (what scans and `load` store)."""
    return normalise(new_posting(ats="file", board="test", native_id=title, company="Co", title=title,
                                 description=description, **fields))


BACKEND = posting("Senior Backend Engineer", "About the team\nWe build payment infrastructure.\n\nRequirements:\n"
                  "- 5+ years building backend services in Go or Python\n"
                  "- Deep experience with PostgreSQL at scale\n- Kubernetes in production\n\nNice to have:\n- Kafka",
                  location="Remote (Europe)", remote="remote")
SALES = posting("Account Executive, Mid-Market", "Requirements:\n- 3+ years closing SaaS deals with mid-market "
                "customers\n- Track record of exceeding quota\n- Excellent negotiation skills",
                location="New York, NY", remote="onsite", salary_max=90000.0, salary_currency="USD",
                salary_period="year")


@pytest.fixture
def resume_file(tmp_path):
    path = tmp_path / "sam.md"
    path.write_text(RESUME)
    return path


@pytest.fixture(scope="module")
def scorer(embedder):
    return FitScorer(SkillExtractor.load(), embedder.encode)


def test_resume_is_parsed_into_sections_lines_years_and_preferences(resume_file):
    profile = load_profile(resume_file)
    assert profile.name == "sam" and profile.headline == "Senior Backend Engineer · Berlin"
    assert {"summary", "experience", "skills", "looking for"} <= set(profile.sections)
    assert "Ran Kubernetes clusters on AWS for 40 services" in profile.lines
    assert not any("remote only" in line for line in profile.lines)  # preferences are not evidence
    assert profile.years_experience >= 9 and profile.seniority == "senior"
    assert profile.preferences.remote == "remote-only"
    assert profile.preferences.roles == ("Senior backend engineer roles, remote only",)


def test_demo_profile_toml_reads_preferences_relative_to_the_file():
    profile = load_profile(DEMO / "profile.toml")
    assert profile.name == "alex" and profile.preferences.min_salary == 150000
    assert "account executive" in profile.preferences.avoid and profile.lines


def test_requirement_lines_prefer_the_requirements_section():
    lines = requirement_lines(BACKEND["description"])
    assert lines[0] == "5+ years building backend services in Go or Python"
    assert "We build payment infrastructure." not in lines


def test_backend_posting_fits_far_better_than_sales_and_explains_why(resume_file, scorer):
    profile = load_profile(resume_file)
    backend, sales = scorer.score_many(profile, [BACKEND, SALES])
    assert backend.fit_score > sales.fit_score + 25
    assert backend.gates == [] and backend.tier == 0 and backend.confidence == "full text"
    assert backend.matched and all(m["resume_line"] in profile.lines for m in backend.matched)
    assert backend.components["family_same"] == 1 and sales.components["family_other"] == 1
    assert "Kafka" not in backend.gaps  # a nice-to-have is not a gap
    assert sales.tier == 1 and any("remote only" in gate for gate in sales.gates)
    assert any("a different function" in reason for reason in sales.reasons)


def test_contributions_add_up_to_the_score(resume_file, scorer):
    profile = load_profile(resume_file)
    result, = scorer.score_many(profile, [BACKEND])
    total = scorer.model.intercept + sum(result.contributions.values())
    assert result.fit_score == pytest.approx(min(100, max(0, total)), abs=0.1)
    assert set(result.contributions) <= set(FEATURES)


def test_a_hard_preference_orders_a_soft_one_costs_points_and_the_score_is_kept(resume_file, scorer):
    profile = load_profile(resume_file)
    underpaid = {**BACKEND, "salary_max_annual": 60000.0, "salary_currency": "EUR"}
    floor = dict(min_salary=100000, currency="EUR", roles=("backend engineer",))
    hard = dataclasses.replace(profile, preferences=Preferences(**floor))
    soft = dataclasses.replace(profile, preferences=Preferences(**floor, soft=("salary",)))
    fine = dataclasses.replace(profile, preferences=Preferences(roles=("backend engineer",)))
    gated, = scorer.score_many(hard, [underpaid])
    softened, = scorer.score_many(soft, [underpaid])
    unbothered, = scorer.score_many(fine, [underpaid])
    assert gated.tier == 1 and "ranked below the rest" in gated.gates[0] and "below your floor" in gated.gates[0]
    assert softened.tier == 0 and "soft: costs points" in softened.gates[0]
    assert gated.fit_score == softened.fit_score            # a tier orders; it does not clip the score
    assert softened.fit_score < unbothered.fit_score        # the learned cost of pay below the floor
    assert softened.contributions["salary_below"] < 0


def test_the_place_preference_reads_the_normalised_place(resume_file, scorer):
    profile = dataclasses.replace(load_profile(resume_file), preferences=Preferences(
        locations=("Berlin", "Germany", "Europe"), remote="remote-only", roles=("backend engineer",)))
    us_only = posting("Senior Backend Engineer", BACKEND["description"], location="Remote (US only)")
    europe = posting("Senior Backend Engineer", BACKEND["description"], location="REMOTE (EU-friendly)")
    berlin_office = posting("Senior Backend Engineer", BACKEND["description"], location="Berlin", remote="onsite")
    unknown = posting("Senior Backend Engineer", BACKEND["description"])
    results = scorer.score_many(profile, [us_only, europe, berlin_office, unknown])
    assert [r.tier for r in results] == [1, 0, 1, 0]
    assert "US" in results[0].gates[0] or "United States" in results[0].gates[0]


def test_title_only_postings_say_so(resume_file, scorer):
    result, = scorer.score_many(load_profile(resume_file), [posting("Senior Backend Engineer", "")])
    assert result.confidence == "title only" and result.components["title_only"] == 1
    assert any("judged from the title only" in reason for reason in result.reasons)


def test_the_model_artifact_round_trips_and_refuses_other_features(tmp_path):
    model = FitModel.load()
    model.save(tmp_path / "model.json")
    again = FitModel.load(tmp_path / "model.json")
    assert again == model and again.version == model.version
    data = json.loads((tmp_path / "model.json").read_text())
    data["weights"]["unknown_feature"] = 1.0
    (tmp_path / "model.json").write_text(json.dumps(data))
    with pytest.raises(ValueError, match="features do not match"):
        FitModel.load(tmp_path / "model.json")


def test_scores_are_deterministic(resume_file, scorer):
    profile = load_profile(resume_file)
    first = [r.to_dict() for r in scorer.score_many(profile, [BACKEND, SALES])]
    assert first == [r.to_dict() for r in scorer.score_many(profile, [BACKEND, SALES])]
