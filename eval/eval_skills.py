"""Span-F1 of the skill readers on SkillSpan (Zhang et al., NAACL 2022) and on Green et al. (LREC 2022).

SkillSpan annotates token spans of SKILL (long, often verb phrases: "work in a team") and KNOWLEDGE
("Python", "project management"); knowledge may nest inside a skill. Three readers are scored:
  gazetteer: taxonomy names only (models/skills.py), untyped, so each of its spans is scored against
             skill, knowledge and combined gold alike;
  tagger:    the trained span tagger (models/tagger.py), typed: its skill spans against skill gold, its
             knowledge spans against knowledge gold, all of them against combined gold;
  serving:   what a scan stores (models/linking.py SkillReader): the tagger's spans plus the gazetteer's
             mentions no tagged span covers exactly, those counted as knowledge.
  exact:   a predicted span counts if its tokens equal a gold span's tokens;
  overlap: a predicted span counts if it shares a token with a gold span (recall likewise, per gold span).
"combined" is the union of skill and knowledge spans.

Green et al.'s test set (unseen: nothing here is trained on it) has five types; its Skill type (hard and
soft skills alike) is scored against every span a reader finds; Domain and Qualification, closest to
SkillSpan's knowledge, are added in a second row; Occupation and Experience are left out.

Develop on dev (the default). Report test once with --split test; never tune on it.
Run: python eval/eval_skills.py [--split dev|test] [--shared ../shared/data] [--misses 30]
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from models.skills import SkillExtractor  # noqa: E402
from models.tagger import SpanTagger, TaggedSpan, bio_spans  # noqa: E402

DEFAULT_SHARED = REPO.parent / "shared" / "data"
# The paper's numbers could not be retrieved offline (see ../shared/data/skillspan/SOURCE.txt); don't invent them.
PAPER_REFERENCE = ("SkillSpan paper (Zhang et al. 2022), JobBERT: see paper, Table 4 (span-F1 roughly 0.5-0.65 per "
                   "SOURCE.txt; a public re-run reports JobBERT 0.613 combined on test, unverified). Those models are "
                   "trained on SkillSpan train; this gazetteer is not trained on it.")

Span = tuple[int, int, int]  # sentence, first token, end token (exclusive)


@dataclass
class Score:
    gold: int = 0
    predicted: int = 0
    exact_hits: int = 0
    predicted_overlapping: int = 0
    gold_overlapped: int = 0

    @staticmethod
    def f1(precision: float, recall: float) -> float:
        return 2 * precision * recall / (precision + recall) if precision + recall else 0.0

    def exact(self) -> tuple[float, float, float]:
        p = self.exact_hits / self.predicted if self.predicted else 0.0
        r = self.exact_hits / self.gold if self.gold else 0.0
        return p, r, self.f1(p, r)

    def overlap(self) -> tuple[float, float, float]:
        p = self.predicted_overlapping / self.predicted if self.predicted else 0.0
        r = self.gold_overlapped / self.gold if self.gold else 0.0
        return p, r, self.f1(p, r)


@dataclass
class Evaluation:
    scores: dict[str, Score] = field(default_factory=lambda: {k: Score() for k in ("skill", "knowledge", "combined")})
    missed_knowledge: Counter = field(default_factory=Counter)
    unmatched_predictions: Counter = field(default_factory=Counter)


RowSpans = dict[str, list[tuple[int, int]]]  # skill | knowledge | combined → token spans [first, end)


def token_spans(tokens: list[str], char_spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Character spans of the space-joined sentence, as the token spans they cover."""
    token_starts, position = [], 0
    for token in tokens:
        token_starts.append(position)
        position += len(token) + 1
    spans = []
    for start, end in char_spans:
        covered = [i for i, first in enumerate(token_starts) if first < end and first + len(tokens[i]) > start]
        spans.append((covered[0], covered[-1] + 1))
    return spans


def gazetteer_spans(extractor: SkillExtractor, sentences: list[list[str]]) -> list[RowSpans]:
    """Untyped: every mention is scored against each kind."""
    found = []
    for tokens in sentences:
        spans = token_spans(tokens, [(m.start, m.end) for m in extractor.extract(" ".join(tokens))])
        found.append({kind: spans for kind in KINDS_SCORED})
    return found


def tagger_spans(tagged: list[list[TaggedSpan]], extractor: SkillExtractor | None,
                 sentences: list[list[str]]) -> list[RowSpans]:
    """The tagger's typed spans; with an extractor, also its mentions that no tagged span covers exactly
    (as knowledge), which is what the scan stores (models.linking.SkillReader)."""
    found = []
    for tokens, spans in zip(sentences, tagged):
        by_kind = {kind: [(t.start, t.end) for t in spans if t.kind == kind] for kind in ("skill", "knowledge")}
        if extractor is not None:
            covered = {(t.start, t.end) for t in spans}
            by_kind["knowledge"] += [(m.start, m.end) for m in extractor.extract(" ".join(tokens))
                                     if (m.start, m.end) not in covered]
        row = {kind: token_spans(tokens, char_spans) for kind, char_spans in by_kind.items()}
        row["combined"] = list(dict.fromkeys(row["skill"] + row["knowledge"]))
        found.append(row)
    return found


def read_all(extractor: SkillExtractor, tagger: SpanTagger, sentences: list[list[str]]) -> dict[str, tuple]:
    """Each reader's spans and seconds; the tagger reads each sentence once for both of its views."""
    started = time.perf_counter()
    gazetteer = gazetteer_spans(extractor, sentences)
    gazetteer_s = time.perf_counter() - started
    started = time.perf_counter()
    tagged = tagger.tag_many([" ".join(tokens) for tokens in sentences])
    tagger_s = time.perf_counter() - started
    return {"gazetteer": (gazetteer, gazetteer_s), "tagger": (tagger_spans(tagged, None, sentences), tagger_s),
            "serving": (tagger_spans(tagged, extractor, sentences), tagger_s + gazetteer_s)}


KINDS_SCORED = ("skill", "knowledge", "combined")


def overlaps(a: Span, b: Span) -> bool:
    return a[0] == b[0] and a[1] < b[2] and b[1] < a[2]


def score(gold: set[Span], predicted: set[Span], result: Score) -> None:
    by_sentence: dict[int, list[Span]] = {}
    for span in gold:
        by_sentence.setdefault(span[0], []).append(span)
    result.gold += len(gold)
    result.predicted += len(predicted)
    result.exact_hits += len(gold & predicted)
    result.predicted_overlapping += sum(any(overlaps(p, g) for g in by_sentence.get(p[0], ())) for p in predicted)
    pred_by_sentence: dict[int, list[Span]] = {}
    for span in predicted:
        pred_by_sentence.setdefault(span[0], []).append(span)
    result.gold_overlapped += sum(any(overlaps(g, p) for p in pred_by_sentence.get(g[0], ())) for g in gold)


def evaluate(rows: list[dict], predicted_rows: list[RowSpans]) -> Evaluation:
    """rows: sentences with gold spans per kind ("skill", "knowledge", token spans); combined is their union."""
    gold: dict[str, set[Span]] = {kind: set() for kind in KINDS_SCORED}
    predicted: dict[str, set[Span]] = {kind: set() for kind in KINDS_SCORED}
    for n, (row, found) in enumerate(zip(rows, predicted_rows)):
        for kind in ("skill", "knowledge"):
            gold[kind].update((n, a, b) for a, b in row[kind])
        for kind in KINDS_SCORED:
            predicted[kind].update((n, a, b) for a, b in found[kind])
    gold["combined"] = gold["skill"] | gold["knowledge"]
    evaluation = Evaluation()
    for kind, spans in gold.items():
        score(spans, predicted[kind], evaluation.scores[kind])
    for n, a, b in gold["knowledge"] - predicted["knowledge"]:
        evaluation.missed_knowledge[" ".join(rows[n]["tokens"][a:b])] += 1
    for n, a, b in predicted["combined"] - gold["combined"]:
        evaluation.unmatched_predictions[" ".join(rows[n]["tokens"][a:b])] += 1
    return evaluation


def skillspan_rows(path: Path) -> list[dict]:
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [{"tokens": r["tokens"], "source": r["source"], "idx": r["idx"], "skill": bio_spans(r["tags_skill"]),
             "knowledge": bio_spans(r["tags_knowledge"])} for r in rows]


GREEN_SKILL = ("Skill",)
GREEN_SKILL_AND_KNOWLEDGE = ("Skill", "Domain", "Qualification")


def green_rows(path: Path, types: tuple[str, ...]) -> list[dict]:
    """Green et al.'s CoNLL test set: gold spans of the given types, as "skill"; "knowledge" stays empty so
    that combined = those spans."""
    rows = []
    for block in path.read_text(encoding="utf-8").split("\n\n"):
        pairs = [line.split() for line in block.splitlines() if line.strip()]
        if pairs:
            tags = [tag if tag[2:] in types else "O" for _, tag in pairs]
            rows.append({"tokens": [token for token, _ in pairs], "source": "green", "skill": bio_spans(tags),
                         "knowledge": []})
    return rows


def print_table(title: str, evaluation: Evaluation) -> None:
    print(title)
    print(f"{'gold':10s} {'spans':>6s} {'pred':>6s} | {'exact P':>7s} {'R':>6s} {'F1':>6s} | "
          f"{'overlap P':>9s} {'R':>6s} {'F1':>6s}")
    for kind, result in evaluation.scores.items():
        ep, er, ef = result.exact()
        op, orr, of = result.overlap()
        print(f"{kind:10s} {result.gold:6d} {result.predicted:6d} | {ep:7.3f} {er:6.3f} {ef:6.3f} | "
              f"{op:9.3f} {orr:6.3f} {of:6.3f}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", choices=("dev", "test"), default="dev")
    parser.add_argument("--shared", type=Path, default=DEFAULT_SHARED)
    parser.add_argument("--misses", type=int, default=0, help="show the N most frequent missed knowledge spans "
                        "and unmatched predictions (dev only)")
    args = parser.parse_args(argv)
    if args.misses and args.split == "test":
        parser.error("--misses is for error analysis on dev; looking at test errors is tuning on test")

    rows = skillspan_rows(args.shared / "skillspan" / "json" / f"{args.split}.json")
    extractor, tagger = SkillExtractor.load(), SpanTagger.load()
    postings = len({(row["source"], row["idx"]) for row in rows})
    found = read_all(extractor, tagger, [row["tokens"] for row in rows])
    for name, (spans, seconds) in found.items():
        print_table(f"SkillSpan {args.split}: {len(rows)} sentences, {postings} postings; {name} ({seconds:.1f} s)",
                    evaluate(rows, spans))
        for source in sorted({row["source"] for row in rows}):
            print_table(f"  source = {source}", evaluate(*zip(*[(row, spans) for row, spans in zip(rows, spans)
                                                                  if row["source"] == source])))
        print()
    print(PAPER_REFERENCE)
    print(f"tagger {tagger.version}: chosen on dev, {tagger.metadata['metrics']['dev_exact_f1']} exact F1 there")

    green_path = args.shared / "green2022" / "testset.txt"
    green_found = read_all(extractor, tagger, [row["tokens"] for row in green_rows(green_path, GREEN_SKILL)])
    for types in (GREEN_SKILL, GREEN_SKILL_AND_KNOWLEDGE):
        green = green_rows(green_path, types)
        print()
        for name, (spans, _) in green_found.items():
            scores = evaluate(green, spans).scores["combined"]
            (ep, er, ef), (op, orr, of) = scores.exact(), scores.overlap()
            print(f"Green et al. test, gold {'+'.join(types)} ({scores.gold} spans), all {name} spans "
                  f"({scores.predicted}): exact P {ep:.3f} R {er:.3f} F1 {ef:.3f} | overlap P {op:.3f} R {orr:.3f} "
                  f"F1 {of:.3f}")

    overall = evaluate(rows, found["serving"][0])
    if args.misses:
        print(f"\nmost frequent missed knowledge spans: {overall.missed_knowledge.most_common(args.misses)}")
        print(f"\nmost frequent predictions outside any gold span: "
              f"{overall.unmatched_predictions.most_common(args.misses)}")
        missed = sorted(overall.missed_knowledge)
        print(f"\nrandom missed knowledge spans: {random.Random(0).sample(missed, min(args.misses, len(missed)))}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
