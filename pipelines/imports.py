"""Postings from a file into the warehouse: our JSONL posting contract, or a JobSpy CSV export.

An import is a scan whose sources are the file: postings are normalised like crawled ones, written
as the crawler's feed files and merged by the same atomic loader, then run through the scan's
steps (embed, classify, ...: ``pipelines.scan.SCAN_STEPS``).

- JSONL (``.jsonl``/``.ndjson``): ats "file", board = the file's stem. The file speaks for its whole
  board: a posting missing from a newer version of the file is closed.
- JobSpy CSV (``.csv``, python-jobspy's ``scrape_jobs(...).to_csv(...)``): ats = the row's ``site``
  (indeed, linkedin, ...), board "jobspy". A search result is not a whole board, so it closes
  nothing: its sources are logged with status ``not_modified``.
"""

from __future__ import annotations

import csv
import json
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from scrapers.files import PostingsFileError, check_file_size, read_postings_file
from scrapers.items import Source, new_posting, source_status
from scrapers.normalise import HTML_TAG as _HTML_TAG, RejectedPosting, normalise, remote_from_text
from warehouse.db import writer
from warehouse.load import load_scan, posting_count

JOBSPY_REQUIRED = ("site", "job_url", "title")
_JOBSPY_PERIODS = {"yearly": "year", "monthly": "month", "weekly": "week", "daily": "day", "hourly": "hour"}
_REMOTE_MODES = ("remote", "hybrid", "onsite")


@dataclass
class ImportSummary:
    scan_id: int
    read: int          # postings in the file
    added: int         # new postings in the warehouse
    rejected: int
    steps: dict[str, int] = field(default_factory=dict)  # scan step → rows it (re)computed


def _remote(value: object) -> str | None:
    """true/false (JobSpy's is_remote, JSON booleans) or a mode / location-like text."""
    if isinstance(value, bool):
        return "remote" if value else None
    text = str(value or "").strip().lower()
    if text in ("true", "1", "yes"):
        return "remote"
    if text in ("", "false", "0", "no", "nan"):
        return None
    return text if text in _REMOTE_MODES else remote_from_text(text)


def _description(text: str | None) -> dict:
    text = (text or "").strip()
    return {"description_html": text} if _HTML_TAG.search(text) else {"description": text or None}


def jsonl_postings(path: Path) -> list[dict]:
    """Our posting contract (see ``scrapers.files``), as posting dicts of ats "file"."""
    return [new_posting(
        ats="file", board=path.stem, native_id=record["id"], company=record.get("company"),
        title=record["title"], location=record.get("location"), remote=_remote(record.get("remote")),
        url=record.get("url"), posted_at=record.get("posted_at"), department=record.get("department"),
        employment_type=record.get("employment_type"), salary_min=record.get("salary_min"),
        salary_max=record.get("salary_max"), salary_currency=record.get("salary_currency"),
        salary_period=record.get("salary_period"), description=record["description"], raw=record,
    ) for record in read_postings_file(path)]


def _read_csv(path: Path) -> list[dict]:
    check_file_size(path, "a CSV file")
    try:
        # utf-8-sig: spreadsheet tools add a byte-order mark; escapechar: the export JobSpy's README shows
        with path.open(encoding="utf-8-sig", newline="") as file:
            reader = csv.DictReader(file, escapechar="\\")
            header = reader.fieldnames or []
            missing = [column for column in JOBSPY_REQUIRED if column not in header]
            if missing:
                raise PostingsFileError(f"{path}: not a JobSpy CSV export: missing columns {missing}")
            rows = []
            for row in reader:
                if None in row or None in row.values():  # more or fewer cells than the header
                    raise PostingsFileError(f"{path}:{reader.line_num}: {len(header)} columns in the header, "
                                            f"not in this row")
                rows.append(row)
    except UnicodeDecodeError:
        raise PostingsFileError(f"{path}: not UTF-8 text") from None
    except csv.Error as exc:
        raise PostingsFileError(f"{path}: not valid CSV: {exc}") from None
    if not rows:
        raise PostingsFileError(f"{path}: no postings in file")
    return rows


def jobspy_postings(path: Path) -> list[dict]:
    """A JobSpy CSV export, one posting dict per row (ats = its site, board "jobspy")."""
    postings = []
    for row in _read_csv(path):
        cell = {key: (value.strip() or None) for key, value in row.items() if key}
        interval = (cell.get("interval") or "").lower()
        postings.append(new_posting(
            ats=(cell.get("site") or "").lower() or None, board="jobspy",
            native_id=cell.get("id") or cell.get("job_url"),  # older exports have no id column
            company=cell.get("company"), title=cell.get("title"), location=cell.get("location"),
            remote=_remote(cell.get("is_remote")), url=cell.get("job_url"), posted_at=cell.get("date_posted"),
            department=cell.get("job_function"), employment_type=cell.get("job_type"),
            salary_min=cell.get("min_amount"), salary_max=cell.get("max_amount"),
            salary_currency=cell.get("currency"), salary_period=_JOBSPY_PERIODS.get(interval),
            **_description(cell.get("description")), raw=cell,
        ))
    return postings


def read_import(path: Path) -> list[dict]:
    """The postings in a JSONL or JobSpy CSV file; raises PostingsFileError naming the file and problem."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix in (".jsonl", ".ndjson"):
        return jsonl_postings(path)
    if suffix == ".csv":
        return jobspy_postings(path)
    raise PostingsFileError(f"{path}: unsupported file type '{suffix}' (expected .jsonl or a JobSpy .csv)")


def import_postings(db: Path, path: Path, postings: list[dict],
                    progress: Callable[[str, int, int], None] = lambda step, done, total: None) -> ImportSummary:
    """Normalise, load (one scan, atomically) and enrich postings read from ``path``."""
    from pipelines.scan import SCAN_STEPS, ScanModels  # torch and the models: not needed to read a file

    started = datetime.now(timezone.utc)
    status_of_board: dict[tuple[str, str], dict] = {}
    feeds: dict[tuple[str, str], list[dict]] = {}
    closes = path.suffix.lower() != ".csv"
    for posting in postings:
        key = (posting["ats"] or "unknown", posting["board"])
        if key not in status_of_board:
            status_of_board[key] = source_status(Source(path.name, key[0], key[1], path.resolve().as_uri()),
                                                 "ok" if closes else "not_modified")
        status = status_of_board[key]
        try:
            feeds.setdefault(key, []).append(normalise(posting))
            status["items"] += 1
        except RejectedPosting as exc:  # a value of the wrong kind (a number as company) is one too
            status["rejects"].append({"reason": str(exc), "raw": posting["raw"]})
    statuses = list(status_of_board.values())
    with tempfile.TemporaryDirectory(prefix="marketfit-import-") as folder:
        files = []
        for index, key in enumerate(status_of_board):
            feed = Path(folder) / f"{index:05d}-postings.jsonl"
            feed.write_text("".join(json.dumps(p, ensure_ascii=False) + "\n" for p in feeds.get(key, [])),
                            encoding="utf-8")
            files.append(feed)
        with writer(db) as con:
            before = posting_count(con)
            scan_id = load_scan(con, started_at=started, origin=str(path), posting_files=files, statuses=statuses)
            added = posting_count(con) - before
    summary = ImportSummary(scan_id, len(postings), added, sum(len(s["rejects"]) for s in statuses))
    models = ScanModels()
    for step in SCAN_STEPS:  # the steps a scan runs after its load, in the scan's order
        progress(step.name, 0, 1)
        summary.steps[step.name] = step.run(db, models, lambda n, total, name=step.name: progress(name, n, total))
        progress(step.name, summary.steps[step.name], summary.steps[step.name])
    return summary
