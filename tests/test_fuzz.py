"""Fuzzing what strangers and users hand us: board payloads, the normaliser, postings/sources/profile files.

The contracts the crawl relies on: an ATS module's ``jobs(payload)`` returns a list or raises one of
PARSE_ERRORS (the spider marks the board failed); ``parse_job(job, ...)`` returns a posting or raises one of
PARSE_ERRORS (the spider records a reject); ``normalise`` returns a loadable posting or raises
RejectedPosting (the item pipeline records a reject), and a loadable posting can be written as UTF-8 JSON.
Anything else escaping (RecursionError, OverflowError, UnicodeEncodeError...) would lose a posting silently
or, worse, end a board's crawl early. Examples are derandomized, so every run checks the same cases.
"""

from __future__ import annotations

import dataclasses
import json
import math
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from models.profile import ProfileError, load_profile
from scrapers.registry import SPIDERS
from scrapers.files import PostingsFileError, read_postings_file
from scrapers.items import POSTING_FIELDS
from scrapers.normalise import RejectedPosting, normalise
from scrapers.sources import SourcesError, load_sources
from tests.regen_golden import CASES, raw_jobs

PARSE_ERRORS = (ValueError, TypeError, KeyError, AttributeError)
FUZZ = settings(max_examples=200, deadline=None, derandomize=True, database=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                       HealthCheck.function_scoped_fixture])
MEGABYTE = 1024 * 1024

# Strings that have broken parsers before: control and format characters, lone surrogates (valid in JSON as
# "\ud800", not in UTF-8), right-to-left overrides, emoji sequences, markup, numbers that overflow, 64 KiB blobs.
ODD_STRINGS = ["", " ", "\x00", "a\x00b", "\ud800", "x\udfffy", "\u202eevil\u202c", "שלום עולם", "🚀👩‍💻",
               "\ufeffBOM", "\r\n\r\n", "<script>alert(1)</script>", "&amp;&lt;&#0;&#xD800;&#1114112;",
               "<b>" * 5000, "1e309", "NaN", "-1", "9" * 400, "2026-13-45T99:99:99", "Zürich, Schweiz",
               "Berlin; " * 8192, "<p>" + "$120,000 - " * 6000 + "</p>"]
# 1 MB blobs cost seconds each in the text readers, so they get their own, short test
HUGE_STRINGS = {"letters": "A" * MEGABYTE, "html": "<p>" + "word " * (MEGABYTE // 5) + "</p>",
                "places": "Berlin, Germany; " * (MEGABYTE // 17), "surrogates": "\ud800x" * (MEGABYTE // 2)}
odd_text = st.one_of(
    st.text(max_size=40),
    st.text(st.characters(categories=("Cs", "Cc", "Cf", "Co", "Mn", "So", "Zl", "Zp")), max_size=20),
    st.sampled_from(ODD_STRINGS))
scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.integers(min_value=2**63, max_value=2**1100),
                    st.floats(), odd_text)
json_like = st.recursive(scalars, lambda kids: st.lists(kids, max_size=4) | st.dictionaries(odd_text, kids, max_size=4),
                         max_leaves=12)


def _nested(depth: int) -> object:
    """A value nested `depth` deep, as deep as a board's JSON can nest and still decode."""
    return json.loads("[" * depth + "{}" + "]" * depth)


garbage = st.one_of(json_like, st.integers(1, 400).map(_nested))


@st.composite
def mutated(draw, value):
    """A real recorded value with parts deleted, replaced by garbage of any type, or mutated further down."""
    if isinstance(value, dict) and value and draw(st.booleans()):
        value = dict(value)
        for key in draw(st.lists(st.sampled_from(sorted(value, key=str)), max_size=4, unique=True)):
            action = draw(st.sampled_from(("delete", "replace", "descend")))
            if action == "delete":
                del value[key]
            else:
                value[key] = draw(garbage) if action == "replace" else draw(mutated(value[key]))
        return value
    if isinstance(value, list) and value and draw(st.booleans()):
        value = list(value)
        index = draw(st.integers(0, len(value) - 1))
        value[index] = draw(st.one_of(garbage, mutated(value[index])))
        return value
    return draw(garbage) if draw(st.integers(0, 3)) == 0 else value


def _templates(ats: str) -> list:
    return [job for name, _, _ in CASES[ats] for job in raw_jobs(ats, name)]


def _assert_writable(posting: dict) -> None:
    """What the feed writer and the loader do with a posting must not fail."""
    line = json.dumps(posting, ensure_ascii=False)
    line.encode("utf-8")
    assert json.loads(line)["posting_id"] == posting["posting_id"]
    for key in ("title", "description", "content_hash", "raw", "posting_id", "ats", "board", "native_id"):
        assert isinstance(posting[key], str), key
    for key in ("salary_min", "salary_max"):
        assert posting[key] is None or math.isfinite(posting[key]), key


def _parse_then_normalise(ats: str, job) -> None:
    try:
        posting = SPIDERS[ats].parse_job(job, company="Fuzz Co", board="fuzz")
    except PARSE_ERRORS:
        return  # the spider records a reject
    assert set(posting) == set(POSTING_FIELDS)
    json.dumps(posting["raw"], ensure_ascii=False, default=str)  # how a reject's raw is stored
    try:
        normalised = normalise(posting)
    except RejectedPosting:
        return  # the pipeline records a reject
    _assert_writable(normalised)


@pytest.mark.parametrize("ats", sorted(CASES))
def test_parse_job_on_mutated_recorded_jobs(ats):
    @FUZZ
    @given(st.sampled_from(_templates(ats)).flatmap(mutated))
    def check(job):
        _parse_then_normalise(ats, job)

    check()


@FUZZ
@given(st.sampled_from(sorted(CASES)), garbage)
def test_parse_job_on_garbage(ats, job):
    _parse_then_normalise(ats, job)


@pytest.mark.parametrize("ats", sorted(CASES))
def test_jobs_on_garbage_payloads(ats):
    spider = SPIDERS[ats]
    recorded = [spider.decode((Path(__file__).parent / "fixtures" / "ats" / ats / name).read_text(encoding="utf-8"))
                for name, _, _ in CASES[ats]]
    json_payloads = [p for p in recorded if isinstance(p, (dict, list))]

    @FUZZ
    @given(st.one_of(garbage, st.sampled_from(json_payloads).flatmap(mutated)) if json_payloads else garbage)
    def check(payload):
        try:
            list(spider.jobs(payload))  # as the spider takes them
        except PARSE_ERRORS:
            pass  # the spider marks the board failed

    check()


DECODERS = sorted({spider.decode for spider in SPIDERS.values()}, key=lambda f: f.__module__)  # JSON boards share one


@pytest.mark.parametrize("decode", DECODERS, ids=[f"{f.__module__}.{f.__name__}" for f in DECODERS])
def test_decode_on_garbage_text(decode):
    """What a board answered, as text: decoded or refused with a ValueError, never a crash."""
    @FUZZ
    @given(st.one_of(odd_text, st.integers(1, 5000).map(lambda n: "[" * n + "]" * n),
                     st.integers(1, 5000).map(lambda n: "<a>" * n + "</a>" * n)))
    def check(text):
        try:
            decode(text)
        except PARSE_ERRORS:
            pass

    check()


@pytest.mark.parametrize("field", ["title", "description_html", "location", "posted_at"])
@pytest.mark.parametrize("blob", sorted(HUGE_STRINGS))
def test_normalise_takes_megabyte_fields(field, blob):
    posting = {**dict.fromkeys(POSTING_FIELDS), "ats": "greenhouse", "board": "b", "native_id": "1",
               "title": "Engineer", "raw": {field: HUGE_STRINGS[blob]}, field: HUGE_STRINGS[blob]}
    try:
        _assert_writable(normalise(posting))
    except RejectedPosting as exc:
        assert len(str(exc)) < 1000  # the reason is stored with every reject


@FUZZ
@given(st.fixed_dictionaries({}, optional={field: garbage for field in POSTING_FIELDS}))
def test_normalise_loads_or_rejects(posting):
    try:
        normalised = normalise(posting)
    except RejectedPosting as exc:
        assert str(exc)  # the reason stored with the reject
        return
    _assert_writable(normalised)


# --- the user's files ---------------------------------------------------------------------------

postings_line = st.one_of(
    st.fixed_dictionaries({"id": scalars, "title": scalars, "description": scalars},
                          optional={"company": scalars, "location": scalars, "posted_at": scalars,
                                    "salary_min": scalars, "colour": scalars}).map(
        lambda record: json.dumps(record, ensure_ascii=False)),
    odd_text.map(lambda text: text.replace("\n", " ")),
    garbage.map(lambda value: json.dumps(value, ensure_ascii=False)))


@FUZZ
@given(lines=st.lists(postings_line, min_size=1, max_size=5), raw=st.binary(max_size=64))
def test_postings_file_reads_or_names_the_bad_line(tmp_path, lines, raw):
    path = tmp_path / "postings.jsonl"
    for content in ("\n".join(lines).encode("utf-8", "surrogatepass"), raw):
        path.write_bytes(content)
        try:
            postings = read_postings_file(path)
        except PostingsFileError as exc:
            message = str(exc)
            assert message.startswith(str(path)) and "\n" not in message
            continue
        assert postings and all(isinstance(p["id"], str) and isinstance(p["description"], str) for p in postings)
        json.dumps(postings, ensure_ascii=False).encode("utf-8")  # what classify/fit/skills write back


def test_postings_file_error_names_the_line(tmp_path):
    path = tmp_path / "postings.jsonl"
    good = json.dumps({"id": 1, "title": "Engineer", "description": "Build"})
    for bad, reason in (("{not json", "not valid JSON"), ("[1, 2]", "expected a JSON object"),
                        (json.dumps({"id": 2, "title": "x"}), "'description' is missing"),
                        ('{"id": "\\ud800", "title": "x", "description": "y"}', "not valid Unicode"),
                        ("[" * 100_000 + "]" * 100_000, "nested too deeply"),
                        (json.dumps({"id": [], "title": "x", "description": "y"}), "'id' is missing"),
                        ('{"id": 3, "title": "x", "description": "a\u2028b\x85c"}', "")):
        path.write_text(f"{good}\n\n{good}\n{bad}\n{good}\n", encoding="utf-8")
        try:
            read_postings_file(path)
            error = None
        except PostingsFileError as exc:
            error = str(exc)
        if reason:
            assert error and error.startswith(f"{path}:4: ") and reason in error, error
        else:
            assert error is None, error


toml_value = st.one_of(st.integers(), st.booleans(), st.text(max_size=20).map(json.dumps),
                       st.just("[1, 2]"), st.just('{a = 1}'), st.just("1979-05-27T07:32:00Z"), st.just('""'))
toml_key = st.sampled_from(("company", "ats", "board", "url", "allow_hosts", "colour", "source", "resume",
                            "name", "preferences", "remote", "min_salary", "locations", "seniority"))
toml_text = st.lists(st.one_of(
    st.sampled_from(("[[source]]", "[source]", "[profile]", "[preferences]", "source = [1, 2]", 'source = "x"',
                     "profile = 5", "preferences = [1]", 'ats = "greenhouse"', 'ats = "lever"', 'company = "A"',
                     'board = "b"', 'resume = "resume.md"', 'resume = "\\u0000"', 'resume = "."',
                     'resume = "/dev/null"', 'url = "https://example.com/b"')),
    st.tuples(toml_key, toml_value).map(lambda kv: f"{kv[0]} = {kv[1]}"),
    odd_text.map(lambda text: text.replace("\n", " "))), max_size=8).map("\n".join)


@FUZZ
@given(text=toml_text)
def test_sources_file_loads_or_says_why(tmp_path, text):
    path = tmp_path / "sources.toml"
    path.write_bytes(text.encode("utf-8", "surrogatepass"))
    try:
        sources = load_sources(path)
    except SourcesError as exc:
        assert str(exc).startswith(str(path)) and "\n" not in str(exc)
        return
    assert sources and all(s.ats in SPIDERS and s.company.strip() and s.board.strip() for s in sources)
    assert all(dataclasses.asdict(s) for s in sources)


@FUZZ
@given(text=toml_text, resume=st.one_of(odd_text, st.binary(max_size=64)))
def test_profile_loads_or_says_why(tmp_path, text, resume):
    if isinstance(resume, str):
        resume = resume.encode("utf-8", "surrogatepass")
    (tmp_path / "resume.md").write_bytes(resume)
    for path, content in ((tmp_path / "profile.toml", text), (tmp_path / "resume.md", None)):
        if content is not None:
            path.write_bytes(content.encode("utf-8", "surrogatepass"))
        try:
            profile = load_profile(path)
        except ProfileError as exc:  # names the profile or the resume it points to
            assert str(exc).startswith(str(tmp_path)) and "\n" not in str(exc)
            continue
        assert profile.resume.strip() and isinstance(profile.lines, tuple)
        profile.fingerprint  # noqa: B018 - hashing the resume must not fail either


# --- a hostile board, crawled for real ------------------------------------------------------------

def test_board_with_garbage_postings_is_crawled_and_loaded(db, board_sources, tmp_path):
    """Garbage postings land in rejects with a reason; the good ones, odd characters and all, are loaded."""
    from pipelines.scan import crawl_and_load
    from scrapers.replay import ReplayServer
    from tests.helpers import FIXTURES
    from warehouse.db import reader

    payload = json.loads((FIXTURES / "ats/greenhouse/anthropic_jobs.json").read_text(encoding="utf-8"))
    good = payload["jobs"]
    template = good[0]
    garbage_jobs = [
        42,                                                          # not an object
        {**template, "id": 9001, "title": None},                     # no title
        {**template, "id": 9002, "title": {"en": "Engineer"}},       # title of the wrong type
        {**template, "id": 9003, "location": 7},                     # a field of the wrong type
        {**template, "id": 9004, "title": "", "content": "\ud800"},  # no title, and text UTF-8 cannot hold
    ]
    odd_but_good = [
        {**template, "id": 9101, "title": "Engineer \ud800 \u202eRTL\u202c 🚀"},
        {**template, "id": 9102, "title": "Deep", "metadata": _nested(300), "first_published": "x" * 100_000},
        {**template, "id": 9103, "title": "Big", "content": "&lt;p&gt;" + "word " * 200_000 + "&lt;/p&gt;"},
    ]
    payload["jobs"] = good + garbage_jobs + odd_but_good
    (tmp_path / "boards/greenhouse").mkdir(parents=True)
    (tmp_path / "boards/greenhouse/anthropic.json").write_text(json.dumps(payload), encoding="utf-8")
    # a board answering JSON nested too deep to decode has failed; "ok" with no postings would close them all
    (tmp_path / "boards/lever").mkdir(parents=True)
    (tmp_path / "boards/lever/spotify.json").write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")
    with ReplayServer(tmp_path / "boards") as server:
        sources = [dataclasses.replace(board_sources[0], url=f"{server.base_url}/greenhouse/anthropic.json"),
                   dataclasses.replace(board_sources[1], url=f"{server.base_url}/lever/spotify.json")]
        scan_id, statuses, added = crawl_and_load(db, sources, "hostile")
    assert statuses[0]["status"] == "ok", statuses[0]
    assert statuses[1]["status"] == "failed" and "nested too deeply" in statuses[1]["error"], statuses[1]
    assert added == statuses[0]["items"] == len(good) + len(odd_but_good)
    with reader(db) as con:
        rejects = con.execute("SELECT reason, raw FROM rejects WHERE scan_id = ?", [scan_id]).fetchall()
        titles = {row[0] for row in con.execute("SELECT title FROM postings WHERE native_id LIKE '91%'").fetchall()}
        logged = con.execute("SELECT items, rejected FROM scan_log WHERE scan_id = ? AND ats = 'greenhouse'",
                             [scan_id]).fetchone()
    assert len(rejects) == len(garbage_jobs) and all(reason for reason, _ in rejects)
    assert logged == (len(good) + len(odd_but_good), len(garbage_jobs))
    assert "Engineer \ufffd \u202eRTL\u202c 🚀" in titles and {"Deep", "Big"} <= titles
