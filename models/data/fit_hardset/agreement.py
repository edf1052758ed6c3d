"""Merge two independent readers' grades, report their agreement, and write the final grades.

    .venv/bin/python -m models.data.fit_hardset.agreement READER_A.jsonl READER_B.jsonl \
        [--adjudicated ADJ.jsonl] [--disagreements OUT.jsonl]

Each reader file holds {"profile", "key", "grade", "why"} lines. Pairs the readers agree on keep that grade;
the others take the adjudicator's (a third reader who saw both grades and reasons). grades.jsonl keeps
both readers' grades and reasons beside the final one.
"""

from __future__ import annotations

import argparse
import json
from collections import defaultdict
from pathlib import Path

from sklearn.metrics import cohen_kappa_score

from models.data.fit_hardset.postings import GRADES, pair_key, pool_rows


def _read(path: Path) -> dict[tuple[str, str], dict]:
    out = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            row = json.loads(line)
            out[(row["profile"], row["key"])] = row
    return out


def agreement(a: dict, b: dict, keys: list[tuple[str, str]]) -> dict:
    ga, gb = [a[k]["grade"] for k in keys], [b[k]["grade"] for k in keys]
    by_profile = defaultdict(list)
    for k in keys:
        by_profile[k[0]].append(k)
    return {
        "pairs": len(keys), "exact": round(sum(x == y for x, y in zip(ga, gb)) / len(keys), 4),
        "within_one": round(sum(abs(x - y) <= 1 for x, y in zip(ga, gb)) / len(keys), 4),
        "kappa": round(cohen_kappa_score(ga, gb), 4),
        "kappa_quadratic": round(cohen_kappa_score(ga, gb, weights="quadratic"), 4),
        "per_profile_kappa": {p: round(cohen_kappa_score([a[k]["grade"] for k in ks], [b[k]["grade"] for k in ks],
                                                         labels=[0, 1, 2, 3]), 4)
                              for p, ks in sorted(by_profile.items())},
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("reader_a", type=Path)
    parser.add_argument("reader_b", type=Path)
    parser.add_argument("--adjudicated", type=Path, help="the third reader's grades for the disagreements")
    parser.add_argument("--disagreements", type=Path, help="write the pairs the readers disagree on here")
    args = parser.parse_args()
    a, b = _read(args.reader_a), _read(args.reader_b)
    keys = [(row["profile"], pair_key(row)) for row in pool_rows()]
    missing = [k for k in keys if k not in a or k not in b]
    if missing:
        raise SystemExit(f"{len(missing)} pairs lack a grade from a reader, e.g. {missing[:3]}")
    print(json.dumps(agreement(a, b, keys), indent=1))
    split = [k for k in keys if a[k]["grade"] != b[k]["grade"]]
    if args.disagreements:
        with args.disagreements.open("w", encoding="utf-8") as out:
            for k in split:
                out.write(json.dumps({"profile": k[0], "key": k[1], "reader_a": a[k]["grade"], "why_a": a[k]["why"],
                                      "reader_b": b[k]["grade"], "why_b": b[k]["why"]}) + "\n")
        print(f"{len(split)} disagreements written to {args.disagreements}")
    if args.adjudicated:
        settled = _read(args.adjudicated)
        unsettled = [k for k in split if k not in settled]
        if unsettled:
            raise SystemExit(f"{len(unsettled)} disagreements lack an adjudicated grade, e.g. {unsettled[:3]}")
        with GRADES.open("w", encoding="utf-8") as out:
            for k in keys:
                final = settled[k] if k in split else a[k]
                out.write(json.dumps({"profile": k[0], "key": k[1], "grade": final["grade"], "why": final["why"],
                                      "reader_a": a[k]["grade"], "reader_b": b[k]["grade"],
                                      "adjudicated": k in split}, ensure_ascii=False) + "\n")
        print(f"wrote {GRADES}")


if __name__ == "__main__":
    main()
