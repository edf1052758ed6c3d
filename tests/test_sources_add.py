"""`marketfit sources add URL`: careers/board URL → a [[source]] appended to the sources file (real CLI)."""

from __future__ import annotations

import tomllib

import pytest

from scrapers.sources import load_sources
from tests.helpers import marketfit


@pytest.mark.parametrize("url, entry", [
    ("https://boards.greenhouse.io/anthropic", {"company": "Anthropic", "ats": "greenhouse", "board": "anthropic"}),
    ("https://jobs.eu.lever.co/bitpanda/4f1e2d3c-1111-2222-3333-444455556666",
     {"company": "Bitpanda", "ats": "lever", "board": "bitpanda",
      "url": "https://api.eu.lever.co/v0/postings/bitpanda?mode=json"}),
    ("https://ottonova.jobs.personio.com/job/2747443",
     {"company": "Ottonova", "ats": "personio", "board": "ottonova", "url": "https://ottonova.jobs.personio.com/xml"}),
    ("jobs.ashbyhq.com/wealth-com", {"company": "Wealth Com", "ats": "ashby", "board": "wealth-com"}),
    ("https://acme.wd5.myworkdayjobs.com/en-US/External",
     {"company": "Acme", "ats": "workday", "board": "acme/External", "url": "https://acme.wd5.myworkdayjobs.com"}),
    ("https://news.ycombinator.com/item?id=41000001",
     {"company": "Hacker News", "ats": "hn", "board": "whoishiring",
      "url": "https://hacker-news.firebaseio.com/v0/item/41000001.json"}),
    ("https://fernwood-analytics.bamboohr.com/careers/48",
     {"company": "Fernwood Analytics", "ats": "bamboohr", "board": "fernwood-analytics"}),
    # no ATS pattern: the page itself, read for schema.org JobPostings
    ("https://careers.acme-robotics.example/open-roles?team=all",
     {"company": "Acme Robotics", "ats": "jsonld", "board": "careers.acme-robotics.example",
      "url": "https://careers.acme-robotics.example/open-roles?team=all"}),
    ("www.tulpwerk.example/vacatures",
     {"company": "Tulpwerk", "ats": "jsonld", "board": "tulpwerk.example", "url": "https://www.tulpwerk.example/vacatures"}),
])
def test_adds_the_detected_source_to_a_new_file(tmp_path, url, entry):
    sources = tmp_path / "sources.toml"
    result = marketfit("sources", "add", url, "--sources", str(sources))
    assert f"({entry['ats']} board {entry['board']})" in result.stdout
    assert tomllib.loads(sources.read_text(encoding="utf-8")) == {"source": [entry]}
    assert load_sources(sources)[0].ats == entry["ats"]  # a valid sources file


def test_appends_keeping_existing_text_and_comments_byte_for_byte(tmp_path):
    sources = tmp_path / "sources.toml"
    before = ('# my targets\nallow_hosts = ["127.0.0.1"]\n\n[[source]]\ncompany = "Ramp"   # fintech\n'
              'ats = "ashby"\nboard = "ramp"')  # no newline at the end
    sources.write_text(before, encoding="utf-8")
    marketfit("sources", "add", "https://careers.fernhill.example/jobs", "--sources", str(sources),
              "--company", 'Fernhill "FA" Analytics')
    after = sources.read_text(encoding="utf-8")
    assert after.startswith(before)
    assert [(s.company, s.ats, s.board, s.url) for s in load_sources(sources)] == [
        ("Ramp", "ashby", "ramp", None),
        ('Fernhill "FA" Analytics', "jsonld", "careers.fernhill.example", "https://careers.fernhill.example/jobs")]


def test_refuses_a_board_already_in_the_file(tmp_path):
    sources = tmp_path / "sources.toml"
    marketfit("sources", "add", "https://jobs.lever.co/spotify", "--sources", str(sources))
    before = sources.read_bytes()
    result = marketfit("sources", "add", "https://jobs.lever.co/spotify/0a1b2c3d/apply", "--sources", str(sources),
                       "--company", "Spotify AB", check=False)
    assert result.returncode == 2
    assert result.stderr.strip() == f"error: {sources}: already has lever board 'spotify' (company 'Spotify')"
    assert sources.read_bytes() == before


@pytest.mark.parametrize("content, url, message", [
    (None, "ftp://files.example/jobs", "not an http(s) URL"),
    (None, "not a url", "'not a url' is not a URL marketfit can read: it has a space or control character"),
    (None, "https://jobs.example.com/open roles", "has a space or control character"),
    (None, "notaurl", "'notaurl' is not a URL marketfit can read: it has no scheme and no dotted host name"),
    (None, "https://exa mple.com/jobs", "has a space"),
    (None, "https://bad_host!.example/jobs", "has no valid host name"),
    (None, "https://jobs.example.com:99999/", "has a host or port that is not valid"),
    (None, "https:///jobs", "has no valid host name"),
    (b'[[source]]\ncompany = "A"\nats = "taleo"\nboard = "a"\n', "https://jobs.lever.co/a", "ats 'taleo' is not one of"),
    (b"[[source]\n", "https://jobs.lever.co/a", "invalid TOML"),
    (b"\xff\xfe", "https://jobs.lever.co/a", "not UTF-8"),
])
def test_bad_url_or_bad_file_writes_nothing(tmp_path, content, url, message):
    sources = tmp_path / "sources.toml"
    if content is not None:
        sources.write_bytes(content)
    result = marketfit("sources", "add", url, "--sources", str(sources), check=False)
    assert result.returncode == 2 and message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert (sources.read_bytes() == content) if content is not None else not sources.exists()


# --- the seed sources file (scrapers/seed_sources.toml, built from open-jobs-data, MIT) ------------

def test_seed_sources_file_is_a_valid_sources_file():
    from scrapers.build_seed import SEED
    from scrapers.registry import SPIDERS

    seed = load_sources(SEED)
    # every ATS but schema.org pages, which open-jobs-data's list does not name
    assert len(seed) > 300 and {s.ats for s in seed} == set(SPIDERS) - {"jsonld"}
    assert len({(s.ats, s.board) for s in seed}) == len(seed)
    header = SEED.read_text(encoding="utf-8").split("[[source]]")[0]
    assert "github.com/ConorsCode/open-jobs-data @ " in header
    assert "MIT License" in header and "Copyright (c) 2026 open-jobs-data contributors" in header


def test_seed_builder_keeps_supported_live_boards_once(tmp_path):
    from scrapers.build_seed import seed_toml

    companies = [{"name": "Zeta", "platform": "lever", "slug": "zeta"},
                 {"name": "Alpha", "platform": "greenhouse", "slug": "alpha"},
                 {"name": "Gone", "platform": "greenhouse", "slug": "gone"},
                 {"name": "Alpha Again", "platform": "greenhouse", "slug": "alpha"},
                 {"name": "Big Corp", "platform": "workday", "workday": {"tenant": "big", "site": "x", "shard": "wd1"}},
                 {"name": "No Shard", "platform": "workday", "workday": {"tenant": "ns", "site": "x"}},
                 {"name": "Small Co", "platform": "bamboohr", "slug": "small"},
                 {"name": "Other", "platform": "icims", "slug": "other"},
                 {"name": 'Quote "Q" Co', "platform": "personio", "slug": "quote"}]
    text = seed_toml(companies, {("Gone", "greenhouse")}, "github.com/example/list @ 0123abc",
                     "MIT License\n\nCopyright (c) 2026 Example")
    seed = tmp_path / "seed.toml"
    seed.write_text(text, encoding="utf-8")
    assert [(s.company, s.ats, s.board, s.url) for s in load_sources(seed)] == [
        ("Small Co", "bamboohr", "small", None), ("Alpha", "greenhouse", "alpha", None),
        ("Zeta", "lever", "zeta", None), ('Quote "Q" Co', "personio", "quote", None),
        ("Big Corp", "workday", "big/x", "https://big.wd1.myworkdayjobs.com"), ("Hacker News", "hn", "whoishiring", None)]
    assert text.startswith("# Seed sources: 5 public ATS boards (bamboohr 1, greenhouse 1, lever 1, ")
    assert "# Copyright (c) 2026 Example\n" in text and "github.com/example/list @ 0123abc" in text
