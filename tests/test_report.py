"""The skill-gap roadmap, the weekly report (HTML + Markdown) and the export, on a seeded real warehouse.

Postings are written straight into the tables with known dates; everything after that runs the real steps:
embedding model, hire-type classifier, skill extractor, fit scorer, target lists, roadmap.
"""

from __future__ import annotations

import hashlib
import json
from datetime import date, datetime, timedelta, timezone
from html.parser import HTMLParser
from pathlib import Path

import duckdb
import pytest
from markupsafe import escape

from models.embedder import MemoEncoder
from models.company_facts import CompanyFacts
from models.fit import FitScorer
from models.hire_type import HireTypeModel
from models.linking import load_reader
from models.profile import load_profile
from models.skills import SkillExtractor
from pipelines.classify import classify_postings
from models.vector_cache import embed_texts
from pipelines.embed import embed_postings
from pipelines.fit import score_profile
from pipelines.report import (PUBLIC_VIEWS, ReportError, deciding_sentence, export_views, gather, markdown_text,
                              safe_url, salary_text, write_report)
from pipelines.roadmap import build_roadmap, fit_band
from pipelines.skills import extract_posting_skills
from pipelines.targets import build_targets
from tests.helpers import marketfit
from warehouse.db import reader, writer

RESUME = """# Jordan Lee
Senior Backend Engineer · Berlin

## Experience
### Senior Backend Engineer — Shipfast (2014–present)
- Built Python and Go services on PostgreSQL serving 3 million users
- Cut AWS spend by 30% by moving batch jobs to Kafka consumers
- Mentored the backend team and ran the design reviews
### Backend Engineer — Webco (2010–2014)
- Wrote Django REST APIs for 12 client projects

## Skills
Python, Go, PostgreSQL, Kafka, AWS, Django, REST APIs

## Looking for
- Senior backend engineer roles, remote or hybrid
"""

INJECTED_TITLE = ("Backend Engineer <script>document.title='pwned'</script>"
                  "<img src=x onerror=\"document.body.dataset.pwned='yes'\">")
WEEK = date(2026, 3, 30)                 # the report's week (a Monday)
NOW = datetime(2026, 4, 20, tzinfo=timezone.utc)

# company, title, posted, must-have skills, nice-to-have skills, closed
POSTINGS = [
    ("Legacy Ltd", "Java Engineer", "2025-10-08", "Java, Spring and PostgreSQL", "Kafka", "2025-12-31"),
    ("Legacy Ltd", "Senior Java Engineer", "2025-10-20", "Java, Spring and PostgreSQL", "AWS", "2025-12-31"),
    ("Legacy Ltd", "Java Platform Engineer", "2025-11-12", "Java and Kubernetes", "Terraform", "2025-12-31"),
    ("Oldweb", "Python Developer", "2025-11-03", "Python, Django and PostgreSQL", "AWS", "2025-12-31"),
    ("Oldweb", "Backend Developer", "2025-12-01", "Python and PostgreSQL", "Redis", "2025-12-31"),
    ("Oldweb", "Systems Engineer", "2025-12-10", "Rust and C++", "Linux", "2025-12-31"),
    ("Kestrel", "Data Engineer", "2026-01-15", "Python, Apache Spark and Apache Airflow", "AWS", None),
    ("Lumen", "Embedded Engineer", "2026-01-10", "C++ and Rust", "Linux", None),
    ("Orbit", "Frontend Engineer", "2026-02-05", "TypeScript and React", "GraphQL", None),
    ("Closing Co", "Backend Engineer", "2026-02-01", "Java and Spring", "Kubernetes", "2026-03-31"),
    ("Northwind", "Staff Engineer, Storage", "2026-02-20", "Rust and PostgreSQL", "Kubernetes", None),
    ("Orbit", "Full Stack Engineer", "2026-03-02", "TypeScript, React and Python", "Kubernetes", None),
    ("Northwind", "Backend Engineer, Platform", "2026-03-10", "Go, Kubernetes and Terraform", "Rust", None),
    ("Lumen", "Rust Systems Engineer", "2026-03-18", "Rust and Kubernetes", "Go", None),
    ("Evil Corp", INJECTED_TITLE, "2026-03-20", "Python, Go and PostgreSQL", "Kubernetes", None),
    ("Northwind", "Senior Backend Engineer", "2026-03-25", "Python, PostgreSQL and Kubernetes", "Rust", None),
    ("Kestrel", "Senior Software Engineer, Payments", "2026-03-28", "Python, Apache Kafka and Kubernetes",
     "Rust", None),
    ("Kestrel", "Backend Engineer, Ledger", "2026-03-31", "Go, PostgreSQL and Kubernetes", "Rust", None),
    ("Northwind", "Senior Platform Engineer", "2026-03-12", "Kubernetes", "Python", None),
    ("Kestrel", "Senior Backend Engineer, Infrastructure", "2026-03-16", "Kubernetes", "Go", None),
    ("Orbit", "Senior Backend Engineer", "2026-03-23", "Kubernetes and Python", "Terraform", None),
]


def description(company: str, must: str, nice: str) -> str:
    return (f"About the role\nYou will build and run the services behind {company}'s product.\n\n"
            f"Requirements:\n- 5+ years building production systems\n- Strong experience with {must}\n"
            f"- You own what you ship, including on-call\n\nNice to have:\n- Experience with {nice}\n")


def seed_market(folder: Path, embedder) -> tuple[Path, Path]:
    """A warehouse with dated postings run through the real steps, two weekly lists and a roadmap.
    Returns (warehouse, profile file)."""
    db = folder / "warehouse.duckdb"
    (folder / "resume.md").write_text(RESUME, encoding="utf-8")
    profile_file = folder / "jordan.toml"
    profile_file.write_text('[profile]\nname = "jordan"\nresume = "resume.md"\n[preferences]\n'
                            'remote = "any"\nseniority = "senior"\nroles = ["senior backend engineer"]\n',
                            encoding="utf-8")
    profile = load_profile(profile_file)
    with writer(db) as con:
        for company, title, posted, must, nice, closed in POSTINGS:
            text = description(company, must, nice)
            pid = hashlib.sha1(f"{company}/{title}".encode()).hexdigest()[:20]
            url = "javascript:alert(1)" if company == "Evil Corp" else f"https://jobs.example.com/{pid}"
            listed = datetime.fromisoformat(posted).replace(tzinfo=timezone.utc)
            con.execute("""INSERT INTO postings (posting_id, ats, board, native_id, company, title, url, posted_at,
                           remote, description, content_hash, first_seen, last_seen, last_scan_id)
                           VALUES (?, 'greenhouse', ?, ?, ?, ?, ?, ?, 'remote', ?, ?, ?, ?, 1)""",
                        [pid, company.lower(), pid, company, title, url, listed, text,
                         hashlib.sha256(f"{title}\n\n{text}".encode()).hexdigest(), listed, listed])
    skills = SkillExtractor.load()
    embed_postings(db, embedder)
    classify_postings(db, HireTypeModel.load())
    extract_posting_skills(db, load_reader(skills, MemoEncoder(embedder.encode)))
    score_profile(db, profile, embedder, skills)
    with writer(db) as con:   # closed after scoring: their fit scores stay, as they do in a real warehouse
        for company, title, _, _, _, closed in POSTINGS:
            if closed:
                con.execute("UPDATE postings SET closed_at = ? WHERE company = ? AND title = ?",
                            [datetime.fromisoformat(closed).replace(tzinfo=timezone.utc), company, title])
    build_targets(db, profile, skills, WEEK - timedelta(days=7), now=NOW)
    build_targets(db, profile, skills, WEEK, now=NOW)
    build_roadmap(db, profile, skills, lambda texts: embed_texts(db, embedder, texts))
    return db, profile_file


@pytest.fixture(scope="module")
def market(tmp_path_factory, embedder):
    return seed_market(tmp_path_factory.mktemp("report"), embedder)


@pytest.fixture(scope="module")
def report(market, tmp_path_factory):
    (html_path, _), (markdown_path, _) = write_report(market[0], WEEK, tmp_path_factory.mktemp("out"))
    return html_path.read_text(encoding="utf-8"), markdown_path.read_text(encoding="utf-8")


def stored_roadmap(db: Path) -> list[dict]:
    with reader(db) as con:
        cursor = con.execute("SELECT * FROM skill_roadmaps ORDER BY rank")
        names = [d[0] for d in cursor.description]
        return [dict(zip(names, row)) | {"examples": json.loads(row[names.index("examples")])}
                for row in cursor.fetchall()]


def test_roadmap_ranks_missing_skills_by_postings_moved_up_a_band(market):
    db, profile_file = market
    roadmap = stored_roadmap(db)
    resume_skills = {m.name for m in SkillExtractor.load().extract(RESUME)}
    assert roadmap and not {r["skill"] for r in roadmap} & resume_skills
    assert roadmap[0]["skill"] == "Kubernetes" and roadmap[0]["postings_moved"] >= 1
    returns = [r["return_score"] for r in roadmap]
    assert returns == sorted(returns, reverse=True)
    for row in roadmap:
        assert len(row["examples"]) == min(3, row["postings_moved"])
        for example in row["examples"]:
            assert fit_band(example["fit_after"]) > fit_band(example["fit_before"]), example
        assert 0 < row["demand_share"] <= 1


def test_roadmap_counts_match_a_direct_rescore(market, embedder):
    db, profile_file = market
    profile = load_profile(profile_file)
    top = stored_roadmap(db)[0]
    with reader(db) as con:
        postings = [dict(zip(("title", "description", "remote", "expertise_probability"), row)) for row in
                    con.execute("""SELECT p.title, p.description, p.remote, h.expertise_probability
                                   FROM fit_ranked f JOIN postings p USING (posting_id)
                                   LEFT JOIN hire_types h USING (posting_id) WHERE f.profile = 'jordan'""").fetchall()]
        frequency = dict(con.execute("""SELECT s.skill, count(DISTINCT p.posting_id) FROM postings p
                                        JOIN posting_skills s USING (content_hash) WHERE p.closed_at IS NULL
                                        GROUP BY s.skill""").fetchall())
    scorer = FitScorer(SkillExtractor.load(), lambda texts: embed_texts(db, embedder, texts))
    market_frequency = (frequency, len(postings))
    before = scorer.score_many(profile, postings, skill_frequency=market_frequency)
    after = scorer.score_many(profile, postings, skill_frequency=market_frequency,
                              extra_skills=frozenset({top["skill"]}))
    assert all(a.components["skills"] >= b.components["skills"] for a, b in zip(after, before))
    assert all(a.components["semantic"] == b.components["semantic"] for a, b in zip(after, before))
    moved = sum(fit_band(a.fit_score) > fit_band(b.fit_score) for a, b in zip(after, before))
    assert moved == top["postings_moved"]


def test_report_shows_targets_charts_roadmap_and_pitch_notes(report, market):
    page, markdown = report
    for company in ("Northwind", "Kestrel", "Lumen", "Evil Corp"):
        assert company in page and company in markdown
    assert page.count("<svg") == 4 and "<polyline" in page
    assert 'id="roadmap"' in page and "Kubernetes" in page and "Lead with" in page
    assert "Closing Co" in page and "dropped" in page
    with reader(market[0]) as con:
        best = con.execute("SELECT best_posting_id FROM target_companies_weekly WHERE week = ? AND rank = 1",
                           [WEEK]).fetchone()[0]
    assert f"https://jobs.example.com/{best}" in page
    assert "## Skill-gap roadmap" in markdown and "| 1 | Kubernetes |" in markdown


def test_report_shows_the_pitch_kit_of_the_first_targets(report, market):
    page, markdown = report
    with reader(market[0]) as con:
        kits = [json.loads(notes) for (notes,) in con.execute(
            "SELECT pitch_notes FROM target_companies_weekly WHERE week = ? AND pitch_notes IS NOT NULL "
            "ORDER BY rank", [WEEK]).fetchall()]
    assert kits
    first = kits[0]
    # each card of a target's best posting opens its kit: the pain, the benefits, the press-release headline
    assert page.count('<details class="kit">') >= 1 and "The customer's pain" in page
    assert str(escape(first["cover_letter"]["headline"])) in page
    assert "## Pitch kits for the first target companies" in markdown
    assert f"### Pitch kit: {markdown_text(first['company'])}" in markdown
    assert markdown_text(first["cover_letter"]["headline"]) in markdown


class Elements(HTMLParser):
    """The real elements and attributes of a page (escaped text is not an element)."""

    def __init__(self):
        super().__init__()
        self.tags: set[str] = set()
        self.attributes: list[tuple[str, str, str]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.add(tag)
        self.attributes += [(tag, name, value or "") for name, value in attrs]


def test_report_renders_posting_text_inert(report):
    page, markdown = report
    assert "<script" not in page.lower() and "onerror=\"" not in page and "javascript:" not in page
    assert "&lt;script&gt;document.title=&#39;pwned&#39;&lt;/script&gt;" in page
    assert "Content-Security-Policy" in page and "default-src 'none'" in page
    elements = Elements()
    elements.feed(page)
    assert "script" not in elements.tags and "img" not in elements.tags and "iframe" not in elements.tags
    assert not [name for _, name, _ in elements.attributes if name.startswith("on") or name == "src"]
    links = [value for _, name, value in elements.attributes if name == "href"]
    assert links and all(link.startswith("https://jobs.example.com/") for link in links)
    assert "<script" not in markdown and "&lt;script&gt;" in markdown


def test_markdown_text_and_urls():
    assert markdown_text("C# | <b>x</b>\n[link](javascript:1)") == r"C\# \| &lt;b&gt;x&lt;/b&gt; \[link\](javascript:1)"
    assert safe_url("https://a.example/x") == "https://a.example/x"
    for bad in ("javascript:alert(1)", " JAVASCRIPT:alert(1)", "data:text/html,x", "/relative", None):
        assert safe_url(bad) is None


def test_report_needs_a_stored_list(market):
    with reader(market[0]) as con:
        with pytest.raises(ReportError, match="no target list for the week of 2026-01-05"):
            gather(con, date(2026, 1, 5))


def test_export_writes_each_public_view_and_reads_back(market, tmp_path):
    db = market[0]
    for fmt in ("parquet", "csv"):
        files = [path for path, _ in export_views(db, tmp_path / fmt, fmt)]
        assert {f.stem for f in files} == set(PUBLIC_VIEWS)
        check = duckdb.connect()
        with reader(db) as con:
            for path in files:
                expected = con.execute(f"SELECT * FROM {path.stem}")
                columns, count = [d[0] for d in expected.description], len(expected.fetchall())
                read = check.execute(f"SELECT * FROM read_{fmt}(?)", [str(path)])
                assert [d[0] for d in read.description] == columns, path
                assert len(read.fetchall()) == count, path
        check.close()
    reread = duckdb.connect().execute("SELECT company, rank, change FROM read_parquet(?) WHERE week = ? "
                                      "ORDER BY rank NULLS LAST", [str(tmp_path / "parquet" /
                                                                       "target_companies_weekly.parquet"), WEEK])
    rows = reread.fetchall()
    assert rows[-1] == ("Closing Co", None, "dropped") and rows[0][1] == 1


def test_cli_report_trends_roadmap_and_export(market, tmp_path):
    db = market[0]
    out = marketfit("report", "--week", "2026-W14", "-o", str(tmp_path / "r"), env_db=db).stdout
    assert "report-jordan-2026-03-30.html" in out and (tmp_path / "r" / "report-jordan-2026-03-30.md").exists()
    rebuilt = marketfit("report", "--profile", str(market[1]), "--week", "2026-03-31", "-o", str(tmp_path / "p"),
                        env_db=db)
    assert "note:" not in rebuilt.stderr and (tmp_path / "p" / "report-jordan-2026-03-30.html").read_text(
        encoding="utf-8").count('<svg') == 4
    assert stored_roadmap(db)[0]["skill"] == "Kubernetes"
    roadmap = json.loads(marketfit("roadmap", "--profile", str(market[1]), "--format", "json", env_db=db).stdout)
    assert roadmap[0]["skill"] == "Kubernetes" and roadmap[0]["examples"][0]["fit_after"] > 0
    rising = json.loads(marketfit("trends", "--weeks", "13", "--format", "json", env_db=db).stdout)
    assert {r["skill"]: r["trend"] for r in rising}["Kubernetes"] == "rising"
    lift = marketfit("trends", "--segment", "role=backend", "--floor", "2", "--format", "csv", env_db=db).stdout
    assert lift.splitlines()[0] == "segment,skill,postings,share,overall_share,lift,segment_postings"
    exported = marketfit("export", "--format", "csv", "-o", str(tmp_path / "e"), env_db=db).stdout
    assert "skill_demand_weekly.csv" in exported
    for args in (("export", "--format", "xml", "-o", str(tmp_path / "bad")),
                 ("report", "--week", "never", "-o", str(tmp_path / "bad")),
                 ("report", "--week", "2026-01-05", "-o", str(tmp_path / "bad")),
                 ("trends", "--segment", "planet"), ("roadmap", "--profile", str(tmp_path / "missing.toml"))):
        result = marketfit(*args, env_db=db, check=False)
        assert result.returncode == 2 and result.stderr.startswith("error:"), (args, result.stderr)
        assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert not (tmp_path / "bad").exists()


# --- issue 17: writes go through a temporary file renamed into place, never through a link ---
def test_report_and_export_never_write_through_a_link_and_say_when_they_replace(market, tmp_path):
    db = market[0]
    victim = tmp_path / "victim.txt"
    victim.write_text("keep me")
    out = tmp_path / "out"
    out.mkdir()
    html = out / "report-jordan-2026-03-30.html"
    html.symlink_to(victim)
    result = marketfit("report", "--week", "2026-W14", "-o", str(out), env_db=db, check=False)
    assert result.returncode == 2 and result.stderr.strip() == (
        f"error: {html}: is a symbolic link; refusing to write through it (remove it or choose another folder)")
    assert victim.read_text() == "keep me" and html.is_symlink()
    assert [p.name for p in out.iterdir()] == [html.name]  # no temporary file left behind

    html.unlink()
    first = marketfit("report", "--week", "2026-W14", "-o", str(out), env_db=db).stdout
    assert first.splitlines() == [f"wrote {html}", f"wrote {html.with_suffix('.md')}"]
    again = marketfit("report", "--week", "2026-W14", "-o", str(out), env_db=db).stdout
    assert again.splitlines() == [f"replaced {html}", f"replaced {html.with_suffix('.md')}"]
    assert sorted(p.name for p in out.iterdir()) == [html.name, html.with_suffix(".md").name]

    exported = tmp_path / "export"
    exported.mkdir()
    (exported / "postings_current.csv").symlink_to(victim)
    result = marketfit("export", "--format", "csv", "-o", str(exported), env_db=db, check=False)
    assert result.returncode == 2 and "postings_current.csv: is a symbolic link" in result.stderr
    assert victim.read_text() == "keep me"


def test_report_to_a_file_instead_of_a_folder_is_one_line(market, tmp_path):
    a_file = tmp_path / "notes.txt"
    a_file.write_text("mine")
    for command in (["report", "--week", "2026-W14"], ["export"]):
        result = marketfit(*command, "-o", str(a_file), env_db=market[0], check=False)
        assert result.returncode == 2, result.stderr
        assert result.stderr.strip() == f"error: {a_file}: is a file, not a folder (-o takes a folder)"
    assert a_file.read_text() == "mine"


def test_report_isolates_bidirectional_text_and_cuts_long_titles_for_display(market):
    """issue 17: a U+202E override stays inside its <bdi>; a 5,000-character title shows as 120 characters."""
    from pipelines.report import SHOWN_TITLE_CHARS, render_html, render_markdown

    with reader(market[0]) as con:
        data = gather(con, WEEK)
    override = "Engineer \u202eredaeL"
    data.targets[0]["company"] = override
    data.targets[0]["best_title"] = "Staff " + "very " * 1000 + "long title"
    page, markdown = render_html(data), render_markdown(data)
    assert f"<bdi>{override}</bdi>" in page
    outside = page.replace(f"<bdi>{override}</bdi>", "").replace(f"\u2068{override}\u2069", "")  # SVG: FSI..PDI
    assert "\u202e" not in outside  # every occurrence is isolated
    assert "very " * 1000 not in page and "very " * 1000 not in markdown
    shown = "Staff " + "very " * 1000
    cut = shown[:SHOWN_TITLE_CHARS - 1].rstrip() + "…"
    assert f"<bdi>{cut}</bdi>" in page and cut in markdown


def test_a_roadmap_where_nothing_moved_says_so(market, report, tmp_path):
    page, markdown = report   # the seeded roadmap moves postings: no note
    assert "No missing skill moves" not in page and "No missing skill moves" not in markdown
    db = tmp_path / "w.duckdb"
    db.write_bytes(market[0].read_bytes())
    with writer(db) as con:
        con.execute("UPDATE skill_roadmaps SET postings_moved = 0, return_score = 0.0, examples = '[]'")
    (html_path, _), (markdown_path, _) = write_report(db, WEEK, tmp_path / "out")
    note = ("No missing skill moves any of the best-fitting postings up a fit band (&lt;40, 40-60, 60-75, &gt;=75); "
            "the skills are ranked by the fit they would add on average, weighted by their demand growth.")
    assert f'<p class="note">{note}</p>' in html_path.read_text(encoding="utf-8")
    assert "## Skill-gap roadmap\n\nNo missing skill moves any of the best-fitting postings up a fit band" in \
        markdown_path.read_text(encoding="utf-8")


# --- issue 16: a report worth opening ---
def test_report_shows_the_best_postings_several_per_company_as_cards(report, market):
    page, markdown = report
    with reader(market[0]) as con:
        ranked = con.execute("SELECT posting_id, company, title, fit_score, explanation->'$.gaps' FROM fit_ranked "
                             "WHERE profile = 'jordan' ORDER BY tier, fit_score DESC, posting_id").fetchall()
        targets = {pid for pid, in con.execute("SELECT best_posting_id FROM target_companies_weekly WHERE week = ? "
                                               "AND rank <= 5", [WEEK]).fetchall()}
    best = [row[1:] for n, row in enumerate(ranked) if n < 9 or row[0] in targets]   # + the top targets' best
    assert len(best) > 9               # a top target's best posting below the 9th by fit gets its card too
    companies = [company for company, _, _, _ in best]
    assert max(companies.count(c) for c in companies) >= 2          # not one role per company
    cards = page.split('<article class="card posting"')[1:]
    assert len(cards) == len(best)
    for card, (company, title, fit, gaps) in zip(cards, best):
        assert f"<bdi>{company}</bdi>" in card and f"{fit:.0f}</span>" in card
        assert "remote" in card and "salary: not given" in card   # the seeded postings name no salary
        assert "bandwidth hire" in card or "expertise hire" in card
        for gap in json.loads(gaps):
            assert f'<span class="chip gap">{gap}</span>' in card
    assert "Matches" in page and "your line:" in page
    assert markdown.count("\n### ") >= len(best) and "- gaps: Kubernetes" in markdown


def test_posting_card_place_salary_hire_sentence_and_broken_preference(market, tmp_path, embedder):
    """A posting with a city, an annual salary, a founding-hire sentence and a broken preference shows each."""
    db = tmp_path / "w.duckdb"
    db.write_bytes(market[0].read_bytes())
    founding = ("About the role\nWe are a small payments team in Lisbon. You will be our founding platform engineer "
                "and set up how we run services. We pay well.\n\nRequirements:\n- Python and PostgreSQL\n")
    model = HireTypeModel.load()
    call = model.predict([f"Platform Engineer\n\n{founding}"], embedder.encode([founding]), [CompanyFacts()])[0]
    with writer(db) as con:
        pid = con.execute("SELECT posting_id FROM fit_ranked WHERE profile = 'jordan' AND company = 'Northwind' "
                          "ORDER BY fit_score DESC LIMIT 1").fetchone()[0]
        con.execute("""UPDATE postings SET city = 'Lisbon', country = 'Portugal', salary_min_annual = 90000,
                       salary_max_annual = 120000, salary_currency = 'EUR', description = ? WHERE posting_id = ?""",
                    [founding, pid])
        con.execute("UPDATE hire_types SET hire_type = ?, expertise_probability = ?, evidence = ? WHERE posting_id = ?",
                    [call.hire_type, call.expertise_probability, json.dumps(call.evidence), pid])
        con.execute("""UPDATE fit_scores SET explanation = json_merge_patch(explanation,
                       '{"gates": ["on-site in Lisbon, you asked for remote (soft: costs points)"]}')
                       WHERE posting_id = ?""", [pid])
    (html_path, _), (markdown_path, _) = write_report(db, WEEK, tmp_path / "out")
    card = html_path.read_text(encoding="utf-8").split(f'id="posting-{pid}"')[1].split("</article>")[0]
    assert "Lisbon, Portugal" in card and "salary: EUR 90,000–120,000 a year" in card
    assert "“<bdi>You will be our founding platform engineer and set up how we run services.</bdi>”" in card
    assert "Breaks: on-site in Lisbon, you asked for remote (soft: costs points)" in card
    markdown = markdown_path.read_text(encoding="utf-8")
    assert '"You will be our founding platform engineer and set up how we run services."' in markdown
    assert "Lisbon, Portugal" in markdown and "- breaks: on-site in Lisbon" in markdown


def test_deciding_sentence_prefers_a_cue_for_the_call_and_falls_back_to_none():
    text = "We are growing fast.\nJoin a new team we are building from scratch! You ship weekly."
    evidence = ['bandwidth cue: "growing fast"', 'expertise cue: "new team"']
    assert deciding_sentence(text, evidence, "expertise") == "Join a new team we are building from scratch!"
    assert deciding_sentence(text, evidence, "bandwidth") == "We are growing fast."
    assert deciding_sentence(text, ["no cue phrase; call made from the posting's overall wording (embedding)"],
                             "bandwidth") is None
    assert salary_text(150000, 150000, "USD") == "USD 150,000 a year" and salary_text(None, None, None) == "not given"


def test_warning_box_names_title_only_postings_few_dated_postings_and_failed_sources(market, report, tmp_path):
    page, _ = report
    assert "Only 15 dated postings in the 13 weeks" in page            # the seeded market is thin
    assert "have no description" not in page and "could not read" not in page
    db = tmp_path / "w.duckdb"
    db.write_bytes(market[0].read_bytes())
    with writer(db) as con:
        con.execute("UPDATE postings SET description = '' WHERE company = 'Lumen'")
        con.execute("INSERT INTO scans (scan_id, started_at, finished_at, origin) "
                    "VALUES (2, '2026-04-06 08:00:00+00', '2026-04-06 08:01:00+00', 'sources.toml')")
        con.execute("INSERT INTO scan_sources (scan_id, company, ats, board, url, status, items, rejected, error) "
                    "VALUES (2, 'Gone Ltd', 'lever', 'gone', 'https://api.lever.co/v0/postings/gone', 'failed', 0, 0, "
                    "'HTTP 404 Not Found'), (2, 'Northwind', 'greenhouse', 'northwind', NULL, 'ok', 5, 0, NULL)")
    (html_path, _), (markdown_path, _) = write_report(db, WEEK, tmp_path / "out")
    page, markdown = html_path.read_text(encoding="utf-8"), markdown_path.read_text(encoding="utf-8")
    box = page.split('<aside class="warnings" id="warnings">')[1].split("</aside>")[0]
    assert "2 of 14 open postings have no description: their hire type, skills and fit are judged from the title " \
           "only." in box
    assert "could not read Gone Ltd (lever board gone): failed, HTTP 404 Not Found" in box
    assert "Northwind" not in box
    assert "> - The last scan (number 2, 2026-04-06) could not read Gone Ltd" in markdown


def test_report_charts_read_the_demand_views_and_say_which_grain(market, report):
    page, markdown = report
    with reader(market[0]) as con:
        monthly = {(month, skill): share for month, skill, share in
                   con.execute("SELECT month, skill, share FROM skill_demand_monthly").fetchall()}
        data = gather(con, WEEK)
    assert data.demand.grain == "month" and data.demand.periods
    for skill, values in data.demand.shares.items():
        for month, value in zip(data.demand.periods, values):
            assert value == monthly.get((month, skill), 0.0 if value is not None else None)
    assert "by month: too few dated postings for weekly lines" in page
    assert "## Share of postings naming each top skill, by month" in markdown
    assert 'aria-label="Skill-gap roadmap: postings moved up a fit band"' in page
