"""Role families, levels and years asked: what a title's role is, next to the person's."""

from __future__ import annotations

import pytest

from models.roles import family_relation, level_from_years, person_families, title_roles, years_asked

PM = person_families(("product manager", "group product manager"))
ANALYST = person_families(("data analyst", "product analyst"))
BACKEND = person_families(("backend engineer", "software engineer"))
MANAGER = person_families(("engineering manager", "head of engineering"))


@pytest.mark.parametrize("person, title, relation", [
    (PM, "Senior Product Manager, Payments", "same"),
    (PM, "Product Manager Intern", "same"),
    (PM, "Product Engineer", "other"),                       # an engineer, not a product manager
    (PM, "Senior Product Designer", "adjacent"),
    (PM, "Product Marketing Manager", "adjacent"),
    (PM, "Technical Program Manager", "adjacent"),
    (PM, "Account Executive, Mid-Market", "other"),
    (PM, "COVU | Data Engineer, Full Stack Engineers (Sr & Staff/Lead), Sr. Product Manager | SF", "listed"),
    (ANALYST, "Engineering Manager, Analytics", "other"),     # a team named, not the analyst's role
    (ANALYST, "Data Analyst II", "same"),
    (ANALYST, "Analytics Engineer", "adjacent"),
    (BACKEND, "Senior Backend Engineer (Kotlin)", "same"),
    (BACKEND, "Senior Security Engineer", "other"),
    (BACKEND, "Engineering Manager", "adjacent"),
    (MANAGER, "Senior Software Engineer", "adjacent"),        # an IC role for a manager
    (MANAGER, "Head of Engineering", "same"),
    (PM, "Accounts Payable Specialist", "unknown"),
])
def test_family_relation(person, title, relation):
    assert family_relation(person, title_roles(title)) == relation


def test_title_roles_are_in_title_order_and_claim_their_words():
    assert title_roles("Staff Machine Learning Engineer").families == ("ml_engineering",)
    assert title_roles("Customer Solutions Engineer").families == ("sales_engineering",)
    assert title_roles("Engineering Manager").families == ("engineering_management",)
    assert title_roles("Backend Engineer & Product Manager").leading == "software_engineering"


@pytest.mark.parametrize("text, years", [
    ("You have 5+ years of experience in product management and 2 years in payments.", 5),
    ("3-5 years of professional experience", 3),
    ("At least 8 years as an engineering manager", 8),
    ("We were founded 10 years ago and serve 2 million users.", None),
    ("", None),
])
def test_years_asked(text, years):
    assert years_asked(text) == years


def test_level_from_years():
    assert [level_from_years(y) for y in (1, 3, 6, 10)] == ["junior", "mid", "senior", "staff"]
