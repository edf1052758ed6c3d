"""The trained skill tagger (models/artifacts/tagger), span linking and the spans a scan stores.

Sentences are written here; nothing is read from ../shared."""

from __future__ import annotations

import json

import numpy as np
import pytest

from models.embedder import Embedder, MemoEncoder
from models.linking import SkillLinker, SkillReader, load_reader
from models.skills import SkillExtractor
from models.tagger import SpanTagger, TaggerMissing, bio_spans, sentences, viterbi
from pipelines.skills import extract_posting_skills
from tests.helpers import marketfit
from warehouse.db import reader, writer


@pytest.fixture(scope="module")
def tagger() -> SpanTagger:
    return SpanTagger.load()


@pytest.fixture(scope="module")
def encode() -> MemoEncoder:
    return MemoEncoder(Embedder(device="cpu").encode)


@pytest.fixture(scope="module")
def skill_reader(tagger, encode) -> SkillReader:
    extractor = SkillExtractor.load()
    return SkillReader(extractor, tagger, SkillLinker(extractor, encode, tagger.metadata["link_threshold"]))


def texts_by_kind(text: str, tagger: SpanTagger) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {"skill": [], "knowledge": []}
    for span in tagger.tag(text):
        assert text[span.start:span.end] == span.text
        found[span.kind].append(span.text)
    return found


def test_the_served_reading_links_a_b_tests(skill_reader):
    # the head alone misses this span today; the gazetteer's alias covers it in what a scan stores
    found = skill_reader.read_many(["Ran 60+ A/B tests on the checkout flow."])[0]
    assert "A/B testing" in {span.name for span in found if span.linked}


def test_a_long_skill_span(tagger):
    found = texts_by_kind("You will communicate findings to stakeholders and work in a team.", tagger)
    assert any("communicate findings" in span for span in found["skill"])


def test_knowledge_spans(tagger):
    found = texts_by_kind("Experience with Python, Kubernetes and PostgreSQL is required.", tagger)
    assert {"Python", "Kubernetes", "PostgreSQL"} <= set(found["knowledge"])


def test_no_spans_in_boilerplate(tagger):
    assert tagger.tag("We are an equal opportunity employer.") == []
    assert tagger.tag("") == []


def test_sentences_give_word_offsets():
    text = "Build APIs. Ship fast!\n\n- Own the roadmap"
    groups = sentences(text)
    assert [[text[a:b] for a, b in group] for group in groups] == [
        ["Build", "APIs."], ["Ship", "fast!"], ["-", "Own", "the", "roadmap"]]


def test_viterbi_never_starts_a_span_with_inside():
    log_probs = np.log(np.array([[0.1, 0.1, 0.8], [0.1, 0.1, 0.8], [0.8, 0.1, 0.1]]))
    assert bio_spans(viterbi(log_probs)) == [(0, 2)]


def test_artifact_round_trip(tagger, tmp_path):
    tagger.save(tmp_path)
    again = SpanTagger.load(tmp_path)
    assert again.metadata == tagger.metadata
    vectors = tagger.vectors([["Experience", "with", "Python"]])
    assert np.allclose(again.log_probs(vectors)[0], tagger.log_probs(vectors)[0])


def test_missing_artifact_says_how_to_build_it(tmp_path):
    with pytest.raises(TaggerMissing, match="make models"):
        SpanTagger.load(tmp_path)


def test_linking_alias_nearest_and_unlinked(encode):
    # at a cosine threshold of 0.8; the stored one (chosen on Decorte validation spans, few of whose labels the
    # taxonomy holds) is stricter, so nearest-neighbour links are rare in serving today
    linker = SkillLinker(SkillExtractor.load(), encode, 0.8)
    alias, nearest, unlinked = linker.link_many(["Postgres", "machine learning models", "a sunny office"])
    assert (alias.name, alias.how) == ("PostgreSQL", "alias")
    assert (nearest.name, nearest.how) == ("Machine learning", "nearest")
    assert unlinked is None


def test_reader_keeps_gazetteer_marks_and_unlinked_spans(skill_reader):
    text = "Requirements:\n- Strong Python\n- Communicate findings to stakeholders\n\nNice to have:\n- Terraform"
    found = skill_reader.read(text)
    by_name = {s.name: s for s in found if s.linked}
    assert by_name["Python"].requirement == "must" and by_name["Terraform"].requirement == "nice"
    assert all(text[s.start:s.end] == s.text for s in found)
    assert any(not s.linked and s.name is None and s.found_by == "tagger" for s in found)


POSTING = ("Senior Product Manager\n\nWhat you'll do:\n- Communicate findings to stakeholders\n"
           "- Own the roadmap with Python and SQL analyses\n")


def test_posting_skills_hold_linked_and_unlinked_spans(db, skill_reader):
    with writer(db) as con:
        con.execute("""INSERT INTO postings (posting_id, ats, board, native_id, company, title, description,
                       content_hash, first_seen, last_seen, last_scan_id)
                       VALUES ('p1', 'lever', 'b', 'p1', 'Acme', 'PM', ?, 'h1', now(), now(), 1)""", [POSTING])
    assert extract_posting_skills(db, skill_reader) == 1
    assert extract_posting_skills(db, skill_reader) == 0  # read once per reader version
    with reader(db) as con:
        rows = con.execute("""SELECT skill, linked, span_text, start_offset, end_offset, found_by
                              FROM posting_skills ORDER BY start_offset""").fetchall()
        inputs = con.execute("SELECT skills FROM fit_inputs").fetchone()[0]
    assert all(POSTING[start:end] == span for _, _, span, start, end, _ in rows)
    assert {"Python", "SQL"} <= {skill for skill, linked, *_ in rows if linked}
    assert any(not linked and skill is None for skill, linked, *_ in rows)
    gazetteer = {skill for skill, _, _, _, _, found_by in rows if found_by != "tagger"}
    assert {s["name"] for s in inputs} == gazetteer  # fit reads the gazetteer's mentions only


def test_skills_command_shows_linked_and_unlinked_spans(tmp_path):
    postings = tmp_path / "postings.jsonl"
    postings.write_text(json.dumps({"id": "a", "title": "PM", "description": POSTING}) + "\n", encoding="utf-8")
    row = json.loads(marketfit("skills", str(postings)).stdout)
    spans = row["skills"]
    assert {"Python", "SQL"} <= {s["name"] for s in spans if s["linked"]}
    assert any(not s["linked"] and s["name"] is None for s in spans)
    assert all(POSTING[s["start"]:s["end"]] == s["text"] for s in spans)


def test_load_reader_uses_the_stored_threshold(tagger, encode):
    assert load_reader(SkillExtractor.load(), encode).linker.threshold == tagger.metadata["link_threshold"]
