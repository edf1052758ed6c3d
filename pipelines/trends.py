"""Skill-demand trends, read from the views in warehouse/views/11_skill_demand.sql … 13_skill_lift.sql.

Shares count deduplicated postings (one per company and text) that the skill extractor has read, dated by
coalesce(posted_at, first_seen); growth compares the share in the last N weeks with the N weeks before, and is
left out (NULL) below a floor of mentions so that one or two postings never make a trend.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import duckdb

from warehouse.db import reader

SEGMENT_KINDS = ("role", "remote", "country")
DEFAULT_FLOOR = 5


def _rows(cursor: duckdb.DuckDBPyConnection) -> list[dict]:
    columns = [d[0] for d in cursor.description]
    return [dict(zip(columns, row)) for row in cursor.fetchall()]


def skill_growth(con: duckdb.DuckDBPyConnection, weeks: int = 13, min_postings: int = DEFAULT_FLOOR,
                 until_week: date | None = None) -> list[dict]:
    """Every skill named in the two windows, fastest-growing first (growth NULL below the floor)."""
    return _rows(con.execute("SELECT * FROM skill_growth_over(?, min_postings := ?, until_week := ?)",
                             [weeks, min_postings, until_week]))


def window_totals(con: duckdb.DuckDBPyConnection, weeks: int = 13) -> tuple[int, int]:
    """How many dated postings read for skills the last ``weeks`` weeks hold, and the ``weeks`` weeks before."""
    return con.execute("SELECT recent_total, prior_total FROM skill_windows(?)", [weeks]).fetchone()


def emerging_skills(con: duckdb.DuckDBPyConnection, weeks: int = 13, min_postings: int = DEFAULT_FLOOR,
                    limit: int = 20, until_week: date | None = None) -> list[dict]:
    """New skills (most-named first), then rising ones (fastest first)."""
    return _rows(con.execute("""
        SELECT * FROM skill_growth_over(?, min_postings := ?, until_week := ?) WHERE trend IN ('new', 'rising')
        ORDER BY trend = 'rising', growth DESC, recent_postings DESC, skill LIMIT ?""",
                             [weeks, min_postings, until_week, limit]))


def top_skills(con: duckdb.DuckDBPyConnection, weeks: int = 13, limit: int = 5,
               until_week: date | None = None) -> list[str]:
    """The skills most named in the last ``weeks`` weeks."""
    return [skill for skill, in con.execute("""
        SELECT skill FROM skill_growth_over(?, min_postings := 0, until_week := ?)
        WHERE recent_postings > 0 ORDER BY recent_postings DESC, skill LIMIT ?""",
                                            [weeks, until_week, limit]).fetchall()]


def chart_months(con: duckdb.DuckDBPyConnection, until: date | None = None, months: int = 12) -> list[date]:
    """The last ``months`` calendar months up to the latest dated posting before ``until`` (none: [])."""
    last, = con.execute("SELECT max(listed_on) FROM skill_postings WHERE ? IS NULL OR listed_on < ?",
                        [until, until]).fetchone()
    if last is None:
        return []
    first, = con.execute("SELECT min(listed_on) FROM skill_postings").fetchone()
    index = [date(last.year, last.month, 1)]
    while len(index) < months and index[0] > date(first.year, first.month, 1):
        previous = index[0] - timedelta(days=1)
        index.insert(0, date(previous.year, previous.month, 1))
    return index


def demand_chart(con: duckdb.DuckDBPyConnection, until: date | None = None, skills: int = 5,
                 months: int = 12) -> tuple[list[date], dict[str, list[float | None]]]:
    """The ``skills`` most-named skills over the months ``chart_months`` picks, and their monthly shares: the
    chart always draws from the months skill_demand_monthly holds, however old the latest posting is."""
    index = chart_months(con, until, months)
    top = [skill for skill, in con.execute("""
        SELECT skill FROM skill_demand_monthly WHERE month BETWEEN ? AND ?
        GROUP BY skill ORDER BY sum(postings) DESC, skill LIMIT ?""", [index[0], index[-1], skills]).fetchall()
           ] if index else []
    return share_over_time(con, top, until, months)


def share_over_time(con: duckdb.DuckDBPyConnection, skills: list[str], until: date | None = None,
                    months: int = 12) -> tuple[list[date], dict[str, list[float | None]]]:
    """Monthly share of each skill over the last ``months`` calendar months with postings before ``until``:
    0 where the skill was not named, None for a month with no postings at all."""
    index = chart_months(con, until, months)
    if not index:
        return [], {skill: [] for skill in skills}
    dated = {m for m, in con.execute(
        "SELECT DISTINCT date_trunc('month', listed_on)::DATE FROM skill_postings").fetchall()}
    shares = {skill: [0.0 if m in dated else None for m in index] for skill in skills}
    position = {m: i for i, m in enumerate(index)}
    for month, skill, share in con.execute(
            "SELECT month, skill, share FROM skill_demand_monthly WHERE skill IN (SELECT unnest(?))",
            [skills]).fetchall():
        if month in position:
            shares[skill][position[month]] = share
    return index, shares


def skill_lift(con: duckdb.DuckDBPyConnection, kind: str, segment: str | None = None, min_postings: int = 3,
               per_segment: int = 5) -> list[dict]:
    """The skills each segment asks for most above the market (lift = segment share / market share)."""
    if kind not in SEGMENT_KINDS:
        raise ValueError(f"segment must be one of {', '.join(SEGMENT_KINDS)}, not {kind!r}")
    return _rows(con.execute("""
        SELECT segment, skill, postings, share, overall_share, lift, segment_postings FROM skill_lift
        WHERE segment_kind = $1 AND ($2 IS NULL OR segment = $2) AND postings >= $3
        QUALIFY row_number() OVER (PARTITION BY segment ORDER BY lift DESC, postings DESC, skill) <= $4
        ORDER BY segment_postings DESC, segment, lift DESC, postings DESC, skill""",
                             [kind, segment, min_postings, per_segment]))


def build_trends(db: Path, week: date, weeks: int = 13, min_postings: int = DEFAULT_FLOOR) -> dict:
    """A summary of skill demand up to the end of ``week`` (a Monday); the figures themselves are live views."""
    until = week + timedelta(days=7)
    with reader(db) as con:
        growth = skill_growth(con, weeks, min_postings, until_week=until)
        emerging = emerging_skills(con, weeks, min_postings, limit=10, until_week=until)
        top = top_skills(con, weeks, 5, until_week=until)
    return {"window_weeks": weeks, "until": until.isoformat(), "skills_named": len(growth),
            "skills_above_floor": sum(r["trend"] is not None for r in growth),
            "emerging": [{"skill": r["skill"], "trend": r["trend"], "recent_share": round(r["recent_share"], 4),
                          "growth": None if r["growth"] is None else round(r["growth"], 4)} for r in emerging],
            "top": top}
