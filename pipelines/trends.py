"""Skill-demand trends, read from the views in warehouse/views/11_skill_demand.sql … 13_skill_lift.sql.

Shares count deduplicated postings (one per company and text) that the skill extractor has read, dated by
coalesce(posted_at, first_seen); growth compares the share in the last N weeks with the N weeks before, and is
left out (NULL) below a floor of mentions so that one or two postings never make a trend.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import duckdb

from warehouse.db import reader, table_rows

SEGMENT_KINDS = ("role", "remote", "country")
DEFAULT_FLOOR = 5
WEEKLY_SPAN, WEEKLY_FLOOR, WEEKLY_ENOUGH = 13, 5, 8   # see demand_series
MONTHLY_SPAN = 12


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


def chart_periods(con: duckdb.DuckDBPyConnection, grain: str, until: date | None = None,
                  count: int = 12) -> list[date]:
    """The last ``count`` weeks or months (``grain``) up to the latest one with a dated posting before ``until``,
    gaps included (none dated: [])."""
    dated = [r["period"] for r in table_rows(con, "dated_postings_by", grain) if until is None or r["period"] < until]
    if not dated:
        return []
    index = [dated[-1]]
    while len(index) < count and index[0] > dated[0]:
        index.insert(0, _period_before(index[0], grain))
    return index


def _period_before(period: date, grain: str) -> date:
    if grain == "week":
        return period - timedelta(days=7)
    previous = period - timedelta(days=1)
    return date(previous.year, previous.month, 1)


def demand_chart(con: duckdb.DuckDBPyConnection, until: date | None = None, skills: int = 5, grain: str = "month",
                 periods: int = 12) -> tuple[list[date], dict[str, list[float | None]]]:
    """The ``skills`` most-named skills over the periods ``chart_periods`` picks, and their shares: the chart
    always draws from the periods skill_demand_by holds, however old the latest posting is."""
    index = set(chart_periods(con, grain, until, periods))
    named: dict[str, int] = {}
    for row in table_rows(con, "skill_demand_by", grain):
        if row["period"] in index:
            named[row["skill"]] = named.get(row["skill"], 0) + row["postings"]
    top = sorted(named, key=lambda skill: (-named[skill], skill))[:skills]
    return share_over_time(con, top, until, periods, grain)


def share_over_time(con: duckdb.DuckDBPyConnection, skills: list[str], until: date | None = None,
                    periods: int = 12, grain: str = "month") -> tuple[list[date], dict[str, list[float | None]]]:
    """Share of each skill over the last ``periods`` weeks or months with postings before ``until``:
    0 where the skill was not named, None for a period with no postings at all."""
    index = chart_periods(con, grain, until, periods)
    if not index:
        return [], {skill: [] for skill in skills}
    dated = {r["period"] for r in table_rows(con, "dated_postings_by", grain)}
    shares = {skill: [0.0 if p in dated else None for p in index] for skill in skills}
    position = {p: i for i, p in enumerate(index)}
    for row in table_rows(con, "skill_demand_by", grain):
        if row["skill"] in shares and row["period"] in position:
            shares[row["skill"]][position[row["period"]]] = row["share"]
    return index, shares


@dataclass
class DemandSeries:
    grain: str                                  # "week" or "month"
    periods: list[date]
    shares: dict[str, list[float | None]]
    why: str                                    # which grain, and the counts that chose it


def demand_series(con: duckdb.DuckDBPyConnection, until: date | None = None, skills: int = 5) -> DemandSeries:
    """The top skills' shares by week when the last WEEKLY_SPAN weeks are thick enough (at least WEEKLY_ENOUGH of
    them hold WEEKLY_FLOOR dated postings), else by month: a weekly line over two postings a week is noise."""
    weeks = chart_periods(con, "week", until, WEEKLY_SPAN)
    counts = {r["period"]: r["postings"] for r in table_rows(con, "dated_postings_by", "week")}
    thick = sum(counts.get(week, 0) >= WEEKLY_FLOOR for week in weeks)
    if thick >= WEEKLY_ENOUGH:
        periods, shares = demand_chart(con, until, skills, "week", WEEKLY_SPAN)
        return DemandSeries("week", periods, shares, f"by week: {thick} of the last {WEEKLY_SPAN} weeks hold "
                                                     f"{WEEKLY_FLOOR} or more dated postings")
    periods, shares = demand_chart(con, until, skills, "month", MONTHLY_SPAN)
    return DemandSeries("month", periods, shares,
                        f"by month: too few dated postings for weekly lines ({thick} of the last {WEEKLY_SPAN} weeks "
                        f"hold {WEEKLY_FLOOR} or more; {WEEKLY_ENOUGH} needed)")


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
