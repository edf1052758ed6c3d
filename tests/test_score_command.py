"""A warehouse that never saw a scan: `load`, then `score`, then `targets`; and one reading of a posting:
`fit FILE` and the warehouse give the same score for the same posting."""

from __future__ import annotations

import json

from tests.helpers import FIXTURES, marketfit
from warehouse.db import reader

POSTINGS = FIXTURES / "imports" / "kestrel_postings.jsonl"
RESUME = """# Jo Meyer
Senior Platform Engineer · Berlin, Germany

## Experience
### Platform Engineer — Streamline (2017–present)
- Ran the Kubernetes platform for 60 services and cut deploy time from 40 to 6 minutes
- Wrote the Terraform modules and Go tooling behind 300 deploys a week
- On call for production systems; led 25 incident reviews

## Skills
Kubernetes, Terraform, Go, Python, AWS, PostgreSQL
"""


def _profile(tmp_path):
    (tmp_path / "jo.md").write_text(RESUME, encoding="utf-8")
    path = tmp_path / "jo.toml"
    path.write_text('[profile]\nname = "jo"\nresume = "jo.md"\n\n[preferences]\nlocations = ["Berlin", "Germany"]\n'
                    'remote = "any"\nroles = ["platform engineer", "site reliability engineer"]\n', encoding="utf-8")
    return path


def test_load_then_score_then_targets_and_fit_agrees_with_the_warehouse(tmp_path):
    db, profile = tmp_path / "w.duckdb", _profile(tmp_path)
    marketfit("load", str(POSTINGS), "--db", str(db))
    scored = marketfit("score", "--profile", str(profile), "--db", str(db))
    assert "postings scored for jo" in scored.stdout
    with reader(db) as con:
        stored = {title: (score, tier) for title, score, tier in con.execute(
            "SELECT title, fit_score, tier FROM fit_ranked WHERE profile = 'jo'").fetchall()}
    assert stored and "Platform Engineer" in stored
    assert marketfit("score", "--profile", str(profile), "--db", str(db)).stdout.startswith("0 postings scored")

    targets = marketfit("targets", "--profile", str(profile), "--db", str(db), "--format", "json")
    assert "Kestrel Systems" in {row["company"] for row in json.loads(targets.stdout)}

    from_file = [json.loads(line) for line in marketfit("fit", str(POSTINGS), "--profile", str(profile))
                 .stdout.splitlines()]
    with reader(db) as con:
        titles = dict(con.execute("SELECT native_id, title FROM postings").fetchall())
    compared = 0
    for row in from_file:
        title = titles.get(str(row["id"]))
        if title in stored:
            assert abs(row["fit_score"] - stored[title][0]) <= 0.2 and row["tier"] == stored[title][1], title
            compared += 1
    assert compared == len(stored)


def test_score_needs_a_warehouse(tmp_path):
    result = marketfit("score", "--profile", str(_profile(tmp_path)), "--db", str(tmp_path / "none.duckdb"),
                       check=False)
    assert result.returncode == 2 and "no warehouse here yet" in result.stderr


def test_targets_scores_postings_another_load_or_scan_added_since(tmp_path):
    """After postings arrive that this profile was never scored on (another profile's scan, a `load`),
    `targets` scores them first: its list holds every open posting's company, not only the old ones."""
    db, profile = tmp_path / "w.duckdb", _profile(tmp_path)
    marketfit("load", str(POSTINGS), "--db", str(db))
    marketfit("score", "--profile", str(profile), "--db", str(db))
    marketfit("load", str(FIXTURES / "imports" / "jobspy_jobs.csv"), "--db", str(db))   # not scored for jo
    targets = json.loads(marketfit("targets", "--profile", str(profile), "--db", str(db), "--format", "json",
                                   "--limit", "50").stdout)
    with reader(db) as con:
        unscored = con.execute("""SELECT count(*) FROM postings p WHERE closed_at IS NULL AND NOT EXISTS
                                  (SELECT 1 FROM fit_scores f WHERE f.profile = 'jo' AND f.posting_id = p.posting_id)
                               """).fetchone()[0]
        companies = {c for c, in con.execute("SELECT DISTINCT company FROM postings WHERE closed_at IS NULL")
                     .fetchall()}
    assert unscored == 0
    assert {row["company"] for row in targets} == companies
