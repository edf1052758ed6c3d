"""Hire-type figures on the held-out test split and on its postings with no near-copy in train: macro-F1 and
expertise recall/precision of the model, the previous recipe (embedding and cue counts per class)
and a cue-phrase-only baseline, all fitted on the same train split; then the reliability curve of the
model's calibrated probability on the test split. Refits the (deterministic) model without saving it.

    python eval/eval_hire_type.py [--shared ../shared/data]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from models.train import DEFAULT_SHARED, evaluate_and_train  # noqa: E402

GOALS = {"macro_f1": 0.90, "expertise_recall": 0.85}  # issue 13, on the held-out split


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=DEFAULT_SHARED)
    metrics = evaluate_and_train(parser.parse_args().shared, out=None)
    print(f"train {metrics['train_size']} postings ({metrics['train_expertise_share']:.0%} expertise), "
          f"test {metrics['test_size']}, of which {metrics['test_no_near_copy_size']} with no near-copy in train; "
          f"5-fold CV macro-F1 on train {metrics['cv_macro_f1']}")
    for split in ("test", "test_no_near_copy"):
        print(f"\n{split:<20}{'macro-F1':>10}{'exp. recall':>13}{'exp. precision':>16}")
        for name, row in metrics[split].items():
            print(f"{name:<20}{row['macro_f1']:>10.3f}{row['expertise_recall']:>13.3f}"
                  f"{row['expertise_precision']:>16.3f}")
    model = metrics["test"]["model"]
    print("\ngoals on test: " + ", ".join(f"{k} {model[k]:.3f} (goal {goal}: {'met' if model[k] >= goal else 'not met'})"
                                          for k, goal in GOALS.items()))
    print(f"\nreliability on test (Brier {metrics['test_brier']}): bin, postings, mean predicted, observed")
    for row in metrics["test_reliability"]:
        print(f"  {row['bin']}  {row['n']:>4}  {row['mean_predicted']:.3f}  {row['observed']:.3f}")


if __name__ == "__main__":
    main()
