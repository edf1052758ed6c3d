"""Which parts of a posting describe the role, and which are the company's boilerplate.

Role content: about the role, responsibilities, requirements, nice-to-haves. Boilerplate: about the company,
benefits and perks, equal-opportunity and privacy text, how to apply. A posting is read three ways, strongest
last:
  - by its headings: a heading opens a section of its kind until the next known heading;
  - line by line: an equal-opportunity or application-instruction line is boilerplate wherever it stands;
  - by its board: a line whose word shingles recur across many differently titled postings of the same
    board is that company's template, not this role (``segment_board``). A posting read alone (no board)
    falls back to its headings and lines.
Cues, skills, requirement lines and fit read ``role_text``: the description with boilerplate blanked out,
so every offset into it is an offset into the description.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Hashable
from dataclasses import asdict, dataclass

SEGMENTER_VERSION = "sections:1"
ROLE, BOILERPLATE = "role", "boilerplate"

_APOSTROPHE = r"['’]"
# What a heading names, matched against the whole heading (decoration and a trailing colon removed).
_BENEFITS = (r"(?:(?:our|the|your|employee|key|additional|great|compensation|salary|pay|perks|rewards?|&|and|,)\s*)*"
             r"(?:benefits|perks)(?:\s*(?:&|and|,)\s*(?:perks|benefits|compensation|rewards|more|culture))*"
             r"(?:\s+(?:at|@)\s+\S+(?:\s+\S+)?)?")
_BOILERPLATE_HEADING = re.compile(
    r"(?:about|who|why)\s+(?:us|we\s+are)|(?:why\s+)?(?:life|working|work|join)\s+(?:at|with|for)\s+us|"
    r"(?:life|working)\s+at\s+\S+(?:\s+\S+)?|why\s+join\s+\S+(?:\s+\S+)?|"
    r"about(?!\s+(?:the\s+)?(?:role|job|position|team|you|opportunity|this\s+(?:role|job|position|opportunity))\b)"
    r"\s+(?!\d)\S+(?:\s+\S+){0,2}|"
    r"(?:our|the)\s+(?:company|story|mission|values|culture|offer)|company(?:\s+(?:description|overview|info"
    r"(?:rmation)?|profile))?|" + _BENEFITS + r"|what\s+we\s+offer(?:\s+you)?|what\s+(?:you|we)\s*(?:" + _APOSTROPHE +
    r"ll|\s+will)?\s+(?:get|offer|give)(?:\s+you)?|why\s+you(?:" + _APOSTROPHE + r"ll|\s+will)\s+love\b.*|"
    r"(?:total\s+)?rewards?|in\s+return|"
    r"(?:equal\s+(?:employment\s+)?opportunit(?:y|ies)|eeo|diversity|inclusion|diversity\s*(?:&|and)\s*inclusion|"
    r"accessibility|accommodations?)(?:\s+(?:statement|policy|employer|commitment))?|"
    r"(?:applicant\s+)?privacy(?:\s+notice|\s+policy)?|how\s+to\s+apply|"
    r"(?:the\s+|our\s+)?(?:application|interview|hiring|recruitment|recruiting)\s+process|next\s+steps|"
    r"apply(?:\s+now)?|important\s+(?:notice|information)|disclaimer|note\s+to\s+(?:recruiters|agencies)|"
    r"recruitment\s+agencies|locations?|salary(?:\s+range)?|pay\s+(?:range|transparency)",
    re.IGNORECASE)
_ROLE_HEADING = re.compile(
    r"(?:about\s+)?(?:the|this|your)\s+(?:role|job|position|opportunity|team|mission|impact|challenge)"
    r"(?:\s+(?:and|&)\s+(?:the\s+)?(?:team|role))?|where\s+you(?:" + _APOSTROPHE + r"ll|\s+will)\s+be|"
    r"about\s+you|(?:key\s+|main\s+|your\s+|job\s+|role\s+)?(?:responsibilities|duties|tasks|accountabilities)|"
    r"(?:(?:the|your|key|basic|minimum|preferred|required|additional|bonus|job|technical)\s+)*"
    r"(?:requirements|qualifications|skills|experience|competenc(?:ies|es))(?:\s+(?:&|and)\s+(?:experience|"
    r"qualifications|skills))?|nice[\s-]*to[\s-]*haves?|bonus\s+points|plus(?:es)?|what\s+(?:you|we)\s*(?:"
    + _APOSTROPHE + r"ll|\s+will)?\s+(?:do|need|bring|be\s+doing|work\s+on|achieve|look\s+for|expect)"
    r"(?:\s+from\s+you)?|what\s+we" + _APOSTROPHE + r"?re\s+looking\s+for|who\s+you\s+are|who\s+we"
    + _APOSTROPHE + r"?re\s+looking\s+for|you\s+(?:have|are|bring)|(?:tech(?:nology)?\s+)?stack|"
    r"(?:job|role|position)\s+(?:description|summary|overview)|overview|summary|in\s+this\s+role|"
    r"day[\s-]to[\s-]day|must[\s-]haves?|ideally|your\s+(?:profile|background|skills|experience|tasks)|"
    r"the\s+ideal\s+candidate|(?:first|within)\s+\d+\s+(?:days|months)",
    re.IGNORECASE)
# Lines that are boilerplate wherever they stand: equal-opportunity, privacy and application instructions.
_BOILERPLATE_LINE = re.compile(
    r"\bequal[\s-]+(?:employment\s+)?opportunit(?:y|ies)\b|\bregardless\s+of\s+(?:race|age|gender|sex|religion)|"
    r"\breasonable\s+accommodations?\b|\be-?verify\b|\bdo(?:es)?\s+not\s+discriminate\b|\bwithout\s+regard\s+to\b|"
    r"\bprotected\s+(?:veteran|characteristic|class)|\bprivacy\s+(?:notice|policy)\b|\bapplicant\s+privacy\b|"
    r"\b(?:to\s+apply\s+for\s+(?:this|the)\s+(?:role|position|job|opportunity)|how\s+to\s+apply|"
    r"apply\s+(?:directly\s+)?(?:with|by|via|through|now|here|today|online)|please\s+(?:apply|submit|send)|"
    r"send\s+(?:us\s+)?your\s+(?:cv|resume|résumé|application)|submit\s+(?:your\s+)?(?:cv|resume|résumé|"
    r"application)|applications?\s+(?:in\s+english|must\s+be|should\s+be|are\s+(?:reviewed|accepted))|"
    r"recruitment\s+agenc(?:y|ies)|unsolicited\s+(?:cvs?|resumes?))\b|\bapply(?:\s+(?:at|here|now))?\s*:|"
    r"\bto\s+apply\s*[,:]|&\s*apply\b|^\s*(?:perks|benefits|what\s+we\s+offer)\s*:",
    re.IGNORECASE | re.MULTILINE)
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z\"“(])")
_BULLET = re.compile(r"^\s*(?:[-*•·‣▪◦]|\d+[.)])\s+")
_DECORATION = re.compile(r"^[\s#*_=|>]+|[\s#*_:=|.!?]+$")
_WORD = re.compile(r"[^\W_]+")
SHINGLE = 5                  # words in a shingle
MIN_TITLES = 3               # a shingle is the board's template when this many differently titled postings...
MIN_TITLE_SHARE = 0.3        # ... and this share of the board's titles contain it
REPEATED_SHARE = 0.6         # a line whose shingles are this much template is template
TEMPLATE_RUN = 3             # this many repeated lines together are the template, whatever heading they follow
REQUIREMENT_LINE = 120        # characters: a longer line under a role heading is prose, a shorter one a requirement
MAX_TEMPLATE_SHARE = 0.8     # a posting more template than this is a near-copy of another: repetition ignored


@dataclass(frozen=True)
class Segment:
    kind: str       # role | boilerplate
    start: int      # offsets into the normalised description
    end: int
    why: str        # the heading that opened it, the line's own wording, or the board's repetition; "" if none


@dataclass(frozen=True)
class _Line:
    start: int
    end: int
    text: str


def _lines(description: str) -> list[_Line]:
    lines, offset = [], 0
    for raw in description.splitlines(keepends=True):
        text = raw.rstrip("\r\n")
        if text.strip():
            lead = len(text) - len(text.lstrip())
            lines.append(_Line(offset + lead, offset + len(text.rstrip()), text.strip()))
        offset += len(raw)
    return lines


def heading_kind(line: str) -> str | None:
    """ROLE or BOILERPLATE for a heading line that names its section, None for any other line."""
    if _BULLET.match(line) or len(line) > 80:
        return None
    core = _DECORATION.sub("", line)
    marked = line.rstrip().endswith(":") or line.startswith(("#", "**")) or (core.isupper() and len(core) > 3)
    if not core or len(core.split()) > (8 if marked else 5):
        return None
    if _ROLE_HEADING.fullmatch(core):
        return ROLE
    if _BOILERPLATE_HEADING.fullmatch(core):
        return BOILERPLATE
    return None


def _words(text: str) -> list[str]:
    return [w.casefold() for w in _WORD.findall(text)]


def _shingles(text: str) -> set[str]:
    """Word 5-grams of a line; a shorter line is one shingle of its words."""
    words = _words(text)
    if len(words) < SHINGLE:
        return {" ".join(words)} if words else set()
    return {" ".join(words[i:i + SHINGLE]) for i in range(len(words) - SHINGLE + 1)}


def board_template(postings: list[tuple[str, str]]) -> frozenset[str]:
    """The shingles one board repeats: in ``MIN_TITLES`` or more of its differently titled postings and in
    ``MIN_TITLE_SHARE`` of its titles. ``postings``: (title, description) of the board's postings."""
    by_title: dict[str, set[str]] = {}
    for title, description in postings:
        shingles = by_title.setdefault(" ".join(_words(title)), set())
        for line in _lines(description or ""):
            shingles |= _shingles(line.text)
    if len(by_title) < MIN_TITLES:
        return frozenset()
    needed = max(MIN_TITLES, math.ceil(MIN_TITLE_SHARE * len(by_title)))
    counts = Counter(shingle for shingles in by_title.values() for shingle in shingles)
    return frozenset(shingle for shingle, count in counts.items() if count >= needed)


def segment(description: str, template: frozenset[str] = frozenset()) -> list[Segment]:
    """Role and boilerplate segments of a description, in order, adjacent segments of one kind merged.

    ``template``: its board's repeated shingles (``board_template``); empty for a posting read alone."""
    lines = _lines(description or "")
    repeated = [_template_line(line, template) for line in lines]
    if sum(line.end - line.start for line, r in zip(lines, repeated) if r) > \
            MAX_TEMPLATE_SHARE * sum(line.end - line.start for line in lines):
        repeated = [False] * len(lines)
    run = _run_lengths(repeated)
    pieces: list[tuple[int, int, str, str]] = []  # (start, end, kind, why)
    section, section_why = ROLE, ""
    for line, is_repeated, repeated_run in zip(lines, repeated, run):
        heading = heading_kind(line.text)
        if heading:
            section, section_why = heading, f"heading: {_DECORATION.sub('', line.text)}"
            pieces.append((line.start, line.end, section, section_why))
        elif is_repeated and not (section == ROLE and section_why and repeated_run < TEMPLATE_RUN
                                  and _requirement_like(line.text)):
            pieces.append((line.start, line.end, BOILERPLATE, "repeated across the board's postings"))
        else:  # an application or equal-opportunity sentence is boilerplate wherever it stands
            for start, end in _sentences(description, line):
                own = _BOILERPLATE_LINE.search(description, start, end)
                pieces.append((start, end, BOILERPLATE, "equal-opportunity, privacy or application text") if own
                              else (start, end, section, section_why))
    segments: list[Segment] = []
    for start, end, kind, why in pieces:
        if segments and segments[-1].kind == kind and (kind == ROLE or segments[-1].why == why):
            segments[-1] = Segment(kind, segments[-1].start, end, segments[-1].why)
        else:
            segments.append(Segment(kind, start, end, why))
    return segments


def _run_lengths(flags: list[bool]) -> list[int]:
    """For each flagged item, how many flagged items stand together with it; 0 for the others."""
    lengths, k = [0] * len(flags), 0
    while k < len(flags):
        end = k
        while end < len(flags) and flags[end]:
            end += 1
        for i in range(k, end):
            lengths[i] = end - k
        k = max(end, k + 1)
    return lengths


def _requirement_like(line: str) -> bool:
    """A bullet or a short line under a role heading: kept when the board repeats it alone ("Fluent English"),
    not when it stands in a run of the board's template (a benefits list after the requirements)."""
    return bool(_BULLET.match(line)) or len(line) <= REQUIREMENT_LINE


def _sentences(description: str, line: _Line) -> list[tuple[int, int]]:
    spans, start = [], line.start
    for match in _SENTENCE_END.finditer(description, line.start, line.end):
        spans.append((start, match.start()))
        start = match.end()
    spans.append((start, line.end))
    return spans


def _template_line(line: _Line, template: frozenset[str]) -> bool:
    if not template:
        return False
    shingles = _shingles(line.text)
    return bool(shingles) and sum(s in template for s in shingles) >= REPEATED_SHARE * len(shingles)


def segment_board(postings: list[tuple[str, str]]) -> list[list[Segment]]:
    """Segments of each (title, description) of one board's postings, read together."""
    template = board_template(postings)
    return [segment(description, template) for _, description in postings]


def boilerplate_spans(segments: list[Segment]) -> list[tuple[int, int]]:
    return [(s.start, s.end) for s in segments if s.kind == BOILERPLATE]


def role_text(description: str, boilerplate: list[tuple[int, int]] | None) -> str:
    """The description with its boilerplate blanked (line breaks kept): same length, same offsets."""
    if not boilerplate:
        return description
    chars = list(description)
    for start, end in boilerplate:
        for i in range(start, min(end, len(chars))):
            if chars[i] != "\n":
                chars[i] = " "
    return "".join(chars)


def fingerprint(segments: list[Segment]) -> str:
    """Changes exactly when a text's segmentation does: what tells later steps to read it again."""
    data = json.dumps([asdict(s) for s in segments], sort_keys=True)
    return hashlib.sha256(f"{SEGMENTER_VERSION}\x1f{data}".encode()).hexdigest()[:16]


def segment_batch(postings: list[dict], board_of: Callable[[dict], Hashable]) -> list[list[Segment]]:
    """Segments of each posting record (``title``, ``description``) of a batch, each read with the batch's other
    postings of its board (``board_of``): how a postings file is read, as a scan reads the warehouse's boards."""
    boards: dict[Hashable, list[int]] = defaultdict(list)
    for index, posting in enumerate(postings):
        boards[board_of(posting)].append(index)
    found: list[list[Segment]] = [[] for _ in postings]
    for indices in boards.values():
        board = [(postings[i]["title"], postings[i].get("description") or "") for i in indices]
        for i, segments in zip(indices, segment_board(board)):
            found[i] = segments
    return found
