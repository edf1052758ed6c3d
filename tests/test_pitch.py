"""The pitch kit through the real CLI: the demo's boards and a product manager's recorded-shape board, replayed on
a loopback server into a real DuckDB file, scored with the real embedding model."""

from __future__ import annotations

import csv
import json

import pytest

from models.profile import is_quantified, load_profile
from models.skills import DEFAULT_TAXONOMY
from pipelines.pitch import quotes
from tests.helpers import DEMO, FIXTURES, marketfit
from warehouse.db import reader

PM_BOARDS = FIXTURES / "pitch" / "boards"
PM_PROFILE = FIXTURES / "pitch" / "pm.toml"


@pytest.fixture(scope="module")
def demo_targets(tmp_path_factory):
    db = tmp_path_factory.mktemp("pitch") / "demo.duckdb"
    marketfit("demo", env_db=db)
    listed = json.loads(marketfit("targets", "--profile", str(DEMO / "profile.toml"), "--pitch", "--format", "json",
                                  env_db=db).stdout)
    return db, listed


def _descriptions(db, ids: list[str]) -> dict[str, str]:
    with reader(db) as con:
        return dict(con.execute("SELECT posting_id, description FROM postings WHERE list_contains(?, posting_id)",
                                [ids]).fetchall())


def test_demo_top_three_companies_have_a_kit_whose_every_quote_is_verbatim(demo_targets):
    db, listed = demo_targets
    top = [row for row in listed if row["rank"] and row["rank"] <= 3]
    assert len(top) == 3
    resume = (DEMO / "resume.md").read_text(encoding="utf-8")
    descriptions = _descriptions(db, [row["best_posting_id"] for row in top])
    for row in top:
        kit = row["pitch_notes"]
        assert kit["posting_id"] == row["best_posting_id"]
        assert kit["angle"]["evidence"] and kit["resume"]["lead_with"] and kit["value"]["benefits"]
        assert kit["value"]["costs"] and kit["cover_letter"]["headline"], row["company"]
        found = quotes(kit)
        assert {source for source, _ in found} == {"posting", "resume"}
        for source, quote in found:
            text = descriptions[kit["posting_id"]] if source == "posting" else resume
            assert quote and quote in text, (row["company"], source, quote)
    assert all(row["pitch_notes"] is None for row in listed if row["rank"] and row["rank"] > 10)


def test_pitch_prints_the_kit_for_one_posting_and_refuses_an_unknown_one(demo_targets):
    db, listed = demo_targets
    best = listed[0]["best_posting_id"]
    kit = json.loads(marketfit("pitch", "--profile", str(DEMO / "profile.toml"), "--posting", best, "--format",
                               "json", env_db=db).stdout)
    assert set(kit) >= {"angle", "segments", "value", "resume", "cover_letter", "roadmap", "market_fit"}
    assert [c["cost"] for c in kit["value"]["costs"]] == ["compensation", "opportunity", "risk"]
    assert kit["resume"]["growth_summary"].startswith("Junior Developer (2015)")
    markdown = marketfit("pitch", "--profile", str(DEMO / "profile.toml"), "--posting", best, env_db=db).stdout
    for heading in ("The customer's pain", "The end users", "The value proposition", "The release notes",
                    "The press release", "Your roadmap", "Fit with the market"):
        assert f"## {heading}" in markdown
    # the sales roles the demo person avoids: every one scores below the weak line, said plainly
    assert "You do not fit" in kit["market_fit"]["summary"]
    for args in (("--posting", "no-such-posting"), ("--posting", best, "--format", "xml")):
        bad = marketfit("pitch", "--profile", str(DEMO / "profile.toml"), *args, env_db=db, check=False)
        assert bad.returncode == 2 and bad.stderr.startswith("error:") and len(bad.stderr.splitlines()) == 1, args


def test_a_measured_result_needs_a_unit_or_a_change():
    assert is_quantified("Cut p99 latency from 800 ms to 120 ms") and is_quantified("Grew revenue 40%")
    assert is_quantified("Launched seller onboarding used by 40,000 small businesses")
    assert is_quantified("Halved the release cycle") and is_quantified("Raised $2M in new bookings")
    assert not is_quantified("Kept double-entry books for one of the teams")
    assert not is_quantified("Joined in 2019 as the first hire") and not is_quantified("Ported the tool to Python 3")


def _technical() -> set[str]:
    """Skills that are programming languages, tools or infrastructure: every O*NET technology and the
    taxonomy's software-engineering group."""
    with DEFAULT_TAXONOMY.open(encoding="utf-8", newline="") as handle:
        return {row["name"] for row in csv.DictReader(handle)
                if row["taxonomy"] == "onet" or row["category"] in ("software engineering", "engineering & science")}


def test_a_product_managers_roadmap_is_read_from_product_postings(tmp_path):
    from scrapers.replay import ReplayServer

    db = tmp_path / "pm.duckdb"
    with ReplayServer(PM_BOARDS) as server:
        sources = tmp_path / "sources.toml"
        sources.write_text(f'allow_hosts = ["127.0.0.1"]\n[[source]]\ncompany = "Harbor Health"\n'
                           f'ats = "greenhouse"\nboard = "harborhealth"\n'
                           f'url = "{server.base_url}/greenhouse/harborhealth.json"\n', encoding="utf-8")
        marketfit("scan", "--sources", str(sources), "--profile", str(PM_PROFILE), env_db=db)
    roadmap = json.loads(marketfit("roadmap", "--profile", str(PM_PROFILE), "--format", "json", env_db=db).stdout)
    top = [row["skill"] for row in roadmap[:5]]
    assert len(top) == 5 and not set(top) & _technical(), top
    assert {"Pricing strategy", "Market research", "Go-to-market strategy"} <= set(top)
    # the engineering postings on the same board name Elasticsearch, React, Kubernetes...: none reached the list
    assert not {"Elasticsearch", "React", "Kubernetes", "PostgreSQL", "Ruby on Rails"} & {r["skill"] for r in roadmap}
    assert all(row["group"] for row in roadmap)
    person = load_profile(PM_PROFILE)
    with reader(db) as con:
        stored = [skill for skill, in con.execute("SELECT skill FROM skill_roadmaps WHERE profile = ? ORDER BY rank",
                                                   [person.name]).fetchall()]
    assert stored[:5] == top
