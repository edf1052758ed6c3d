"""Skill-demand trends on real postings: Hacker News "Who is hiring?" threads, January to May 2026.

Loads ../shared/data/hn_whoishiring/runs/*/raw.json (the same post fetched by several runs counts once; dated by
its post time; HN's HTML turned into text by scrapers.normalise) into a temporary warehouse through the real
loader (warehouse.load.load_scan, ats="hn", board="whoishiring"), runs the real skill extractor
(pipelines/skills.py), then reads the skill_demand_monthly and skill_growth views and prints:
  - the top rising skills, January -> May (monthly share and its change);
  - agreement with the independent LLM-labelled index indexes/tech-trends.json (share of posts naming each
    technology, per run: the last run of each month is taken): Spearman rank correlation of the shares of the
    technologies both name (their names resolved through our taxonomy), per month and for the Jan -> May change.

Run: python eval/trends_hn.py [--shared ../shared/data] [--top 15]   (not part of the tests)
"""

from __future__ import annotations

import argparse
import html
import json
import sys
import tempfile
from datetime import datetime, timezone
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from scipy.stats import spearmanr  # noqa: E402

from models.embedder import Embedder, MemoEncoder  # noqa: E402
from models.linking import load_reader  # noqa: E402
from models.skills import SkillExtractor  # noqa: E402
from pipelines.skills import extract_posting_skills  # noqa: E402
from scrapers.normalise import RejectedPosting, normalise  # noqa: E402
from warehouse.db import reader, writer  # noqa: E402
from warehouse.load import load_scan  # noqa: E402

DEFAULT_SHARED = REPO.parent / "shared" / "data"
MONTHS = ("2026-01", "2026-02", "2026-03", "2026-04", "2026-05")
MIN_POSTS = 10   # a skill named by fewer posts over the five months is left out of the rising list


def hn_posts(folder: Path) -> list[dict]:
    """Every post once (later runs re-fetch the same threads)."""
    posts: dict[int, dict] = {}
    for path in sorted(folder.glob("runs/*/raw.json")):
        for job in json.loads(path.read_text(encoding="utf-8"))["jobs"]:
            posts.setdefault(job["id"], job)
    return [posts[k] for k in sorted(posts)]


def as_posting(post: dict) -> dict:
    """An HN post as a crawler item: its first line is "Company | Role | Place | ..." by the thread's convention."""
    header = html.unescape(post["text"].split("<p>", 1)[0])
    parts = [p.strip() for p in header.split("|") if p.strip()] or ["(unknown)"]
    return {"ats": "hn", "board": "whoishiring", "native_id": str(post["id"]), "company": parts[0][:120],
            "title": (parts[1] if len(parts) > 1 else parts[0])[:200],
            "location": parts[2][:120] if len(parts) > 2 else None,
            "url": f"https://news.ycombinator.com/item?id={post['id']}",
            "posted_at": post["time"], "description_html": post["text"], "raw": post}


def load(db: Path, posts: list[dict], folder: Path) -> tuple[int, int]:
    normalised, rejects = [], []
    for post in posts:
        try:
            normalised.append(normalise(as_posting(post)))
        except RejectedPosting as exc:
            rejects.append({"reason": str(exc), "raw": post})
    feed = folder / "00000-postings.jsonl"
    feed.write_text("".join(json.dumps(p, ensure_ascii=False) + "\n" for p in normalised), encoding="utf-8")
    status = {"company": "Hacker News", "ats": "hn", "board": "whoishiring", "url": None, "status": "ok",
              "items": len(normalised), "rejects": rejects, "error": None}
    with writer(db) as con:
        load_scan(con, started_at=datetime.now(timezone.utc), origin="eval/trends_hn.py", posting_files=[feed],
                  statuses=[status])
    return len(normalised), len(rejects)


def index_shares(path: Path, extractor: SkillExtractor) -> dict[str, dict[str, float]]:
    """Our skill name → month → share of posts, from the index's last run of each month; names the taxonomy
    does not resolve to exactly one skill are left out."""
    series = json.loads(path.read_text(encoding="utf-8"))["series"]
    shares: dict[str, dict[str, float]] = {}
    for technology, points in series.items():
        context = f"experience with {technology}"
        found = extractor.extract(context)
        if len(found) != 1 or context[found[0].start:found[0].end] != technology:
            continue
        by_month: dict[str, float] = {}
        for point in sorted(points, key=lambda p: p["date"]):
            by_month[point["date"][:7]] = point["pct"] / 100   # later runs of a month replace earlier ones
        shares.setdefault(found[0].name, by_month)
    return shares


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=DEFAULT_SHARED)
    parser.add_argument("--top", type=int, default=15)
    args = parser.parse_args()
    folder = args.shared / "hn_whoishiring"
    extractor = SkillExtractor.load()
    with tempfile.TemporaryDirectory(prefix="marketfit-hn-") as tmp:
        db = Path(tmp) / "hn.duckdb"
        posts = hn_posts(folder)
        loaded, rejected = load(db, posts, Path(tmp))
        read = extract_posting_skills(db, load_reader(extractor, MemoEncoder(Embedder().encode)))
        with reader(db) as con:
            totals = dict(con.execute("""SELECT strftime(month, '%Y-%m'), any_value(total_postings)
                                         FROM skill_demand_monthly GROUP BY 1""").fetchall())
            monthly: dict[str, dict[str, float]] = {}
            for month, skill, share in con.execute(
                    "SELECT strftime(month, '%Y-%m'), skill, share FROM skill_demand_monthly").fetchall():
                monthly.setdefault(skill, {})[month] = share
            counts = dict(con.execute("SELECT skill, count(*) FROM skill_mentions GROUP BY skill").fetchall())
            growth = {skill: (growth, trend) for skill, growth, trend in con.execute(
                "SELECT skill, growth, trend FROM skill_growth_over(8, min_postings := 20)").fetchall()}
    print(f"{len(posts)} distinct posts, {loaded} loaded, {rejected} rejected, {read} texts read for skills")
    print("postings per month (deduplicated: one per company and text):",
          ", ".join(f"{m} {totals.get(m, 0)}" for m in MONTHS))

    def share(skill: str, month: str) -> float:
        return monthly.get(skill, {}).get(month, 0.0)

    first, last = MONTHS[0], MONTHS[-1]
    rising = sorted((s for s in monthly if counts.get(s, 0) >= MIN_POSTS),
                    key=lambda s: (-(share(s, last) - share(s, first)), s))[:args.top]
    print(f"\nTop rising skills {first} -> {last} (named by at least {MIN_POSTS} posts; share of the month's posts;"
          f" growth_8w = last 8 weeks vs the 8 before, skill_growth_over(8, min_postings := 20))")
    print(f"{'skill':<28}" + "".join(f"{m:>9}" for m in MONTHS) + f"{'change':>9}{'growth_8w':>11}  trend")
    for skill in rising:
        g, trend = growth.get(skill, (None, None))
        print(f"{skill:<28}" + "".join(f"{share(skill, m):>9.1%}" for m in MONTHS)
              + f"{share(skill, last) - share(skill, first):>+9.1%}"
              + (f"{g:>+11.0%}" if g is not None else f"{'-':>11}") + f"  {trend or '-'}")

    index = index_shares(folder / "indexes" / "tech-trends.json", extractor)
    shared_skills = sorted(set(index) & set(monthly))
    print(f"\nAgainst indexes/tech-trends.json (LLM labels; {len(index)} of its technologies resolve to our "
          f"taxonomy, {len(shared_skills)} also named in our extraction)")
    for month in MONTHS:
        ours = [share(s, month) for s in shared_skills]
        theirs = [index[s].get(month, 0.0) for s in shared_skills]
        rho, p = spearmanr(ours, theirs)
        print(f"  {month}: Spearman rho of shares {rho:.3f} (p={p:.1e})")
    ours = [share(s, last) - share(s, first) for s in shared_skills]
    theirs = [index[s].get(last, 0.0) - index[s].get(first, 0.0) for s in shared_skills]
    rho, p = spearmanr(ours, theirs)
    print(f"  change {first} -> {last}: Spearman rho {rho:.3f} (p={p:.1e})")
    print("\n  skill                        ours Jan   idx Jan   ours May   idx May")
    for skill in sorted(shared_skills, key=lambda s: -index[s].get(last, 0.0))[:12]:
        print(f"  {skill:<27}{share(skill, first):>9.1%}{index[skill].get(first, 0):>10.1%}"
              f"{share(skill, last):>11.1%}{index[skill].get(last, 0):>10.1%}")


if __name__ == "__main__":
    main()
