"""Weekly ranked target companies for a profile, with pitch notes for the best of them.

The list for a week ranks the companies with open roles scored for the profile as of the end of that week (or
now, for the current week). A company's score, 0-100, weighs its roles as follows (each part 0..1):

  quality    0.55  mean fit of its 3 best-fitting open roles / 100
  depth      0.15  strong roles (fit >= 60), saturating at 3
  freshness  0.10  mean freshness of those 3 roles: for the current week, 1 - stale_score from the
                   `posting_staleness` view (as of the latest scan) where the warehouse has it and it scores the
                   role; else (and for past weeks) 0.5 ** (days since first listed, at the end of the week / 30)
  momentum   0.10  postings listed in the last 4 weeks plus departments new in them, against the company's usual
                   4-week pace over the 12 weeks before: (new + 1) / (new + usual + 2); 0.5 = the usual pace
  pitch      0.10  how well those 3 roles' hire types fit the person's pitch (expertise probability for an
                   expertise pitch, its complement for a bandwidth pitch; 0.5 when unclassified)

The person's pitch comes from the resume: an **expertise** pitch takes 8+ years of experience (or staff-level
seniority) and at least 3 specialist skills, i.e. resume skills that some but at most 10% of the open postings
name; everyone else pitches **bandwidth** (deliver like the team, lift its output). Ties rank by company name,
so the same warehouse always gives the same list.

The top PITCH_NOTES_FOR companies' best postings carry the whole pitch kit (``pipelines.pitch``) as pitch notes.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import duckdb
import pyarrow as pa

from models.profile import SENIORITY_LEVELS, Profile, is_quantified, resume_bullets
from models.skills import SkillExtractor
from pipelines.pitch import PitchKits
from warehouse import insights
from warehouse.db import reader, writer

WEIGHTS = {"quality": 0.55, "depth": 0.15, "freshness": 0.10, "momentum": 0.10, "pitch": 0.10}
STRONG_FIT = 60.0
FRESHNESS_HALF_LIFE_DAYS = 30.0
EXPERTISE_MIN_YEARS = 8.0
SPECIALIST_MAX_SHARE = 0.10
EXPERTISE_MIN_SPECIALIST_SKILLS = 3
PITCH_NOTES_FOR = 10   # the top targets get pitch notes

_ISO_WEEK = re.compile(r"(\d{4})-W(\d{2})")

COLUMNS = ("week", "profile", "rank", "company", "score", "open_roles", "best_posting_id", "best_fit",
           "hire_type_mix", "reason", "change", "top3_fit", "strong_roles", "new_this_week", "new_4w",
           "new_departments", "freshness", "momentum", "pitch_match", "bandwidth_roles", "expertise_roles",
           "pitch_notes")
_SCHEMA = pa.schema([
    ("week", pa.date32()), ("profile", pa.string()), ("rank", pa.int32()), ("company", pa.string()),
    ("score", pa.float64()), ("open_roles", pa.int32()), ("best_posting_id", pa.string()),
    ("best_fit", pa.float64()), ("hire_type_mix", pa.string()), ("reason", pa.string()), ("change", pa.string()),
    ("top3_fit", pa.float64()), ("strong_roles", pa.int32()), ("new_this_week", pa.int32()),
    ("new_4w", pa.int32()), ("new_departments", pa.int32()), ("freshness", pa.float64()),
    ("momentum", pa.float64()), ("pitch_match", pa.float64()), ("bandwidth_roles", pa.int32()),
    ("expertise_roles", pa.int32()), ("pitch_notes", pa.string())])


class TargetsError(ValueError):
    """The list cannot be made (no scores for the profile, a bad week); the message says why."""


@dataclass(frozen=True)
class Pitch:
    kind: str      # bandwidth | expertise
    reason: str


@dataclass
class TargetList:
    week: date
    profile: str
    as_of: datetime
    pitch: Pitch
    ranked: int
    dropped: int


@dataclass
class _Role:
    posting_id: str
    company: str
    title: str
    content_hash: str
    fit: float
    explanation: dict
    hire_type: str | None
    expertise_probability: float | None
    listed_at: datetime
    tier: int                   # 1: breaks a hard preference (ranks below every tier-0 role)
    freshness: float = 0.0


def week_start(text: str | None = None, today: date | None = None) -> date:
    """The Monday of an ISO week given as YYYY-MM-DD (any day of it) or YYYY-Www; default the current week."""
    if not text:
        day = today or datetime.now(timezone.utc).date()
        return day - timedelta(days=day.weekday())
    iso = _ISO_WEEK.fullmatch(text.strip())
    try:
        if iso:
            return date.fromisocalendar(int(iso[1]), int(iso[2]), 1)
        day = date.fromisoformat(text.strip())
    except ValueError:
        raise TargetsError(f"week {text!r} is not a date (YYYY-MM-DD) or an ISO week (YYYY-Www)") from None
    return day - timedelta(days=day.weekday())


def person_pitch(profile: Profile, resume_skills: set[str], skill_share: dict[str, float]) -> Pitch:
    """Expertise for many years plus specialist skills, else bandwidth (see the module docstring)."""
    specialist = sorted(s for s in resume_skills if 0 < skill_share.get(s, 0.0) <= SPECIALIST_MAX_SHARE)
    years = profile.years_experience
    seasoned = years >= EXPERTISE_MIN_YEARS or profile.seniority == SENIORITY_LEVELS[-1]
    named = ", ".join(specialist[:5])
    if seasoned and len(specialist) >= EXPERTISE_MIN_SPECIALIST_SKILLS:
        return Pitch("expertise", f"{years:.0f} years and {len(specialist)} specialist skills ({named}) that at "
                                  f"most {SPECIALIST_MAX_SHARE:.0%} of open postings ask for")
    if seasoned:
        return Pitch("bandwidth", f"{years:.0f} years, but only {len(specialist)} specialist skills"
                                  + (f" ({named})" if specialist else "")
                                  + ": sell delivery on the common stack")
    return Pitch("bandwidth", f"{years:.0f} years of experience: sell delivery on the common stack")


def build_targets(db: Path, profile: Profile, skills: SkillExtractor, week: date | None = None,
                  now: datetime | None = None) -> TargetList:
    """Rank the companies for ``profile`` in ``week`` (a Monday) and store the list, replacing that week's."""
    week = week or week_start()
    week -= timedelta(days=week.weekday())   # any day stands for its ISO week
    now = now or datetime.now(timezone.utc)
    as_of = min(now, datetime(week.year, week.month, week.day, tzinfo=timezone.utc) + timedelta(days=7))
    with writer(db) as con:
        if not insights.has_fit_scores(con, profile.name):
            raise TargetsError(f"no fit scores for profile '{profile.name}' yet: run `marketfit scan --profile ...` "
                               f"(or `marketfit demo`) first")
        roles = _open_roles(con, profile.name, as_of)
        if not roles:
            _refuse_a_week_with_no_open_role(con, profile.name, week, as_of)
        company_pace = insights.hiring_pace(con, as_of)
        skill_share = insights.skill_share_at(con, as_of)
        stale = insights.staleness(con) if as_of == now else {}   # the view judges postings as of the latest scan
        previous = insights.previous_target_ranks(con, profile.name, week)
    resume_skills = {m.name for m in skills.extract(profile.resume)}
    pitch = person_pitch(profile, resume_skills, skill_share)
    for role in roles:
        role.freshness = _freshness(role, as_of, stale)
    by_company: dict[str, list[_Role]] = {}
    for role in roles:
        by_company.setdefault(role.company, []).append(role)
    # tier first: a company whose every open role breaks a hard preference ranks after the rest
    pace = {company: (p["new_4w"], p["before_12w"], p["new_departments"]) for company, p in company_pace.items()}
    scored = sorted(((_company_score(company_roles, pace.get(company, (0, 0, 0)), pitch), company)
                     for company, company_roles in by_company.items()),
                    key=lambda item: (by_company[item[1]][0].tier, -round(item[0][0], 1), item[1]))
    rows = []
    with reader(db) as con:
        kits = PitchKits(con, profile, skills, now=as_of)
        notes = {company: kits.kit(by_company[company][0].posting_id) for _, company in scored[:PITCH_NOTES_FOR]}
    for rank, ((score, parts), company) in enumerate(scored, start=1):
        company_roles = by_company[company]
        new_4w, _, new_departments = pace.get(company, (0, 0, 0))
        new_this_week = sum(r.listed_at > as_of - timedelta(days=7) for r in company_roles)
        best = company_roles[0]
        rows.append({
            "rank": rank, "company": company, "score": round(score, 1), "open_roles": len(company_roles),
            "best_posting_id": best.posting_id, "best_fit": best.fit, "hire_type_mix": _mix(company_roles),
            "reason": _reason(company_roles, new_this_week, parts["momentum"], new_departments, pitch),
            "change": _change(company, rank, previous), "top3_fit": round(parts["quality"] * 100, 1),
            "strong_roles": _strong(company_roles), "new_this_week": new_this_week,
            "new_4w": new_4w, "new_departments": new_departments, "freshness": round(parts["freshness"], 3),
            "momentum": round(parts["momentum"], 3), "pitch_match": round(parts["pitch"], 3),
            "bandwidth_roles": sum(r.hire_type == "bandwidth" for r in company_roles),
            "expertise_roles": sum(r.hire_type == "expertise" for r in company_roles),
            "pitch_notes": json.dumps(notes[company], ensure_ascii=False) if company in notes else None})
    dropped = sorted(set(previous) - set(by_company))
    for company in dropped:
        still_open = company_pace.get(company, {}).get("open_postings", 0)
        rows.append({"rank": None, "company": company, "open_roles": still_open, "change": "dropped",
                     "reason": "no open roles left: they closed since the last list" if not still_open else
                               f"{still_open} open role{'s' if still_open != 1 else ''}, none scored for you"})
    unquantified = [b for b in resume_bullets(profile) if not is_quantified(b)]
    table = pa.Table.from_pylist([{c: row.get(c) for c in COLUMNS} | {"week": week, "profile": profile.name}
                                  for row in rows], schema=_SCHEMA)
    with writer(db) as con:
        insights.store_target_list(con, table, COLUMNS, week=week, profile=profile.name,
                                   profile_hash=profile.fingerprint, as_of=as_of, pitch=pitch.kind,
                                   pitch_reason=pitch.reason, unquantified=unquantified, computed_at=now)
    return TargetList(week, profile.name, as_of, pitch, len(scored), len(dropped))


def _refuse_a_week_with_no_open_role(con: duckdb.DuckDBPyConnection, profile: str, week: date,
                                     as_of: datetime) -> None:
    """Raise TargetsError saying what is missing, unless the profile's last list has companies to mark dropped."""
    if insights.previous_target_ranks(con, profile, week):
        return
    first, last = insights.scored_posting_span(con, profile)
    raise TargetsError(f"no scored posting for '{profile}' was open at the end of the week of {week} "
                       f"(as of {as_of:%Y-%m-%d %H:%M} UTC): its postings were seen from {first:%Y-%m-%d} to "
                       f"{last:%Y-%m-%d}; pick a week in that span (or scan the boards again)")


def _open_roles(con: duckdb.DuckDBPyConnection, profile: str, as_of: datetime) -> list[_Role]:
    return [_Role(r["posting_id"], r["company"], r["title"], r["content_hash"], r["fit_score"],
                  json.loads(r["explanation"]), r["hire_type"], r["expertise_probability"], r["listed_at"], r["tier"])
            for r in insights.target_roles(con, profile, as_of)]


def _freshness(role: _Role, as_of: datetime, stale: dict[str, float]) -> float:
    if role.posting_id in stale:
        return 1.0 - min(1.0, max(0.0, stale[role.posting_id]))
    age_days = max(0.0, (as_of - role.listed_at).total_seconds() / 86400)
    return 0.5 ** (age_days / FRESHNESS_HALF_LIFE_DAYS)


def _strong(roles: list[_Role]) -> int:
    return sum(r.fit >= STRONG_FIT and r.tier == 0 for r in roles)


def _company_score(roles: list[_Role], pace: tuple[int, int, int], pitch: Pitch) -> tuple[float, dict[str, float]]:
    best = [r for r in roles if r.tier == roles[0].tier][:3]   # roles come tier first, then best-fitting
    new_4w, before_12w, new_departments = pace
    new, usual = new_4w + new_departments, before_12w / 3
    parts = {
        "quality": sum(r.fit for r in best) / len(best) / 100,
        "depth": min(3, _strong(roles)) / 3,
        "freshness": sum(r.freshness for r in best) / len(best),
        "momentum": (new + 1) / (new + usual + 2),
        "pitch": sum(_pitch_fit(r, pitch) for r in best) / len(best),
    }
    return 100 * sum(WEIGHTS[k] * v for k, v in parts.items()), parts


def _pitch_fit(role: _Role, pitch: Pitch) -> float:
    if role.expertise_probability is None:
        return 0.5
    return role.expertise_probability if pitch.kind == "expertise" else 1 - role.expertise_probability


def _mix(roles: list[_Role]) -> str:
    counts = {kind: sum(r.hire_type == kind for r in roles) for kind in ("bandwidth", "expertise")}
    counts["unclassified"] = len(roles) - counts["bandwidth"] - counts["expertise"]
    return " / ".join(f"{n} {kind}" for kind, n in counts.items() if n)


def _reason(roles: list[_Role], new_this_week: int, momentum: float, new_departments: int, pitch: Pitch) -> str:
    best = roles[0]
    strong = _strong(roles)
    if best.tier:
        gate = next(iter(best.explanation.get("gates") or []), "a hard preference")
        parts = [f"every open role breaks one of your preferences (best {best.fit:.0f}: {best.title}: {gate})"]
    else:
        parts = [f"{strong} strong role{'s' if strong != 1 else ''} (best {best.fit:.0f}: {best.title})" if strong
                 else f"best role {best.fit:.0f}: {best.title}"]
    if new_this_week:
        parts.append(f"{new_this_week} new this week")
    if new_departments:
        parts.append(f"{new_departments} new department{'s' if new_departments != 1 else ''}")
    if momentum >= 2 / 3:
        parts.append("hiring faster than usual")
    elif momentum <= 1 / 3:
        parts.append("hiring slower than usual")
    classified = [r.hire_type for r in roles if r.hire_type]
    majority = next((kind for kind in ("bandwidth", "expertise") if classified.count(kind) * 2 > len(classified)),
                    None)
    if majority == pitch.kind:
        parts.append(f"mostly {majority} hires matching your pitch")
    elif majority:
        parts.append(f"mostly {majority} hires (your pitch is {pitch.kind})")
    elif classified:
        parts.append("mixed hire types")
    return ", ".join(parts)


def _change(company: str, rank: int, previous: dict[str, int]) -> str:
    if company not in previous:
        return "new"
    moved = previous[company] - rank
    return "same" if moved == 0 else f"up {moved}" if moved > 0 else f"down {-moved}"

