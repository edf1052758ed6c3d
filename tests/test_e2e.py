"""End to end through the real CLI: loopback crawl, real DuckDB file, real embedding model."""

from __future__ import annotations

import json

import pytest

from models.fit import FEATURES
from tests.helpers import DEMO, marketfit
from warehouse.db import reader


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory):
    """One demo run, then a second one over the same unchanged boards."""
    db = tmp_path_factory.mktemp("demo") / "demo.duckdb"
    first = marketfit("demo", env_db=db)
    with reader(db) as con:
        counts = con.execute("SELECT (SELECT count(*) FROM postings), (SELECT count(*) FROM embeddings), "
                             "(SELECT count(*) FROM fit_scores)").fetchone()
    second = marketfit("demo", env_db=db)
    return db, first.stdout, second.stdout, counts


def test_demo_prints_ranked_targets_and_where_the_data_is(demo_db):
    db, first, _, _ = demo_db
    assert "Best target postings for alex" in first
    assert "Best target companies for alex" in first
    assert str(db) in first and first.count("marketfit sql") == 2
    with reader(db) as con:
        n = con.execute("SELECT count(*) FROM postings").fetchone()[0]
    assert n >= 16
    assert f"{n} postings seen, {n} new; {n} embedded; {n} classified; {n} read for skills; {n} scored for alex" in first


def test_demo_summary_names_the_board_it_could_not_read(demo_db):
    """issue 16 (the README walkthrough): the demo's scan summary counts the failed board and says why."""
    _, first, _, _ = demo_db
    assert "scan 1: sources 1 failed, 7 ok;" in first
    row = next(line for line in first.splitlines() if "Tidewater Freight" in line)
    assert "failed" in row and "HTTP 404 from http://127.0.0.1:" in row and "/lever/tidewaterfreight.json" in row


def test_trends_on_the_demo_has_rows(demo_db):
    """issue 16 (the README walkthrough): `trends` with its defaults answers with skills on the demo."""
    result = marketfit("trends", "--format", "json", env_db=demo_db[0])
    rows = json.loads(result.stdout)
    assert result.stderr == "" and len(rows) >= 5 and {"new", "rising"} & {r["trend"] for r in rows}


def test_second_demo_over_unchanged_boards_adds_nothing_and_embeds_nothing(demo_db):
    db, _, second, counts = demo_db
    assert f"{counts[0]} postings seen, 0 new; 0 embedded; 0 classified; 0 read for skills; 0 scored for alex" \
        in second
    with reader(db) as con:
        assert con.execute("SELECT (SELECT count(*) FROM postings), (SELECT count(*) FROM embeddings), "
                           "(SELECT count(*) FROM fit_scores)").fetchone() == counts
        assert con.execute("SELECT count(*) FROM scans").fetchone()[0] == 2
        assert con.execute("SELECT count(*) FROM skill_extractions").fetchone()[0] == counts[0]
        skills = con.execute("SELECT count(DISTINCT content_hash) FROM posting_skills").fetchone()[0]
        assert skills >= counts[0] // 2  # most postings name at least one known skill


def test_demo_ranking_is_sensible_for_a_senior_backend_engineer(demo_db):
    db = demo_db[0]
    with reader(db) as con:
        ranked = con.execute("SELECT title, fit_score, explanation FROM fit_ranked WHERE profile = 'alex'").fetchall()
    titles = [title for title, _, _ in ranked]
    # the sales roles break a hard preference (functions to avoid): tier 1, below every tier-0 posting
    sales = [i for i, t in enumerate(titles) if "Account Executive" in t]
    assert sales and min(sales) >= len(titles) // 2
    best = json.loads(ranked[0][2])
    assert set(best["components"]) == set(FEATURES) and best["tier"] == 0 and best["reasons"]
    assert best["matched"], "the best posting should have requirements evidenced by resume lines"
    gated = json.loads(ranked[sales[0]][2])
    assert gated["tier"] == 1 and any("avoid" in gate for gate in gated["gates"])
    tiers = [json.loads(explanation)["tier"] for _, _, explanation in ranked]
    assert tiers == sorted(tiers)  # a gated posting never outranks an ungated one


def test_sql_command_reads_views_in_each_format(demo_db):
    db = demo_db[0]
    out = marketfit("sql", "SELECT hire_type, count(*) AS n FROM postings_current GROUP BY 1 ORDER BY 1",
                    "--format", "json", env_db=db).stdout
    rows = json.loads(out)
    assert sum(r["n"] for r in rows) >= 16 and {r["hire_type"] for r in rows} <= {"bandwidth", "expertise"}
    csv_out = marketfit("sql", "SELECT company, status FROM scan_log ORDER BY company LIMIT 1", "--format", "csv",
                        env_db=db).stdout
    assert csv_out.splitlines()[0] == "company,status"


def test_sql_command_refuses_writes_and_file_access(demo_db):
    db = demo_db[0]
    for query in ("DELETE FROM postings", "COPY postings TO '/tmp/x.csv'", "SELECT * FROM read_csv('/etc/passwd')"):
        result = marketfit("sql", query, env_db=db, check=False)
        assert result.returncode == 2 and result.stderr.startswith("error:"), query


def test_classify_and_fit_commands_on_a_postings_file(tmp_path):
    board = json.loads((DEMO / "boards/ashby/ramp.json").read_text())
    postings = tmp_path / "postings.jsonl"
    postings.write_text("".join(json.dumps({"id": j["id"], "title": j["title"], "company": "Ramp",
                                            "location": j["location"], "description": j["descriptionHtml"]}) + "\n"
                                for j in board["jobs"]))
    calls = [json.loads(line) for line in marketfit("classify", str(postings)).stdout.splitlines()]
    assert [c["id"] for c in calls] == [j["id"] for j in board["jobs"]]
    assert all(c["hire_type"] in ("bandwidth", "expertise") and 0 <= c["expertise_probability"] <= 1
               and c["evidence"] for c in calls)
    out = tmp_path / "fit.jsonl"
    marketfit("fit", "--profile", str(DEMO / "profile.toml"), str(postings), "-o", str(out))
    fits = [json.loads(line) for line in out.read_text().splitlines()]
    assert all(0 <= f["fit_score"] <= 100 and {"matched", "gaps", "gates", "components"} <= set(f) for f in fits)


def test_skills_command_gives_offsets_into_the_description(tmp_path):
    postings = tmp_path / "postings.jsonl"
    text = "Requirements:\n- 5+ years of Python and k8s\n\nNice to have:\n- Postgres"
    postings.write_text(json.dumps({"id": "a", "title": "Backend Engineer", "description": text}) + "\n" +
                        json.dumps({"id": "b", "title": "X", "description": "<p>We use <b>Kubernetes</b></p>"}) + "\n")
    rows = [json.loads(line) for line in marketfit("skills", str(postings)).stdout.splitlines()]
    found = {s["name"]: s for s in rows[0]["skills"] if s["found_by"] != "tagger"}  # the gazetteer's names
    assert set(found) == {"Python", "Kubernetes", "PostgreSQL"}
    assert text[found["Kubernetes"]["start"]:found["Kubernetes"]["end"]] == "k8s"
    assert found["Python"]["requirement"] == "must" and found["PostgreSQL"]["requirement"] == "nice"
    assert found["PostgreSQL"]["taxonomy"] and found["PostgreSQL"]["taxonomy_id"]
    converted = rows[1]
    kubernetes = next(s for s in converted["skills"] if s["name"] == "Kubernetes")
    assert converted["description"][kubernetes["start"]:kubernetes["end"]] == "Kubernetes"
