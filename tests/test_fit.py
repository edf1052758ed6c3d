"""Profile parsing and the fit scorer, with the real embedding model."""

from __future__ import annotations

import dataclasses

import pytest

from models.fit import FitScorer, requirement_lines
from models.profile import Preferences, load_profile
from models.skills import SkillExtractor
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

BACKEND = {"title": "Senior Backend Engineer", "location": "Berlin, Germany", "remote": "remote",
           "description": "About the team\nWe build payment infrastructure.\n\nRequirements:\n"
                          "- 5+ years building backend services in Go or Python\n"
                          "- Deep experience with PostgreSQL at scale\n- Kubernetes in production\n"
                          "\nNice to have:\n- Kafka"}
SALES = {"title": "Account Executive, Mid-Market", "location": "New York, NY", "remote": "onsite",
         "salary_max": 90000.0, "salary_currency": "USD", "salary_period": "year",
         "description": "Requirements:\n- 3+ years closing SaaS deals with mid-market customers\n"
                        "- Track record of exceeding quota\n- Excellent negotiation skills"}


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
    assert backend.gates == [] and backend.fit_score > 55
    assert backend.matched and all(m["resume_line"] in profile.lines for m in backend.matched)
    assert all(0 <= v <= 1 for v in backend.components.values())
    assert "Kafka" not in backend.gaps  # a nice-to-have is not a gap
    assert any("remote only" in gate for gate in sales.gates) and sales.fit_score <= 40


def test_gates_cap_and_say_why(resume_file, scorer):
    profile = load_profile(resume_file)
    strict = dataclasses.replace(profile, preferences=Preferences(
        remote="any", locations=("Lisbon",), min_salary=150000, avoid=("engineering",)))
    result, = scorer.score_many(strict, [{**BACKEND, "remote": "hybrid", "salary_max": 120000.0,
                                          "salary_currency": "USD", "salary_period": "year"}])
    assert result.fit_score <= 20
    assert len(result.gates) == 3
    assert any("'engineering'" in gate for gate in result.gates)  # "engineering" names "Engineer" too
    assert any("below your floor" in gate for gate in result.gates)
    assert any("not in your locations" in gate for gate in result.gates)


def test_scores_are_deterministic(resume_file, scorer):
    profile = load_profile(resume_file)
    first = [r.to_dict() for r in scorer.score_many(profile, [BACKEND, SALES])]
    assert first == [r.to_dict() for r in scorer.score_many(profile, [BACKEND, SALES])]
