"""A job seeker's profile: the resume (parsed into sections and lines) plus preferences."""

from __future__ import annotations

import hashlib
import re
import tomllib
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from scrapers.files import NotAFileError, regular_file_size
from scrapers.normalise import BULLET as _BULLET, PERSON_LEVELS as SENIORITY_LEVELS, seniority_from_title

REMOTE_CHOICES = ("remote-only", "remote-or-hybrid", "any")
_PREFERENCE_KEYS = {"locations", "remote", "relocate", "min_salary", "currency", "roles", "avoid", "seniority", "soft"}
SOFTENABLE = ("place", "salary", "avoid")   # hard by default: a posting breaking one ranks below the rest
_HEADING = re.compile(r"^\s*(#{1,6}\s+(?P<md>.+?)\s*#*|(?P<caps>[A-Z][A-Z &/]{2,40}):?)\s*$")
_YEARS = re.compile(r"\b((?:19|20)\d{2})\s*(?:[-–—]|to)\s*((?:19|20)\d{2}|present|now|current|today)\b", re.I)
MAX_RESUME_BYTES = 1_000_000
# Document formats a resume is often kept in, refused by name rather than read as text (a PDF's "text" is its code)
DOCUMENT_MAGIC = ((b"%PDF-", "a PDF"), (b"PK\x03\x04", "a Word or other zipped document"),
                  (b"{\\rtf", "an RTF document"), (b"\xd0\xcf\x11\xe0", "a Word 97-2003 document"))
DOCUMENT_SUFFIXES = (".pdf", ".docx", ".doc", ".odt", ".rtf", ".pages")
_NOT_ACHIEVEMENTS = ("looking for", "contact", "education", "skills")
# A measured result: a number with a unit ("40M transactions", "900 ms", "35%", "$2M", "3x") or a change
# ("doubled", "halved"); a bare number word ("double-entry", "one of") or a year is not one.
_UNIT_WORD = r"(?:[A-Za-z][\w/+-]*)"
_QUANTITY = re.compile(
    r"(?:[$€£¥]\s?\d[\d,.]*"
    r"|(?<![\w.])(?!(?:19|20)\d\d\b)\d[\d,.]*\s?(?:%|x\b|×|[kKMB]\b|[kKMB]?\+?\s+(?:of\s+)?" + _UNIT_WORD + r")"
    r"|\b(?:two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|dozens|hundreds|thousands|millions|billions)"
    r"\s+(?:of\s+)?" + _UNIT_WORD +
    r"|\b(?:doubled|tripled|quadrupled|halved|\d+-fold)\b)", re.IGNORECASE)
_ROLE_HEADING = re.compile(r"^\s*#{1,6}\s+(?P<role>.+?)\s*\((?P<start>(?:19|20)\d{2})\s*(?:[-–—]|to)\s*"
                           r"(?P<end>(?:19|20)\d{2}|present|now|current|today)\)\s*$", re.I)


class ProfileError(ValueError):
    """A profile that cannot be used; the message names the file and the problem."""


@dataclass(frozen=True)
class Preferences:
    locations: tuple[str, ...] = ()
    remote: str = "any"
    relocate: bool = False             # on-site or hybrid anywhere in the person's countries works
    min_salary: float | None = None
    currency: str = "USD"
    roles: tuple[str, ...] = ()
    avoid: tuple[str, ...] = ()
    seniority: str | None = None
    soft: tuple[str, ...] = ()          # preferences that only cost points (SOFTENABLE)


@dataclass(frozen=True)
class Profile:
    name: str
    resume: str
    sections: dict[str, list[str]]
    lines: tuple[str, ...]             # evidence lines: bullets and substantive sentences
    years_experience: float
    headline: str
    preferences: Preferences = field(default_factory=Preferences)

    @property
    def fingerprint(self) -> str:
        return hashlib.sha256(repr((self.resume, self.preferences)).encode()).hexdigest()[:16]

    @property
    def seniority(self) -> str:
        if self.preferences.seniority:
            return self.preferences.seniority
        from_title = seniority_from_title(self.headline)
        if from_title:
            return from_title
        return "junior" if self.years_experience < 2 else "mid" if self.years_experience < 5 else "senior"


def resume_bullets(profile: Profile) -> list[str]:
    """The resume's bullet lines (achievements), outside the skills, education, contact and wishes sections."""
    return list(dict.fromkeys(
        _BULLET.sub("", line).strip() for name, lines in profile.sections.items()
        if not name.startswith(_NOT_ACHIEVEMENTS) for line in lines if _BULLET.match(line)))


def is_quantified(text: str) -> bool:
    """Whether the text states a measured result (a number with a unit, or a change)."""
    return bool(_QUANTITY.search(text))


def career(profile: Profile) -> list[dict]:
    """The roles the resume dates ("### Senior Engineer — Finly (2021–present)"), oldest first: the heading as
    written, its years, and how many bullets sit under it."""
    roles, current = [], None
    for line in profile.resume.splitlines():
        heading = _ROLE_HEADING.match(line)
        if heading:
            current = {"role": heading["role"], "start": int(heading["start"]),
                       "end": int(heading["end"]) if heading["end"].isdigit() else None, "bullets": 0}
            roles.append(current)
        elif _HEADING.match(line):
            current = None
        elif current is not None and _BULLET.match(line):
            current["bullets"] += 1
    return sorted(roles, key=lambda r: (r["start"], r["end"] or 9999))


def _read_text(path: Path) -> str:
    try:
        regular_file_size(path, "a file")
        with path.open("rb") as handle:  # read no more than the limit: the file may grow after the check
            data = handle.read(MAX_RESUME_BYTES + 1)
    except NotAFileError as exc:
        raise ProfileError(f"{path}: {exc}") from None
    except (OSError, ValueError) as exc:  # no permission, a NUL in the name...
        raise ProfileError(f"{path}: cannot read: {exc}") from None
    if len(data) > MAX_RESUME_BYTES:
        raise ProfileError(f"{path}: more than {MAX_RESUME_BYTES} bytes is too large for a resume")
    document = next((kind for magic, kind in DOCUMENT_MAGIC if data.startswith(magic)), None)
    if document or path.suffix.lower() in DOCUMENT_SUFFIXES:
        raise ProfileError(f"{path}: {document or 'a ' + path.suffix.lower().lstrip('.').upper() + ' document'} is "
                           f"not read; save the resume as text (.md or .txt) and pass that")
    if b"\x00" in data:
        raise ProfileError(f"{path}: binary file, expected text (.md, .txt or .toml)")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise ProfileError(f"{path}: not UTF-8 text") from None
    if not text.strip():
        raise ProfileError(f"{path}: file is empty")
    return text


def _sections(resume: str) -> dict[str, list[str]]:
    sections: dict[str, list[str]] = {"": []}
    current = ""
    for line in resume.splitlines():
        heading = _HEADING.match(line)
        if heading:
            current = (heading.group("md") or heading.group("caps")).strip().lower()
            sections.setdefault(current, [])
        elif line.strip():
            sections[current].append(line.strip())
    return sections


def _evidence_lines(sections: dict[str, list[str]]) -> tuple[str, ...]:
    lines = []
    for name, body in sections.items():
        if name.startswith(("looking for", "contact", "education")):
            continue
        for line in body:
            text = _BULLET.sub("", line).strip()
            if len(text) >= 20 or (_BULLET.match(line) and len(text) >= 3):
                lines.append(text)
    return tuple(dict.fromkeys(lines))


def _years(resume: str) -> float:
    spans = []
    for start, end in _YEARS.findall(resume):
        stop = date.today().year if not end[0].isdigit() else int(end)
        if stop >= int(start):
            spans.append((int(start), stop))
    if not spans:
        return 0.0
    return float(max(stop for _, stop in spans) - min(start for start, _ in spans))


def _preferences_from_resume(sections: dict[str, list[str]]) -> Preferences:
    """Read a "Looking for" section when no preferences file is given."""
    body = next((lines for name, lines in sections.items() if name.startswith("looking for")), [])
    text = " ".join(body).lower()
    if not text:
        return Preferences()
    remote = "remote-only" if "remote only" in text or "remote-only" in text or "fully remote" in text else \
        "remote-or-hybrid" if "remote" in text or "hybrid" in text else "any"
    roles = tuple(_BULLET.sub("", line).strip().rstrip(".") for line in body
                  if re.search(r"engineer|scientist|manager|designer|analyst|executive|developer|lead", line, re.I))
    seniority = next((level for level in reversed(SENIORITY_LEVELS) if level in text), None)
    return Preferences(remote=remote, roles=roles[:5], seniority=seniority)


def _preferences(table: dict, where: str) -> Preferences:
    unknown = set(table) - _PREFERENCE_KEYS
    if unknown:
        raise ProfileError(f"{where}: unknown [preferences] keys {sorted(unknown)}")
    def strings(key: str) -> tuple[str, ...]:
        value = table.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise ProfileError(f"{where}: '{key}' must be a list of strings")
        return tuple(value)
    remote = table.get("remote", "any")
    if remote not in REMOTE_CHOICES:
        raise ProfileError(f"{where}: remote must be one of {', '.join(REMOTE_CHOICES)}")
    relocate = table.get("relocate", False)
    if not isinstance(relocate, bool):
        raise ProfileError(f"{where}: relocate must be true or false")
    seniority = table.get("seniority")
    if seniority is not None and seniority not in SENIORITY_LEVELS:
        raise ProfileError(f"{where}: seniority must be one of {', '.join(SENIORITY_LEVELS)}")
    min_salary = table.get("min_salary")
    if min_salary is not None and (not isinstance(min_salary, (int, float)) or min_salary < 0):
        raise ProfileError(f"{where}: min_salary must be a positive number")
    soft = strings("soft")
    if set(soft) - set(SOFTENABLE):
        raise ProfileError(f"{where}: soft may name {', '.join(SOFTENABLE)}, not {sorted(set(soft) - set(SOFTENABLE))}")
    return Preferences(locations=strings("locations"), remote=remote, relocate=relocate, min_salary=min_salary,
                       currency=str(table.get("currency", "USD")), roles=strings("roles"),
                       avoid=strings("avoid"), seniority=seniority, soft=soft)


def _from_resume(resume: str, name: str, preferences: Preferences | None, path: Path) -> Profile:
    sections = _sections(resume)
    lines = _evidence_lines(sections)
    if not lines:
        raise ProfileError(f"{path}: no experience or skills found (no bullet or sentence outside Contact, "
                           f"Education and Looking for): nothing to score a posting against")
    # the line under the name: before any heading, or first under the first heading (often the name)
    headline = next((body[0] for body in sections.values() if body), "")
    return Profile(name=name, resume=resume, sections=sections, lines=lines,
                   years_experience=_years(resume), headline=headline,
                   preferences=preferences or _preferences_from_resume(sections))


def load_profile(path: Path) -> Profile:
    """A resume (.md/.txt) or a TOML with [profile] resume=... and optional [preferences]."""
    path = Path(path)
    text = _read_text(path)
    if path.suffix.lower() != ".toml":
        return _from_resume(text, path.stem, None, path)
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ProfileError(f"{path}: invalid TOML: {exc}") from None
    unknown = set(data) - {"profile", "preferences"}
    if unknown:
        raise ProfileError(f"{path}: unknown top-level keys {sorted(unknown)}")
    profile = data.get("profile", {})
    for table in ("profile", "preferences"):
        if not isinstance(data.get(table, {}), dict):
            raise ProfileError(f"{path}: '{table}' must be a [{table}] table")
    unknown = set(profile) - {"resume", "name"}
    if unknown:
        raise ProfileError(f"{path}: unknown [profile] keys {sorted(unknown)}")
    if not isinstance(profile.get("resume"), str):
        raise ProfileError(f"{path}: [profile] needs resume = \"path/to/resume.md\"")
    resume_path = path.parent / profile["resume"]
    resume = _read_text(resume_path)
    preferences = _preferences(data["preferences"], str(path)) if "preferences" in data else None
    return _from_resume(resume, str(profile.get("name", path.stem)), preferences, resume_path)
