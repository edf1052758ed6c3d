"""Golden SQL tests of the skill-demand views: postings and their skills written with known dates, exact shares."""

from __future__ import annotations

import hashlib
import json
from datetime import date, timedelta

import pytest

from pipelines import trends
from tests.helpers import marketfit
from warehouse.db import reader, writer


class Postings:
    """Inserts postings, the extractor's reading of their text and the skills it found."""

    def __init__(self, con, first: int = 0):
        self.con = con
        self.n = first

    def add(self, company: str, title: str, when: str | None, skills: tuple[str, ...] = (), *,
            first_seen: str = "2026-01-01T00:00:00+00:00", text: str | None = None, read: bool = True,
            remote: str | None = None) -> str:
        self.n += 1
        pid = f"p{self.n:03d}"
        content = hashlib.sha256((text or f"{company}/{title}/{self.n}").encode()).hexdigest()
        self.con.execute("""INSERT INTO postings (posting_id, ats, board, native_id, company, title, remote, posted_at,
                            description, content_hash, first_seen, last_seen, last_scan_id)
                            VALUES (?, 'lever', 'b', ?, ?, ?, ?, ?, 'text', ?, ?, ?, 1)""",
                         [pid, pid, company, title, remote, when, content, first_seen, first_seen])
        if read:
            self.con.execute("INSERT INTO skill_extractions VALUES (?, 'test') ON CONFLICT DO NOTHING", [content])
            self.con.execute("DELETE FROM posting_skills WHERE content_hash = ?", [content])
            for i, skill in enumerate(skills):
                self.con.execute("INSERT INTO posting_skills (content_hash, skill, taxonomy, taxonomy_id, requirement, "
                                 "start_offset, end_offset) VALUES (?, ?, 'onet', ?, NULL, ?, ?)",
                                 [content, skill, skill, i * 10, i * 10 + 4])
        return pid


@pytest.fixture
def monthly(db):
    with writer(db) as con:
        p = Postings(con)
        a = p.add("Acme", "Backend Engineer", "2026-01-05T09:00:00+00:00", ("Python", "SQL"), text="acme backend")
        p.add("Acme", "Backend Engineer", "2026-01-20T09:00:00+00:00", ("Python", "SQL"), text="acme backend")
        # ^ the same company and text listed again (another city): one posting, dated by the earlier listing
        p.add("Beta", "Data Engineer", "2026-01-12T09:00:00+00:00", ("Python", "Python", "Spark"))  # named twice
        p.add("Gamma", "Java Developer", "2026-01-31T23:30:00+00:00", ("Java",))  # late on the 31st, UTC
        p.add("Delta", "Office Manager", "2026-01-15T09:00:00+00:00", ())          # read, names no skill
        p.add("Epsilon", "Go Engineer", None, ("Go", "Python"), first_seen="2026-02-03T10:00:00+00:00")
        p.add("Zeta", "Rust Engineer", "2026-02-10T09:00:00+00:00", ("Rust",))
        p.add("Eta", "Backend Engineer", "2026-02-11T09:00:00+00:00", ("Python",), read=False)  # not read yet
        dup = p.add("Acme Inc", "Backend Engineer", "2026-01-06T09:00:00+00:00", ("Python",))
        con.execute("""INSERT INTO posting_links VALUES (?, ?, 'company_title_location', NULL, 'acme',
                       'backend engineer', NULL, NULL, now())""", [dup, a])  # the same job on another source
    return db


def test_monthly_shares_count_each_posting_once(monthly):
    with reader(monthly) as con:
        rows = con.execute("SELECT * FROM skill_demand_monthly ORDER BY month, skill").fetchall()
        names = [d[0] for d in con.execute("SELECT * FROM skill_demand_monthly LIMIT 0").description]
    assert names[:4] == ["month", "skill", "postings", "share"]
    jan, feb = date(2026, 1, 1), date(2026, 2, 1)
    assert [r[:4] for r in rows] == [
        (jan, "Java", 1, 0.25), (jan, "Python", 2, 0.5), (jan, "SQL", 1, 0.25), (jan, "Spark", 1, 0.25),
        (feb, "Go", 1, 0.5), (feb, "Python", 1, 0.5), (feb, "Rust", 1, 0.5)]
    assert {r[4] for r in rows if r[0] == jan} == {4} and {r[4] for r in rows if r[0] == feb} == {2}


def test_weekly_shares_use_iso_weeks(monthly):
    with reader(monthly) as con:
        rows = con.execute("SELECT week, skill, postings, share FROM skill_demand_weekly "
                           "ORDER BY week, skill").fetchall()
    assert rows == [
        (date(2026, 1, 5), "Python", 1, 1.0), (date(2026, 1, 5), "SQL", 1, 1.0),
        (date(2026, 1, 12), "Python", 1, 0.5), (date(2026, 1, 12), "Spark", 1, 0.5),
        (date(2026, 1, 26), "Java", 1, 1.0),
        (date(2026, 2, 2), "Go", 1, 1.0), (date(2026, 2, 2), "Python", 1, 1.0),
        (date(2026, 2, 9), "Rust", 1, 1.0)]


def test_share_over_time_leaves_months_without_postings_empty(monthly):
    with writer(monthly) as con:
        Postings(con, first=100).add("Theta", "Rust Engineer", "2026-04-02T09:00:00+00:00", ("Rust",))
    with reader(monthly) as con:
        months, shares = trends.share_over_time(con, ["Python", "Rust"])
        last_two, _ = trends.share_over_time(con, ["Rust"], until=date(2026, 3, 1), periods=2)
    assert months == [date(2026, 1, 1), date(2026, 2, 1), date(2026, 3, 1), date(2026, 4, 1)]
    assert shares == {"Python": [0.5, 0.5, None, 0.0], "Rust": [0.0, 0.5, None, 1.0]}
    assert last_two == [date(2026, 1, 1), date(2026, 2, 1)]


@pytest.fixture
def windows(db):
    """Two 2-week windows before Monday 2026-03-02: prior Feb 2-15 (4 postings), recent Feb 16-Mar 1 (5)."""
    with writer(db) as con:
        p = Postings(con)
        prior = [("Rust", "Python", "Go", "Java"), ("Python", "Go"), ("Go", "Java", "Ruby"), ()]
        recent = [("Rust", "Zig"), ("Rust", "Python"), ("Rust", "Python", "Zig", "Ruby"), ("Java", "Zig"), ()]
        for window, first_day, lists in (("Prior", 3, prior), ("Recent", 16, recent)):
            for i, skills in enumerate(lists):
                p.add(f"{window} {i}", "Backend Engineer" if i % 2 else "Data Engineer",
                      f"2026-02-{first_day + i * 3:02d}T12:00:00Z", skills,
                      remote="remote" if i % 2 else "onsite")
        p.add("Later", "Backend Engineer", "2026-03-05T12:00:00Z", ("Zig",))   # after the windows
    return db


def test_growth_compares_shares_with_a_floor(windows):
    with reader(windows) as con:
        rows = {r["skill"]: r for r in trends.skill_growth(con, weeks=2, min_postings=3, until_week=date(2026, 3, 2))}
    assert rows["Rust"]["recent_share"] == 3 / 5 and rows["Rust"]["prior_share"] == 1 / 4
    assert rows["Rust"]["growth"] == pytest.approx(0.6 / 0.25 - 1) and rows["Rust"]["trend"] == "rising"
    assert rows["Python"]["growth"] == pytest.approx(0.4 / 0.5 - 1) and rows["Python"]["trend"] == "steady"
    assert rows["Java"]["growth"] == pytest.approx(0.2 / 0.5 - 1) and rows["Java"]["trend"] == "falling"
    assert rows["Go"]["growth"] == -1 and rows["Go"]["trend"] == "falling"
    assert rows["Zig"]["growth"] is None and rows["Zig"]["trend"] == "new"
    assert (rows["Zig"]["recent_postings"], rows["Zig"]["prior_postings"]) == (3, 0)
    assert rows["Ruby"]["growth"] is None and rows["Ruby"]["trend"] is None   # 2 mentions: below the floor
    assert {r["as_of"] for r in rows.values()} == {date(2026, 3, 2)}
    with reader(windows) as con:
        emerging = [r["skill"] for r in trends.emerging_skills(con, weeks=2, min_postings=3,
                                                                until_week=date(2026, 3, 2))]
        default_anchor = {r["skill"]: r["as_of"] for r in trends.skill_growth(con, weeks=2, min_postings=3)}
    assert emerging == ["Zig", "Rust"]
    assert set(default_anchor.values()) == {date(2026, 3, 9)}   # the Monday after the latest listing


def test_growth_view_covers_4_13_and_52_weeks(windows):
    with reader(windows) as con:
        windows_seen = {w for w, in con.execute("SELECT DISTINCT window_weeks FROM skill_growth").fetchall()}
        zig_4 = con.execute("SELECT recent_postings, prior_postings, trend FROM skill_growth "
                            "WHERE window_weeks = 4 AND skill = 'Zig'").fetchone()
    assert windows_seen == {4, 13, 52}
    assert zig_4 == (4, 0, None)   # 4 weeks to 2026-03-09 hold all four Zig postings: below the default floor 5


def test_lift_by_role_family_and_remote(windows):
    with reader(windows) as con:
        by_role = {(r["segment"], r["skill"]): r for r in trends.skill_lift(con, "role", min_postings=1,
                                                                             per_segment=10)}
        remote = {(r["segment"], r["skill"]): r for r in trends.skill_lift(con, "remote", "remote", min_postings=1,
                                                                             per_segment=10)}
    # 10 postings: Data Engineer x5, Backend Engineer x5; Rust in 4 of the 10, 3 of them data roles
    rust = by_role[("data", "Rust")]
    assert (rust["postings"], rust["segment_postings"]) == (3, 5)
    assert rust["share"] == 0.6 and rust["overall_share"] == 0.4 and rust["lift"] == pytest.approx(1.5)
    assert by_role[("backend", "Zig")]["lift"] == pytest.approx((2 / 5) / (4 / 10))
    assert {segment for segment, _ in remote} == {"remote"}


def test_cli_trends(windows):
    # windows end on the Monday after the latest listing (2026-03-09): Feb 23 - Mar 8 against Feb 9 - 22
    out = json.loads(marketfit("trends", "--weeks", "2", "--floor", "3", "--format", "json", env_db=windows).stdout)
    assert [(r["skill"], r["trend"], r["recent_postings"], r["prior_postings"]) for r in out] == [
        ("Zig", "rising", 2, 2), ("Rust", "falling", 0, 3)]
    assert out[0]["growth"] == pytest.approx((2 / 3) / (2 / 5) - 1)
    table = marketfit("trends", "--segment", "role", "--floor", "2", env_db=windows).stdout
    assert "data" in table and "Rust" in table
    bad = marketfit("trends", "--weeks", "0", env_db=windows, check=False)
    assert bad.returncode == 2 and bad.stderr.startswith("error:")


def test_cli_trends_with_no_trend_says_why_and_what_to_try(windows):
    result = marketfit("trends", env_db=windows)   # 13 weeks, floor 5: the 10 postings fall short
    assert result.returncode == 0
    assert result.stderr.strip() == ("no skill trend: the last 13 weeks hold 10 dated postings read for skills and "
                                     "the 13 before 0; a trend needs at least 5 (--floor) in each window and a skill "
                                     "named in 5 of them; try --weeks 52 --floor 2")
    shown = marketfit("trends", "--weeks", "2", "--floor", "3", env_db=windows)
    assert "Zig" in shown.stdout and shown.stderr == ""


def test_report_chart_reads_the_months_skill_demand_monthly_holds(windows):
    """A report for a week months after the latest posting still charts the months that have postings."""
    from pipelines import report

    week = date(2026, 9, 7)   # 13 weeks before it hold no posting
    with writer(windows) as con:
        con.execute("""INSERT INTO target_lists VALUES (?, 'alex', 'h', '2026-09-07T00:00:00Z', 'bandwidth', 'why',
                       '[]', now())""", [week])
    with reader(windows) as con:
        data = report.gather(con, week, "alex")
        monthly = {(m, s): share for m, s, share in con.execute(
            "SELECT month, skill, share FROM skill_demand_monthly").fetchall()}
        expected = trends.emerging_skills(con, 13, limit=10, until_week=date(2026, 3, 9))
    assert data.demand.grain == "month" and data.demand.periods == [date(2026, 2, 1), date(2026, 3, 1)]
    assert list(data.demand.shares) == ["Python", "Rust", "Zig", "Go", "Java"]   # most named first, then by name
    for skill, values in data.demand.shares.items():
        assert values == [monthly.get((month, skill), 0.0) for month in data.demand.periods]
    assert "No dated" not in report.share_chart(data.demand)
    # issue 16: the rising skills compare the weeks up to the latest dated posting, and the report says so
    assert data.trend_until == date(2026, 3, 9) and data.rising == expected
    assert "No posting is dated after the week ending 2026-03-08: the rising skills compare the 13 weeks up to " \
           "then with the 13 before." in data.warnings


def test_demand_series_draws_weekly_lines_only_when_the_weeks_are_thick_enough(db):
    """issue 16: 13 weeks of 6 dated postings each chart by week; thin down 6 of them and the chart goes monthly,
    saying why."""
    with writer(db) as con:
        p = Postings(con)
        for week in range(13):
            monday = date(2026, 1, 5) + timedelta(days=7 * week)
            for n in range(6):
                p.add(f"Co{n}", "Engineer", f"{monday + timedelta(days=n % 5)}T09:00:00+00:00",
                      ("Python",) if n < 3 + week % 3 else ("Go",))
    until = date(2026, 4, 6)
    with reader(db) as con:
        weekly = trends.demand_series(con, until, skills=2)
    assert weekly.grain == "week" and len(weekly.periods) == 13 and weekly.periods[0] == date(2026, 1, 5)
    assert weekly.shares["Python"][:3] == [0.5, 4 / 6, 5 / 6]
    assert weekly.why == "by week: 13 of the last 13 weeks hold 5 or more dated postings"
    with writer(db) as con:
        con.execute("DELETE FROM postings WHERE company IN ('Co0', 'Co1') AND posted_at >= '2026-02-16'")
    with reader(db) as con:
        monthly = trends.demand_series(con, until, skills=2)
    assert monthly.grain == "month" and monthly.periods == [date(2026, m, 1) for m in (1, 2, 3, 4)]
    assert monthly.why == ("by month: too few dated postings for weekly lines (6 of the last 13 weeks hold 5 or more; "
                           "8 needed)")
