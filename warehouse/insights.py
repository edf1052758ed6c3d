"""Reads and writes of the insight steps (targets, roadmap, pitch kit): each a call of a view or macro in
warehouse/views (30_targets.sql, 31_pitch.sql) or one transaction that replaces a stored list."""

from __future__ import annotations

import json
from datetime import date, datetime

import duckdb
import pyarrow as pa


def _dicts(cursor: duckdb.DuckDBPyConnection) -> list[dict]:
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row)) for row in cursor.fetchall()]


# --- targets ------------------------------------------------------------------------------------------------

def has_fit_scores(con: duckdb.DuckDBPyConnection, profile: str) -> bool:
    return con.execute("SELECT postings > 0 FROM scored_posting_span(?)", [profile]).fetchone()[0]


def scored_posting_span(con: duckdb.DuckDBPyConnection, profile: str) -> tuple[datetime, datetime]:
    """When the profile's scored postings were first and last seen."""
    return con.execute("SELECT first_seen, last_seen FROM scored_posting_span(?)", [profile]).fetchone()


def target_roles(con: duckdb.DuckDBPyConnection, profile: str, as_of: datetime) -> list[dict]:
    return _dicts(con.execute("SELECT * FROM target_roles(?, ?)", [profile, as_of]))


def hiring_pace(con: duckdb.DuckDBPyConnection, as_of: datetime) -> dict[str, dict]:
    """company → open_postings, new_4w, before_12w, new_departments at as_of."""
    return {row.pop("company"): row for row in _dicts(con.execute("SELECT * FROM company_hiring_pace(?)", [as_of]))}


def skill_share_at(con: duckdb.DuckDBPyConnection, as_of: datetime) -> dict[str, float]:
    return dict(con.execute("SELECT skill, share FROM skill_share_at(?)", [as_of]).fetchall())


def content_skills(con: duckdb.DuckDBPyConnection, hashes: set[str]) -> dict[str, list[str]]:
    """content hash → the skills its text names, in order of first mention."""
    return dict(con.execute("SELECT content_hash, skills FROM content_skills(?)", [sorted(hashes)]).fetchall())


def staleness(con: duckdb.DuckDBPyConnection) -> dict[str, float]:
    """posting_id → stale_score (0 fresh .. 1 stale), as of the latest scan."""
    return dict(con.execute("SELECT posting_id, stale_score FROM posting_staleness "
                            "WHERE stale_score IS NOT NULL").fetchall())


def previous_target_ranks(con: duckdb.DuckDBPyConnection, profile: str, week: date) -> dict[str, int]:
    return dict(con.execute("SELECT company, rank FROM previous_target_ranks(?, ?)", [profile, week]).fetchall())


def store_target_list(con: duckdb.DuckDBPyConnection, table: pa.Table, columns: tuple[str, ...], *, week: date,
                      profile: str, profile_hash: str, as_of: datetime, pitch: str, pitch_reason: str,
                      unquantified: list[str], computed_at: datetime) -> None:
    """Replace the profile's list for the week: its ranked companies (``table``, pitch_notes as JSON text last)
    and how it was made."""
    con.register("new_targets", table)
    con.execute("BEGIN")
    con.execute("DELETE FROM target_companies WHERE week = ? AND profile = ?", [week, profile])
    con.execute("DELETE FROM target_lists WHERE week = ? AND profile = ?", [week, profile])
    con.execute(f"INSERT INTO target_companies ({', '.join(columns)}) "
                f"SELECT {', '.join(columns[:-1])}, {columns[-1]}::JSON FROM new_targets")
    con.execute("INSERT INTO target_lists VALUES (?, ?, ?, ?, ?, ?, ?::JSON, ?)",
                [week, profile, profile_hash, as_of, pitch, pitch_reason, json.dumps(unquantified, ensure_ascii=False),
                 computed_at])
    con.execute("COMMIT")
    con.unregister("new_targets")


# --- roadmap ------------------------------------------------------------------------------------------------

def scored_fit_inputs(con: duckdb.DuckDBPyConnection, profile: str) -> list[dict]:
    """The profile's scored open postings as the fit scorer reads them, best-fitting first."""
    return con.sql("SELECT * FROM scored_fit_inputs(?)", params=[profile]).to_arrow_table().to_pylist()


def open_skill_frequency(con: duckdb.DuckDBPyConnection) -> tuple[dict[str, int], int]:
    """(open postings naming each skill, open postings): the market the fit scorer weighs skills by."""
    frequency = dict(con.execute("SELECT skill, postings FROM open_skill_frequency").fetchall())
    open_postings, = con.execute("SELECT count(*) FROM postings_current").fetchone()
    return frequency, open_postings


def skill_growth(con: duckdb.DuckDBPyConnection, weeks: int) -> dict[str, dict]:
    """skill → growth and trend over the last ``weeks`` weeks against the ones before (NULL below the floor)."""
    return {skill: {"growth": growth, "trend": trend} for skill, growth, trend in
            con.execute("SELECT skill, growth, trend FROM skill_growth_over(?)", [weeks]).fetchall()}


def store_roadmap(con: duckdb.DuckDBPyConnection, profile: str, table: pa.Table) -> None:
    """Replace the profile's stored roadmap with ``table`` (examples as JSON text)."""
    con.register("new_roadmap", table)
    con.execute("BEGIN")
    con.execute("DELETE FROM skill_roadmaps WHERE profile = ?", [profile])
    con.execute("INSERT INTO skill_roadmaps SELECT * EXCLUDE (examples), examples::JSON FROM new_roadmap")
    con.execute("COMMIT")
    con.unregister("new_roadmap")


def profile_roadmap(con: duckdb.DuckDBPyConnection, profile: str) -> list[dict]:
    rows = _dicts(con.execute("SELECT * FROM profile_roadmap(?)", [profile]))
    return [row | {"examples": json.loads(row["examples"])} for row in rows]


# --- pitch kit ----------------------------------------------------------------------------------------------

def pitch_posting(con: duckdb.DuckDBPyConnection, profile: str, posting_id: str) -> dict | None:
    rows = _dicts(con.execute("SELECT * FROM pitch_posting(?, ?)", [profile, posting_id]))
    return rows[0] if rows else None


def company_postings(con: duckdb.DuckDBPyConnection, company: str, profile: str) -> list[dict]:
    return _dicts(con.execute("SELECT * FROM company_postings(?, ?)", [company, profile]))


def market_postings(con: duckdb.DuckDBPyConnection) -> list[dict]:
    return _dicts(con.execute("SELECT * FROM market_postings"))
