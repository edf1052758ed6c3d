"""Two independent readers' hire-type labels of pool.jsonl: their agreement, and the agreed labels added to
hire_type_labels.jsonl (posts they disagree on are kept out).

    .venv/bin/python -m models.data.hire_type_readers.agreement [--write]

Each reader file holds {"key": "hn:<id>", "label", "phrase", "why"} lines. An agreed row takes reader A's
phrase, or B's where A's is not verbatim in the post as check_labels reads it; "unclear" rows carry none.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from sklearn.metrics import cohen_kappa_score, confusion_matrix

from models.data.check_labels import DEFAULT_DATA, LABELS, postings_in_file, readings, split_for

HERE = Path(__file__).resolve().parent
POOL = HERE / "pool.jsonl"
READERS = {"a": HERE / "reader_a.jsonl", "b": HERE / "reader_b.jsonl"}
LABELS_FILE = HERE.parent / "hire_type_labels.jsonl"
ORDER = sorted(LABELS)  # bandwidth, expertise, unclear


def _lines(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def readers() -> tuple[list[dict], dict[str, dict], dict[str, dict]]:
    pool = _lines(POOL)
    a, b = ({row["key"]: row for row in _lines(path)} for path in READERS.values())
    keys = [f"hn:{row['id']}" for row in pool]
    missing = [k for k in keys if k not in a or k not in b]
    if missing:
        raise SystemExit(f"{len(missing)} posts lack a label from a reader, e.g. {missing[:3]}")
    return pool, a, b


def agreement(keys: list[str], a: dict[str, dict], b: dict[str, dict]) -> dict:
    la, lb = [a[k]["label"] for k in keys], [b[k]["label"] for k in keys]
    two_class = [(x, y) for x, y in zip(la, lb) if x != "unclear" and y != "unclear"]
    return {
        "posts": len(keys), "agreed": sum(x == y for x, y in zip(la, lb)),
        "exact": round(sum(x == y for x, y in zip(la, lb)) / len(keys), 4),
        "kappa": round(cohen_kappa_score(la, lb, labels=ORDER), 4),
        "kappa_bandwidth_vs_expertise": round(cohen_kappa_score(*zip(*two_class)), 4),
        "confusion_rows_a_columns_b": {label: dict(zip(ORDER, map(int, row)))
                                       for label, row in zip(ORDER, confusion_matrix(la, lb, labels=ORDER))},
        "by_reader": {name: {label: labels.count(label) for label in ORDER} for name, labels in (("a", la), ("b", lb))},
    }


def agreed_rows(pool: list[dict], a: dict[str, dict], b: dict[str, dict], data: str = DEFAULT_DATA) -> list[dict]:
    texts: dict[str, dict[str, tuple[str, str]]] = {}
    rows = []
    for entry in pool:
        key = f"hn:{entry['id']}"
        if a[key]["label"] != b[key]["label"]:
            continue
        if entry["file"] not in texts:
            texts[entry["file"]] = {pid: readings(text) for pid, _, text in postings_in_file(entry["file"], data)}
        post = texts[entry["file"]][entry["id"]]
        label = a[key]["label"]
        phrase = "" if label == "unclear" else next(
            (p for p in (a[key]["phrase"].strip(), b[key]["phrase"].strip())
             if p and len(p.split()) <= 25 and any(p in text for text in post)),
            None)
        if phrase is None:
            raise SystemExit(f"{key}: neither reader's phrase is verbatim in the post: {a[key]['phrase']!r}")
        rows.append({"source": "hn", "file": entry["file"], "id": entry["id"], "title": entry["title"][:100],
                     "label": label, "phrase": phrase, "split": split_for("hn", entry["id"]),
                     "sampled": entry["sampled"], "labelled_by": "two readers, agreed"})
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write", action="store_true", help="add the agreed rows to hire_type_labels.jsonl")
    pool, a, b = readers()
    print(json.dumps(agreement([f"hn:{row['id']}" for row in pool], a, b), indent=1))
    if parser.parse_args().write:
        present = {(row["source"], row["id"]) for row in _lines(LABELS_FILE)}
        new = [row for row in agreed_rows(pool, a, b) if ("hn", row["id"]) not in present]
        with LABELS_FILE.open("a", encoding="utf-8") as out:
            out.writelines(json.dumps(row, ensure_ascii=False) + "\n" for row in new)
        print(f"{len(new)} agreed rows added to {LABELS_FILE.name}; {len(pool) - len(new)} left out (disagreements)")


if __name__ == "__main__":
    main()
