"""The normaliser's readings: salary, place, work arrangement, employment type, seniority, labels, keys."""

from __future__ import annotations

import json

import pytest

from models.profile import seniority_from_title
from scrapers.items import new_posting
from scrapers.normalise import (BULLET, HTML_TAG, LEVEL_RANK, PERSON_LEVELS, SENIORITY_LEVELS, Place, RejectedPosting,
                                canonical_url, clean_label, company_key, employment_type_code, normalise,
                                parse_location, remote_from_text, salary_from_text, seniority_level, title_key)
from tests.helpers import REPO

GOLDEN = REPO / "tests" / "golden"


@pytest.mark.parametrize("text, expected", [
    ("The base salary range for this role is $151K – $231K.", (151_000, 231_000, "USD", "year")),
    ("Compensation\n€60.000 - €75.000 per year", (60_000, 75_000, "EUR", "year")),
    ("Salary: £45k", (45_000, 45_000, "GBP", "year")),
    ("Salary: up to £45k", (None, 45_000, "GBP", "year")),
    ("Salary from €50,000 depending on experience", (50_000, None, "EUR", "year")),
    ("The annual compensation range for this role is listed below.\n\nAnnual Salary:\n$265,000 — $365,000 USD",
     (265_000, 365_000, "USD", "year")),
    ("The United States base range for this position is $67,172 - $95,960 plus equity.",
     (67_172, 95_960, "USD", "year")),
    ("Pay range: $30 - $38 per hour", (30, 38, "USD", "hour")),
    ("Hourly pay rate: $25.50–$32.00", (25.5, 32, "USD", "hour")),
    ("Day rate: £450 - £550 per day", (450, 550, "GBP", "day")),
    ("Gehalt: 4.800 € - 6.200 € brutto monatlich", (4_800, 6_200, "EUR", "month")),
    ("Jahresgehalt 65.000 – 80.000 EUR", (65_000, 80_000, "EUR", "year")),
    ("OTE $200k-$250k", (200_000, 250_000, "USD", "year")),
    ("Compensation: $120-150K", (120_000, 150_000, "USD", "year")),
    ("Salary band: 90 000 – 110 000 SEK per month", (90_000, 110_000, "SEK", "month")),
    ("The salary for this position is between $100,000 and $120,000 annually.", (100_000, 120_000, "USD", "year")),
    ("salary: CHF 120'000 – 140'000", (120_000, 140_000, "CHF", "year")),
    ("Salary range: CA$120,000 - CA$150,000", (120_000, 150_000, "CAD", "year")),
    ("The expected base stipend for this role is 3,850 USD / 2,310 GBP / 4,300 CAD per week",
     (3_850, 3_850, "USD", "week")),
])
def test_salary_read_from_text(text, expected):
    salary = salary_from_text(text)
    assert (salary.minimum, salary.maximum, salary.currency, salary.period) == expected
    assert salary.source == "text"


@pytest.mark.parametrize("text", [
    "We offer a competitive salary and a $5k learning budget.",          # an amount, but not a salary
    "Benefits\nWeekly coffee stipend\nFertility HRA (up to $10,000 per year)",
    "Compensation & benefits\n401(k) match up to 4%",
    "Salary: 120000-150000",                                              # no currency
    "Salary range: $20 - $200,000",                                       # not one range
    "Our company raised $200M in 2023. Salary is competitive.",
    "Pay range: $30 - $38",                                               # small amounts, no period
    "We automate how over $200B in annualized spend flows through 70,000 companies.",
])
def test_salary_text_without_a_believable_salary_gives_none(text):
    assert salary_from_text(text) is None


def test_dollar_is_read_by_the_posting_country():
    assert salary_from_text("Salary range: $120,000 - $150,000", "CA").currency == "CAD"
    assert salary_from_text("Salary range: $120,000 - $150,000", "US").currency == "USD"
    assert salary_from_text("Salary range: $120,000 - $150,000 USD", "CA").currency == "USD"


def _posting(**fields) -> dict:
    base = dict(ats="lever", board="acme", native_id="1", company="Acme", title="Backend Engineer",
                description="Build the API.")
    return normalise(new_posting(**{**base, **fields}))


@pytest.mark.parametrize("low, high, period, annual", [
    (30, 38, "hour", (62_400, 79_040)),
    (400, 500, "day", (104_000, 130_000)),
    (2_000, 2_500, "week", (104_000, 130_000)),
    (4_800, 6_200, "month", (57_600, 74_400)),
    (140_000, 160_000, "year", (140_000, 160_000)),
])
def test_ats_salary_is_annualised(low, high, period, annual):
    posting = _posting(salary_min=low, salary_max=high, salary_currency="usd", salary_period=period)
    assert (posting["salary_min_annual"], posting["salary_max_annual"]) == annual
    assert posting["salary_currency"] == "USD" and posting["salary_source"] == "ats"
    assert (posting["salary_min"], posting["salary_max"], posting["salary_period"]) == (low, high, period)


def test_structured_salary_wins_over_text_and_text_fills_a_gap():
    text = "Salary range: €60.000 - €75.000 per year"
    from_ats = _posting(salary_min=50_000, salary_max=55_000, salary_currency="EUR", salary_period="year",
                        description=text)
    assert (from_ats["salary_min"], from_ats["salary_source"]) == (50_000, "ats")
    from_text = _posting(description=text, location="Berlin, Germany")
    assert (from_text["salary_min"], from_text["salary_max"], from_text["salary_currency"],
            from_text["salary_period"], from_text["salary_source"]) == (60_000, 75_000, "EUR", "year", "text")
    assert _posting()["salary_source"] is None


def test_salary_without_a_known_period_or_currency_keeps_what_is_sure():
    posting = _posting(salary_min=100_000, salary_max=120_000, salary_currency="dollars")
    assert posting["salary_currency"] is None and posting["salary_min_annual"] is None
    assert posting["salary_min"] == 100_000 and posting["salary_source"] == "ats"


def test_bad_salary_number_or_location_is_a_reject():
    with pytest.raises(RejectedPosting, match="salary_min is not a number"):
        _posting(salary_min="lots")
    with pytest.raises(RejectedPosting, match="location is a dict, expected text"):
        _posting(location={"city": "Berlin"})


@pytest.mark.parametrize("text, expected", [
    ("Remote (US)", Place("US", None, None)),
    ("London, UK", Place("GB", "London", None)),
    ("San Francisco, CA", Place("US", "San Francisco", None)),
    ("Berlin, Germany", Place("DE", "Berlin", None)),
    ("New York, NY (HQ)", Place("US", "New York City", None)),
    ("Remote - Europe", Place(None, None, "Europe")),
    ("Remote, EMEA", Place(None, None, "EMEA")),
    ("Anywhere", Place(None, None, "Worldwide")),
    ("Remote (US); San Francisco, CA; New York, NY (HQ)", Place("US", None, None)),
    ("San Francisco, CA | New York City, NY | Seattle, WA", Place("US", "San Francisco", None)),
    ("London, UK; Ontario, CAN; Remote-Friendly, United States", Place("GB", "London", None)),
    ("Sandy, UT, United States", Place("US", "Sandy", None)),
    ("São Paulo, State of São Paulo, Brazil", Place("BR", "São Paulo", None)),
    ("Remote (DE)", Place("DE", None, None)),
    ("Hamburg, DE; Bremen, DE", Place("DE", "Hamburg", None)),      # Germany, not Delaware
    ("Dover, DE", Place("US", "Dover", None)),                         # Delaware
    ("Utrecht, NL", Place("NL", "Utrecht", None)),
    ("Toronto, ON, Canada", Place("CA", "Toronto", None)),
    ("Halifax, Canada", Place("CA", "Halifax", None)),
    ("Sydney, NSW", Place("AU", "Sydney", None)),
    ("München, Deutschland", Place("DE", "Munich", None)),
    ("Lisboa, Portugal", Place("PT", "Lisbon", None)),
    ("Remote in Canada", Place("CA", None, None)),
    ("Am Sandtorkai 5, 20457 Hamburg", Place("DE", "Hamburg", None)),
    ("Stockholm", Place("SE", "Stockholm", None)),
    ("Cambridge", Place(None, "Cambridge", None)),                     # England or Massachusetts
    ("Cambridge, MA", Place("US", "Cambridge", None)),
    ("Portland, OR", Place("US", "Portland", None)),
    ("Remote", Place()),
    ("", Place()),
    (None, Place()),
])
def test_location(text, expected):
    assert parse_location(text) == expected


def test_normalised_posting_keeps_the_raw_location():
    posting = _posting(location="New York, NY (HQ); Remote (US)")
    assert posting["location"] == "New York, NY (HQ); Remote (US)"
    assert (posting["country"], posting["city"]) == ("US", "New York City")


@pytest.mark.parametrize("structured, location, title, expected", [
    ("onsite", "Remote (US)", "Engineer", "onsite"),        # the ATS's field wins
    (None, "Remote (US)", "Engineer", "remote"),
    (None, "Hybrid - London", "Engineer", "hybrid"),
    (None, "Berlin", "Engineer (on-site)", "onsite"),
    (None, "Boulder, CO", "Remote Sensing Scientist", None),
    (None, "Berlin", "Engineer", None),
])
def test_remote_from_structured_field_then_text(structured, location, title, expected):
    assert _posting(remote=structured, location=location, title=title)["remote"] == expected


def test_remote_from_text_words():
    assert remote_from_text("Homeoffice möglich") == "remote"
    assert remote_from_text("In office, 5 days") == "onsite"


@pytest.mark.parametrize("text, code", [
    ("FullTime", "full_time"), ("Full-Time", "full_time"), ("Permanent", "full_time"),
    ("permanent, full-time", "full_time"), ("permanent, full-or-part-time", "full_time"),
    ("fulltime_permanent", "full_time"), ("Full-time, permanent contract", "full_time"),
    ("PartTime", "part_time"), ("working_student, part-time", "part_time"), ("parttime_fixed_term", "part_time"),
    ("Contract", "contract"), ("Contractor", "contract"), ("Freelance", "contract"),
    ("Intern", "internship"), ("Internship", "internship"),
    ("Temporary", "temporary"), ("fulltime_fixed_term", "temporary"), ("Fixed-term contract", "temporary"),
    ("Befristet", "temporary"), ("Unbefristet, Vollzeit", "full_time"),
    ("Other", None), (None, None),
])
def test_employment_type_code(text, code):
    assert employment_type_code(text) == code


@pytest.mark.parametrize("title, level", [
    ("Software Engineer Intern", "intern"), ("Werkstudent Lagerplanung (m/w/d)", "intern"),
    ("Internal Tools Engineer", None), ("International Sales Representative", None),
    ("Junior Developer", "junior"), ("New Grad Software Engineer", "junior"),
    ("Technical Support Associate", "junior"),
    ("Software Engineer II", "mid"), ("Analytics Engineer II", "mid"),
    ("Senior Software Engineer", "senior"), ("Sr. Data Scientist", "senior"), ("Software Engineer III", "senior"),
    ("Tech Lead, Payments", "lead"), ("Engineering Manager", "lead"), ("Senior Engineering Manager", "lead"),
    ("Manager, Software Engineering", "lead"), ("Lead Generation Specialist", None),
    ("Staff Engineer", "staff"), ("Principal Product Manager", "principal"),
    ("Director of Engineering", "director"), ("Associate Director, Finance", "director"),
    ("Head of Design", "director"),
    ("VP, Sales", "executive"), ("Chief Technology Officer", "executive"), ("CTO", "executive"),
    ("Product Manager", None), ("Backend Engineer", None),
])
def test_seniority_level_from_title(title, level):
    assert seniority_level(title) == level


def test_profile_keeps_four_levels_from_the_same_reading():
    assert [seniority_from_title(t) for t in ("Data Science Intern", "Engineer II", "Tech Lead", "Head of Data",
                                              "Principal Engineer", "Backend Engineer")] == \
        ["junior", "mid", "senior", "staff", "staff", None]


def test_one_seniority_scale_ranked_lowest_first_and_folded_for_a_person():
    ranks = [LEVEL_RANK[level] for level in SENIORITY_LEVELS]
    assert ranks == sorted(ranks) and SENIORITY_LEVELS[0] == "intern" and SENIORITY_LEVELS[-1] == "executive"
    assert PERSON_LEVELS == ("junior", "mid", "senior", "staff")
    assert [seniority_from_title(title) for title in ("Senior Engineer", "VP Engineering")] == ["senior", "staff"]


@pytest.mark.parametrize("value, cleaned", [
    ("  Engineering  ", "Engineering"), ("100 - Engineering", "Engineering"), ("1234 Sales", "Sales"),
    ("Engineering, Engineering", "Engineering"), ("R&D, Other", "R&D"), ("N/A", None), ("-", None),
    ("Web3", "Web3"), (None, None),
])
def test_department_and_team_labels(value, cleaned):
    assert clean_label(value) == cleaned


def test_keys_for_matching_across_sources():
    assert title_key("Backend Engineer (m/w/d) – Routing & Dispatch") == \
        title_key("backend engineer, routing dispatch")
    assert title_key("Buchhalter:in") == "buchhalter"
    assert title_key("C++ Engineer") != title_key("C Engineer")
    assert company_key("Ramp Inc.") == company_key("ramp") == "ramp"
    assert company_key("Foo Co., Ltd.") == "foo"
    assert company_key("AB InBev") == "ab inbev"


@pytest.mark.parametrize("url, key", [
    ("https://www.Boards.Greenhouse.io/acme/jobs/123?gh_src=abc&utm_source=x#apply",
     "boards.greenhouse.io/acme/jobs/123"),
    ("https://stripe.com/jobs/search?utm_medium=li&gh_jid=5566", "stripe.com/jobs/search?gh_jid=5566"),
    ("https://jobs.lever.co/spotify/abc-123/", "jobs.lever.co/spotify/abc-123"),
    ("mailto:jobs@acme.com", None), (None, None),
])
def test_canonical_url(url, key):
    assert canonical_url(url) == key


def test_html_description_keeps_its_line_breaks():
    posting = _posting(description=None, description_html="<p>About us</p><ul><li>Python</li><li>SQL</li></ul>")
    assert posting["description"] == "About us\n\nPython\nSQL"


@pytest.mark.parametrize("line, item", [
    ("- Built the billing service", "Built the billing service"), ("  * Go and Rust", "Go and Rust"),
    ("•Python", "Python"), ("◦ Kafka", "Kafka"), ("2) Led the migration", "Led the migration"),
    ("3.5 years of Go", None), ("-based in Berlin", None), ("2024 was a good year", None), ("Plain line", None),
])
def test_list_item_bullet(line, item):
    """One reading of a list item for resumes and postings alike."""
    assert (BULLET.sub("", line) if BULLET.match(line) else None) == item


@pytest.mark.parametrize("text, is_html", [
    ("<p>About us</p>", True), ("Line<br/>break", True), ('<a href="https://x.example">apply</a>', True),
    ("</li>", True), ("a < b and c > d", False), ("We <3 Go", False), ("&lt;p&gt;escaped&lt;/p&gt;", False),
    ("Plain text", False),
])
def test_html_is_told_from_text_by_its_tags(text, is_html):
    assert bool(HTML_TAG.search(text)) is is_html


@pytest.mark.parametrize("ats", ["ashby", "greenhouse", "jsonld", "lever", "personio", "recruitee",
                                 "smartrecruiters", "workable"])
def test_every_recorded_posting_normalises_with_the_new_fields(ats):
    for parsed in json.loads((GOLDEN / f"{ats}.json").read_text()):
        posting = normalise(parsed)
        assert posting["salary_source"] in (None, "ats", "text")
        assert posting["country"] is None or len(posting["country"]) == 2
        assert posting["employment_type_code"] in (None, "full_time", "part_time", "contract", "internship",
                                                   "temporary")
        assert posting["seniority"] in (None, *SENIORITY_LEVELS)
        if posting["salary_min_annual"] is not None:
            assert posting["salary_min_annual"] >= posting["salary_min"]


def test_recorded_postings_read_as_expected():
    by_title = {}
    for ats in ("ashby", "greenhouse", "lever", "recruitee"):
        by_title.update({p["title"]: normalise(p) for p in json.loads((GOLDEN / f"{ats}.json").read_text())})
    support = by_title["Technical Support Associate"]           # Ashby: 30-38 USD an hour
    assert (support["salary_min_annual"], support["salary_max_annual"]) == (62_400, 79_040)
    frame = by_title["Senior Frame Engineer (m/f/d)"]           # Recruitee: 4,800-6,200 EUR a month
    assert (frame["salary_min_annual"], frame["salary_max_annual"], frame["country"], frame["seniority"]) == \
        (57_600, 74_400, "NL", "senior")
    amazon = by_title["Amazon GTM Partnership, Startups"]       # Greenhouse: only in the text
    assert (amazon["salary_min"], amazon["salary_max"], amazon["salary_source"]) == (265_000, 365_000, "text")
    finance = by_title["Analyst, Licensing Finance – FP&A"]     # Lever: "base range ... $67,172 - $95,960"
    assert (finance["salary_min"], finance["salary_source"], finance["country"]) == (67_172, "text", "US")
    ramp_ae = by_title["Account Executive"]                     # Ramp's benefits name amounts, not a salary
    assert ramp_ae["salary_source"] is None
