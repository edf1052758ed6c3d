"""Role content versus company boilerplate (models/sections.py), and that every reader reads the role content.

The postings are hand-written, modelled on the failures issue 13 names: a "team of 800" about-us footer
read as a bandwidth cue, "mentorship programmes" in the benefits read as a must-have Mentoring, "apply with an
English CV" as a must-have English, "Customer support teams" in the perks as Customer service.
"""

from __future__ import annotations

import json

import duckdb
import pytest

from models.hire_type import CueMatcher
from models.sections import (BOILERPLATE, ROLE, board_template, boilerplate_spans, role_text, segment,
                             segment_board)
from models.skills import SkillExtractor
from pipelines.fit import file_inputs
from tests.helpers import marketfit

FOOTER = ("Northwind is Europe's leading online marketplace for special objects. We are a team of 800 people "
          "from 50 nationalities, working from Amsterdam, Milan and Berlin.")
PERKS = ("Perks & Benefits\n"
         "Mentorship programmes and a yearly learning budget\n"
         "Customer support teams that go the extra mile for you and your family\n"
         "Apply with an English CV and a short motivation letter.")
ROLES = {
    "Senior Data Engineer": "You will build our streaming platform in Python and Kafka.\n\nRequirements:\n"
                            "5+ years of experience with Python\nExperience with Kafka is required",
    "Product Designer": "You will shape the buying journey end to end.\n\nRequirements:\n"
                        "Portfolio showing product design work in Figma\nStrong user research skills",
    "Finance Business Partner": "You will partner with the commercial teams on forecasting.\n\nRequirements:\n"
                                "Strong financial modelling in Excel spreadsheets\nA degree in finance",
    "Backend Engineer": "You will scale the auction engine on Kubernetes.\n\nRequirements:\n"
                        "Experience with Go programming or Java\nKnowledge of PostgreSQL",
}


def posting(body: str, with_heading: bool = False) -> str:
    about = f"About us\n{FOOTER}" if with_heading else FOOTER
    return f"{body}\n\n{about}\n\n{PERKS}"


@pytest.fixture(scope="module")
def extractor() -> SkillExtractor:
    return SkillExtractor.load()


def board() -> list[tuple[str, str]]:
    return [(title, posting(body)) for title, body in ROLES.items()]


def read_role(description: str, segments) -> str:
    return role_text(description, boilerplate_spans(segments))


def test_an_about_us_footer_repeated_across_the_board_is_no_bandwidth_cue():
    cues = CueMatcher.load()
    title, description = board()[0]
    assert any(c.phrase == "team of 800" for c in cues.find(description))  # what the whole text says
    segments = segment_board(board())[0]
    assert not any(c.phrase == "team of 800" for c in cues.find(read_role(description, segments)))
    footer = description.index(FOOTER)
    assert any(s.kind == BOILERPLATE and s.start <= footer and s.end >= footer + len(FOOTER) for s in segments)


def test_an_about_us_heading_marks_the_footer_of_a_posting_read_alone():
    description = posting(ROLES["Senior Data Engineer"], with_heading=True)
    cues = CueMatcher.load().find(read_role(description, segment(description)))
    assert not any(c.phrase == "team of 800" for c in cues)


def test_benefits_and_application_text_yield_no_skills(extractor):
    description = posting(ROLES["Senior Data Engineer"], with_heading=True)
    before = {m.name: m.requirement for m in extractor.extract(description)}
    assert {"Mentoring", "Customer service", "English"} <= set(before)  # the failures, reproduced
    after = {m.name: m.requirement for m in extractor.extract(read_role(description, segment(description)))}
    assert not {"Mentoring", "Customer service", "English"} & set(after)
    assert after["Python"] == "must" and after["Apache Kafka"] == "must"


def test_application_instructions_are_boilerplate_without_a_heading(extractor):
    description = ("You will run our payments reconciliation.\nFluent English is required.\n"
                   "Please apply with an English CV.")
    segments = segment(description)
    assert [s.kind for s in segments] == [ROLE, BOILERPLATE]
    found = extractor.extract(read_role(description, segments))
    assert [(m.name, description[m.start:m.end]) for m in found] == [("English", "English")]
    assert found[0].start == description.index("English")  # offsets still point into the description


def test_a_posting_without_headings_keeps_its_content():
    description = ("We are hiring a data analyst to own our retention reporting.\n"
                   "You know SQL and Python well and explain numbers to non-specialists.\n"
                   "You are able to apply statistics to messy data; our team of 4 will mentor you.")
    assert segment(description) == segment(description, board_template(board()))
    assert [s.kind for s in segment(description)] == [ROLE]
    assert read_role(description, segment(description)) == description


def test_role_sections_after_boilerplate_are_role_content():
    description = f"About us\n{FOOTER}\n\nThe role\nYou will own the data platform.\n\nBenefits\nFree lunch"
    kinds = [(s.kind, description[s.start:s.end].split("\n")[0]) for s in segment(description)]
    assert kinds == [(BOILERPLATE, "About us"), (ROLE, "The role"), (BOILERPLATE, "Benefits")]


def test_near_copies_of_one_role_keep_their_content():
    """The same ad under three titles is not a template: repetition covering most of it is ignored."""
    body = ROLES["Backend Engineer"]
    copies = [(f"Backend Engineer ({city})", body) for city in ("Berlin", "Milan", "Amsterdam", "Paris")]
    assert all([s.kind for s in segments] == [ROLE] for segments in segment_board(copies))


def test_a_requirement_bullet_shared_by_the_board_stays_role_content():
    shared = "- Fluent English, written and spoken"
    postings = [(title, f"{body}\n{shared}") for title, body in ROLES.items()]
    for (_, description), segments in zip(postings, segment_board(postings)):
        assert shared in read_role(description, segments)


def test_load_fit_file_and_the_skills_command_read_the_same_segmented_record(tmp_path, db, embedder):
    """A scan's load writes the segments and reads cues and skills in the role content; `marketfit fit FILE`'s
    reading of the same file and `marketfit skills` find the same segments and skills."""
    postings = tmp_path / "northwind.jsonl"
    postings.write_text("".join(json.dumps({"id": str(n), "title": title, "company": "Northwind",
                                            "description": posting(body)}) + "\n"
                                for n, (title, body) in enumerate(ROLES.items())), encoding="utf-8")
    marketfit("load", str(postings), "--db", str(db))
    with duckdb.connect(str(db), read_only=True) as con:
        evidence = " ".join(row[0] for row in con.execute("SELECT evidence::VARCHAR FROM hire_types").fetchall())
        stored = con.execute("""
            SELECT p.native_id, coalesce(s.skill, s.span_text), s.start_offset, s.found_by
            FROM postings p JOIN posting_skills s USING (content_hash) ORDER BY 1, 3, 2""").fetchall()
        sections = con.execute("""
            SELECT p.native_id, g.kind, g.start_offset, g.end_offset FROM postings p
            JOIN posting_sections g USING (content_hash) ORDER BY 1, 3""").fetchall()
    assert "team of 800" not in evidence
    assert not {"Mentoring", "Customer service", "English"} & {skill for _, skill, _, _ in stored}
    shown = [json.loads(line) for line in marketfit("skills", str(postings)).stdout.splitlines()]
    assert sorted((row["id"], s["name"] or s["text"], s["start"]) for row in shown for s in row["skills"]) == \
        sorted((pid, skill, start) for pid, skill, start, _ in stored)
    shown_sections = [(row["id"], s["kind"], s["start"], s["end"]) for row in shown for s in row["sections"]]
    assert sorted(shown_sections) == sorted(sections)
    assert {kind for _, kind, _, _ in sections} == {ROLE, BOILERPLATE}
    records, rejected = file_inputs(postings, embedder.encode, SkillExtractor.load())
    assert not rejected
    # fit FILE reads the gazetteer's mentions, as fit_inputs does
    assert sorted((r["id"], m.name, m.start) for r in records for m in r["skills"]) == \
        sorted((pid, skill, start) for pid, skill, start, found_by in stored if found_by != "tagger")
    assert sorted((r["id"], start, end) for r in records for start, end in r["boilerplate"]) == \
        [(pid, start, end) for pid, kind, start, end in sections if kind == BOILERPLATE]
