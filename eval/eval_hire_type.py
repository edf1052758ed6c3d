"""Hire-type macro-F1: 5-fold CV on the train split and the held-out test split, beside a majority
baseline and a cue-phrase-only baseline. Refits the (deterministic) model without saving it.

    python eval/eval_hire_type.py [--shared ../shared/data]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from models.train import DEFAULT_SHARED, evaluate_and_train  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=DEFAULT_SHARED)
    metrics = evaluate_and_train(parser.parse_args().shared, out=None)
    for key, value in metrics.items():
        print(f"{key:<36}{value}")


if __name__ == "__main__":
    main()
