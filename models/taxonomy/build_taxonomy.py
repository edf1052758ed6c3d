"""Build the bundled skill taxonomy, models/taxonomy/skills.csv.

Sources (see README.md in this folder for licences and attribution), with the curation in curation/:
- O*NET 29.2 "Technology Skills.txt": software/technology examples with Hot Technology / In Demand flags.
  Only examples that job postings plausibly name are kept (hot, in demand, used by >= 3 occupations, or
  developer/data tooling used by >= 2), and names are cleaned ("Amazon Web Services AWS software" -> "AWS");
  the rules and name overrides are curation/onet.toml.
- ESCO: hand-picked knowledge, transversal and occupational skills that postings name by surface form
  ("machine learning", "stakeholder management"), keyed by their ESCO URI: curation/esco.csv.
- Concepts and tools that neither source names usably (LLMs, CI/CD, OKRs, PCI DSS ...): curation/marketfit.csv.
- curation/aliases.csv: hand-written surface forms (k8s -> Kubernetes, PRD -> Product requirements ...).

Run: python -m models.taxonomy.build_taxonomy [--shared ../shared/data]
"""

from __future__ import annotations

import argparse
import csv
import re
import sys
import tomllib
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
CURATION = HERE / "curation"
DEFAULT_SHARED = HERE.parents[2] / "shared" / "data"
ONET_FILE = Path("onet") / "Technology Skills.txt"
ONET_PROSE_FILES = {Path("onet") / "Task Statements.txt": "Task", Path("onet") / "Occupation Data.txt": "Description"}
ESCO_FILE = Path("esco") / "esco_skills_label_alt_desc.csv"
ESCO_URI_PREFIX = "http://data.europa.eu/esco/skill/"
OUTPUT_COLUMNS = ["skill_id", "name", "taxonomy", "taxonomy_id", "category", "kind", "hot", "aliases"]
KINDS = ("technology", "tool", "professional", "domain", "language")

ACRONYM = re.compile(r"^[A-Z][A-Z0-9&/.-]{1,7}$")
PARENTHETICAL = re.compile(r"\s*\(([^()]*)\)\s*$")
INNER_CAPS_OR_DIGIT = re.compile(r"\b[A-Z]{2,}|[a-z][A-Z]|\d")  # looks like a product name: "DB2", "iOS", "SQL"


@dataclass
class Skill:
    name: str
    taxonomy: str
    taxonomy_id: str
    category: str
    kind: str
    hot: bool = False
    occupations: int = 0
    aliases: set[str] = field(default_factory=set)


@dataclass
class OnetExample:
    name: str
    commodity: str
    occupations: set[str] = field(default_factory=set)
    hot: bool = False
    in_demand: bool = False


def read_onet(path: Path) -> dict[str, OnetExample]:
    examples: dict[str, OnetExample] = {}
    with path.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle, delimiter="\t"):
            example = examples.setdefault(row["Example"], OnetExample(row["Example"], row["Commodity Title"]))
            example.occupations.add(row["O*NET-SOC Code"])
            example.hot |= row["Hot Technology"] == "Y"
            example.in_demand |= row["In Demand"] == "Y"
    return examples


@dataclass(frozen=True)
class OnetRules:
    """curation/onet.toml: which O*NET examples to keep, how to name them and which are business tools."""
    min_occupations: int
    tech_min_occupations: int
    tech_commodities: frozenset[str]
    tool_commodities: frozenset[str]
    tool_names: frozenset[str]
    excluded: frozenset[str]
    vendors: tuple[str, ...]
    generic_remainders: frozenset[str]
    names: dict[str, str]

    @classmethod
    def read(cls, path: Path) -> OnetRules:
        with path.open("rb") as handle:
            table = tomllib.load(handle)
        return cls(table["min_occupations"], table["tech_min_occupations"], frozenset(table["tech_commodities"]),
                   frozenset(table["tool_commodities"]), frozenset(table["tool_names"]),
                   frozenset(table["excluded"]), tuple(table["vendors"]), frozenset(table["generic_remainders"]),
                   table["names"])

    def is_selected(self, example: OnetExample) -> bool:
        if example.name in self.excluded:
            return False
        if example.name in self.names or example.hot or example.in_demand:
            return True
        needed = self.tech_min_occupations if example.commodity in self.tech_commodities else self.min_occupations
        return len(example.occupations) >= needed

    def kind(self, name: str, commodity: str) -> str:
        return "tool" if name in self.tool_names or commodity in self.tool_commodities else "technology"


def name_key(name: str) -> str:
    """Names that differ only in case or hyphenation are one skill (the extractor treats '-' as a space)."""
    return " ".join(name.casefold().replace("-", " ").split())


def initials(words: list[str]) -> str:
    return "".join(part[0] for word in words for part in word.split("-") if part).upper()


def is_generic_phrase(words: list[str]) -> bool:
    """'Web browser', 'Structured query language': a description, not a product name."""
    return len(words) >= 2 and all(w.islower() or not w.isalpha() for w in words[1:]) and not any(
        INNER_CAPS_OR_DIGIT.search(w) for w in words)


def read_english_words(shared: Path) -> set[str]:
    """Lower-case words of O*NET's task and occupation prose: tells 'Payroll software' from 'Yardi software'."""
    words: set[str] = set()
    for relative, column in ONET_PROSE_FILES.items():
        with (shared / relative).open(encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle, delimiter="\t"):
                words.update(re.findall(r"\b[a-z]+\b", row[column]))
    return words


def clean_onet_name(raw: str, hot: bool, english_words: set[str], rules: OnetRules) -> tuple[str, set[str]] | None:
    """Canonical name and aliases for an O*NET example; None for generic category names."""
    aliases: set[str] = set()
    words = raw.split()
    if len(words) > 1 and words[-1].lower() == "software":
        words.pop()
    elif len(words) > 2 and words[-2].lower() == "software" and ACRONYM.match(words[-1]):
        words.pop(-2)
    name = " ".join(words)
    parenthetical = PARENTHETICAL.search(name)
    if parenthetical:
        name = name[: parenthetical.start()]
        if ACRONYM.match(parenthetical.group(1)):
            aliases.add(parenthetical.group(1))
        words = name.split()

    if raw in rules.names:
        canonical = rules.names[raw]
        aliases.add(name)
        return canonical, aliases - {canonical}

    if len(words) >= 2 and ACRONYM.match(words[-1]):
        acronym, prefix = words[-1], words[:-1]
        letters = re.sub(r"[^A-Z]", "", acronym)
        expansion = prefix[-len(letters):] if len(letters) <= len(prefix) else []
        if is_generic_phrase(prefix):
            return acronym, aliases | {" ".join(prefix)}
        if expansion and initials(expansion) == letters:
            return acronym, aliases | {" ".join(expansion), " ".join(prefix)}
    if not hot and (is_generic_phrase(words) or len(words) == 1 and words[0].lower() in english_words
                    and not INNER_CAPS_OR_DIGIT.search(words[0]) and raw.endswith(" software")):
        return None

    vendor = next((v for v in rules.vendors if name.startswith(v + " ")), None)
    if vendor:
        remainder = name[len(vendor) + 1:]
        if remainder.lower() not in rules.generic_remainders and (hot or INNER_CAPS_OR_DIGIT.search(remainder)):
            aliases.add(remainder)
    return name, aliases - {name}


def build_onet_skills(examples: dict[str, OnetExample], english_words: set[str], rules: OnetRules) -> list[Skill]:
    by_name: dict[str, Skill] = {}
    # Most widely used first, so a merged skill keeps the id and category of its main example.
    for example in sorted(examples.values(), key=lambda e: (-len(e.occupations), e.name)):
        if not rules.is_selected(example):
            continue
        cleaned = clean_onet_name(example.name, example.hot, english_words, rules)
        if cleaned is None:
            continue
        name, aliases = cleaned
        skill = by_name.get(name_key(name))
        if skill is None:
            skill = by_name[name_key(name)] = Skill(name, "onet", example.name, example.commodity,
                                                    rules.kind(name, example.commodity))
        skill.hot |= example.hot
        skill.occupations += len(example.occupations)
        skill.aliases |= aliases
    return list(by_name.values())


def add_lowercase_spelling(concept: Skill) -> None:
    """The extractor matches a one-word name such as 'Statistics' only as spelled unless a lower-case
    spelling is listed; concepts are written in lower case mid-sentence."""
    if re.fullmatch(r"[A-Z][a-z]+", concept.name) and concept.kind != "language":  # "polish" isn't Polish
        concept.aliases.add(concept.name.lower())


def read_esco_descriptions(path: Path) -> dict[str, str]:
    with path.open(encoding="utf-8", newline="") as handle:
        return {row["id"]: row["description"] for row in csv.DictReader(handle)}


def read_curation_table(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    bad = [row["name"] for row in rows if "kind" in row and row["kind"] not in KINDS]
    if bad:
        raise ValueError(f"{path.name}: kind must be one of {', '.join(KINDS)}: {', '.join(bad)}")
    return rows


def build_esco_skills(selection: list[dict[str, str]], descriptions: dict[str, str]) -> list[Skill]:
    """curation/esco.csv rows; 'label_is_alias' says whether the ESCO label reads like posting text."""
    skills = []
    for row in selection:
        uri, label = ESCO_URI_PREFIX + row["esco_id"], row["esco_label"]
        description = descriptions.get(uri)
        if description is None or not description.startswith(label):
            raise ValueError(f"ESCO concept {uri} is missing or is no longer labelled {label!r}")
        skill = Skill(row["name"], "esco", uri, row["category"], row["kind"])
        if row["label_is_alias"] == "yes":
            skill.aliases.add(label)
        add_lowercase_spelling(skill)
        skills.append(skill)
    return skills


def build_marketfit_skills(rows: list[dict[str, str]]) -> list[Skill]:
    """curation/marketfit.csv rows; 'also_lower_case' for concepts, which are written in lower case mid-sentence."""
    skills = []
    for row in rows:
        skill = Skill(row["name"], "marketfit", f"marketfit:{slugify(row['name'])}", row["category"], row["kind"])
        if row["also_lower_case"] == "yes":
            add_lowercase_spelling(skill)
        skills.append(skill)
    return skills


def slugify(name: str) -> str:
    text = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    text = text.replace("++", " plus plus ").replace("+", " plus ").replace("#", " sharp ")
    text = re.sub(r"^\.", "dot ", text)
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def read_alias_table(path: Path) -> list[tuple[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return [(row["alias"].strip(), row["skill"].strip()) for row in csv.DictReader(handle)
                if row["alias"].strip()]


def merge(sources: list[Skill], alias_table: list[tuple[str, str]]) -> list[Skill]:
    skills: dict[str, Skill] = {}
    duplicates = []
    for skill in sources:
        key = name_key(skill.name)
        if key in skills:
            duplicates.append(f"{skill.taxonomy} {skill.name!r} = {skills[key].taxonomy} {skills[key].name!r}")
        skills[key] = skill
    if duplicates:
        raise ValueError("names defined twice; drop them from the curated lists: " + "; ".join(duplicates))

    errors = [f"{alias!r} points at unknown skill {target!r}" for alias, target in alias_table
              if name_key(target) not in skills]
    errors += [f"{alias!r} is the name of another skill" for alias, target in alias_table
               if name_key(alias) in skills and name_key(alias) != name_key(target)]
    if errors:
        raise ValueError("curation/aliases.csv: " + "; ".join(errors))

    # An alias names one skill (spellings that differ in case or hyphens only are one alias): the curated table
    # decides first, then the skill that has it as its name, then the most used skill.
    claimed: dict[str, Skill] = dict(skills)
    claimed.update({name_key(alias): skills[name_key(target)] for alias, target in alias_table})
    for skill in sorted(skills.values(), key=lambda s: -s.occupations):
        for alias in skill.aliases:
            claimed.setdefault(name_key(alias), skill)
    for skill in skills.values():
        skill.aliases = {a for a in skill.aliases if claimed[name_key(a)] is skill and a != skill.name}
    for alias, target in alias_table:
        skills[name_key(target)].aliases.add(alias)
    return sorted(skills.values(), key=lambda s: s.name.casefold())


def write_skills(skills: list[Skill], path: Path) -> None:
    seen: dict[str, str] = {}
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(OUTPUT_COLUMNS)
        for skill in skills:
            skill_id = slugify(skill.name)
            if skill_id in seen:
                raise ValueError(f"skill_id {skill_id!r} is shared by {seen[skill_id]!r} and {skill.name!r}")
            seen[skill_id] = skill.name
            aliases = sorted(a for a in skill.aliases if "|" not in a)
            writer.writerow([skill_id, skill.name, skill.taxonomy, skill.taxonomy_id, skill.category, skill.kind,
                             str(skill.hot).lower(), "|".join(aliases)])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=DEFAULT_SHARED, help="the shared data folder")
    parser.add_argument("--curation", type=Path, default=CURATION, help="the curation tables")
    parser.add_argument("--out", type=Path, default=HERE / "skills.csv")
    args = parser.parse_args(argv)

    rules = OnetRules.read(args.curation / "onet.toml")
    onet = build_onet_skills(read_onet(args.shared / ONET_FILE), read_english_words(args.shared), rules)
    esco = build_esco_skills(read_curation_table(args.curation / "esco.csv"),
                             read_esco_descriptions(args.shared / ESCO_FILE))
    curated = build_marketfit_skills(read_curation_table(args.curation / "marketfit.csv"))
    skills = merge([*onet, *esco, *curated], read_alias_table(args.curation / "aliases.csv"))
    write_skills(skills, args.out)
    counts = Counter(skill.taxonomy for skill in skills)
    print(f"wrote {len(skills)} skills to {args.out} ({dict(counts)}), "
          f"{sum(len(s.aliases) for s in skills)} aliases", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
