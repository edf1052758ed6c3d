"""Weekly target-company lists on a real DuckDB warehouse seeded with postings, hire types and fit scores."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from datetime import date, datetime, timedelta, timezone

import pytest

from models.profile import is_quantified, load_profile, resume_bullets
from models.skills import SkillExtractor
from pipelines.targets import COLUMNS, Pitch, TargetsError, build_targets, person_pitch, week_start
from tests.helpers import REPO, marketfit
from warehouse.db import reader, writer

RESUME = """# Sam Okafor
Staff Backend Engineer · Lisbon

## Experience
### Staff Engineer — Ledgerly (2012–present)
- Built a Kafka event pipeline handling 2 billion events a day
- Cut p99 latency from 800 ms to 120 ms by redesigning the Rust storage engine
- Ran the platform guild and the architecture reviews
- Wrote the Terraform modules every team deploys with

## Skills
Python, Kafka, Rust, Terraform, PostgreSQL

## Looking for
- Staff backend engineer, remote
"""

WEEK1 = date(2026, 3, 2)          # a Monday
WEEK2 = WEEK1 + timedelta(days=7)
NOW = datetime(2026, 4, 1, tzinfo=timezone.utc)  # both weeks are over: as_of = the end of each week


def at(day: date, days: float = 0) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=timezone.utc) + timedelta(days=days)


class Market:
    """Writes postings with their hire type, fit score and skills straight into the warehouse tables."""

    def __init__(self, con, profile):
        self.con, self.profile = con, profile

    def posting(self, company: str, title: str, fit: float, listed: datetime, *, closed: datetime | None = None,
                hire_type: str | None = "bandwidth", department: str | None = None, skills: tuple[str, ...] = (),
                matched: tuple[tuple[str, str, float], ...] = (), posted: datetime | None = None,
                gates: tuple[str, ...] = ()) -> str:
        pid = hashlib.sha1(f"{company}/{title}".encode()).hexdigest()[:20]
        chash = hashlib.sha256(f"{title}\n\n{company} text".encode()).hexdigest()
        self.con.execute("""INSERT INTO postings (posting_id, ats, board, native_id, company, title, posted_at,
                            department, description, content_hash, first_seen, last_seen, closed_at, last_scan_id)
                            VALUES (?, 'greenhouse', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1)""",
                         [pid, company.lower(), pid, company, title, posted, department,
                          "\n".join([f"{company} text", *(requirement for requirement, _, _ in matched)]), chash,
                          listed, closed or listed, closed])
        if hire_type:
            p_exp = 0.8 if hire_type == "expertise" else 0.2
            self.con.execute("""INSERT INTO hire_types (posting_id, content_hash, model, same_title_open,
                                new_department, hire_type, expertise_probability, evidence)
                                VALUES (?, ?, 'm', 0, false, ?, ?, '[]')""", [pid, chash, hire_type, p_exp])
        explanation = {"fit_score": fit, "components": {}, "gaps": [], "gates": list(gates),
                       "matched": [{"requirement": r, "resume_line": line, "similarity": s} for r, line, s in matched]}
        self.con.execute("INSERT INTO fit_scores VALUES (?, ?, ?, ?, ?, ?, ?, ?, '')",
                         [self.profile.name, self.profile.fingerprint, pid, chash, fit, json.dumps(explanation),
                          listed, 1 if gates else 0])
        self.con.execute("INSERT INTO skill_extractions VALUES (?, 'test') ON CONFLICT DO NOTHING", [chash])
        for offset, skill in enumerate(skills):
            self.con.execute("INSERT INTO posting_skills (content_hash, skill, taxonomy, taxonomy_id, requirement, "
                             "start_offset, end_offset) VALUES (?, ?, 'onet', ?, 'must', ?, ?)",
                             [chash, skill, skill, offset * 10, offset * 10 + 5])
        return pid


@pytest.fixture
def profile(tmp_path):
    (tmp_path / "resume.md").write_text(RESUME, encoding="utf-8")
    (tmp_path / "sam.toml").write_text('[profile]\nname = "sam"\nresume = "resume.md"\n', encoding="utf-8")
    return load_profile(tmp_path / "sam.toml")


@pytest.fixture(scope="module")
def skills():
    return SkillExtractor.load()


KAFKA_BULLET = "Built a Kafka event pipeline handling 2 billion events a day"
GUILD_BULLET = "Ran the platform guild and the architecture reviews"


@pytest.fixture
def market(db, profile):
    """Week 1: Acme (3 good bandwidth roles, 2 new), Beta (1 great old expertise role), Gamma (weak), Delta.
    Week 2: Delta's only role closed, Epsilon opened a strong role; Gamma adds 3 new ones."""
    end1 = at(WEEK2)
    with writer(db) as con:
        m = Market(con, profile)
        common = ("Python", "PostgreSQL", "AWS")
        m.posting("Acme", "Senior Backend Engineer", 80, end1 - timedelta(days=3), skills=common + ("Apache Kafka",),
                  matched=(("Event streaming at scale", KAFKA_BULLET, 0.71),
                           ("Lead design reviews", GUILD_BULLET, 0.64), ("Kafka in production", KAFKA_BULLET, 0.6)))
        m.posting("Acme", "Backend Engineer, Payments", 76, end1 - timedelta(days=5), skills=common)
        m.posting("Acme", "Platform Engineer", 70, end1 - timedelta(days=40), hire_type="expertise", skills=common)
        m.posting("Beta", "Staff Storage Engineer", 85, end1 - timedelta(days=60), hire_type="expertise",
                  skills=("Rust", "Python"), department="Storage",
                  matched=(("Storage engines in Rust", "Cut p99 latency from 800 ms to 120 ms by redesigning the "
                                                       "Rust storage engine", 0.8),))
        m.posting("Gamma", "Data Analyst", 50, end1 - timedelta(days=20), skills=common)
        m.posting("Gamma", "Frontend Engineer", 45, end1 - timedelta(days=20), hire_type=None, skills=("React",))
        m.posting("Delta", "Infrastructure Engineer", 65, end1 - timedelta(days=10), closed=end1 + timedelta(days=2),
                  skills=("Terraform", "AWS", "Python"))
        for i in range(10):  # filler postings so that Kafka, Rust and Terraform stay specialist skills
            m.posting("Zeta", f"Sales Representative {i}", 10, end1 - timedelta(days=100), hire_type=None,
                      skills=("Python", "Salesforce"))
        for i in range(3):
            m.posting("Gamma", f"Support Engineer {i}", 30, end1 + timedelta(days=1 + i),
                      skills=("Zendesk", "Terraform") if i == 0 else ("Zendesk",))   # Terraform outlives Delta
        m.posting("Epsilon", "Staff Engineer, Streaming", 88, end1 + timedelta(days=4), hire_type="expertise",
                  skills=("Apache Kafka", "Python"), department="Streaming")
    return db


def rows(db, week):
    with reader(db) as con:
        cursor = con.execute("SELECT * FROM target_companies_weekly WHERE week = ? AND profile = 'sam'", [week])
        names = [d[0] for d in cursor.description]
        return [dict(zip(names, r)) for r in cursor.fetchall()]


def test_view_starts_with_the_documented_columns(market):
    with reader(market) as con:
        names = [d[0] for d in con.execute("SELECT * FROM target_companies_weekly LIMIT 0").description]
    assert names[:11] == ["week", "profile", "rank", "company", "score", "open_roles", "best_posting_id",
                          "best_fit", "hire_type_mix", "reason", "change"]
    assert set(COLUMNS) <= set(names)


def test_first_week_ranks_companies_by_fit_depth_freshness_momentum_and_pitch(market, profile, skills):
    result = build_targets(market, profile, skills, WEEK1, now=NOW)
    assert result.pitch.kind == "expertise" and result.ranked == 5 and result.dropped == 0
    assert result.as_of == at(WEEK2)
    listed = rows(market, WEEK1)
    assert [(r["rank"], r["company"], r["change"]) for r in listed] == [
        (1, "Acme", "new"), (2, "Beta", "new"), (3, "Delta", "new"), (4, "Gamma", "new"), (5, "Zeta", "new")]
    acme = listed[0]
    # quality (80+76+70)/3, 3 strong roles, freshness of roles listed 3, 5 and 40 days before the end of the week,
    # momentum: 3 postings in the last 4 weeks against none before, pitch: expertise probabilities .2, .2, .8
    freshness = (0.5 ** (3 / 30) + 0.5 ** (5 / 30) + 0.5 ** (40 / 30)) / 3
    momentum = (2 + 1) / (2 + 1 / 3 + 2)
    expected = 100 * (0.55 * 226 / 300 + 0.15 * 1 + 0.10 * freshness + 0.10 * momentum + 0.10 * 1.2 / 3)
    assert acme["score"] == round(expected, 1)
    assert (acme["top3_fit"], acme["best_fit"], acme["open_roles"], acme["strong_roles"]) == (75.3, 80, 3, 3)
    assert acme["hire_type_mix"] == "2 bandwidth / 1 expertise"
    assert (acme["new_this_week"], acme["new_4w"]) == (2, 2)
    assert acme["reason"] == ("3 strong roles (best 80: Senior Backend Engineer), 2 new this week, "
                              "hiring faster than usual, mostly bandwidth hires (your pitch is expertise)")
    gamma = next(r for r in listed if r["company"] == "Gamma")
    assert gamma["hire_type_mix"] == "1 bandwidth / 1 unclassified"
    assert gamma["reason"].startswith("best role 50: Data Analyst")
    beta = next(r for r in listed if r["company"] == "Beta")
    assert beta["reason"] == ("1 strong role (best 85: Staff Storage Engineer), "
                              "mostly expertise hires matching your pitch")


def test_second_week_reports_moves_new_and_dropped_companies(market, profile, skills):
    build_targets(market, profile, skills, WEEK1, now=NOW)
    result = build_targets(market, profile, skills, WEEK2, now=NOW)
    assert result.dropped == 1
    listed = rows(market, WEEK2)
    changes = {r["company"]: (r["rank"], r["change"]) for r in listed}
    assert changes["Epsilon"] == (1, "new")
    assert changes["Acme"] == (2, "down 1") and changes["Beta"] == (3, "down 1")
    assert changes["Delta"] == (None, "dropped")
    delta = next(r for r in listed if r["company"] == "Delta")
    assert delta["reason"] == "no open roles left: they closed since the last list" and delta["score"] is None
    assert listed[-1]["company"] == "Delta"   # dropped rows come last
    gamma = next(r for r in listed if r["company"] == "Gamma")
    assert gamma["new_4w"] == 5 and gamma["open_roles"] == 5 and "3 new this week" in gamma["reason"]
    epsilon = next(r for r in listed if r["company"] == "Epsilon")
    assert epsilon["new_departments"] == 0   # a company's first department is not "new"
    assert "1 strong role (best 88: Staff Engineer, Streaming), 1 new this week" in epsilon["reason"]


def test_rebuilding_a_week_gives_the_same_list(market, profile, skills):
    build_targets(market, profile, skills, WEEK1, now=NOW)
    first = rows(market, WEEK1)
    build_targets(market, profile, skills, WEEK1, now=NOW)
    assert rows(market, WEEK1) == first
    with reader(market) as con:
        assert con.execute("SELECT count(*) FROM target_lists").fetchone()[0] == 1


def test_a_company_whose_every_role_breaks_a_preference_ranks_after_the_rest(market, profile, skills):
    with writer(market) as con:
        Market(con, profile).posting("Omega", "Staff Backend Engineer", 97, at(WEEK2, -2),
                                     gates=("on-site in Austin; you want remote only (ranked below the rest)",))
    build_targets(market, profile, skills, WEEK1, now=NOW)
    listed = [r for r in rows(market, WEEK1) if r["rank"] is not None]
    assert listed[-1]["company"] == "Omega" and listed[-1]["best_fit"] == 97   # its own score, shown
    assert listed[-1]["reason"].startswith("every open role breaks one of your preferences")
    assert all(r["score"] < listed[-1]["score"] for r in listed if r["company"] == "Zeta")  # by order, not score


def test_pitch_notes_name_the_bullets_to_lead_with_and_flag_missing_numbers(market, profile, skills):
    build_targets(market, profile, skills, WEEK1, now=NOW)
    listed = rows(market, WEEK1)
    acme = json.loads(listed[0]["pitch_notes"])
    assert acme["hire_type"] == "bandwidth" and acme["title"] == "Senior Backend Engineer"
    assert acme["advice"] == acme["angle"]["summary"] and acme["advice"].startswith("Bandwidth hire:")
    assert acme["lead_with"] == acme["resume"]["lead_with"] == [
        {"bullet": KAFKA_BULLET, "answers": "Event streaming at scale", "quantified": True,
         "proves": ["Event streaming at scale", "Kafka in production", "Apache Kafka"]},
        {"bullet": GUILD_BULLET, "answers": "Lead design reviews", "quantified": False,
         "proves": ["Lead design reviews"]}]
    assert acme["resume"]["add_a_number"] == [{"bullet": GUILD_BULLET, "would_prove": "Lead design reviews"}]
    assert [b["requirement"]["quote"] for b in acme["value"]["benefits"]] == [
        "Event streaming at scale", "Lead design reviews", "Kafka in production"]
    beta = json.loads(listed[1]["pitch_notes"])
    assert beta["hire_type"] == "expertise" and beta["advice"].startswith("Expertise hire:")
    rare = {d["skill"]: d["resume"]["quote"] for d in beta["angle"]["differentiators"]}
    assert "Terraform" in rare and "Python" not in rare   # Terraform: no open engineering posting; Python: most
    assert rare["Terraform"] == "Wrote the Terraform modules every team deploys with"
    with reader(market) as con:
        pitch, unquantified = con.execute("SELECT person_pitch, unquantified_bullets FROM target_lists").fetchone()
    assert pitch == "expertise"
    assert json.loads(unquantified) == [GUILD_BULLET, "Wrote the Terraform modules every team deploys with"]


def test_current_week_takes_freshness_from_the_posting_staleness_view(db, profile, skills):
    now = datetime.now(timezone.utc)
    with writer(db) as con:
        con.execute("INSERT INTO scans (scan_id, started_at, finished_at, origin) VALUES (1, ?, ?, 'test')", [now, now])
        m = Market(con, profile)
        m.posting("Old Co", "Backend Engineer", 70, now - timedelta(days=100))
        m.posting("New Co", "Backend Engineer", 70, now - timedelta(days=2))
    build_targets(db, profile, skills)   # this week's list: as of now
    with reader(db) as con:
        stale = dict(con.execute("SELECT company, stale_score FROM posting_staleness").fetchall())
        freshness = dict(con.execute("SELECT company, freshness FROM target_companies").fetchall())
    assert stale["Old Co"] > 0.5 and stale["New Co"] == 0
    assert freshness == {company: round(1 - score, 3) for company, score in stale.items()}


def write_profile(folder, text: str):
    (folder / "resume.md").write_text(text, encoding="utf-8")
    return load_profile(folder / "resume.md")


def test_person_pitch_rule(tmp_path):
    profile = write_profile(tmp_path, RESUME)
    share = {"Kafka": 0.05, "Rust": 0.02, "Terraform": 0.1, "Python": 0.6}
    assert person_pitch(profile, {"Kafka", "Rust", "Terraform", "Python"}, share).kind == "expertise"
    assert person_pitch(profile, {"Kafka", "Rust", "Python"}, share).kind == "bandwidth"
    junior = write_profile(tmp_path, "# Kim\nDeveloper\n## Experience\n- Built 3 apps (2019–2022)\n")
    pitch = person_pitch(junior, {"Kafka", "Rust", "Terraform"}, share)
    assert pitch == Pitch("bandwidth", "3 years of experience: sell delivery on the common stack")


def test_bullets_and_numbers(tmp_path):
    bullets = resume_bullets(write_profile(tmp_path, RESUME))
    assert bullets[0] == KAFKA_BULLET and len(bullets) == 4
    assert is_quantified("Grew revenue 40%") and is_quantified("Doubled throughput") \
        and not is_quantified("Owned the on-call rotation")


def test_weeks():
    assert week_start("2026-03-05") == WEEK1 and week_start("2026-W10") == WEEK1
    assert week_start(None, today=date(2026, 3, 8)) == WEEK1
    for bad in ("last week", "2026-13-01", "2026-W60"):
        with pytest.raises(TargetsError, match="is not a date"):
            week_start(bad)


def test_no_scores_is_a_clear_error(db, profile, skills):
    with writer(db):
        pass
    with pytest.raises(TargetsError, match="no fit scores for profile 'sam'"):
        build_targets(db, profile, skills, WEEK1, now=NOW)


def test_cli_builds_prints_and_refuses_bad_input(market, tmp_path):
    toml = tmp_path / "sam.toml"
    out = marketfit("targets", "--profile", str(toml), "--week", "2026-W10", "--format", "json", env_db=market)
    listed = json.loads(out.stdout)
    assert [r["company"] for r in listed] == ["Acme", "Beta", "Delta", "Gamma", "Zeta"]
    assert listed[0]["reason"].startswith("3 strong roles")
    with_notes = json.loads(marketfit("targets", "--week", "2026-W10", "--pitch", "--format", "json",
                                      env_db=market).stdout)
    assert with_notes[0]["pitch_notes"]["lead_with"][0]["bullet"] == KAFKA_BULLET   # an object, not a JSON string
    shown = marketfit("targets", "--week", "2026-03-04", "--pitch", env_db=market).stdout
    assert "Acme" in shown and "Lead with" in shown and "add a number" in shown
    csv_out = marketfit("targets", "--week", "2026-03-02", "--format", "csv", env_db=market).stdout
    assert csv_out.splitlines()[0].startswith("profile,rank,company,score")
    with reader(market) as con:
        before = con.execute("SELECT count(*) FROM target_companies").fetchone()[0]
    for args in (("--profile", str(toml), "--week", "soon"), ("--profile", str(toml), "--format", "xml"),
                 ("--week", "2026-01-05")):   # the last: no list stored for that week
        bad = marketfit("targets", *args, env_db=market, check=False)
        assert bad.returncode == 2 and bad.stderr.startswith("error:") and len(bad.stderr.splitlines()) == 1, args
    with reader(market) as con:
        assert con.execute("SELECT count(*) FROM target_companies").fetchone()[0] == before


def test_a_week_before_any_posting_says_what_is_missing_and_stores_nothing(market, profile, skills, tmp_path):
    early = date(2025, 6, 2)
    with pytest.raises(TargetsError, match=r"no scored posting for 'sam' was open at the end of the week of "
                                           r"2025-06-02 \(as of 2025-06-09 00:00 UTC\): its postings were seen from "
                                           r"2025-11-2\d to 2026-03-\d\d; pick a week in that span"):
        build_targets(market, profile, skills, early, now=NOW)
    toml = tmp_path / "sam.toml"
    for command in (("targets",), ("report", "-o", str(tmp_path / "out"))):
        bad = marketfit(*command, "--profile", str(toml), "--week", "2025-W23", env_db=market, check=False)
        assert bad.returncode == 2 and len(bad.stderr.splitlines()) == 1, bad.stderr
        assert bad.stderr.startswith("error: no scored posting for 'sam' was open at the end of the week of 2025-06-02")
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())
    with reader(market) as con:
        assert con.execute("SELECT count(*) FROM target_lists WHERE week = ?", [early]).fetchone()[0] == 0


def test_the_table_fits_an_80_column_terminal_and_wide_shows_every_column(market, tmp_path):
    marketfit("targets", "--profile", str(tmp_path / "sam.toml"), "--week", "2026-W10", env_db=market)

    def shown(*args: str) -> str:
        return subprocess.run([sys.executable, str(REPO / "cli.py"), "targets", "--week", "2026-W10", *args],
                              capture_output=True, text=True, check=True, cwd=REPO,
                              env={**os.environ, "MARKETFIT_DB": str(market), "COLUMNS": "80"}).stdout

    narrow = shown()
    assert max(len(line) for line in narrow.splitlines()) <= 80
    header = next(line for line in narrow.splitlines() if "company" in line)
    assert all(name in header for name in ("#", "company", "score", "best fit", "change", "why")), narrow
    for company in ("Acme", "Beta", "Delta", "Gamma", "Zeta"):
        assert any(f" {company} " in line for line in narrow.splitlines())
    why = header.index("why")
    assert len(header) - why >= 24   # the reasons get room to read, not a word a line
    assert "--wide or --format json" in narrow.splitlines()[-1] and "profile" in narrow.splitlines()[-1]
    wide = shown("--wide")
    header = next(line for line in wide.splitlines() if "company" in line)
    assert all(name in header for name in ("hire types", "profile", "open", "why")) and "--wide" not in wide
    assert any("3 strong roles (best 80: Senior Backend Engineer), 2 new this week" in line
               for line in wide.splitlines())   # each cell on one line: for a wide terminal or `less -S`
