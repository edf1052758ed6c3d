"""Accuracy of the Hacker News header parser (scrapers.ats.hn) on 104 real "Who is hiring?" posts.

The posts are read in place from ../shared/data/hn_whoishiring/runs/*/raw.json (their text belongs to the
posters: not copied here). eval/hn_header_labels.jsonl holds, per post id, what its first line says: company,
title(s), location, remote (the most flexible arrangement offered) and salary bounds, labelled by hand by the
parser's author (every 16th "who_is_hiring" post by id, January to May 2026; prose posts labelled too).
A field counts as right when:
  company, title: equal after case-folding and collapsing spaces (both absent counts);
  location: the same (country, city, region) reading by scrapers.normalise.parse_location (both absent counts);
  remote: equal; salary: both bounds within 1 % (both absent counts).

Run: python eval/eval_hn_headers.py [--shared ../shared/data] [--show-errors]   (not part of the tests)
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from scrapers.ats.hn import parse_header, parse_job, split_post  # noqa: E402
from scrapers.normalise import parse_location  # noqa: E402

LABELS = REPO / "eval" / "hn_header_labels.jsonl"
FIELDS = ("company", "title", "location", "remote", "salary")


def _text(value: str | None) -> str | None:
    return " ".join(value.casefold().split()) if value else None


def _place(value: str | None):
    place = parse_location(value)
    return (place.country, place.city, place.region)


def _close(a, b) -> bool:
    return a == b or (a is not None and b is not None and abs(a - b) <= 0.01 * max(abs(a), abs(b)))


def predict(post: dict) -> dict:
    header = parse_header(split_post(post["text"])[0])
    try:
        posting = parse_job(post, company="Hacker News", board="whoishiring")
        salary = (posting["salary_min"], posting["salary_max"])
    except ValueError:  # no company: the post would be a reject
        salary = (None, None)
    return {"company": header.company, "title": header.title, "location": header.location,
            "remote": header.remote, "salary": salary}


def correct(field: str, predicted: dict, label: dict) -> bool:
    if field in ("company", "title"):
        return _text(predicted[field]) == _text(label[field])
    if field == "location":
        return _place(predicted["location"]) == _place(label["location"])
    if field == "remote":
        return predicted["remote"] == label["remote"]
    low, high = predicted["salary"]
    return _close(low, label["salary_min"]) and _close(high, label["salary_max"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=REPO.parent / "shared" / "data")
    parser.add_argument("--show-errors", action="store_true")
    args = parser.parse_args()
    posts = {}
    for path in sorted((args.shared / "hn_whoishiring").glob("runs/*/raw.json")):
        for post in json.loads(path.read_text(encoding="utf-8"))["jobs"]:
            posts.setdefault(post["id"], post)
    labels = [json.loads(line) for line in LABELS.read_text(encoding="utf-8").splitlines() if line.strip()]
    right = {field: 0 for field in FIELDS}
    for label in labels:
        predicted = predict(posts[label["id"]])
        for field in FIELDS:
            if correct(field, predicted, label):
                right[field] += 1
            elif args.show_errors:
                expected = (label["salary_min"], label["salary_max"]) if field == "salary" else label[field]
                print(f"{label['id']} {field}: got {predicted[field]!r}, labelled {expected!r}")
    print(f"{len(labels)} hand-labelled posts")
    for field in FIELDS:
        print(f"  {field:9} {right[field]:3d}/{len(labels)}  {right[field] / len(labels):.0%}")


if __name__ == "__main__":
    main()
