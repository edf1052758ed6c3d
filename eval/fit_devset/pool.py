"""Posting pool and graded labels for the fit dev set (stdlib only).

The pool is defined by ``grades.jsonl`` beside this file: every distinct
(source_file, posting_id) in it is one posting. Posting text is NOT stored in
the repo (licence); it is read in place from the shared data folder
(``../shared/data`` relative to the repo root, i.e. /work/shared/data).

``description`` is PLAIN TEXT: HTML entities are unescaped (repeatedly, up to 3x, because
Greenhouse ``content`` is HTML-escaped HTML), tags are stripped, block-level
tags become newlines, whitespace is collapsed.

Usage:
    python3 eval/fit_devset/pool.py [--shared /work/shared/data]
"""

from __future__ import annotations

import html
import json
import re
import sys
from collections import Counter, defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent
GRADES_PATH = HERE / "grades.jsonl"
DEFAULT_SHARED = HERE.parents[2] / "shared" / "data"  # /work/main/../shared/data

_BLOCK = re.compile(r"<\s*(br|/p|/li|/h[1-6]|/div|/ul|/ol|/tr)\b[^>]*>", re.I)
_LI = re.compile(r"<\s*li\b[^>]*>", re.I)
_TAG = re.compile(r"<[^>]+>")


def html_to_text(s: str | None) -> str:
    """Unescape (up to twice), strip tags, keep rough line structure."""
    if not s:
        return ""
    for _ in range(3):  # Greenhouse content is HTML-escaped HTML, sometimes with escaped entities inside
        u = html.unescape(s)
        if u == s:
            break
        s = u
    s = s.replace("\r", "")
    s = _BLOCK.sub("\n", s)
    s = _LI.sub("\n- ", s)
    s = re.sub(r"<\s*p\b[^>]*>", "\n", s, flags=re.I)
    s = _TAG.sub(" ", s)
    s = s.replace("\xa0", " ")
    s = re.sub(r"[ \t]+", " ", s)
    s = re.sub(r" *\n *", "\n", s)
    s = re.sub(r"\n{3,}", "\n\n", s)
    return s.strip()


# --------------------------------------------------------------------------- readers
# Each reader returns {posting_id(str): {"title", "company", "description"}} for one file.

def _read_greenhouse(data, default_company: str) -> dict:
    jobs = data["jobs"] if isinstance(data, dict) and "jobs" in data else [data]
    out = {}
    for j in jobs:
        out[str(j["id"])] = {
            "title": (j.get("title") or "").strip(),
            "company": j.get("company_name") or default_company,
            "description": html_to_text(j.get("content")),
        }
    return out


def _read_lever(data, default_company: str) -> dict:
    posts = data if isinstance(data, list) else [data]
    out = {}
    for p in posts:
        parts = [p.get("openingPlain") or "", p.get("descriptionBodyPlain") or p.get("descriptionPlain") or ""]
        for lst in p.get("lists") or []:
            parts.append((lst.get("text") or "") + "\n" + html_to_text(lst.get("content")))
        parts.append(p.get("additionalPlain") or "")
        text = "\n\n".join(x.strip() for x in parts if x and x.strip())
        out[str(p["id"])] = {
            "title": (p.get("text") or "").strip(),
            "company": default_company,
            "description": text,
        }
    return out


def _read_ashby(data, default_company: str) -> dict:
    out = {}
    for j in data["jobs"]:
        text = j.get("descriptionPlain") or html_to_text(j.get("descriptionHtml"))
        out[str(j["id"])] = {
            "title": (j.get("title") or "").strip(),
            "company": default_company,
            "description": text.strip(),
        }
    return out


def _read_hn(data, default_company: str) -> dict:
    out = {}
    for j in data["jobs"]:
        text = html_to_text((j.get("text") or "").replace("<p>", "\n<p>"))
        first = text.split("\n", 1)[0]
        company = first.split("|", 1)[0].strip()[:80] if "|" in first else default_company
        out[str(j["id"])] = {"title": first[:160], "company": company, "description": text}
    return out


# source_file prefix -> (reader, company when the payload does not name one)
def _reader_for(source_file: str):
    name = source_file.rsplit("/", 1)[-1]
    if source_file.startswith("hn_whoishiring/"):
        return _read_hn, "HN Who is hiring"
    if source_file.startswith("greenhouse_boards/"):
        return _read_greenhouse, name.split(".")[0]
    if "lubobali_aws-job-streamer" in source_file:
        return {
            "greenhouse_jobs.json": (_read_greenhouse, "Anthropic"),
            "lever_postings.json": (_read_lever, "Spotify"),
            "ashby_jobs.json": (_read_ashby, "Ramp"),
        }[name]
    if "ehddd3579_career-page-job-monitor" in source_file:
        return {
            "ashby.json": (_read_ashby, "Ramp"),
            "lever.json": (_read_lever, "Lever demo board (leverdemo)"),
        }[name]
    if "kernsharma_intern-radar" in source_file:
        return {
            "jd_greenhouse_job.json": (_read_greenhouse, "Stripe"),
            "jd_ashby_board.json": (_read_ashby, "Ramp"),
            "jd_lever_posting.json": (_read_lever, "Palantir"),
        }[name]
    raise ValueError(f"no reader for {source_file}")


_FILE_CACHE: dict = {}


def read_source_file(shared_dir: Path, source_file: str) -> dict:
    key = (str(shared_dir), source_file)
    if key not in _FILE_CACHE:
        reader, company = _reader_for(source_file)
        with open(Path(shared_dir) / source_file, encoding="utf-8") as fh:
            _FILE_CACHE[key] = reader(json.load(fh), company)
    return _FILE_CACHE[key]


# --------------------------------------------------------------------------- public API

def _rows(path: Path = GRADES_PATH):
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            line = line.strip()
            if line:
                yield json.loads(line)


def load_grades(path: Path | str = GRADES_PATH) -> dict:
    """{profile: {(source_file, posting_id): grade}}"""
    out: dict = defaultdict(dict)
    for r in _rows(Path(path)):
        out[r["profile"]][(r["source_file"], str(r["posting_id"]))] = int(r["grade"])
    return dict(out)


def load_pool(shared_dir: Path | str = DEFAULT_SHARED, grades_path: Path | str = GRADES_PATH) -> list[dict]:
    """Every posting in grades.jsonl, in first-seen order, with plain-text description."""
    shared_dir = Path(shared_dir)
    seen, pool = set(), []
    for r in _rows(Path(grades_path)):
        key = (r["source_file"], str(r["posting_id"]))
        if key in seen:
            continue
        seen.add(key)
        rec = read_source_file(shared_dir, key[0])[key[1]]
        title = r.get("title") or rec["title"]
        company = rec["company"]
        if key[0].startswith("hn_whoishiring/") and " — " in title:
            # HN posts have no title/company fields; grades.jsonl titles are "Company — Role"
            company = title.split(" — ", 1)[0].strip()
        pool.append({
            "source_file": key[0],
            "posting_id": key[1],
            # grades.jsonl title wins (HN posts have no title field; we wrote a short one)
            "title": title,
            "company": company,
            "description": rec["description"],
        })
    return pool


def _main(argv: list[str]) -> int:
    shared = Path(argv[argv.index("--shared") + 1]) if "--shared" in argv else DEFAULT_SHARED
    pool = load_pool(shared)
    grades = load_grades()
    print(f"pool size: {len(pool)} postings from {len({p['source_file'] for p in pool})} files; "
          f"{sum(len(v) for v in grades.values())} graded pairs")
    empty = [p["posting_id"] for p in pool if len(p["description"]) < 200]
    if empty:
        print("WARNING short descriptions:", empty)
    for prof in sorted(grades):
        c = Counter(grades[prof].values())
        missing = len(pool) - len(grades[prof])
        print(f"  {prof:<22} " + "  ".join(f"g{g}={c.get(g, 0):>2}" for g in (3, 2, 1, 0))
              + (f"  MISSING={missing}" if missing else ""))
    return 0


if __name__ == "__main__":
    sys.exit(_main(sys.argv[1:]))
