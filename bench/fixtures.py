"""What the benchmark runs on: the posting corpus, the Greenhouse boards made of it, and the synthetic rows and
vectors of the steps that do not need the model, written through the project's own writers
(warehouse.load.load_scan, warehouse.embeddings.store_vectors)."""

from __future__ import annotations

import dataclasses
import html
import json
import random
import re
from datetime import datetime, timezone
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from models.embedder import DIMENSIONS, MODEL_KEY
from scrapers.ats import greenhouse
from scrapers.feed import FEED_SCHEMA
from scrapers.items import Source, source_status
from scrapers.normalise import content_hash, embedding_text, normalise, posting_id
from scrapers.replay import ReplayServer
from warehouse.db import writer
from warehouse.embeddings import store_vectors
from warehouse.load import load_scan

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared" / "data"
PER_BOARD = 250  # real Greenhouse boards rarely list more; keeps each response well under the 32 MiB cap
FEED_ROWS = 5000  # rows per feed file of the load and top-k steps, each file one board

HN_TITLES = ("Software Engineer", "Backend Engineer", "Full Stack Engineer", "Data Engineer", "Product Designer",
             "Machine Learning Engineer", "Site Reliability Engineer", "Frontend Engineer", "Engineering Manager",
             "Data Scientist", "Product Manager", "Security Engineer")
SENIORITY = ("", "Senior ", "Staff ", "Lead ", "Junior ", "Principal ")
TEAMS = ("Payments", "Search", "Growth", "Platform", "Data", "Mobile", "Infrastructure", "Marketplace", "Billing",
         "Identity")
CITIES = ("Lisbon, Portugal", "Berlin, Germany", "London, United Kingdom", "New York, NY", "Remote - Europe",
          "Amsterdam, Netherlands", "Toronto, Canada", "San Francisco, CA")
SWAPS = (("team", "group"), ("build", "develop"), ("experience", "background"), ("customers", "clients"),
         ("strong", "solid"), ("help", "support"), ("product", "platform"), ("growth", "scale"),
         ("work", "collaborate"), ("great", "excellent"), ("new", "fresh"), ("our", "the"))
_SWAP_PATTERNS = {word: re.compile(rf"\b{word}\b") for word, _ in SWAPS}


@dataclasses.dataclass(frozen=True)
class BasePosting:
    title: str
    html: str  # the description as HTML
    location: str
    department: str


def shared_postings(shared: Path) -> list[BasePosting]:
    """The Greenhouse content=true board and the de-duplicated HN posts; [] when they are not there."""
    board = shared / "greenhouse_boards" / "raw_content_true" / "catawiki.json"
    runs = sorted(shared.glob("hn_whoishiring/runs/*/raw.json"))
    if not board.exists() or not runs:
        return []
    bases = [BasePosting(job["title"], html.unescape(job["content"]), job["location"]["name"],
                         (job.get("departments") or [{"name": "Engineering"}])[0]["name"])
             for job in json.loads(board.read_text(encoding="utf-8"))["jobs"] if job.get("content")]
    seen: set[int] = set()
    for run in runs:
        for post in json.loads(run.read_text(encoding="utf-8"))["jobs"]:
            if post["id"] in seen or not post.get("text"):
                continue
            seen.add(post["id"])
            bases.append(BasePosting(HN_TITLES[len(seen) % len(HN_TITLES)], post["text"], "Remote", "Engineering"))
    return bases


def demo_postings() -> list[BasePosting]:
    from scrapers.registry import SPIDERS

    bases = []
    for path in sorted((REPO / "demo" / "boards").glob("*/*.json")):
        spider = SPIDERS[path.parent.name]
        for job in spider.jobs(spider.decode(path.read_text(encoding="utf-8"))):
            parsed = spider.parse_job(job, company=path.stem, board=path.stem)
            body = parsed["description_html"] or f"<p>{html.escape(parsed['description'] or '')}</p>"
            bases.append(BasePosting(parsed["title"], body, parsed["location"] or "Remote",
                                     parsed["department"] or "Engineering"))
    return bases


def board_of(number: int) -> str:
    return f"bench{number // PER_BOARD:05d}"


def make_job(bases: list[BasePosting], number: int, revision: int = 0) -> dict:
    """Greenhouse job ``number``: a base posting with its own id, title, location and a few words swapped."""
    base = bases[number % len(bases)]
    rng = random.Random(number)
    team, city = TEAMS[number % len(TEAMS)], rng.choice(CITIES)
    body = base.html
    for word, replacement in rng.sample(SWAPS, 3):
        body = _SWAP_PATTERNS[word].sub(replacement, body)
    revised = f" Revised {revision}: the role now includes on-call for the {team.lower()} services." if revision else ""
    intro = f"<p>{team} team, {city}. Requisition R-{number:07d}.{revised}</p>"
    job_id = 4_000_000_000 + number
    return {"id": job_id, "internal_job_id": 3_000_000 + number, "title": f"{rng.choice(SENIORITY)}{base.title}, {team}",
            "absolute_url": f"https://job-boards.greenhouse.io/{board_of(number)}/jobs/{job_id}",
            "location": {"name": city}, "updated_at": "2026-08-01T09:00:00-04:00",
            "first_published": f"2026-07-{1 + number % 28:02d}T09:00:00-04:00", "requisition_id": f"R-{number:07d}",
            "content": html.escape(intro + body), "departments": [{"id": 1, "name": base.department}],
            "metadata": [], "company_name": f"Benchmark Co {number // PER_BOARD}"}


def write_boards(root: Path, jobs: list[dict]) -> list[str]:
    """One Greenhouse board file per PER_BOARD jobs under root/greenhouse/; returns the board names."""
    folder = root / "greenhouse"
    folder.mkdir(parents=True, exist_ok=True)
    boards: dict[str, list[dict]] = {}
    for number, job in enumerate(jobs):
        boards.setdefault(board_of(number), []).append(job)
    for board, listed in boards.items():
        (folder / f"{board}.json").write_text(json.dumps({"jobs": listed, "meta": {"total": len(listed)}}),
                                              encoding="utf-8")
    return list(boards)


def sources_for(server: ReplayServer, boards: list[str]) -> list[Source]:
    return [Source(f"Benchmark Co {int(board[5:])}", "greenhouse", board, f"{server.base_url}/greenhouse/{board}.json",
                   allow_hosts=("127.0.0.1",)) for board in boards]



def normalised_postings(bases: list[BasePosting], count: int) -> list[dict]:
    """The first ``count`` jobs as the Greenhouse spider parses them and the normaliser stores them."""
    return [normalise(greenhouse.parse_job(make_job(bases, number), company="Benchmark Co 0", board=board_of(number)))
            for number in range(count)]


def posting_texts(bases: list[BasePosting], count: int) -> list[str]:
    """The embedded texts of the first ``count`` jobs."""
    return [embedding_text(p["title"], p["description"]) for p in normalised_postings(bases, count)]


def synthetic_rows(bases: list[BasePosting], count: int) -> list[dict]:
    """Loadable posting rows: each base normalised once (as the crawler would), then varied per row."""
    normalised = normalised_postings(bases, min(count, len(bases)))
    rows = []
    for number in range(count):
        row = dict(normalised[number % len(normalised)])
        board, native_id = f"load{number // FEED_ROWS:03d}", str(5_000_000_000 + number)
        stamp = f"Requisition L-{number:07d}."
        row.update(board=board, native_id=native_id, posting_id=posting_id("greenhouse", board, native_id),
                   title=f"{SENIORITY[number % len(SENIORITY)]}{row['title']}",
                   description=f"{stamp}\n\n{row['description']}",
                   description_html=f"<p>{stamp}</p>{row['description_html'] or ''}")
        row["content_hash"] = content_hash(embedding_text(row["title"], row["description"]))
        rows.append(row)
    return rows


def write_feeds(rows: list[dict], folder: Path, name: str, formats: tuple[str, ...] = ("parquet",)
                ) -> tuple[dict[str, list[Path]], list[dict]]:
    """The rows as crawl feed files (Parquet as the crawl children write them, JSONL as imports do) of FEED_ROWS
    rows each, one board a file; and each board's status as the crawl reports it."""
    feeds: dict[str, list[Path]] = {kind: [] for kind in formats}
    statuses = []
    for start in range(0, len(rows), FEED_ROWS):
        chunk = rows[start:start + FEED_ROWS]
        stem = folder / f"{name}-{start // FEED_ROWS:05d}-postings"
        if "parquet" in feeds:
            pq.write_table(pa.Table.from_pylist(chunk, schema=FEED_SCHEMA), f"{stem}.parquet", compression="zstd")
            feeds["parquet"].append(Path(f"{stem}.parquet"))
        if "jsonl" in feeds:
            Path(f"{stem}.jsonl").write_text("".join(json.dumps(row, ensure_ascii=False) + "\n" for row in chunk),
                                             encoding="utf-8")
            feeds["jsonl"].append(Path(f"{stem}.jsonl"))
        statuses.append(source_status(Source(chunk[0]["company"], chunk[0]["ats"], chunk[0]["board"]), "ok",
                                      len(chunk)))
    return feeds, statuses


def unit_vectors(rng: np.random.Generator, rows: int) -> np.ndarray:
    vectors = rng.standard_normal((rows, DIMENSIONS), dtype=np.float32)
    return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)


def vector_warehouse(db: Path, folder: Path, count: int, rng: np.random.Generator) -> np.ndarray:
    """A warehouse of ``count`` open postings p0, p1, ... (texts "text 0", "text 1", ...), each with a random
    unit vector; returns the vectors in posting number order."""
    rows = [{"posting_id": f"p{i}", "ats": "greenhouse", "board": f"topk{i // FEED_ROWS:03d}", "native_id": str(i),
             "company": "Benchmark Co", "title": "Engineer", "description": "text",
             "content_hash": content_hash(f"text {i}")} for i in range(count)]
    feeds, statuses = write_feeds(rows, folder, "topk")
    matrix = unit_vectors(rng, count)
    with writer(db) as con:
        load_scan(con, started_at=datetime.now(timezone.utc), origin="bench", posting_files=feeds["parquet"],
                  statuses=statuses)
        for start in range(0, count, 50_000):
            store_vectors(con, MODEL_KEY, [row["content_hash"] for row in rows[start:start + 50_000]],
                          matrix[start:start + 50_000])
    for path in feeds["parquet"]:
        path.unlink()
    return matrix
