"""Skill extractor over the bundled taxonomy; texts are written here, nothing is read from ../shared."""

import csv

import pytest

from models.skills import DEFAULT_TAXONOMY, SkillExtractor, SkillMention

POSTING = """Senior Backend Engineer

About the role
You will build services in Go and Python on k8s.

Requirements:
- 5+ years with Postgres and Node.js
- Solid C++ or C# experience

Nice to have
- Experience with Rust
- Terraform

Benefits:
- We are ready to go whenever you are.
"""


@pytest.fixture(scope="module")
def extractor() -> SkillExtractor:
    return SkillExtractor.load()


def names(mentions: list[SkillMention]) -> list[str]:
    return [m.name for m in mentions]


def test_offsets_point_at_the_surface_form(extractor):
    text = "We use Kubernetes, machine-learning and C++ daily."
    mentions = extractor.extract(text)
    assert [text[m.start:m.end] for m in mentions] == ["Kubernetes", "machine-learning", "C++"]
    assert names(mentions) == ["Kubernetes", "Machine learning", "C++"]


def test_aliases_resolve_to_canonical_skills(extractor):
    text = "k8s, Postgres, PostgreSQL, JS, golang, sklearn, LLMs and GCP"
    assert names(extractor.extract(text)) == [
        "Kubernetes", "PostgreSQL", "PostgreSQL", "JavaScript", "Go", "scikit-learn", "Large language models",
        "Google Cloud Platform"]


def test_symbol_names_match_whole(extractor):
    text = "C++, C#, .NET, Node.js, CI/CD and ASP.NET"
    mentions = extractor.extract(text)
    assert [(m.name, text[m.start:m.end]) for m in mentions] == [
        ("C++", "C++"), ("C#", "C#"), (".NET", ".NET"), ("Node.js", "Node.js"), ("CI/CD", "CI/CD"),
        ("ASP.NET", "ASP.NET")]


def test_symbol_names_are_not_cut_out_of_longer_tokens(extractor):
    assert extractor.extract("see python.org and www.Docker.com") == []


def test_go_is_a_language_only_in_technical_context(extractor):
    assert names(extractor.extract("Experience with Go and Rust")) == ["Go", "Rust"]
    assert extractor.extract("We are ready to go.") == []
    assert extractor.extract("Go-live is in May. Go beyond the ordinary.") == []


def test_ambiguous_words_need_context(extractor):
    assert names(extractor.extract("Advanced Excel and Word skills")) == ["Microsoft Excel", "Microsoft Word"]
    assert extractor.extract("Excel in a fast-paced team. Access to great benefits.") == []
    assert extractor.extract("Series C startup doing R&D for the C-suite") == []
    assert names(extractor.extract("Python, R and SQL")) == ["Python", "R", "SQL"]


def test_plain_word_names_keep_their_case(extractor):
    # "Docker" and "Kubernetes" are also listed in lower case; "react" is an English verb, so it is not
    assert names(extractor.extract("docker and kubernetes")) == ["Docker", "Kubernetes"]
    assert extractor.extract("teams react quickly") == []
    assert names(extractor.extract("We use React")) == ["React"]


def test_longest_match_wins_and_mentions_do_not_overlap(extractor):
    text = "Ruby on Rails, Microsoft SQL Server, Apache Spark and Spring Boot"
    mentions = extractor.extract(text)
    assert names(mentions) == ["Ruby on Rails", "Microsoft SQL Server", "Apache Spark", "Spring Boot"]
    assert all(a.end <= b.start for a, b in zip(mentions, mentions[1:]))


def test_posting_sections_mark_must_and_nice(extractor):
    mentions = extractor.extract(POSTING)
    requirement = {m.name: m.requirement for m in mentions}
    assert requirement == {
        "Go": None, "Python": None, "Kubernetes": None,
        "PostgreSQL": "must", "Node.js": "must", "C++": "must", "C#": "must",
        "Rust": "nice", "Terraform": "nice",
    }
    assert [POSTING[m.start:m.end] for m in mentions] == [
        "Go", "Python", "k8s", "Postgres", "Node.js", "C++", "C#", "Rust", "Terraform"]


def test_sentence_cues_override_the_section(extractor):
    text = "Requirements\n- Strong SQL is required; dbt is a plus.\n- Kafka, ideally.\n- Not required: Scala"
    requirement = {m.name: m.requirement for m in extractor.extract(text)}
    assert requirement == {"SQL": "must", "dbt": "nice", "Apache Kafka": "nice", "Scala": "nice"}


def test_inline_labels_and_no_cue(extractor):
    text = "Must have: Python. Nice to have: Rust\nWe use Docker."
    requirement = {m.name: m.requirement for m in extractor.extract(text)}
    assert requirement == {"Python": "must", "Rust": "nice", "Docker": None}


def test_results_are_sorted_and_deterministic(extractor):
    first = extractor.extract(POSTING)
    assert first == extractor.extract(POSTING) == SkillExtractor.load().extract(POSTING)
    assert [m.start for m in first] == sorted(m.start for m in first)


def test_empty_text(extractor):
    assert extractor.extract("") == []


def test_load_reads_another_taxonomy(tmp_path):
    path = tmp_path / "skills.csv"
    path.write_text("skill_id,name,taxonomy,taxonomy_id,category,hot,aliases\n"
                    "widget-ql,WidgetQL,custom,w1,tools,false,wql|Widget Query Language\n", encoding="utf-8")
    mentions = SkillExtractor.load(path).extract("Knows wql and Widget Query Language.")
    assert [(m.name, m.taxonomy, m.taxonomy_id) for m in mentions] == [("WidgetQL", "custom", "w1")] * 2


def test_bundled_taxonomy_is_consistent():
    with DEFAULT_TAXONOMY.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert 500 < len(rows) < 5000
    assert len({r["skill_id"] for r in rows}) == len(rows)
    assert len({r["name"].casefold() for r in rows}) == len(rows)
    assert {r["taxonomy"] for r in rows} == {"onet", "esco", "marketfit"}
    assert all(r["taxonomy_id"].startswith("http://data.europa.eu/esco/skill/")
               for r in rows if r["taxonomy"] == "esco")


PM_POSTING = """Senior Product Manager, Payments

Requirements:
- Roadmapping, prioritisation, A/B tests and experimentation, OKRs, PRDs
- KYC/AML, PCI DSS, PSD2 and a grip on unit economics
- Product analytics in Amplitude, Mixpanel
"""


def test_product_management_requirements_are_skills(extractor):
    found = {m.name: m.requirement for m in extractor.extract(PM_POSTING)}
    assert found == {
        "Product management": None, "Roadmapping": "must", "Prioritisation": "must",
        "A/B testing": "must", "Experimentation": "must", "OKRs": "must", "Product requirements": "must",
        "KYC": "must", "Anti-money laundering": "must", "PCI DSS": "must", "PSD2": "must",
        "Unit economics": "must", "Product analytics": "must", "Amplitude": "must", "Mixpanel": "must"}


def test_resume_lines_name_professional_skills(extractor):
    assert names(extractor.extract("Ran 60+ A/B tests; led product discovery and user interviews.")) == [
        "A/B testing", "Product discovery", "User interviews"]
    assert names(extractor.extract("Senior Product Manager at Acme, 2016-2025")) == ["Product management"]


def test_unit_economics_is_not_the_discipline(extractor):
    assert names(extractor.extract("You own unit economics. MSc in Economics.")) == ["Unit economics", "Economics"]


def test_professional_names_do_not_fire_on_everyday_words(extractor):
    text = ("We're Hiring! Benefits: Healthcare, Insurance. Read our Privacy Notice. Ownership is a value. "
            "Sketch a plan, then go. The amplitude of the signal. Our Partnerships team.")
    assert extractor.extract(text) == []
    assert names(extractor.extract("Tools: Figma, Sketch and Amplitude")) == ["Figma", "Sketch app", "Amplitude"]
