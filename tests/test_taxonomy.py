"""The taxonomy build (models/taxonomy/build_taxonomy.py) on a tiny sample of O*NET and ESCO in
tests/fixtures/taxonomy/, with the bundled O*NET rules and small curation tables written here."""

import csv
import shutil
from pathlib import Path

import pytest

from models.skills import DEFAULT_TAXONOMY, SkillExtractor
from models.taxonomy.build_taxonomy import CURATION, KINDS, main

SAMPLE = Path(__file__).parent / "fixtures" / "taxonomy"
ESCO_ROWS = """esco_id,esco_label,name,category,kind,label_is_alias
1af2db15-2af9-44dd-9639-bf1fc69d4c34,manage relationships with stakeholders,Stakeholder management,business,professional,no
f642d7ed-e8d7-4355-a747-b85094d4e2e3,prioritise requests,Prioritisation,product & design,professional,no
8770350e-746f-4adb-9556-18ca68104be6,market research,Market research,marketing,professional,no
6d3edede-8951-4621-a835-e04323300fa0,English,English,languages,language,no
"""
MARKETFIT_ROWS = """name,category,kind,also_lower_case
A/B testing,product & design,professional,yes
PCI DSS,security & compliance,domain,no
Mixpanel,analytics,tool,no
"""
ALIAS_ROWS = """alias,skill
A/B tests,A/B testing
prioritization,Prioritisation
PCI-DSS,PCI DSS
"""


@pytest.fixture
def curation(tmp_path):
    folder = tmp_path / "curation"
    folder.mkdir()
    shutil.copy(CURATION / "onet.toml", folder / "onet.toml")
    (folder / "esco.csv").write_text(ESCO_ROWS, encoding="utf-8")
    (folder / "marketfit.csv").write_text(MARKETFIT_ROWS, encoding="utf-8")
    (folder / "aliases.csv").write_text(ALIAS_ROWS, encoding="utf-8")
    return folder


def build(curation, out):
    assert main(["--shared", str(SAMPLE), "--curation", str(curation), "--out", str(out)]) == 0
    with out.open(encoding="utf-8", newline="") as handle:
        return {row["name"]: row for row in csv.DictReader(handle)}


def test_build_from_the_sample(curation, tmp_path):
    rows = build(curation, tmp_path / "skills.csv")
    assert set(rows) == {
        "A/B testing", "Apache Kafka", "AWS", "English", "Figma", "Jira", "Market research", "Mixpanel", "PCI DSS",
        "Prioritisation", "SQL", "Stakeholder management", "Yardi"}  # "Web browser software" is excluded
    assert rows["AWS"]["aliases"] == "Amazon Web Services AWS"  # O*NET name cleaned, vendor-prefixed alias
    assert rows["Jira"]["taxonomy_id"] == "Atlassian JIRA"  # named by onet.toml
    assert {name: rows[name]["kind"] for name in ("SQL", "Jira", "Figma", "Prioritisation", "PCI DSS", "English")} == {
        "SQL": "technology", "Jira": "tool", "Figma": "tool", "Prioritisation": "professional", "PCI DSS": "domain",
        "English": "language"}
    assert rows["Prioritisation"]["taxonomy_id"] == "http://data.europa.eu/esco/skill/f642d7ed-e8d7-4355-a747-b85094d4e2e3"
    assert rows["Prioritisation"]["aliases"] == "prioritisation|prioritization"


def test_build_is_reproducible_and_its_output_is_matched(curation, tmp_path):
    build(curation, tmp_path / "first.csv")
    build(curation, tmp_path / "second.csv")
    assert (tmp_path / "first.csv").read_bytes() == (tmp_path / "second.csv").read_bytes()
    text = "Ran 60+ A/B tests; prioritization with stakeholders; PCI-DSS; Kafka and Mixpanel."
    mentions = SkillExtractor.load(tmp_path / "first.csv").extract(text)
    assert [m.name for m in mentions] == ["A/B testing", "Prioritisation", "PCI DSS", "Apache Kafka", "Mixpanel"]


def test_a_renamed_esco_concept_fails_loudly(curation, tmp_path):
    esco = curation / "esco.csv"
    esco.write_text(ESCO_ROWS.replace("prioritise requests", "prioritise work"), encoding="utf-8")
    with pytest.raises(ValueError, match="no longer labelled 'prioritise work'"):
        build(curation, tmp_path / "skills.csv")


def test_an_unknown_kind_fails_loudly(curation, tmp_path):
    (curation / "marketfit.csv").write_text(MARKETFIT_ROWS.replace("domain", "compliance"), encoding="utf-8")
    with pytest.raises(ValueError, match="kind must be one of"):
        build(curation, tmp_path / "skills.csv")


def test_bundled_taxonomy_has_a_kind_for_every_skill():
    with DEFAULT_TAXONOMY.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    kinds = {row["name"]: row["kind"] for row in rows}
    assert set(kinds.values()) == set(KINDS)
    assert {kinds[n] for n in ("Python", "Kubernetes", "PostgreSQL")} == {"technology"}
    assert {kinds[n] for n in ("Roadmapping", "Prioritisation", "Stakeholder management", "Negotiation")} == {
        "professional"}
    assert {kinds[n] for n in ("KYC", "PCI DSS", "PSD2")} == {"domain"}
    assert {kinds[n] for n in ("Amplitude", "Mixpanel", "Figma", "Jira")} == {"tool"}
