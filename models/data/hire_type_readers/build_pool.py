"""How pool.jsonl and the two readers' packets were made (provenance; re-running gives the same pool as long
as hire_type_labels.jsonl holds only the labels that existed before it, 667 rows).

Unlabelled Hacker News posts (each id once, at the first run holding it, with 200+ characters of text), 240
chosen for expertise-like words and 80 from the rest, shuffled with a fixed seed; two packets of 160 posts
for the readers, who labelled them by RUBRIC.md without seeing each other's labels.

    .venv/bin/python -m models.data.hire_type_readers.build_pool --packets DIR [--shared ../shared/data]
"""

from __future__ import annotations

import argparse
import json
import random
import re
from pathlib import Path

from models.data.fit_hardset.postings import DEFAULT_SHARED, _hn_file
from scrapers.normalise import normalise

HERE = Path(__file__).resolve().parent
POOL = HERE / "pool.jsonl"
LABELS = HERE.parent / "hire_type_labels.jsonl"
CUE = re.compile(r"\b(first|founding|new team|build(ing)? out|0\s*(to|->|→)\s*1|zero to one|from scratch|ground up|"
                 r"greenfield|launch|establish|new (product|market|office|country|function|line)|expand(ing)? into|"
                 r"stand up|spin up|head of|lead the|own the)\b", re.I)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=DEFAULT_SHARED)
    parser.add_argument("--packets", type=Path, required=True)
    args = parser.parse_args()
    labelled = {json.loads(line)["id"] for line in LABELS.read_text(encoding="utf-8").splitlines() if line.strip()}
    seen, posts = set(), []
    for path in sorted(args.shared.glob("hn_whoishiring/runs/*/raw.json")):
        rel = str(path.relative_to(args.shared))
        for pid, raw in _hn_file(args.shared, rel).items():
            if pid in seen:
                continue
            seen.add(pid)
            if pid in labelled:
                continue
            record = normalise(raw)
            if len(record["description"] or "") >= 200:
                posts.append((rel, pid, record))
    rng = random.Random(20261208)
    candidates = [p for p in posts if CUE.search(p[2]["description"])]
    rest = [p for p in posts if not CUE.search(p[2]["description"])]
    rng.shuffle(candidates)
    rng.shuffle(rest)
    pick = [(p, "targeted") for p in candidates[:240]] + [(p, "random") for p in rest[:80]]
    rng.shuffle(pick)
    print(len(posts), len(candidates), len(rest), len(pick))
    POOL.write_text("".join(json.dumps({"source": "hn", "file": rel, "id": pid, "title": rec["title"][:100],
                                        "sampled": sampled}) + "\n" for (rel, pid, rec), sampled in pick))
    args.packets.mkdir(parents=True, exist_ok=True)
    for part in range(2):
        chunk = pick[part * 160:(part + 1) * 160]
        lines = [f"# Hire-type reading packet, part {part + 1} ({len(chunk)} posts)\n"]
        for number, ((rel, pid, rec), _) in enumerate(chunk, 1):
            text = rec["description"]
            text = text[:3000] + " […]" if len(text) > 3000 else text
            lines.append(f"## {number}. key: `hn:{pid}`\n- header: {rec['title']}\n\n{text}\n")
        (args.packets / f"part{part + 1}.md").write_text("\n".join(lines), encoding="utf-8")


if __name__ == "__main__":
    main()
