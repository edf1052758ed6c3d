"""Skill extraction: gazetteer matching of the bundled taxonomy (models/taxonomy/skills.csv) in free text.

Matching is over tokens (runs of letters/digits, single symbols; whitespace and hyphens separate tokens), so
"machine-learning" = "machine learning", while "C++", ".NET", "Node.js" and "CI/CD" keep their symbols.
The longest match wins and matches never overlap. Case rules, from how a name is spelled in the taxonomy:
  - several tokens: any case ("machine learning"), except Title Case product names ("Constant Contact",
    "Microsoft Word") whose capitalised words must be capitalised in the text too;
  - one token with inner capitals, digits or symbols ("PostgreSQL", "iOS"): any case;
  - all capitals, or two letters at most ("SQL", "R", "Go"): exactly as spelled;
  - one plain word: as spelled or all in capitals ("Docker", "DOCKER"); a lower-case spelling also matches
    capitalised ("kubernetes" matches "Kubernetes" at the start of a sentence). The taxonomy lists lower-case
    spellings only for names that are not English words, so "ready to go" is never Go.
Names that are also everyday words ("Go", "Rust", "Excel", "Teams", ...) additionally need technical
context: a cue nearby ("experience with", "programming") or a list of other skills around them.

Each mention is marked "must" or "nice" from the posting's headings ("Requirements", "Nice to have") and
from cues in its own sentence ("required", "a plus"), or None when the text doesn't say.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
from bisect import bisect_right
from dataclasses import dataclass
from pathlib import Path

from scrapers.normalise import BULLET

DEFAULT_TAXONOMY = Path(__file__).resolve().parent / "taxonomy" / "skills.csv"

# How strictly a surface form's case must match, strictest first: as spelled; a lower-case word also
# capitalised; every capitalised word capitalised; any case.
CASE_RULES = ("exact", "lower", "title", "any")
TOKEN = re.compile(r"[^\W_]+|[^\w\s-]|_")
GLUE_SYMBOLS = frozenset(".+#")  # only tokens joined to these without a space form one name: "C++", "Node.js"
SENTENCE_END_TOKENS = frozenset(".!?")

# Names that are also everyday English words or first names: matched only with technical context.
NEEDS_CONTEXT = frozenset({
    "Go", "R", "C", "Rust", "Swift", "Spark", "Excel", "Word", "Access", "Outlook", "Teams", "Windows", "Slack",
    "Chef", "Puppet", "Eclipse", "Hive", "Unity", "Notion", "Helm", "Jest", "Cypress", "Scheme", "Forth", "Ada",
    "Julia", "Pascal", "Ruby", "Loom", "Bamboo", "Maven", "Illustrator", "Node", "TS", "Cassandra", "Rails",
    "Spring", "Zoom", "Flutter", "Elixir", "Snowflake", "Prometheus", "Bootstrap", "Selenium", "Blender", "Miro",
    "Postman", "Hibernate",
    # product and sales tools named after everyday words
    "Amplitude", "Gong", "Intercom", "Framer", "Dovetail", "Sketch",
    # languages, which also name nationalities and markets ("a French company")
    "German", "French", "Spanish", "Dutch", "Italian", "Portuguese", "Chinese", "Mandarin", "Japanese", "Polish",
})
CONTEXT_WINDOW = 4  # tokens before a context-needing name that may hold a cue
CONTEXT_BEFORE = frozenset({
    "in", "with", "using", "use", "uses", "used", "like", "including", "include", "includes", "such", "as",
    "experience", "experienced", "proficient", "proficiency", "knowledge", "familiar", "familiarity", "expertise",
    "expert", "skills", "skilled", "write", "writing", "written", "language", "languages", "stack", "fluent",
    "fluency", "mastery", "strong", "solid", "advanced", "build", "building", "built", "coding", "code",
    "programming", "develop", "developing", "via", "e", "g", "eg", "tools", "technologies", "frameworks",
    "speak", "speaks", "speaking", "spoken", "native", "have", "know", "learn", "learning", "need", "require",
    "requires", "required",
})
CONTEXT_AFTER = frozenset({
    "programming", "language", "languages", "developer", "developers", "engineer", "engineers", "engineering",
    "code", "codebase", "services", "service", "backend", "frontend", "microservices", "applications", "apps",
    "app", "experience", "skills", "ecosystem", "modules", "libraries", "library", "framework", "frameworks",
    "toolchain", "compiler", "scripts", "scripting", "spreadsheets", "spreadsheet", "formulas", "macros", "pivot",
    "vlookup", "workbooks", "documents", "clusters", "cluster", "jobs", "pipelines", "streaming", "dataframes",
    "notebooks", "runtime", "tests", "testing", "cookbooks", "manifests", "charts", "proficiency", "knowledge",
    "development", "dev", "stack", "projects", "api", "apis", "sdk", "ui", "certification", "certified",
    "speaker", "speakers", "speaking", "fluency", "level",
})
HYPHEN_CONTEXT_AFTER = frozenset({"based", "powered", "backed", "native", "first", "heavy"})  # "Go-based"
NOT_A_SKILL_BEFORE = frozenset({
    "series", "vitamin", "plan", "grade", "type", "class", "tier", "level", "round", "section", "part",
    "category", "phase", "option", "model",
})
LIST_GAP = re.compile(r"(?:[\s,/&|;+()\[\]:]|\band\b|\bor\b|\bas well as\b|\betc\b\.?)*", re.IGNORECASE)

_APOSTROPHE = r"['’]"
NICE_CUE = re.compile(
    r"\b(?:nice[\s-]to[\s-]haves?|a\s+(?:big\s+|huge\s+|strong\s+|definite\s+)?plus|pluses|bonus|preferred|"
    r"preferably|preferable|ideally|desirable|desired|advantageous|an\s+advantage|good[\s-]to[\s-]have|"
    r"would\s+be\s+(?:great|nice|helpful|a\s+plus)|not\s+(?:required|necessary|mandatory|a\s+must)|optional|"
    r"appreciated)\b", re.IGNORECASE)
MUST_CUE = re.compile(
    r"\b(?:required|requires?|must|mandatory|essential|minimum|at\s+least|you" + _APOSTROPHE +
    r"ll\s+need|you\s+will\s+need|you\s+need|need\s+to\s+have|necessary)\b", re.IGNORECASE)
NICE_HEADING = re.compile(
    r"nice[\s-]*to[\s-]*haves?|bonus|preferred|preferable|\bplus(?:es)?\b|ideally|desir(?:ed|able)|"
    r"good[\s-]to[\s-]have|extra\s+credit|stand\s+out|even\s+better|would\s+be\s+great|optional|not\s+required|"
    r"advantage", re.IGNORECASE)
MUST_HEADING = re.compile(
    r"requirement|required|qualification|must[\s-]*have|what\s+you(?:" + _APOSTROPHE + r"ll|\s+will)?\s+need|"
    r"looking\s+for|who\s+you\s+are|about\s+you\b|you\s+have|you" + _APOSTROPHE + r"ll\s+have|you\s+bring|"
    r"your\s+(?:profile|background|experience|skills)|skills|experience|minimum|basic|essential|competenc|"
    r"expect\s+from\s+you|you\s+should\s+have|you\s+must", re.IGNORECASE)
# Headings recognised even without a colon or markdown: the whole line is one of these.
KNOWN_HEADING = re.compile(
    r"(?:(?:the|your|our|key|basic|minimum|preferred|desired|required|additional|bonus|job|role)\s+)*"
    r"(?:requirements|qualifications|skills(?:\s+(?:&|and)\s+(?:experience|qualifications))?|experience|"
    r"nice[\s-]to[\s-]haves?|bonus\s+points|plus(?:es)?|what\s+you(?:" + _APOSTROPHE + r"ll|\s+will)?\s+need|"
    r"what\s+we" + _APOSTROPHE + r"?re\s+looking\s+for|who\s+you\s+are|about\s+you|you\s+have|what\s+you\s+bring|"
    r"must[\s-]haves?|responsibilities|what\s+you(?:" + _APOSTROPHE + r"ll|\s+will)\s+do|"
    r"about\s+(?:us|the\s+(?:role|team|company|job|position))|benefits|perks(?:\s+(?:&|and)\s+benefits)?|"
    r"compensation|what\s+we\s+offer|the\s+role|tech\s+stack|our\s+stack|the\s+team|how\s+to\s+apply|"
    r"job\s+description|overview|summary|duties|ideally)",
    re.IGNORECASE)
HEADING_DECORATION = re.compile(r"^[\s#*_]+|[\s#*_:]+$")
SENTENCE_SPLIT = re.compile(r"(?<=[.!?;])\s+")
INLINE_LABEL = re.compile(r"^\s*(?:[-*•·‣▪◦]\s*)?([^:\n]{2,60}):\s*\S")


@dataclass(frozen=True)
class SkillMention:
    name: str
    taxonomy: str
    taxonomy_id: str
    start: int
    end: int
    requirement: str | None  # "must" | "nice" | None


@dataclass(frozen=True)
class _Skill:
    name: str
    taxonomy: str
    taxonomy_id: str


@dataclass(frozen=True)
class _Surface:
    skill: _Skill
    tokens: tuple[str, ...]  # as spelled in the taxonomy
    case: str  # see CASE_RULES
    needs_context: bool

    def accepts(self, spelled: list[str]) -> bool:
        if self.case == "any":
            return True
        if self.case == "exact":
            return tuple(spelled) == self.tokens or self._shouted(spelled)
        if self.case == "title":
            return all(s[0].isupper() or not t[0].isupper() for s, t in zip(spelled, self.tokens))
        return spelled[0] in (self.tokens[0], self.tokens[0].capitalize()) or self._shouted(spelled)

    def _shouted(self, spelled: list[str]) -> bool:
        """'JAVA' for 'Java': a plain word of 4+ letters written in capitals."""
        word = self.tokens[0]
        return len(self.tokens) == 1 and len(word) >= 4 and word.isalpha() and not word.isupper() and \
            spelled[0] == word.upper()


def _tokenize(text: str) -> tuple[list[re.Match], list[str]]:
    """Tokens and their lookup keys; a key is marked '~' when the token is glued to a neighbouring symbol
    (the '.' and 'js' of 'Node.js'), so 'Node . js' and 'Node.js' differ but 'CI / CD' and 'CI/CD' do not."""
    tokens = list(TOKEN.finditer(text))
    keys = [token[0].lower() for token in tokens]
    for i in [i for i, key in enumerate(keys) if key in GLUE_SYMBOLS]:
        for k in (i, i + 1):
            if 0 < k < len(tokens) and tokens[k].start() == tokens[k - 1].end() and keys[k][0] != "~":
                keys[k] = "~" + keys[k]
    return tokens, keys


FUNCTION_WORDS = frozenset({"of", "on", "and", "for", "the", "to", "in", "a", "with", "de"})


def _case_rule(tokens: list[str]) -> str:
    if len(tokens) > 1:
        words = [t for t in tokens if t.isalpha()]
        capitalised = [w for w in words if w[0].isupper() and not w.isupper()]
        if len(capitalised) >= 2 and all(w[0].isupper() or w in FUNCTION_WORDS for w in words):
            return "title"  # a product name such as "Constant Contact" is not the phrase "constant contact"
        return "any"
    word = tokens[0]
    if word.isupper() or len(word) <= 2:
        return "exact"
    if re.fullmatch(r"[A-Z]?[a-z]+", word):
        return "lower" if word.islower() else "exact"
    return "any"


class SkillExtractor:
    def __init__(self, skills: list[tuple[_Skill, list[str]]], version: str = "custom"):
        """skills: each skill with its surface forms (name first, then aliases); version names the taxonomy."""
        self.version = version
        self._trie: dict = {}
        for skill, surfaces in skills:
            for surface in surfaces:
                self._add(skill, surface)

    @classmethod
    def load(cls, path: Path | None = None) -> SkillExtractor:
        """The bundled taxonomy (models/taxonomy/skills.csv, aliases already merged in) or another with its columns."""
        data = Path(path or DEFAULT_TAXONOMY).read_bytes()
        rows = list(csv.DictReader(io.StringIO(data.decode("utf-8"), newline="")))
        return cls([(_Skill(row["name"], row["taxonomy"], row["taxonomy_id"]),
                     [row["name"], *filter(None, row["aliases"].split("|"))]) for row in rows],
                   version=f"skills:{hashlib.sha256(data).hexdigest()[:12]}")

    def _add(self, skill: _Skill, surface: str) -> None:
        matches, keys = _tokenize(surface)
        if not keys:
            return
        spelled = [m.group() for m in matches]
        node = self._trie.setdefault(keys[0], {})
        self._trie["~" + keys[0]] = node  # a name may start glued to a symbol: the ".NET" of "C#/.NET"
        for key in keys[1:]:
            node = node.setdefault(key, {})
        entries = node.setdefault(None, [])
        candidate = _Surface(skill, tuple(spelled), _case_rule(spelled), surface in NEEDS_CONTEXT)
        if not any(entry.tokens == candidate.tokens and entry.skill == skill for entry in entries):
            # Stricter case rules first: "Go" (exact) is tried before any looser spelling of another skill.
            entries.append(candidate)
            entries.sort(key=lambda e: CASE_RULES.index(e.case))

    def extract(self, text: str) -> list[SkillMention]:
        tokens, keys = _tokenize(text)
        found = self._match(text, tokens, keys)
        found = self._keep_in_context(text, tokens, keys, found)
        requirement_at = RequirementIndex(text)
        return [SkillMention(surface.skill.name, surface.skill.taxonomy, surface.skill.taxonomy_id,
                             tokens[first].start(), tokens[last].end(),
                             requirement_at(tokens[first].start(), tokens[last].end()))
                for first, last, surface in found]

    def _match(self, text: str, tokens: list[re.Match], keys: list[str]) -> list[tuple[int, int, _Surface]]:
        """Greedy left-to-right longest match: (first token, last token, surface)."""
        found = []
        i, n = 0, len(tokens)
        while i < n:
            node = self._trie.get(keys[i])
            best = None
            j = i
            while node is not None:
                for surface in node.get(None, ()):
                    if surface.accepts([t.group() for t in tokens[i:j + 1]]) and _has_boundaries(text, tokens, i, j):
                        best = (i, j, surface)
                        break
                j += 1
                node = node.get(keys[j]) if j < n else None
            if best:
                found.append(best)
                i = best[1] + 1
            else:
                i += 1
        return found

    @staticmethod
    def _keep_in_context(text: str, tokens: list[re.Match], keys: list[str],
                         found: list[tuple[int, int, _Surface]]) -> list[tuple[int, int, _Surface]]:
        accepted = [not surface.needs_context or _has_context(text, tokens, keys, first, last)
                    for first, last, surface in found]
        rejected = [surface.needs_context and _is_not_a_skill(text, tokens, keys, first, last)
                    for first, last, surface in found]
        changed = True
        while changed:  # a list of skills vouches for its ambiguous members: "Python, Go and Rust"
            changed = False
            for k, (first, last, _) in enumerate(found):
                if accepted[k] or rejected[k]:
                    continue
                neighbours = [k - 1] if k else []
                neighbours += [k + 1] if k + 1 < len(found) else []
                for other in neighbours:
                    if accepted[other] and not rejected[other]:
                        lo, hi = sorted((k, other))
                        gap = text[tokens[found[lo][1]].end():tokens[found[hi][0]].start()]
                        if LIST_GAP.fullmatch(gap) and "\n" not in gap:
                            accepted[k] = changed = True
                            break
        return [m for m, ok, bad in zip(found, accepted, rejected) if ok and not bad]


def _has_boundaries(text: str, tokens: list[re.Match], first: int, last: int) -> bool:
    """Not part of a longer dotted or symbol-joined word: 'python.org', 'www.Go', '@Slack', 'C+' ."""
    end = tokens[last].end()
    if end < len(text) and text[end] in "+#":
        return False
    if end + 1 < len(text) and text[end] == "." and text[end + 1].isalnum():
        return False
    start = tokens[first].start()
    if start and text[start - 1] == "@":
        return False
    return not (start >= 2 and text[start - 1] == "." and text[start - 2].isalnum())


def _previous_words(tokens: list[re.Match], keys: list[str], first: int, text: str) -> list[str]:
    """Up to CONTEXT_WINDOW words before a mention, not crossing a sentence or line end."""
    words = []
    k = first - 1
    while k >= 0 and len(words) < CONTEXT_WINDOW:
        if _ends_sentence(text, tokens, k) or "\n" in text[tokens[k].end():tokens[k + 1].start()]:
            break
        words.append(keys[k].lstrip("~"))
        k -= 1
    return words


def _ends_sentence(text: str, tokens: list[re.Match], k: int) -> bool:
    """'.', '!' or '?' before a space, except after a single letter ('e.g. Go', 'J. R. Smith')."""
    token = tokens[k]
    if token.group() not in SENTENCE_END_TOKENS or (token.end() < len(text) and not text[token.end()].isspace()):
        return False
    return not (token.group() == "." and k and len(tokens[k - 1].group()) == 1)


def _next_word(text: str, tokens: list[re.Match], keys: list[str], last: int) -> str | None:
    if last + 1 < len(tokens) and "\n" not in text[tokens[last].end():tokens[last + 1].start()]:
        return keys[last + 1].lstrip("~")
    return None


def _hyphenated_word(text: str, tokens: list[re.Match], last: int) -> str | None:
    """The word joined by a hyphen right after a mention ('live' in 'Go-live')."""
    end = tokens[last].end()
    if end < len(text) and text[end] == "-" and last + 1 < len(tokens) and tokens[last + 1].start() == end + 1:
        return tokens[last + 1].group().lower()
    return None


def _has_context(text: str, tokens: list[re.Match], keys: list[str], first: int, last: int) -> bool:
    hyphenated = _hyphenated_word(text, tokens, last)
    if hyphenated is not None:
        return hyphenated in HYPHEN_CONTEXT_AFTER
    following = _next_word(text, tokens, keys, last) or ""
    return bool(CONTEXT_BEFORE.intersection(_previous_words(tokens, keys, first, text))) or \
        following in CONTEXT_AFTER or following.isdigit()  # a version: "Go 1.22", "Excel 2016"


def _is_not_a_skill(text: str, tokens: list[re.Match], keys: list[str], first: int, last: int) -> bool:
    """'Series C', 'R&D', 'C-suite', 'Go-live', 'Spring 2026'."""
    if tokens[first].group() == "Spring" and re.fullmatch(r"(?:19|20)\d\d", _next_word(text, tokens, keys, last) or ""):
        return True
    hyphenated = _hyphenated_word(text, tokens, last)
    if hyphenated is not None and hyphenated not in HYPHEN_CONTEXT_AFTER:
        return True
    end = tokens[last].end()
    if end < len(text) and text[end] == "&":
        return True
    previous = _previous_words(tokens, keys, first, text)
    return bool(previous) and previous[0] in NOT_A_SKILL_BEFORE


class RequirementIndex:
    """Must/nice for any span of one text: the nearest cue in the span's sentence, else a 'Label:' at the
    start of its line, else the heading of its section."""

    def __init__(self, text: str):
        self._starts: list[int] = []
        self._sentences: list[str] = []
        self._cues: dict[int, list[tuple[int, int, str]]] = {}  # filled when a mention asks
        self._fallback: list[str | None] = []
        section: str | None = None
        offset = 0
        for line in text.splitlines(keepends=True):
            heading = _heading_requirement(line)
            if heading is not False:
                section = heading
            line_requirement = section
            label = INLINE_LABEL.match(line)
            if heading is False and label and len(label.group(1).split()) <= 6:
                line_requirement = _classify(label.group(1)) or section
            position = 0
            for sentence in SENTENCE_SPLIT.split(line):
                start = line.index(sentence, position) if sentence else position
                position = start + len(sentence)
                self._starts.append(offset + start)
                self._sentences.append(sentence)
                self._fallback.append(line_requirement)
            offset += len(line)

    def __call__(self, start: int, end: int) -> str | None:
        k = bisect_right(self._starts, start) - 1
        if k < 0:
            return None
        if k not in self._cues:
            self._cues[k] = _cues(self._sentences[k], self._starts[k])
        cues = self._cues[k]
        if not cues:
            return self._fallback[k]

        def distance(cue: tuple[int, int, str]) -> int:
            cue_start, cue_end, _ = cue
            return start - cue_end if cue_end <= start else max(cue_start - end, 0)

        return min(cues, key=distance)[2]


def _cues(sentence: str, offset: int) -> list[tuple[int, int, str]]:
    nice = [(offset + m.start(), offset + m.end(), "nice") for m in NICE_CUE.finditer(sentence)]
    must = [(offset + m.start(), offset + m.end(), "must") for m in MUST_CUE.finditer(sentence)
            if not any(s <= offset + m.start() < e for s, e, _ in nice)]  # "not required" is nice
    return nice + must


def _classify(heading: str) -> str | None:
    if NICE_HEADING.search(heading):
        return "nice"
    if MUST_HEADING.search(heading):
        return "must"
    return None


def _heading_requirement(line: str) -> str | None | bool:
    """The requirement a heading line sets for its section (None: neither), or False if not a heading."""
    stripped = line.strip()
    if not stripped or BULLET.match(line) or len(stripped) > 80:
        return False
    core = HEADING_DECORATION.sub("", stripped)
    if not core or len(core.split()) > 8:
        return False
    marked = stripped.endswith(":") or stripped.startswith("#") or stripped.startswith("**") or (
        core.isupper() and len(core) > 3)
    if marked or KNOWN_HEADING.fullmatch(core):
        return _classify(core)
    return False
