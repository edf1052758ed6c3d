"""marketfit: where a job seeker fits in the job market (command-line interface).

Thin by design: parse arguments, call pipelines/models, print. User mistakes
(bad files, unknown keys) print one line on stderr and exit with code 2.
"""

from __future__ import annotations

import csv
import io
import json
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("HF_HUB_DISABLE_TELEMETRY", "1")
os.environ.setdefault("DO_NOT_TRACK", "1")

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from models.profile import ProfileError, load_profile
from scrapers.files import PostingsFileError, read_postings_file
from scrapers.sources import SourcesError, load_sources
from warehouse.db import reader, resolve_db_path

HERE = Path(__file__).parent
DEMO = HERE / "demo"

app = typer.Typer(help="Where you fit in the job market: scan boards, judge roles, rank your targets.",
                  no_args_is_help=True, add_completion=False, pretty_exceptions_enable=False)
console = Console()
errors = Console(stderr=True)

DbOption = Annotated[Path | None, typer.Option("--db", help="Warehouse file (default: $MARKETFIT_DB, "
                                                            "else the per-user data directory).")]
OutOption = Annotated[Path | None, typer.Option("--output", "-o", help="Write JSONL here instead of stdout.")]
FormatOption = Annotated[str, typer.Option("--format", help="table | csv | json")]


@contextmanager
def user_errors() -> Iterator[None]:
    """Turn a user's mistake into one clear line on stderr and exit code 2."""
    try:
        yield
    except (SourcesError, ProfileError, PostingsFileError, FileNotFoundError) as exc:
        errors.print(f"error: {exc}", markup=False, highlight=False)
        raise typer.Exit(2) from None


def _progress() -> Progress:
    return Progress(TextColumn("{task.description:<10}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                    console=console, transient=False)


def _scan(db: Path, sources, origin: str, profiles) -> "ScanSummary":  # noqa: F821 - imported lazily
    from pipelines.scan import run_scan

    with _progress() as bar:
        tasks: dict[str, int] = {}

        def report(step: str, done: int, total: int) -> None:
            if step not in tasks:
                tasks[step] = bar.add_task(step, total=max(total, 1))
            bar.update(tasks[step], completed=done if total else 1, total=max(total, 1))

        return run_scan(db, sources, origin, profiles, report)


def _print_summary(summary) -> None:
    statuses = ", ".join(f"{n} {status}" for status, n in sorted(summary.sources.items()))
    console.print(f"scan {summary.scan_id}: sources {statuses}; {summary.postings_seen} postings seen, "
                  f"{summary.postings_added} new; {summary.embedded} embedded; {summary.classified} classified; "
                  f"{summary.skills_read} read for skills"
                  + "".join(f"; {n} scored for {name}" for name, n in summary.scored.items()))


@app.command()
def scan(sources: Annotated[Path, typer.Option("--sources", help="Sources TOML file.")],
         profile: Annotated[list[Path] | None, typer.Option("--profile", help="Profile to score (repeatable).")] = None,
         db: DbOption = None) -> None:
    """Crawl the boards in a sources file into the warehouse, then embed, classify and score."""
    with user_errors():
        source_list = load_sources(sources)
        profiles = [load_profile(p) for p in profile or []]
    _print_summary(_scan(resolve_db_path(db), source_list, str(sources), profiles))


def _write_jsonl(rows: list[dict], output: Path | None) -> None:
    text = "".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows)
    if output:
        output.write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)


def _classify_records(postings: list[dict]) -> list:
    from models.embedder import Embedder
    from models.hire_type import HireTypeModel
    from scrapers.normalise import embedding_text

    texts = [embedding_text(p["title"], p["description"]) for p in postings]
    return HireTypeModel.load().predict(texts, Embedder().encode(texts))


@app.command()
def classify(postings: Path, output: OutOption = None) -> None:
    """Bandwidth or expertise hire, with probability and evidence, for each posting in a JSONL file."""
    with user_errors():
        records = read_postings_file(postings)
    calls = _classify_records(records)
    _write_jsonl([{"id": r["id"], "hire_type": c.hire_type, "expertise_probability": c.expertise_probability,
                   "evidence": c.evidence} for r, c in zip(records, calls)], output)


@app.command()
def skills(postings: Path, output: OutOption = None) -> None:
    """Skills each posting names, linked to the taxonomy, with offsets into its description and must/nice."""
    from models.skills import SkillExtractor

    with user_errors():
        records = read_postings_file(postings)
    extractor = SkillExtractor.load()
    rows = []
    for record in records:
        row = {"id": record["id"], "skills": [
            {"name": m.name, "taxonomy": m.taxonomy, "taxonomy_id": m.taxonomy_id, "start": m.start, "end": m.end,
             "requirement": m.requirement} for m in extractor.extract(record["description"])]}
        if record["description_converted"]:
            row["description"] = record["description"]  # the offsets point into this text, converted from HTML
        rows.append(row)
    _write_jsonl(rows, output)


@app.command()
def fit(postings: Path,
        profile: Annotated[Path, typer.Option("--profile", help="Resume (.md/.txt) or profile TOML.")],
        output: OutOption = None) -> None:
    """Fit score 0-100 of a profile against each posting in a JSONL file, with its explanation."""
    from models.embedder import Embedder
    from models.fit import FitScorer
    from models.skills import SkillExtractor

    with user_errors():
        records = read_postings_file(postings)
        person = load_profile(profile)
    calls = _classify_records(records)
    embedder = Embedder()
    for record, call in zip(records, calls):
        record["expertise_probability"] = call.expertise_probability
    results = FitScorer(SkillExtractor.load(), embedder.encode).score_many(person, records)
    _write_jsonl([{"id": r["id"], "fit_score": res.fit_score, "hire_type": c.hire_type,
                   "expertise_probability": c.expertise_probability, **res.to_dict()}
                  for r, c, res in zip(records, calls, results)], output)


def _print_rows(columns: list[str], rows: list[tuple], fmt: str) -> None:
    if fmt == "json":
        sys.stdout.write(json.dumps([dict(zip(columns, row)) for row in rows], default=str, indent=1) + "\n")
    elif fmt == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(columns)
        writer.writerows(rows)
        sys.stdout.write(buffer.getvalue())
    else:
        table = Table(*columns)
        for column in table.columns:
            column.overflow, column.no_wrap, column.max_width = "ellipsis", True, 36
        for row in rows:
            table.add_row(*("" if v is None else str(v) for v in row))
        console.print(table)


@app.command()
def sql(query: str, db: DbOption = None, fmt: FormatOption = "table") -> None:
    """Run a read-only SQL query over the warehouse (files and network are off)."""
    import duckdb

    if fmt not in ("table", "csv", "json"):
        errors.print(f"error: --format must be table, csv or json, not {fmt!r}")
        raise typer.Exit(2)
    with user_errors(), reader(resolve_db_path(db)) as con:
        try:
            cursor = con.execute(query)
        except duckdb.Error as exc:
            errors.print(f"error: {exc}", markup=False, highlight=False)
            raise typer.Exit(2) from None
        columns = [d[0] for d in cursor.description or []]
        _print_rows(columns, cursor.fetchall(), fmt)


@app.command()
def train(shared: Annotated[Path, typer.Option(help="The shared data folder with the labelled postings' texts.")]
          = HERE.parent / "shared" / "data") -> None:
    """Rebuild the hire-type model from the labelled postings; prints its cross-validated and held-out scores."""
    from models.train import evaluate_and_train

    with user_errors():
        metrics = evaluate_and_train(shared)
    _print_rows(["metric", "value"], sorted((k, str(v)) for k, v in metrics.items()), "table")


@app.command()
def demo(db: DbOption = None) -> None:
    """Scan the bundled recorded boards on a loopback server, score the sample profile, print the ranking."""
    import dataclasses

    from scrapers.replay import ReplayServer

    path = resolve_db_path(db)
    profile = load_profile(DEMO / "profile.toml")
    with ReplayServer(DEMO / "boards") as server:
        sources = [dataclasses.replace(s, url=f"{server.base_url}/{s.ats}/{s.board}.json")
                   for s in load_sources(DEMO / "sources.toml")]
        console.print(f"Replaying {len(sources)} recorded boards from {server.base_url} (offline)")
        _print_summary(_scan(path, sources, "demo", [profile]))
    with reader(path) as con:
        postings = con.execute("""
            SELECT round(fit_score) AS fit, company, title, hire_type, round(expertise_probability, 2) AS p_expertise,
                   coalesce(remote, '') AS remote, location, explanation->>'$.gates[0]' AS capped_by
            FROM fit_ranked WHERE profile = ? LIMIT 10""", [profile.name])
        columns = [d[0] for d in postings.description]
        console.print(f"\n[bold]Best target postings for {profile.name}[/bold]")
        _print_rows(columns, postings.fetchall(), "table")
        companies = con.execute("""
            SELECT company, top3_fit, best_fit, open_roles, strong_roles, best_title
            FROM fit_companies WHERE profile = ? LIMIT 10""", [profile.name])
        console.print(f"[bold]Best target companies for {profile.name}[/bold]")
        _print_rows([d[0] for d in companies.description], companies.fetchall(), "table")
    console.print(f"\nWarehouse: {path}\nTry:\n"
                  f"  marketfit sql \"SELECT company, title, hire_type, expertise_probability FROM postings_current "
                  f"ORDER BY expertise_probability DESC LIMIT 5\"\n"
                  f"  marketfit sql \"SELECT scan_id, company, status, items, error FROM scan_log ORDER BY scan_id DESC\"",
                  highlight=False, markup=False, soft_wrap=True)


if __name__ == "__main__":
    app()
