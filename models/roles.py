"""What role a title names and at what level: role families, the level ladder, years asked.

A title's families are found left to right (``role_families.toml``); the first is the role the posting
leads with, the others are roles listed beside it (a Hacker News post hiring several roles). A person's
families come from their ``roles`` and headline. Levels are read from the normalised seniority of the
title, else from the years of experience the text asks for.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from scrapers.normalise import SENIORITY_PATTERNS

FAMILIES_FILE = Path(__file__).parent / "data" / "role_families.toml"

_YEARS_ASKED = re.compile(
    r"(?<![\d.])(\d{1,2})(?:\s*(?:-|–|to)\s*\d{1,2})?\s*\+?\s*(?:years?|yrs?)\b(?=[^.\n]{0,80}"
    r"(?:experience|expérience|erfahrung|in (?:a |an )?(?:similar|related)|as an? |of (?:professional|relevant|"
    r"hands-on|industry|product|software|engineering|sales|design|management)))", re.I)


@dataclass(frozen=True)
class Family:
    name: str
    patterns: tuple[re.Pattern, ...]
    adjacent: frozenset[str]


@dataclass(frozen=True)
class TitleRoles:
    families: tuple[str, ...]      # left to right; the first is the role the title leads with

    @property
    def leading(self) -> str | None:
        return self.families[0] if self.families else None


@cache
def families() -> tuple[Family, ...]:
    table = tomllib.loads(FAMILIES_FILE.read_text(encoding="utf-8"))
    return tuple(Family(row["name"], tuple(re.compile(p, re.I) for p in row["patterns"]),
                        frozenset(row.get("adjacent", ()))) for row in table["family"])


@cache
def _adjacency() -> dict[str, frozenset[str]]:
    """Adjacency both ways: if design lists frontend, frontend is adjacent to design too."""
    pairs: dict[str, set[str]] = {f.name: set(f.adjacent) for f in families()}
    for family in families():
        for other in family.adjacent:
            pairs.setdefault(other, set()).add(family.name)
    return {name: frozenset(others) for name, others in pairs.items()}


_ROLE_NOUN_AFTER = re.compile(r"\s+(?:[\w/&+-]+\s+)?(?:engineer|developer|manager|designer|analyst|scientist|"
                              r"specialist|lead|architect|tester|representative|agent|associate|consultant|"
                              r"executive|technician|administrator)\b", re.I)
_BRACKETED = re.compile(r"\([^()]*\)")
_PLURAL_ROLE = re.compile(r"\b(engineer|developer|manager|designer|analyst|scientist|executive|specialist|"
                          r"representative|architect|lead|researcher)s\b", re.I)


@cache
def title_roles(title: str) -> TitleRoles:
    """The role families a title names, in the order they appear ("Backend Engineers" names one)."""
    title = _PLURAL_ROLE.sub(r"\1", title)
    # "Program Manager (Deputy Product Manager)": a role in brackets qualifies the one outside them
    outside = _BRACKETED.sub(lambda m: " " * len(m.group()), title)
    if outside != title and _title_families(outside):
        title = outside
    return TitleRoles(_title_families(title))


def _title_families(title: str) -> tuple[str, ...]:
    claimed: list[tuple[int, int]] = []
    found: list[tuple[int, str]] = []
    for family in families():
        for pattern in family.patterns:
            for match in pattern.finditer(title):
                start, end = match.span()
                if any(start < last and first < end for first, last in claimed):
                    continue
                noun = _ROLE_NOUN_AFTER.match(title, end)   # "Technical Support" + "Engineer" is one role
                claimed.append((start, noun.end() if noun else end))
                found.append((start, family.name))
    return tuple(dict.fromkeys(name for _, name in sorted(found)))


def person_families(roles: tuple[str, ...] | list[str], headline: str = "") -> frozenset[str]:
    """The families a person works in: those their wanted roles name, else their headline's."""
    named = {name for role in roles for name in title_roles(role).families}
    return frozenset(named or title_roles(headline).families)


def family_relation(person: frozenset[str], title: TitleRoles) -> str:
    """same | listed | adjacent | other | unknown: how the title's roles relate to the person's families."""
    if not title.families or not person:
        return "unknown"
    if title.leading in person:
        return "same"
    if person & set(title.families):
        return "listed"
    if any(title.leading in _adjacency().get(name, ()) for name in person):
        return "adjacent"
    return "other"


def title_levels(title: str) -> tuple[str, ...]:
    """Every level a title names ("Senior + Mid-Level Software Engineers": senior and mid), for posts that
    hire at several levels; the normaliser's ``seniority`` keeps the first by precedence."""
    return tuple(level for level, pattern in SENIORITY_PATTERNS if pattern.search(title))


def years_asked(text: str | None) -> int | None:
    """The most years of experience the text asks for ("5+ years of experience" → 5), or None."""
    if not text:
        return None
    years = [int(m.group(1)) for m in _YEARS_ASKED.finditer(text) if 0 < int(m.group(1)) <= 20]
    return max(years) if years else None


def level_from_years(years: int) -> str:
    return "junior" if years < 2 else "mid" if years < 5 else "senior" if years < 8 else "staff"
