"""One seniority scale: the levels a title names, their order, and the four a person states."""

from __future__ import annotations

import re

# The scale, lowest first, each level with its rank: a manager ("lead") sits beside staff, a head of (director)
# beside principal.
LEVEL_RANK = {"intern": 0, "junior": 1, "mid": 2, "senior": 3, "lead": 4, "staff": 4, "principal": 5,
              "director": 5, "executive": 6}
SENIORITY_LEVELS = tuple(LEVEL_RANK)
# The four levels a person states (a profile's preference, a resume headline): each level of the scale folded onto one.
_PERSON_LEVEL = {"intern": "junior", "junior": "junior", "mid": "mid", "senior": "senior", "lead": "senior",
                 "staff": "staff", "principal": "staff", "director": "staff", "executive": "staff"}
PERSON_LEVELS = tuple(dict.fromkeys(_PERSON_LEVEL.values()))
# First match wins: "Senior Engineering Manager" is a manager, "Associate Director" a director.
_SENIORITY = (
    ("intern", r"\bintern(?:ship)?\b|\bwerkstudent|\bworking student\b|\bpraktikant|\btrainee\b|\bapprentice"),
    ("executive", r"\bchief\b|\bc[etfoi]o\b|\bvp\b|\bvice[- ]president\b|\bsvp\b|\bevp\b|\bpresident\b"),
    ("director", r"\bdirector\b|\bhead of\b|\bhead,"),
    ("principal", r"\bprincipal\b|\bdistinguished\b"),
    ("staff", r"\bstaff\b"),
    ("lead", r"\blead\b(?!\s+generation)|\bleiter"
             r"|\b(?:engineering|development|people|team|data science|design|research)\s+manager\b"
             r"|\bmanager\s*(?:,|of|-|–)\s*(?:software|engineering|data|research|design|platform)"),
    ("senior", r"\bsenior\b|\bsr\b|\bsnr\b|\biii\b"),
    ("junior", r"\bjunior\b|\bjr\b|\bgraduate\b|\bnew grad\b|\bentry[- ]level\b|\bassociate\b"),
    ("mid", r"\bii\b|\b2\b|\bmid[- ]level\b|\bintermediate\b"),
)
SENIORITY_PATTERNS = tuple((level, re.compile(pattern, re.I)) for level, pattern in _SENIORITY)


def seniority_level(title: str | None) -> str | None:
    """One of SENIORITY_LEVELS read from a job title (or a resume headline), or None when it names none."""
    if not title:
        return None
    return next((level for level, pattern in SENIORITY_PATTERNS if pattern.search(title)), None)


def seniority_from_title(title: str) -> str | None:
    """One of PERSON_LEVELS read from a title or resume headline, or None when it names none."""
    return _PERSON_LEVEL.get(seniority_level(title))
