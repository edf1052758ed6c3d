"""How much of what the judgments read is company boilerplate: the share of extracted skills and hire-type cues
that fall in hand-marked boilerplate, reading the whole description (before) and the role content (after).

The sample (eval/boilerplate_sample.json) is real recorded boards from ../shared/data, each read as one board
(as a scan reads it), with the boilerplate marked by hand as line prefixes: a ``block`` runs from a line starting
with ``from`` to the first later line starting with one of ``until`` (or to the end), a ``line`` is one line;
``by_id`` adds marks for one posting.
Also reported: how many skills and cues in the role content the segmentation keeps, and its line agreement.

    python eval/eval_boilerplate.py [--shared ../shared/data]
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from models.data.check_labels import hn_title, postings_in_file  # noqa: E402
from models.hire_type import CueMatcher  # noqa: E402
from models.sections import BOILERPLATE, boilerplate_spans, role_text, segment_board  # noqa: E402
from models.skills import SkillExtractor  # noqa: E402
from models.train import DEFAULT_SHARED, layout_text  # noqa: E402

SAMPLE = Path(__file__).parent / "boilerplate_sample.json"


def gold_lines(text: str, marks: dict) -> list[tuple[int, int, bool]]:
    """(start, end, is boilerplate) of each non-blank line, by the hand marks."""
    lines, offset = [], 0
    for raw in text.split("\n"):
        if raw.strip():
            lines.append((offset, offset + len(raw), raw.strip()))
        offset += len(raw) + 1
    marked = [any(line.startswith(prefix) for prefix in marks.get("lines", [])) for _, _, line in lines]
    for block in marks.get("blocks", []):
        inside = False
        for k, (_, _, line) in enumerate(lines):
            if inside and any(line.startswith(prefix) for prefix in block.get("until", [])):
                inside = False
            if not inside and line.startswith(block["from"]):
                inside = True
            marked[k] |= inside
    return [(start, end, flag) for (start, end, _), flag in zip(lines, marked)]


def in_spans(position: int, spans: list[tuple[int, int]]) -> bool:
    return any(start <= position < end for start, end in spans)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=DEFAULT_SHARED)
    shared = parser.parse_args().shared
    if not shared.is_dir():
        sys.exit(f"{shared}: the shared data folder is needed to read the sample boards")
    extractor, cues = SkillExtractor.load(), CueMatcher.load()
    counts = {key: 0 for key in ("postings", "skills_before", "skills_before_bp", "skills_after", "skills_after_bp",
                                 "cues_before", "cues_before_bp", "cues_after", "cues_after_bp", "lines",
                                 "lines_bp", "lines_flagged", "lines_flagged_bp")}
    names_before, names_after = {}, {}
    for board in json.loads(SAMPLE.read_text(encoding="utf-8")):
        wanted = set(board["ids"])
        postings = [(pid, title or hn_title(raw), layout_text(raw))
                    for pid, title, raw in postings_in_file(board["file"], str(shared)) if pid in wanted]
        if len(postings) != len(wanted):
            sys.exit(f"{board['file']}: {len(wanted) - len(postings)} sample postings not found")
        for (pid, title, text), segments in zip(postings, segment_board([(t, d) for _, t, d in postings])):
            own = board.get("by_id", {}).get(pid, {})
            lines = gold_lines(text, {key: board.get(key, []) + own.get(key, []) for key in ("lines", "blocks")})
            gold = [(start, end) for start, end, flag in lines if flag]
            flagged = boilerplate_spans(segments)
            role = role_text(text, flagged)
            counts["postings"] += 1
            for start, end, flag in lines:
                hit = any(s.kind == BOILERPLATE and s.start < end and start < s.end for s in segments)
                counts["lines"] += 1
                counts["lines_bp"] += flag
                counts["lines_flagged"] += hit
                counts["lines_flagged_bp"] += hit and flag
            for when, read in (("before", text), ("after", role)):
                skills = extractor.extract(read)
                found = cues.find(read)
                counts[f"skills_{when}"] += len(skills)
                counts[f"skills_{when}_bp"] += sum(in_spans(m.start, gold) for m in skills)
                counts[f"cues_{when}"] += len(found)
                counts[f"cues_{when}_bp"] += sum(in_spans(c.start, gold) for c in found)
                names = names_before if when == "before" else names_after
                for m in skills:
                    if in_spans(m.start, gold):
                        names[m.name] = names.get(m.name, 0) + 1

    def share(part: int, whole: int) -> str:
        return f"{part}/{whole} = {part / whole:.3f}" if whole else "0/0"

    c = counts
    print(f"{'postings read (boards in eval/boilerplate_sample.json)':<58}{c['postings']}")
    print(f"{'skills in boilerplate, whole description (before)':<58}"
          f"{share(c['skills_before_bp'], c['skills_before'])}")
    print(f"{'skills in boilerplate, role content (after)':<58}{share(c['skills_after_bp'], c['skills_after'])}")
    print(f"{'hire-type cues in boilerplate (before)':<58}{share(c['cues_before_bp'], c['cues_before'])}")
    print(f"{'hire-type cues in boilerplate (after)':<58}{share(c['cues_after_bp'], c['cues_after'])}")
    role_before = c["skills_before"] - c["skills_before_bp"]
    print(f"{'role-content skills kept':<58}{share(c['skills_after'] - c['skills_after_bp'], role_before)}")
    print(f"{'role-content cues kept':<58}"
          f"{share(c['cues_after'] - c['cues_after_bp'], c['cues_before'] - c['cues_before_bp'])}")
    print(f"{'boilerplate lines flagged (recall)':<58}{share(c['lines_flagged_bp'], c['lines_bp'])}")
    print(f"{'flagged lines that are boilerplate (precision)':<58}{share(c['lines_flagged_bp'], c['lines_flagged'])}")
    top = sorted(names_before.items(), key=lambda kv: -kv[1])[:8]
    print(f"{'commonest boilerplate skills before (after)':<58}"
          + ", ".join(f"{name} {n} ({names_after.get(name, 0)})" for name, n in top))


if __name__ == "__main__":
    main()
