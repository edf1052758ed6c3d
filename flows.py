"""Prefect flows: compose the pipeline steps; the logic lives in pipelines/ and models/."""

from __future__ import annotations

import os
from pathlib import Path

os.environ.setdefault("DO_NOT_TRACK", "1")
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")

from prefect import flow, task

from models.embedder import Embedder
from models.hire_type import HireTypeModel
from models.profile import load_profile
from models.skills import SkillExtractor
from pipelines.classify import classify_postings
from pipelines.embed import embed_postings
from pipelines.fit import score_profile
from pipelines.scan import crawl_and_load
from scrapers.sources import load_sources
from warehouse.db import resolve_db_path


@task(retries=2, retry_delay_seconds=30)
def crawl_task(db: Path, sources_file: Path) -> dict:
    scan_id, statuses, added = crawl_and_load(db, load_sources(sources_file), str(sources_file))
    return {"scan_id": scan_id, "added": added, "sources": [s["status"] for s in statuses]}


@task
def embed_task(db: Path) -> int:
    return embed_postings(db, Embedder())


@task
def classify_task(db: Path) -> int:
    return classify_postings(db, HireTypeModel.load())


@task
def fit_task(db: Path, profile_file: Path) -> int:
    return score_profile(db, load_profile(profile_file), Embedder(), SkillExtractor.load())


@flow(name="market-scan", log_prints=True)
def market_scan(sources_file: Path, profile_files: list[Path] | None = None, db: Path | None = None) -> dict:
    """Crawl every source, load, embed new text, classify hire type and score each profile."""
    db = resolve_db_path(db)
    scan = crawl_task(db, sources_file)
    embedded = embed_task(db)
    classified = classify_task(db)
    scored = {str(p): fit_task(db, p) for p in profile_files or []}
    return {**scan, "embedded": embedded, "classified": classified, "scored": scored}
