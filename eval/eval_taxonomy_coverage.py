"""Professional-skill coverage of the skill gazetteer on 20 real product, design, sales, marketing, legal and
management postings whose skills were listed by hand (eval/taxonomy_coverage_gold.toml).

Each posting is read from ../shared/data (read-only) and turned into text the way serving does (the ATS parser,
then the normaliser). Per posting, the distinct skills the extractor finds are compared with the hand list:
  recall:    share of the hand-listed non-technical skills (professional, domain, tool, language) found;
  precision: share of the skills found that the hand list names (technical ones included).
Compare two taxonomies, e.g. before and after a change:
  python eval/eval_taxonomy_coverage.py --taxonomy OLD.csv --taxonomy models/taxonomy/skills.csv [--misses]
"""

from __future__ import annotations

import argparse
import json
import sys
import tomllib
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from models.skills import DEFAULT_TAXONOMY, SkillExtractor  # noqa: E402
from scrapers.ats import greenhouse, hn  # noqa: E402
from scrapers.normalise import normalise  # noqa: E402

DEFAULT_SHARED = REPO.parent / "shared" / "data"
GOLD = Path(__file__).resolve().parent / "taxonomy_coverage_gold.toml"


@dataclass
class Posting:
    label: str
    text: str
    skills: set[str]
    technology: set[str]


def read_postings(shared: Path) -> list[Posting]:
    with GOLD.open("rb") as handle:
        entries = tomllib.load(handle)["posting"]
    payloads: dict[str, dict] = {}
    postings = []
    for entry in entries:
        source = entry["source"]
        if source not in payloads:
            payloads[source] = json.loads((shared / source).read_text(encoding="utf-8"))
        payload = payloads[source]
        if source.startswith("greenhouse_boards/"):
            job = next(j for j in payload["jobs"] if str(j["id"]) == entry["id"])
            parsed = greenhouse.parse_job(job, company=payload["company"], board=payload["company"])
        else:
            job = next(j for j in payload["jobs"] if str(j["id"]) == entry["id"])
            parsed = hn.parse_job(job, company="hn", board="hn") if job["source"] == "who_is_hiring" else \
                hn.parse_job({**job, "text": job["text"].replace("\n\n", " | ", 1)}, company="hn", board="hn")
        posting = normalise(parsed)
        postings.append(Posting(f"{source.split('/')[0]}:{entry['id']} {posting['title'][:50]}",
                                f"{posting['title']}\n{posting['description']}",
                                set(entry["skills"]), set(entry["technology"])))
    return postings


def evaluate(postings: list[Posting], taxonomy: Path, show_misses: bool) -> tuple[float, float]:
    extractor = SkillExtractor.load(taxonomy)
    gold = found = hits = predicted = correct = 0
    for posting in postings:
        names = {mention.name for mention in extractor.extract(posting.text)}
        gold += len(posting.skills)
        hits += len(posting.skills & names)
        predicted += len(names)
        correct += len(names & (posting.skills | posting.technology))
        found += len(names)
        if show_misses:
            print(f"  {posting.label}\n    missed: {sorted(posting.skills - names)}\n"
                  f"    not listed: {sorted(names - posting.skills - posting.technology)}")
    recall, precision = hits / gold, correct / predicted if predicted else 0.0
    print(f"{taxonomy}: {len(postings)} postings, {gold} hand-listed skills, {predicted} found | "
          f"recall {recall:.3f} ({hits}/{gold}), precision {precision:.3f} ({correct}/{predicted})")
    return recall, precision


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=DEFAULT_SHARED)
    parser.add_argument("--taxonomy", type=Path, action="append", help="a skills.csv (repeat to compare)")
    parser.add_argument("--misses", action="store_true", help="list missed and unlisted skills per posting")
    args = parser.parse_args(argv)
    postings = read_postings(args.shared)
    for taxonomy in args.taxonomy or [DEFAULT_TAXONOMY]:
        evaluate(postings, taxonomy, args.misses)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
