"""Labels read from a posting's short texts: work arrangement, employment type, department and team names."""

from __future__ import annotations

import re
from typing import Any

from scrapers.normalise.text import SPACES

_REMOTE_PATTERNS = (("hybrid", re.compile(r"\bhybrid\b", re.I)),
                    ("remote", re.compile(r"\bremote\b(?![- ]sensing)|\bwork from home\b|\bhome[- ]?office\b"
                                          r"|\btelecommut", re.I)),
                    ("onsite", re.compile(r"\bon[- ]?site\b|\bin[- ]office\b", re.I)))
# First match wins: "parttime_fixed_term" is part time, "fixed-term contract" temporary, "permanent contract" full time.
_EMPLOYMENT = (("internship", re.compile(r"\bintern|trainee|apprentic|praktik|stagiaire|\bstage\b", re.I)),
               ("part_time", re.compile(r"part[-_ ]?time|teilzeit|working[-_ ]student|werkstudent", re.I)),
               ("temporary", re.compile(r"\btemp(?:orary)?\b|fixed[-_ ]?term|seasonal|(?<!un)befristet", re.I)),
               ("contract", re.compile(r"(?<!permanent )contract|freelanc", re.I)),
               ("full_time", re.compile(r"full[-_ ]?time|permanent|vollzeit|unbefristet|regular", re.I)))
_FULL_OR_PART = re.compile(r"full[-_ ]?(?:or|/|and)[-_ ]?part", re.I)
_PLACEHOLDERS = {"", "-", "—", "n/a", "na", "none", "null", "undefined", "tbd", "other", "others", "unknown"}
_COST_CENTRE = re.compile(r"^\d{2,}\s*[-–:|]?\s*(?=\D)")


def remote_from_text(*texts: str | None) -> str | None:
    """remote | hybrid | onsite named in a location or title; "Remote Sensing" is a field, not a mode."""
    joined = " ".join(t for t in texts if t)
    return next((mode for mode, pattern in _REMOTE_PATTERNS if pattern.search(joined)), None)


def employment_type_code(text: str | None) -> str | None:
    """full_time | part_time | contract | internship | temporary from an ATS's employment-type text."""
    if not text:
        return None
    if _FULL_OR_PART.search(text):
        return "full_time"  # "permanent, full-or-part-time": the role can be full time
    return next((code for code, pattern in _EMPLOYMENT if pattern.search(text)), None)


def clean_label(value: Any) -> str | None:
    """A department or team name: tidy spaces, no cost-centre number, no placeholder, no repeated part."""
    if value is None:
        return None
    text = _COST_CENTRE.sub("", SPACES.sub(" ", str(value)).strip())
    parts = list(dict.fromkeys(p.strip() for p in text.split(",") if p.strip().casefold() not in _PLACEHOLDERS))
    return ", ".join(parts) or None
