"""marketfit: where a job seeker fits in the job market (command-line interface).

Thin by design: parse arguments, call pipelines/models, print. User mistakes
(bad files, unknown keys) print one line on stderr and exit with code 2.
"""

from __future__ import annotations

import csv
import json
import os
import sys
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from enum import Enum
from pathlib import Path
from typing import Annotated

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("HF_HUB_DISABLE_TELEMETRY", "1")
os.environ.setdefault("DO_NOT_TRACK", "1")

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from models.embedder import DeviceError, resolve_device  # bench/perf: --device
from models.profile import ProfileError, load_profile
from pipelines.cluster import ClusterError, parse_dask
from pipelines.output import OutputError, replace_file
from scrapers.files import PostingsFileError, read_postings_file
from scrapers.http_cache import CacheBusyError
from scrapers.sources import SourcesError, add_source, load_sources, source_for_url
from warehouse.db import WarehouseError, reader, resolve_db_path

HERE = Path(__file__).parent
DEMO = HERE / "demo"

app = typer.Typer(help="Where you fit in the job market: scan boards, judge roles, rank your targets.",
                  no_args_is_help=True, add_completion=False, pretty_exceptions_enable=False)
console = Console()
NO_SOURCE_READ = 3  # `scan`'s exit code when every source failed or was blocked
errors = Console(stderr=True, soft_wrap=True)  # an error stays one line, however long

DbOption = Annotated[Path | None, typer.Option("--db", help="Warehouse file (default: $MARKETFIT_DB, "
                                                            "else the per-user data directory).")]
OutOption = Annotated[Path | None, typer.Option("--output", "-o", help="Write JSONL here instead of stdout.")]
FormatOption = Annotated[str, typer.Option("--format", help="table | csv | json")]
DeviceOption = Annotated[str, typer.Option("--device", help="Embedding device: auto (a GPU when there is one) "
                                                         "| cpu | cuda.")]
DaskOption = Annotated[str | None, typer.Option(
    "--dask", help="Fan the crawl and the embedding out on Dask: a scheduler address (tcp://host:8786) or local:N "
                   "(N worker processes, started and stopped here).")]


@contextmanager
def user_errors() -> Iterator[None]:
    """Turn a user's mistake into one clear line on stderr and exit code 2."""
    try:
        yield
    except (SourcesError, ProfileError, PostingsFileError, FileNotFoundError, WarehouseError, DeviceError,
            OutputError, CacheBusyError, ClusterError) as exc:
        errors.print(f"error: {exc}", markup=False, highlight=False)
        raise typer.Exit(2) from None


def _error_exit(message: str) -> typer.Exit:
    """Print ``error: message`` as one line on stderr; returns the exit (code 2) for the caller to raise."""
    errors.print(f"error: {message}", markup=False, highlight=False)
    return typer.Exit(2)


def _check_device(device: str) -> None:
    """Refuse a device this machine lacks before the crawl starts (auto always exists)."""
    if device != "auto":
        resolve_device(device)


@contextmanager
def _step_progress() -> Iterator[Callable[[str, int, int], None]]:
    """A progress bar per pipeline step; yields the ``report(step, done, total)`` callback the steps call."""
    with Progress(TextColumn("{task.description:<10}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  console=console, transient=False) as bar:
        tasks: dict[str, int] = {}

        def report(step: str, done: int, total: int) -> None:
            if step not in tasks:
                tasks[step] = bar.add_task(step, total=max(total, 1))
            bar.update(tasks[step], completed=done if total else 1, total=max(total, 1))

        yield report


def _scan(db: Path, sources, origin: str, profiles, device: str = "auto",
          dask: str | None = None) -> "ScanSummary":  # noqa: F821 - lazy
    from pipelines.scan import run_scan

    try:
        with _step_progress() as report:
            return run_scan(db, sources, origin, profiles, report, device=device,
                            dask=parse_dask(dask) if dask else None)
    except ClusterError as exc:  # a scheduler that cannot be reached or has no workers
        errors.print(f"error: {exc}", markup=False, highlight=False)
        raise typer.Exit(2) from None


def _print_summary(summary) -> None:
    statuses = ", ".join(f"{n} {status}" for status, n in sorted(summary.sources.items()))
    console.print(f"scan {summary.scan_id}: sources {statuses}; {summary.postings_seen} postings seen, "
                  f"{summary.postings_added} new; {summary.embedded} embedded; {summary.classified} classified; "
                  f"{summary.skills_read} read for skills"
                  + (f"; {summary.title_only} seen without a description (judged from the title only)"
                     if summary.title_only else "")
                  + "".join(f"; {n} scored for {name}" for name, n in summary.scored.items()))
    if summary.unread:
        table = Table("source", "status", "why", title="Sources not read", title_justify="left")
        for company, status, why in summary.unread:
            table.add_row(company, status, why, style="red")
        console.print(table)


@app.command()
def scan(sources: Annotated[Path, typer.Option("--sources", help="Sources TOML file.")],
         profile: Annotated[list[Path] | None, typer.Option("--profile", help="Profile to score (repeatable).")] = None,
         db: DbOption = None, device: DeviceOption = "auto", dask: DaskOption = None) -> None:
    """Crawl the boards in a sources file into the warehouse, then embed, classify and score.

    Exits 3 when no source could be read (each one's reason is in the table printed), 0 when any was.
    """
    with user_errors():
        if dask:
            parse_dask(dask)
        source_list = load_sources(sources)
        profiles = [load_profile(p) for p in profile or []]
        _check_device(device)
        # a warehouse that cannot be written, or the HTTP cache held by another scan: one line too
        summary = _scan(resolve_db_path(db), source_list, str(sources), profiles, device, dask)
    _print_summary(summary)
    if not summary.any_source_read:
        errors.print(f"error: no source in {sources} could be read (reasons above)", markup=False, highlight=False)
        raise typer.Exit(NO_SOURCE_READ)


def _write_jsonl(rows: list[dict], output: Path | None) -> None:
    text = "".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows)
    if output:
        with user_errors():
            replace_file(output, lambda temporary: temporary.write_text(text, encoding="utf-8"))
    else:
        sys.stdout.write(text)


def _file_segments(records: list[dict]) -> list:
    """Role and boilerplate segments of a file's postings, read together: `load` makes a file one board."""
    from models.sections import segment_batch

    return segment_batch(records, lambda record: "file")


def _classify_records(postings: list[dict]) -> list:
    from models.embedder import Embedder
    from models.hire_type import HireTypeModel
    from models.sections import boilerplate_spans, role_text

    role_texts = [role_text(p["description"], boilerplate_spans(segments))
                  for p, segments in zip(postings, _file_segments(postings))]
    return HireTypeModel.load().predict_postings(postings, Embedder().encode, role_texts)


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
    """Skill spans each posting's role content names, with offsets into its description and must/nice: the
    gazetteer's names and the trained tagger's spans, each linked to the taxonomy (name, taxonomy id) or unlinked
    (its text only); and its sections (role content or company boilerplate) with their offsets."""
    from models.embedder import Embedder, MemoEncoder
    from models.linking import load_reader
    from models.sections import boilerplate_spans, role_text
    from models.skills import SkillExtractor

    with user_errors():
        records = read_postings_file(postings)
        reader = load_reader(SkillExtractor.load(), MemoEncoder(Embedder().encode))
    rows = []
    segments_of = _file_segments(records)
    roles = [role_text(record["description"], boilerplate_spans(segments))
             for record, segments in zip(records, segments_of)]
    for record, segments, found in zip(records, segments_of, reader.read_many(roles)):
        row = {"id": record["id"], "skills": [s.to_dict() for s in found],
               "sections": [{"kind": s.kind, "start": s.start, "end": s.end, "why": s.why} for s in segments]}
        if record["description_converted"]:
            row["description"] = record["description"]  # the offsets point into this text, converted from HTML
        rows.append(row)
    _write_jsonl(rows, output)


@app.command()
def fit(postings: Path,
        profile: Annotated[Path, typer.Option("--profile", help="Resume (.md/.txt) or profile TOML.")],
        output: OutOption = None) -> None:
    """Fit score 0-100 and tier of a profile against each posting in a JSONL file, with the explanation.

    The file is read as a scan reads a board: normalised, segmented, classified for hire type, read for skills."""
    from models.embedder import Embedder, MemoEncoder
    from models.fit import FitScorer
    from models.skills import SkillExtractor
    from pipelines.fit import file_inputs

    with user_errors():
        read_postings_file(postings)  # a bad file fails here with its line number, before the model loads
        person = load_profile(profile)
    encode, extractor = MemoEncoder(Embedder().encode), SkillExtractor.load()  # classify and score: one encode
    records, rejected = file_inputs(postings, encode, extractor)
    for native_id, why in rejected:
        errors.print(f"note: {postings}: posting {native_id!r} skipped: {why}", markup=False, highlight=False)
    results = FitScorer(extractor, encode).score_many(person, records)
    _write_jsonl([{"id": r["id"], "fit_score": res.fit_score, "hire_type": r["hire_type"],
                   "expertise_probability": r["expertise_probability"], **res.to_dict()}
                  for r, res in zip(records, results)], output)


@app.command()
def score(profile: Annotated[list[Path], typer.Option("--profile", help="Profile to score (repeatable).")],
          db: DbOption = None, device: DeviceOption = "auto") -> None:
    """Score the warehouse's open postings for each profile (those with no current score), as a scan would."""
    from models.embedder import Embedder
    from models.skills import SkillExtractor
    from pipelines.fit import score_profile

    with user_errors():
        people = [load_profile(p) for p in profile]
        _check_device(device)
        path = _existing_db(db)
    embedder, extractor = Embedder(device=device), SkillExtractor.load()
    for person in people:
        console.print(f"{score_profile(path, person, embedder, extractor)} postings scored for {person.name}",
                      markup=False, highlight=False)


def _json_columns(cursor) -> set[str]:
    """The result's columns of DuckDB type JSON (their values come back as text)."""
    return {name for name, kind, *_ in cursor.description or [] if kind == "JSON"}


def _print_rows(columns: list[str], rows: Iterable[tuple], fmt: str, json_columns: set[str] = frozenset()) -> None:
    """Rows as a table, CSV or JSON; CSV and JSON are written as the rows come (a query's result is streamed).
    In JSON, the ``json_columns`` are written as the objects they hold, not as strings."""
    if fmt == "json":
        sys.stdout.write("[")
        for number, row in enumerate(rows):
            record = {c: json.loads(v) if c in json_columns and isinstance(v, str) else v for c, v in zip(columns, row)}
            sys.stdout.write(("," if number else "") + "\n " + json.dumps(record, default=str))
        sys.stdout.write("\n]\n")
    elif fmt == "csv":
        writer = csv.writer(sys.stdout, lineterminator="\n")  # as DuckDB's CLI: shell tools see no \r
        writer.writerow(columns)
        writer.writerows(rows)
    else:
        table = Table(*columns)
        for column in table.columns:
            column.overflow, column.max_width = "fold", 36
        for row in rows:
            table.add_row(*("" if v is None else str(v) for v in row))
        console.print(table)


SQL_BATCH_ROWS = 1000


def _result_rows(cursor, limit: int) -> Iterator[tuple]:
    """A query's rows, fetched SQL_BATCH_ROWS at a time (the whole result is never held), at most ``limit``
    of them (0: all)."""
    left = limit or None
    while left is None or left > 0:
        batch = cursor.fetchmany(SQL_BATCH_ROWS if left is None else min(SQL_BATCH_ROWS, left))
        if not batch:
            return
        if left is not None:
            left -= len(batch)
        yield from batch


@app.command()
def sql(query: str, db: DbOption = None, fmt: FormatOption = "table",
        limit: Annotated[int, typer.Option("--limit", help="Rows to print at most; 0 prints all.")] = 1000,
        timeout: Annotated[float, typer.Option("--timeout", help="Seconds before the query is stopped.")] = 60.0,
        memory_limit: Annotated[str, typer.Option("--memory-limit", help="DuckDB's memory limit for the query "
                                                                          "(512MB, 4GB).")] = "2GB") -> None:
    """Run a read-only SQL query over the warehouse (files and network are off), within a row, time and
    memory limit."""
    import threading

    import duckdb

    _check_format(fmt)
    if limit < 0 or timeout <= 0:
        raise _error_exit("--limit must be 0 (all rows) or more, --timeout more than 0 seconds")
    with user_errors(), reader(resolve_db_path(db), memory_limit=memory_limit) as con:
        stopper = threading.Timer(timeout, con.interrupt)
        stopper.start()
        try:
            cursor = con.execute(query)
            _print_rows([d[0] for d in cursor.description or []], _result_rows(cursor, limit), fmt,
                        _json_columns(cursor))
            cut = limit and cursor.fetchone() is not None
        except duckdb.InterruptException:
            raise _error_exit(f"query stopped after {timeout:g} s (--timeout sets how long it may run)") from None
        except (duckdb.OutOfMemoryException, MemoryError):
            raise _error_exit(f"query ran out of memory (--memory-limit {memory_limit}); select fewer "
                              "rows or columns, or raise the limit") from None
        except duckdb.Error as exc:  # the first line says what; the rest points into the query
            raise _error_exit(str(exc).splitlines()[0]) from None
        finally:
            stopper.cancel()
    if cut:
        errors.print(f"note: the first {limit} rows; --limit N shows more (0: all)", markup=False, highlight=False)


@app.command()
def train(shared: Annotated[Path, typer.Option(help="The shared data folder with the labelled postings' texts.")]
          = HERE.parent / "shared" / "data") -> None:
    """Rebuild the hire-type model, then the fit ranker (it reads hire-type calls) from the graded data, then
    the skill tagger from SkillSpan; prints their cross-validated, held-out and dev scores."""
    from models.train import evaluate_and_train, flat
    from models.train_fit import train as train_fit
    from models.train_tagger import train as train_tagger

    with user_errors():
        metrics = {f"hire_type.{k}": v for k, v in flat(evaluate_and_train(shared)).items()}
        metrics |= {f"fit.{k}": v for k, v in train_fit(shared).items()}
        metrics |= {f"skill_tagger.{k}": v for k, v in train_tagger(shared).items()}
    _print_rows(["metric", "value"], sorted((k, str(v)) for k, v in metrics.items()), "table")


@app.command()
def demo(db: DbOption = None, device: DeviceOption = "auto") -> None:
    """Scan the bundled recorded boards on a loopback server, score the sample profile, print the ranking."""
    import dataclasses

    from scrapers.replay import ReplayServer

    with user_errors():
        _check_device(device)
    path = resolve_db_path(db)
    profile = load_profile(DEMO / "profile.toml")
    with ReplayServer(DEMO / "boards") as server:
        sources = [dataclasses.replace(s, url=f"{server.base_url}/{s.ats}/{s.board}.json")
                   for s in load_sources(DEMO / "sources.toml")]
        console.print(f"Replaying {len(sources)} recorded boards from {server.base_url} (offline)")
        with user_errors():
            _print_summary(_scan(path, sources, "demo", [profile], device))
    with reader(path) as con:
        postings = con.execute("""
            SELECT round(fit_score)::INTEGER AS fit, company, title, hire_type AS hire,
                   coalesce(remote, '') AS remote, coalesce(explanation->>'$.gates[0]', '') AS breaks
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


# --- more ways in: `sources add` (a careers URL → a [[source]]) and `load` (a postings file) ---------

sources_app = typer.Typer(help="Edit a sources file.", no_args_is_help=True)
app.add_typer(sources_app, name="sources")


@sources_app.command("add")
def sources_add(url: str,
                sources: Annotated[Path, typer.Option("--sources", help="Sources TOML file (created if missing).")]
                = Path("sources.toml"),
                company: Annotated[str | None, typer.Option("--company", help="Company name (default: a guess "
                                                                               "from the URL).")] = None) -> None:
    """Add a careers/board URL: its ATS board when the URL shows one, else the page's schema.org JobPostings."""
    with user_errors():
        source = source_for_url(url, company)
        add_source(sources, source)
    console.print(f"added {source['company']} ({source['ats']} board {source['board']}) to {sources}",
                  markup=False, highlight=False)


@app.command()
def load(file: Path, db: DbOption = None) -> None:
    """Import postings from a JSONL file (the classify/fit contract) or a JobSpy CSV export, then enrich them."""
    from pipelines.imports import import_postings
    from scrapers.files import read_import

    with user_errors():
        postings = read_import(file)
    with user_errors(), _step_progress() as report:
        summary = import_postings(resolve_db_path(db), file, postings, report)
    console.print(f"load {summary.scan_id}: {summary.read} postings read, {summary.added} new, "
                  f"{summary.rejected} rejected; " + ", ".join(f"{step} {n}" for step, n in summary.steps.items()),
                  markup=False, highlight=False)


# --- Prefect flows: `run` once now, `serve` on schedules (flows.py) ---

class FlowName(str, Enum):
    market_scan = "market-scan"
    weekly_targets = "weekly-targets"
    skill_trends = "skill-trends"


FlowSourcesOption = Annotated[Path | None, typer.Option("--sources", help="Sources TOML file (market-scan).")]
FlowProfilesOption = Annotated[list[Path] | None, typer.Option(
    "--profile", help="Profile (repeatable): scored by market-scan, ranked for by weekly-targets.")]


@app.command("run")
def run_flow(name: Annotated[FlowName, typer.Argument(help="market-scan | weekly-targets | skill-trends")],
             sources: FlowSourcesOption = None, profile: FlowProfilesOption = None,
             week: Annotated[str | None, typer.Option("--week", help="YYYY-Www or a day in it (weekly-targets, "
                                                                     "skill-trends); default: this week.")] = None,
             db: DbOption = None, dask: DaskOption = None) -> None:
    """Run one flow once now, through Prefect (a temporary local API unless PREFECT_API_URL is set)."""
    profiles = profile or []
    if name is FlowName.market_scan and (not sources or week):
        raise _error_exit("market-scan takes --sources (required), --profile and --dask, not --week")
    if dask and name is not FlowName.market_scan:
        raise _error_exit(f"--dask is for market-scan, not {name.value}")
    if name is FlowName.weekly_targets and (not profiles or sources):
        raise _error_exit("weekly-targets takes --profile (required, repeatable) and --week, not --sources")
    if name is FlowName.skill_trends and (sources or profiles):
        raise _error_exit("skill-trends takes --week only, not --sources or --profile")
    with user_errors():
        if dask:
            parse_dask(dask)
        if sources:
            load_sources(sources)
        for path in profiles:
            load_profile(path)
    from pipelines.targets import TargetsError, week_start

    try:
        week_start(week)
    except TargetsError as exc:
        raise _error_exit(str(exc)) from None
    import flows

    path = resolve_db_path(db)
    try:
        if name is FlowName.market_scan:
            summary = flows.market_scan(sources, profiles, path, dask)
        elif name is FlowName.weekly_targets:
            summary = flows.weekly_targets(profiles, week, path)
        else:
            summary = flows.skill_trends(week, path)
    except Exception as exc:  # the flow run is failed and recorded; say why in one line
        errors.print(f"error: {name.value} failed: {exc}", markup=False, highlight=False)
        raise typer.Exit(1) from None
    sys.stdout.write(json.dumps(summary, indent=1, default=str) + "\n")


@app.command()
def serve(sources: Annotated[Path | None, typer.Option(
              "--sources", help="Sources TOML file: scanned on --scan-cron (no market-scan without it).")] = None,
          profile: FlowProfilesOption = None,
          scan_cron: Annotated[str, typer.Option("--scan-cron", help="When to scan (cron, local time).")]
          = "0 6 * * *",
          weekly_cron: Annotated[str, typer.Option("--weekly-cron", help="When to build the weekly targets and "
                                                                         "trends (cron, local time).")]
          = "0 7 * * 1",
          port: Annotated[int, typer.Option("--port", help="Port of the local Prefect server (127.0.0.1).")] = 4200,
          db: DbOption = None, dask: DaskOption = None) -> None:
    """Run the flows on cron schedules until Ctrl-C, on a local Prefect server it starts (or $PREFECT_API_URL)."""
    if dask and not sources:
        raise _error_exit("--dask is for the market-scan deployment, which needs --sources")
    with user_errors():
        if dask:
            parse_dask(dask)
        if sources:
            load_sources(sources)
        for path in profile or []:
            load_profile(path)
    import flows

    for option, expression in (("--scan-cron", scan_cron), ("--weekly-cron", weekly_cron)):
        try:
            flows.check_cron(expression)
        except ValueError as exc:
            raise _error_exit(f"{option}: {exc}") from None
    try:
        flows.serve(sources, profile or [], resolve_db_path(db), scan_cron, weekly_cron, port, dask)
    except flows.PrefectServerError as exc:
        errors.print(f"error: {exc}", markup=False, highlight=False)
        raise typer.Exit(1) from None

# --- end of Prefect flows commands ---


# --- weekly targets, skill trends, roadmap, report and export (pipelines/targets|trends|roadmap|report.py) ---

WeekOption = Annotated[str | None, typer.Option("--week", help="ISO week: YYYY-Www or any day in it (YYYY-MM-DD); "
                                                               "default: this week.")]
_TARGET_COLUMNS = ["profile", "rank", "company", "score", "open_roles", "best_fit", "hire_type_mix", "change",
                   "reason", "best_posting_id"]


@contextmanager
def insight_errors() -> Iterator[None]:
    """user_errors, plus what the targets, roadmap, pitch and report steps refuse."""
    from pipelines.pitch import PitchError
    from pipelines.report import ReportError
    from pipelines.roadmap import RoadmapError
    from pipelines.targets import TargetsError

    with user_errors():
        try:
            yield
        except (TargetsError, RoadmapError, ReportError, PitchError) as exc:
            errors.print(f"error: {exc}", markup=False, highlight=False)
            raise typer.Exit(2) from None


def _check_format(fmt: str, allowed: tuple[str, ...] = ("table", "csv", "json")) -> None:
    if fmt not in allowed:
        errors.print(f"error: --format must be {' | '.join(allowed)}, not {fmt!r}", markup=False, highlight=False)
        raise typer.Exit(2)


def _existing_db(db: Path | None) -> Path:
    path = resolve_db_path(db)
    if not path.exists():
        raise FileNotFoundError(f"{path}: no warehouse here yet (run `marketfit scan` or `marketfit demo` first)")
    return path


def _rank_targets(path: Path, profile_file: Path, monday) -> str:
    """Build and store the profile's list for the week; returns the profile's name."""
    from models.skills import SkillExtractor
    from pipelines.targets import build_targets

    from models.embedder import Embedder
    from pipelines.fit import score_profile

    person = load_profile(profile_file)
    extractor = SkillExtractor.load()
    score_profile(path, person, Embedder(), extractor)  # postings loaded or scanned since are scored first
    build_targets(path, person, extractor, monday)
    return person.name


def _build_roadmap(path: Path, profile_file: Path, limit: int = 15) -> list:
    from models.embedder import Embedder
    from models.skills import SkillExtractor
    from models.vector_cache import embed_texts
    from pipelines.roadmap import build_roadmap

    person = load_profile(profile_file)
    embedder = Embedder()
    return build_roadmap(path, person, SkillExtractor.load(), lambda texts: embed_texts(path, embedder, texts), limit)


def _print_pitch_notes(rows: list[dict]) -> None:
    for row in rows:
        if not row["pitch_notes"]:
            continue
        notes = json.loads(row["pitch_notes"])
        lines = [f"{row['rank']}. {row['company']}: {notes['title']} (fit {notes['fit']:.0f})", f"   {notes['advice']}"]
        if notes["lead_with"]:
            lines.append("   Lead with:")
        for bullet in notes["lead_with"]:
            flag = "" if bullet["quantified"] else "  [add a number]"
            lines += [f"   - {bullet['bullet']}{flag}", f"       answers: {bullet['answers']}"]
        console.print("\n".join(lines), markup=False, highlight=False, soft_wrap=True)


@app.command()
def targets(profile: Annotated[Path | None, typer.Option(
                "--profile", help="Profile (resume or TOML) to rank companies for; without it, show the lists "
                                  "stored for the week.")] = None,
            week: WeekOption = None, fmt: FormatOption = "table",
            pitch: Annotated[bool, typer.Option("--pitch", help="Add the pitch notes for the top targets.")] = False,
            limit: Annotated[int, typer.Option("--limit", help="Companies to show per profile.")] = 20,
            wide: Annotated[bool, typer.Option("--wide", help="Every column, however wide the terminal.")] = False,
            db: DbOption = None) -> None:
    """The week's ranked target companies: best-fitting roles, freshness, momentum, hire-type mix, change."""
    from pipelines.targets import TargetsError, week_start

    _check_format(fmt)
    with insight_errors():
        monday = week_start(week)
        path = _existing_db(db)
        name = _rank_targets(path, profile, monday) if profile else None
        with reader(path) as con:
            cursor = con.execute(f"""
                SELECT {', '.join(_TARGET_COLUMNS)}, pitch_notes FROM target_companies_weekly
                WHERE week = $1 AND ($2 IS NULL OR profile = $2) AND (rank IS NULL OR rank <= $3)""",
                                 [monday, name, limit])
            rows = [dict(zip(_TARGET_COLUMNS + ["pitch_notes"], row)) for row in cursor.fetchall()]
            json_columns = _json_columns(cursor)
        if not rows:
            raise TargetsError(f"no target list for the week of {monday}: run `marketfit targets --profile me.toml"
                               f" --week {monday}`")
    columns = _TARGET_COLUMNS + (["pitch_notes"] if pitch and fmt != "table" else [])
    if fmt != "table":
        _print_rows(columns, [tuple(row[c] for c in columns) for row in rows], fmt, json_columns)
        return
    cells = {"#": lambda r: "" if r["rank"] is None else str(r["rank"]), "company": lambda r: r["company"],
             "score": lambda r: "" if r["score"] is None else f"{r['score']:.1f}",
             "best fit": lambda r: "" if r["best_fit"] is None else f"{r['best_fit']:.0f}",
             "change": lambda r: r["change"], "why": lambda r: r["reason"], "open": lambda r: str(r["open_roles"]),
             "hire types": lambda r: r["hire_type_mix"] or "", "profile": lambda r: r["profile"]}
    text = {column: [cell(row) for row in rows] for column, cell in cells.items()}
    shown = list(cells) if wide else _columns_that_fit(text, console.width, stretchy="why")
    table = Table(*shown, title=f"Target companies, week of {monday}")
    for column in table.columns:
        column.no_wrap = not wide and column.header != "why"
    for number in range(len(rows)):
        table.add_row(*(text[column][number] for column in shown))
    # --wide: each cell on one line, however long the lines get (for a wide terminal or `less -S`)
    (Console(width=_line_width(text)) if wide else console).print(table)
    left_out = [column for column in cells if column not in shown]
    if left_out:
        console.print(f"({', '.join(left_out)}: --wide or --format json)", markup=False, highlight=False)
    if pitch:
        console.print("\nPitch notes", style="bold")
        _print_pitch_notes(rows)


def _line_width(text: dict[str, list[str]]) -> int:
    """The width of a table whose every cell, headers included, is on one line."""
    return 1 + sum(max(len(column), *(len(v) for v in values)) + 3 for column, values in text.items())


def _columns_that_fit(text: dict[str, list[str]], width: int, stretchy: str, stretchy_min: int = 24) -> list[str]:
    """The leading columns (in ``text``'s order) whose widest cells fit ``width`` terminal columns, each cell on
    one line; the ``stretchy`` column counts ``stretchy_min`` (it wraps into whatever width is left)."""
    shown, used = [], 1   # the table's left border; each column adds its padding and the border after it
    for column, values in text.items():
        needed = stretchy_min if column == stretchy else max(len(column), *(len(v) for v in values))
        if used + needed + 3 > width:
            break
        shown.append(column)
        used += needed + 3
    return shown


def _say_why_no_trend(totals: tuple[int, int], weeks: int, floor: int) -> None:
    recent, prior = totals
    errors.print(f"no skill trend: the last {weeks} weeks hold {recent} dated postings read for skills and the "
                 f"{weeks} before {prior}; a trend needs at least {floor} (--floor) in each window and a skill named "
                 f"in {floor} of them; try --weeks 52 --floor 2", markup=False, highlight=False)


@app.command()
def trends(weeks: Annotated[int, typer.Option("--weeks", help="Compare the last N weeks with the N before.")] = 13,
           segment: Annotated[str | None, typer.Option(
               "--segment", help="role | remote | country, optionally =VALUE (role=data): the skills each segment "
                                 "asks for above the market")] = None,
           floor: Annotated[int, typer.Option("--floor", help="Fewest mentions for a trend or a lift.")] = 5,
           limit: Annotated[int, typer.Option("--limit", help="Rows to show.")] = 20,
           fmt: FormatOption = "table", db: DbOption = None) -> None:
    """Skill demand: the fastest-rising skills over N weeks, or the skills a segment asks for most."""
    from pipelines import trends as skill_trends

    _check_format(fmt)
    kind, _, value = (segment or "").partition("=")
    if weeks < 1 or floor < 0 or limit < 1 or (segment and kind not in skill_trends.SEGMENT_KINDS):
        errors.print(f"error: --weeks and --limit must be at least 1, --floor at least 0, --segment one of "
                     f"{' | '.join(skill_trends.SEGMENT_KINDS)} (optionally =VALUE)", markup=False, highlight=False)
        raise typer.Exit(2)
    with insight_errors(), reader(resolve_db_path(db)) as con:
        if segment:
            found = skill_trends.skill_lift(con, kind, value or None, min_postings=floor)
            columns = ["segment", "skill", "postings", "share", "overall_share", "lift", "segment_postings"]
            rows = [tuple(r[c] for c in columns) for r in found][:limit]
        else:
            found = [r for r in skill_trends.skill_growth(con, weeks, floor) if r["trend"] is not None]
            found.sort(key=lambda r: (r["trend"] != "new", -(r["growth"] or 0), -r["recent_postings"], r["skill"]))
            columns = ["skill", "trend", "recent_postings", "prior_postings", "recent_share", "prior_share", "growth"]
            rows = [tuple(r[c] for c in columns) for r in found][:limit]
            if not rows:
                _say_why_no_trend(skill_trends.window_totals(con, weeks), weeks, floor)
    if fmt == "table":
        rows = [tuple(f"{v:.3f}" if isinstance(v, float) else v for v in row) for row in rows]
    _print_rows(columns, rows, fmt)


@app.command()
def roadmap(profile: Annotated[Path, typer.Option("--profile", help="Resume (.md/.txt) or profile TOML.")],
            limit: Annotated[int, typer.Option("--limit", help="Skills to keep.")] = 15,
            fmt: FormatOption = "table", db: DbOption = None) -> None:
    """The skills your best target postings ask for that your resume lacks, by how many postings they lift."""
    from pipelines.report import nothing_moved

    _check_format(fmt)
    with insight_errors():
        found = _build_roadmap(_existing_db(db), profile, limit)
    note = nothing_moved([r.postings_moved for r in found])
    if note:
        errors.print(note, markup=False, highlight=False)
    columns = ["rank", "skill", "group", "postings_moved", "demand_share", "growth_13w", "return_score", "examples"]
    rows = [(rank, r.skill, r.group, r.postings_moved, r.demand_share, r.growth_13w, r.return_score,
             r.examples if fmt == "json" else "; ".join(
                 f"{e['company']}: {e['title']} ({e['fit_before']:.0f}→{e['fit_after']:.0f})" for e in r.examples))
            for rank, r in enumerate(found, start=1)]
    _print_rows(columns, rows, fmt)


@app.command()
def pitch(profile: Annotated[Path, typer.Option("--profile", help="Resume (.md/.txt) or profile TOML.")],
          posting: Annotated[str, typer.Option("--posting", help="Posting id (targets' best_posting_id).")],
          fmt: Annotated[str, typer.Option("--format", help="md | json")] = "md", db: DbOption = None) -> None:
    """The pitch kit for one scored posting: the customer's pain, end users, value, release notes, press release,
    roadmap and fit with the market, every claim with its evidence."""
    from pipelines.pitch import build_kit, kit_markdown

    _check_format(fmt, ("md", "json"))
    with insight_errors():
        path = _existing_db(db)
        person = load_profile(profile)
        with reader(path) as con:
            kit = build_kit(con, person, posting)
    if fmt == "json":
        sys.stdout.write(json.dumps(kit, ensure_ascii=False, indent=1, default=str) + "\n")
    else:
        sys.stdout.write(kit_markdown(kit))


def _print_written(written: list[tuple[Path, bool]]) -> None:
    console.print("\n".join(f"{'replaced' if replaced else 'wrote'} {path}" for path, replaced in written),
                  markup=False, highlight=False)


@app.command()
def report(profile: Annotated[Path | None, typer.Option(
               "--profile", help="Profile to rank targets and build the roadmap for first; without it, the list "
                                 "stored for the week.")] = None,
           week: WeekOption = None,
           output: Annotated[Path, typer.Option("--output", "-o", help="Folder for the .html and .md files.")]
           = Path("."),
           db: DbOption = None) -> None:
    """The week's report: one self-contained HTML page (targets, trend charts, roadmap, pitch notes) + Markdown."""
    from pipelines.report import write_report
    from pipelines.targets import week_start

    with insight_errors():
        monday = week_start(week)
        path = _existing_db(db)
        name = None
        if profile:
            name = _rank_targets(path, profile, monday)
            _build_roadmap(path, profile)
        written = write_report(path, monday, output, name)
    _print_written(written)


@app.command()
def export(fmt: Annotated[str, typer.Option("--format", help="parquet | csv")] = "parquet",
           output: Annotated[Path, typer.Option("--output", "-o", help="Folder: one file per public view.")]
           = Path("export"),
           db: DbOption = None) -> None:
    """Write the public views (postings_current, scan_log, target_companies_weekly, skill_demand_*, ...) to files."""
    from pipelines.report import EXPORT_FORMATS, export_views

    _check_format(fmt, EXPORT_FORMATS)
    with insight_errors():
        written = export_views(resolve_db_path(db), output, fmt)
    _print_written(written)

# --- end of targets, trends, roadmap, report and export commands ---


# --- backup and restore ---
@app.command()
def backup(folder: Annotated[Path, typer.Argument(help="New (or empty) folder for the backup.")],
           db: DbOption = None) -> None:
    """Copy the whole warehouse into a folder as Parquet (DuckDB EXPORT DATABASE); `marketfit restore` reads it."""
    from warehouse.db import backup_warehouse

    path = resolve_db_path(db)
    with user_errors():
        backup_warehouse(path, folder)
    console.print(f"backed up {path} to {folder}", markup=False, highlight=False)


@app.command()
def restore(folder: Annotated[Path, typer.Argument(help="A folder written by `marketfit backup`.")],
            db: Annotated[Path, typer.Option("--db", help="The new warehouse file to create (must not exist).")]
            ) -> None:
    """Create a new warehouse file from a backup folder (DuckDB IMPORT DATABASE)."""
    from warehouse.db import restore_warehouse

    with user_errors():
        restore_warehouse(folder, db)
    console.print(f"restored {folder} into {db}", markup=False, highlight=False)
# --- end of backup and restore ---


if __name__ == "__main__":
    app()
