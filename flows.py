"""Prefect flows: compose the pipeline steps and run them on schedules; the logic lives in pipelines/ and models/.

Tasks work on whole batches (seconds each); the crawl, the one step with network
I/O, is retried. Every flow run is recorded in the warehouse (flow_runs, and
check_results for the data checks). Prefect keeps its own state (runs, schedules)
in PREFECT_HOME, by default the `prefect` folder in the marketfit user data dir.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from pathlib import Path

from platformdirs import user_data_dir

os.environ.setdefault("DO_NOT_TRACK", "1")
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("PREFECT_HOME", str(Path(user_data_dir("marketfit", appauthor=False)) / "prefect"))
# `marketfit run` starts a temporary API; its first start creates Prefect's database, slow on a busy machine
os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "90")

import prefect
from prefect import flow, get_run_logger, task
from prefect.cache_policies import NO_CACHE
from prefect.client.schemas.schedules import CronSchedule
from prefect.deployments.runner import EntrypointType, RunnerDeployment
from prefect.runtime import flow_run
from prefect.schedules import Cron
from prefect.settings import PREFECT_API_URL, PREFECT_HOME, PREFECT_UI_URL, temporary_settings
from tzlocal import get_localzone_name

from models.profile import Profile, load_profile
from pipelines.checks import CheckResult, record_run, run_checks
from pipelines.fit import score_profile
from pipelines.cluster import Cluster, open_cluster, parse_dask
from pipelines.scan import SCAN_STEPS, ScanModels, Step, crawl_and_load, title_only_seen
from pipelines.targets import build_targets, week_start
from pipelines.trends import build_trends
from scrapers.items import Source
from scrapers.sources import load_sources
from warehouse.db import resolve_db_path

SERVER_START_S = 90.0


class DataCheckError(RuntimeError):
    """Data checks of severity error found failing rows."""


class PrefectServerError(RuntimeError):
    """The local Prefect server did not start."""


# --- tasks: thin wrappers over pipelines/, one batch each ------------------------------------------------

@task(retries=2, retry_delay_seconds=30, cache_policy=NO_CACHE)
def crawl(db: Path, sources: list[Source], origin: str, cluster: Cluster | None) -> tuple[int, list[dict], int]:
    """Crawl every source in one child process (or in shards on the cluster) and load what came back;
    (scan_id, statuses, added)."""
    return crawl_and_load(db, sources, origin, cluster)


@task(cache_policy=NO_CACHE, task_run_name="{step.name}", log_prints=True)
def run_step(db: Path, step: Step, models: ScanModels) -> int:
    return step.run(db, models, lambda done, total: print(f"{step.name}: {done}/{total}"))


@task(cache_policy=NO_CACHE, task_run_name="fit-{profile.name}")
def fit(db: Path, profile: Profile, models: ScanModels) -> int:
    return score_profile(db, profile, models.embedder, models.skills)


@task(cache_policy=NO_CACHE)
def check(db: Path) -> list[CheckResult]:
    return run_checks(db)


@task(cache_policy=NO_CACHE, task_run_name="targets-{profile.name}")
def targets(db: Path, profile: Profile, models: ScanModels, week: date) -> dict:
    made = build_targets(db, profile, models.skills, week)
    return {"ranked": made.ranked, "dropped": made.dropped, "pitch": made.pitch.kind}


@task(cache_policy=NO_CACHE)
def trends(db: Path, week: date):
    return build_trends(db, week)


# --- flows ------------------------------------------------------------------------------------------------

@dataclass
class RunRecord:
    summary: dict = field(default_factory=dict)
    checks: list[CheckResult] = field(default_factory=list)
    scan_id: int | None = None


@contextmanager
def recorded(db: Path, flow_name: str) -> Iterator[RunRecord]:
    """Record the run in flow_runs whatever happens: a failure is recorded, then re-raised."""
    started, record = datetime.now(timezone.utc), RunRecord()
    prefect_id = flow_run.id

    def write(status: str, error: str | None = None) -> None:
        record_run(db, flow=flow_name, prefect_id=prefect_id, started_at=started, status=status,
                   summary=record.summary, checks=record.checks, scan_id=record.scan_id, error=error)
    try:
        yield record
    except Exception as exc:
        write("failed", f"{type(exc).__name__}: {exc}")
        raise
    write("completed")


@flow(name="market-scan")
def market_scan(sources_file: Path, profile_files: list[Path] | None = None, db: Path | None = None,
                dask: str | None = None) -> dict:
    """Crawl every source, load, run the scan steps on new content, score each profile, check the data.

    ``dask`` (a scheduler address or local:N): the crawl and the embedding fan out on that cluster
    (pipelines/cluster.py), opened for this run."""
    db = resolve_db_path(db)
    logger = get_run_logger()
    with recorded(db, "market-scan") as run, open_cluster(parse_dask(dask), db) if dask else nullcontext() as cluster:
        sources = load_sources(sources_file)
        profiles = [load_profile(p) for p in profile_files or []]
        run.scan_id, statuses, added = crawl(db, sources, str(sources_file), cluster)
        models = ScanModels(cluster=cluster)  # one per flow run: the steps share each model, loaded once
        run.summary = {
            "scan_id": run.scan_id,
            "sources": dict(Counter(s["status"] for s in statuses)),
            "postings_seen": sum(s["items"] for s in statuses),
            "postings_added": added,
            "steps": {step.name: run_step(db, step, models) for step in SCAN_STEPS},
            "title_only": title_only_seen(db, run.scan_id),
            "scored": {profile.name: fit(db, profile, models) for profile in profiles},
        }
        run.checks = check(db)
        for result in run.checks:
            if not result.passed:
                (logger.error if result.fails_run else logger.warning)(result.describe())
        run.summary["checks_failed"] = [c.name for c in run.checks if not c.passed]
        failing = [c.name for c in run.checks if c.fails_run]
        if failing:
            raise DataCheckError(f"data checks failed: {', '.join(failing)}")
    return run.summary


@flow(name="weekly-targets")
def weekly_targets(profile_files: list[Path], week: str | None = None, db: Path | None = None) -> dict:
    """Each profile's ranked target companies for a week (YYYY-Www or a day in it; default: this week)."""
    db = resolve_db_path(db)
    with recorded(db, "weekly-targets") as run:
        monday = week_start(week)
        profiles = [load_profile(p) for p in profile_files]
        models = ScanModels()  # loaded once for every profile
        # scores missing for postings loaded or scanned since (another profile's scan, `marketfit load`) first
        scored = {p.name: fit(db, p, models) for p in profiles}
        run.summary = {"week": monday.isoformat(), "scored": scored,
                       "targets": {p.name: targets(db, p, models, monday) for p in profiles}}
    return run.summary


@flow(name="skill-trends")
def skill_trends(week: str | None = None, db: Path | None = None) -> dict:
    """The skill-demand trends up to a week (YYYY-Www or a day in it; default: this week)."""
    db = resolve_db_path(db)
    with recorded(db, "skill-trends") as run:
        monday = week_start(week)
        run.summary = {"week": monday.isoformat(), "trends": trends(db, monday)}
    return run.summary


# --- schedules --------------------------------------------------------------------------------------------

def check_cron(expression: str) -> str:
    """The expression if Prefect can schedule it, else ValueError with a one-line message."""
    try:
        CronSchedule(cron=expression)
    except ValueError:
        raise ValueError(f"{expression!r} is not a cron schedule (minute hour day-of-month month day-of-week)") \
            from None
    return expression


def deployments(sources_file: Path | None, profile_files: list[Path], db: Path | None, scan_cron: str,
                weekly_cron: str, dask: str | None = None) -> list[RunnerDeployment]:
    """market-scan when there is a sources file, weekly-targets when there are profiles, skill-trends always.

    Cron times are in the local time zone; paths are made absolute so runs do not depend on a folder.
    """
    zone = get_localzone_name()
    common = {"db": str(Path(db).resolve())} if db else {}
    profiles = [str(Path(p).resolve()) for p in profile_files]

    def deployment(flow_, cron: str, parameters: dict) -> RunnerDeployment:
        return flow_.to_deployment(name="scheduled", schedule=Cron(cron, timezone=zone),
                                   parameters={**parameters, **common}, entrypoint_type=EntrypointType.MODULE_PATH)

    planned = []
    if sources_file:
        scan = {"sources_file": str(Path(sources_file).resolve()), "profile_files": profiles}
        planned.append(deployment(market_scan, scan_cron, {**scan, "dask": dask} if dask else scan))
    if profiles:
        planned.append(deployment(weekly_targets, weekly_cron, {"profile_files": profiles}))
    planned.append(deployment(skill_trends, weekly_cron, {}))
    return planned


def _port_is_free(port: int) -> bool:
    with socket.socket() as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as the server binds: TIME_WAIT is no use
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


@contextmanager
def prefect_api(port: int) -> Iterator[tuple[str, str]]:
    """(API URL, UI URL): $PREFECT_API_URL when set, else a Prefect server of our own on loopback.

    The server runs in its own process group with PREFECT_HOME as its state folder; it is
    stopped, with anything it started, when the block exits.
    """
    if PREFECT_API_URL.value():
        yield PREFECT_API_URL.value(), PREFECT_UI_URL.value()
        return
    if not _port_is_free(port):
        raise PrefectServerError(f"port {port} on 127.0.0.1 is in use: choose another with --port")
    home = Path(PREFECT_HOME.value())
    home.mkdir(parents=True, exist_ok=True)
    base = f"http://127.0.0.1:{port}"
    with open(home / "server.log", "ab") as log:
        server = subprocess.Popen([sys.executable, "-m", "prefect", "server", "start", "--host", "127.0.0.1",
                                   "--port", str(port)], stdout=log, stderr=subprocess.STDOUT,
                                  stdin=subprocess.DEVNULL, start_new_session=True)
    try:
        print(f"Prefect server (pid {server.pid}) starting at {base}; its log: {home / 'server.log'}", flush=True)
        _wait_until_healthy(f"{base}/api/health", server, home / "server.log")
        yield f"{base}/api", base
    finally:
        _stop(server)


def _wait_until_healthy(url: str, server: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + SERVER_START_S
    while time.monotonic() < deadline:
        if server.poll() is not None:
            tail = log.read_text(encoding="utf-8", errors="replace").strip().splitlines()[-1:] or [""]
            raise PrefectServerError(f"the Prefect server exited with code {server.returncode}: {tail[0]}")
        try:
            with urllib.request.urlopen(url, timeout=2) as answer:
                if answer.status == 200:
                    return
        except OSError:  # refused, reset or timed out while it starts
            pass
        time.sleep(0.5)
    raise PrefectServerError(f"the Prefect server did not answer {url} within {SERVER_START_S:.0f} s")


def _stop(server: subprocess.Popen) -> None:
    """SIGTERM to the server's process group; SIGKILL if it has not exited 30 s later."""
    for sig, wait_s in ((signal.SIGTERM, 30), (signal.SIGKILL, 10)):
        try:
            os.killpg(server.pid, sig)
        except ProcessLookupError:
            pass
        try:
            server.wait(timeout=wait_s)
            return
        except subprocess.TimeoutExpired:
            continue


def _stop_on_sigterm(signum, frame) -> None:
    raise KeyboardInterrupt  # unwinds like Ctrl-C, so the server is stopped


def serve(sources_file: Path | None, profile_files: list[Path], db: Path | None, scan_cron: str, weekly_cron: str,
          port: int, dask: str | None = None) -> None:
    """Register the deployments with their cron schedules and run each when due, until Ctrl-C or SIGTERM."""
    planned = deployments(sources_file, profile_files, db, scan_cron, weekly_cron, dask)
    signal.signal(signal.SIGTERM, _stop_on_sigterm)  # the runner installs its own graceful handler once started
    try:
        with prefect_api(port) as (api_url, ui_url):
            print(f"Prefect UI: {ui_url}", flush=True)
            for deployment in planned:
                schedule = deployment.schedules[0].schedule
                print(f"  {deployment.flow_name}/{deployment.name}: {schedule.cron} ({schedule.timezone})", flush=True)
            with temporary_settings({PREFECT_API_URL: api_url}):
                prefect.serve(*planned, print_starting_message=False)
    except KeyboardInterrupt:
        pass
    finally:
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
