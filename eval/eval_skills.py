"""Span-F1 of the skill gazetteer (models/skills.py) on SkillSpan (Zhang et al., NAACL 2022).

SkillSpan annotates token spans of SKILL (long, often verb phrases: "work in a team") and KNOWLEDGE
("Python", "project management"); knowledge may nest inside a skill. The gazetteer only finds names from
the taxonomy, so it is closest to KNOWLEDGE; all three views are reported:
  exact:   a predicted span counts if its tokens equal a gold span's tokens;
  overlap: a predicted span counts if it shares a token with a gold span (recall likewise, per gold span).
"combined" is the union of skill and knowledge spans.

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


def bio_spans(tags: list[str]) -> list[tuple[int, int]]:
    """Spans of a BIO sequence; an I- without a preceding B- opens a span."""
    spans, start = [], None
    for i, tag in enumerate([*tags, "O"]):
        if start is not None and not tag.startswith("I"):
            spans.append((start, i))
            start = None
        if start is None and tag != "O":
            start = i
    return spans


def predicted_token_spans(extractor: SkillExtractor, tokens: list[str]) -> list[tuple[int, int]]:
    """Mentions in the space-joined sentence, as the token spans they cover."""
    text = " ".join(tokens)
    token_starts, position = [], 0
    for token in tokens:
        token_starts.append(position)
        position += len(token) + 1
    spans = []
    for mention in extractor.extract(text):
        covered = [i for i, start in enumerate(token_starts)
                   if start < mention.end and start + len(tokens[i]) > mention.start]
        spans.append((covered[0], covered[-1] + 1))
    return spans


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


def evaluate(rows: list[dict], extractor: SkillExtractor) -> Evaluation:
    gold: dict[str, set[Span]] = {"skill": set(), "knowledge": set()}
    predicted: set[Span] = set()
    for n, row in enumerate(rows):
        gold["skill"].update((n, a, b) for a, b in bio_spans(row["tags_skill"]))
        gold["knowledge"].update((n, a, b) for a, b in bio_spans(row["tags_knowledge"]))
        predicted.update((n, a, b) for a, b in predicted_token_spans(extractor, row["tokens"]))
    gold["combined"] = gold["skill"] | gold["knowledge"]
    evaluation = Evaluation()
    for kind, spans in gold.items():
        score(spans, predicted, evaluation.scores[kind])
    for n, a, b in gold["knowledge"] - predicted:
        evaluation.missed_knowledge[" ".join(rows[n]["tokens"][a:b])] += 1
    for n, a, b in predicted - gold["combined"]:
        evaluation.unmatched_predictions[" ".join(rows[n]["tokens"][a:b])] += 1
    return evaluation


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

    path = args.shared / "skillspan" / "json" / f"{args.split}.json"
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    extractor = SkillExtractor.load()
    started = time.perf_counter()
    overall = evaluate(rows, extractor)
    elapsed = time.perf_counter() - started

    postings = len({(row["source"], row["idx"]) for row in rows})
    print_table(f"SkillSpan {args.split}: {len(rows)} sentences, {postings} postings; gazetteer extractor "
                f"({elapsed:.1f} s)", overall)
    for source in sorted({row["source"] for row in rows}):
        print()
        print_table(f"source = {source}", evaluate([r for r in rows if r["source"] == source], extractor))
    print()
    print(PAPER_REFERENCE)

    if args.misses:
        print(f"\nmost frequent missed knowledge spans: {overall.missed_knowledge.most_common(args.misses)}")
        print(f"\nmost frequent predictions outside any gold span: "
              f"{overall.unmatched_predictions.most_common(args.misses)}")
        missed = sorted(overall.missed_knowledge)
        print(f"\nrandom missed knowledge spans: {random.Random(0).sample(missed, min(args.misses, len(missed)))}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
