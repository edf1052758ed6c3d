"""Crash safety: SIGKILL the loader at random points of a bulk load, then reopen the warehouse.

A scan's load is one transaction (warehouse/load.py), so a killed load must leave the warehouse exactly
as it was before the scan, or (killed after COMMIT) exactly as a finished load leaves it, never anything
in between; a rerun then completes and adds exactly the expected rows.

The bulk load is synthetic but shaped like a real second scan over a populated warehouse (~11k postings
on 30 boards, after a first scan of ~10k): some unchanged, some with new text, some gone (closed), some
new, a few listed twice, three boards failed, rejects recorded. The loader is a child process
(tests/crash_loader.py) killed after a delay drawn uniformly over the load's measured duration, again and
again on the same file, so later loads also start from a warehouse a kill left behind.

    MARKETFIT_CRASH_LOOPS=200 pytest tests/test_crash.py   # a longer soak (default: 8 kills)
    MARKETFIT_CRASH_SEED=7 ...                              # other data and kill points (default: 20260521)

Also here: concurrent use, `marketfit sql` while another process holds the write lock.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from scrapers.items import new_posting
from scrapers.normalise import content_hash, embedding_text, normalise, posting_id
from tests.helpers import REPO, marketfit
from warehouse.db import reader, writer
from warehouse.load import load_scan

LOOPS = int(os.environ.get("MARKETFIT_CRASH_LOOPS", "8"))
SEED = int(os.environ.get("MARKETFIT_CRASH_SEED", "20260521"))
LOADER = REPO / "tests" / "crash_loader.py"
ATS = ("greenhouse", "lever", "ashby", "workable", "smartrecruiters", "recruitee", "personio")
BOARDS = 30
FAILED_BOARDS = 3  # the last boards fail in the second scan: their postings must stay open
WORDS = ("build", "scale", "python", "rust", "kubernetes", "postgres", "team", "customers", "ship", "design",
         "reliable", "distributed", "systems", "data", "pipelines", "mentor", "own", "roadmap", "latency",
         "observability", "security", "on-call", "product", "engineers", "hiring", "growth", "Zürich", "東京",
         "café", "🚀", "remote", "hybrid", "benefits", "equity", "years", "experience", "lead", "senior")

# Rows that break the scan's invariants; every query must return nothing.
INVARIANTS = {
    "duplicate posting_id": "SELECT posting_id FROM postings GROUP BY posting_id HAVING count(*) > 1",
    "unfinished scan": "SELECT scan_id FROM scans WHERE finished_at IS NULL",
    "scan without its sources": "SELECT scan_id FROM scans WHERE scan_id NOT IN (SELECT scan_id FROM scan_sources)",
    "sources of no scan": "SELECT scan_id FROM scan_sources WHERE scan_id NOT IN (SELECT scan_id FROM scans)",
    "rejects of no scan": "SELECT scan_id FROM rejects WHERE scan_id NOT IN (SELECT scan_id FROM scans)",
    "posting of no scan": "SELECT posting_id FROM postings WHERE last_scan_id NOT IN (SELECT scan_id FROM scans)",
    "version of no posting": "SELECT posting_id FROM posting_versions "
                             "WHERE posting_id NOT IN (SELECT posting_id FROM postings)",
    "version of no scan": "SELECT posting_id FROM posting_versions WHERE scan_id NOT IN (SELECT scan_id FROM scans)",
    "posting without its current version": "SELECT posting_id FROM postings p WHERE NOT EXISTS (SELECT 1 "
        "FROM posting_versions v WHERE v.posting_id = p.posting_id AND v.content_hash = p.content_hash)",
    "scan_log disagrees with scan_sources": "SELECT scan_id FROM scan_sources GROUP BY scan_id "
        "HAVING count(*) <> (SELECT count(*) FROM scan_log l WHERE l.scan_id = scan_sources.scan_id)",
}


def _posting(rng: random.Random, template: dict, native_id: int, version: int) -> dict:
    """One crawler-feed row: the board's normalised template with this posting's id, text and payload."""
    text = " ".join(rng.choices(WORDS, k=rng.randint(60, 160)))
    title = f"{rng.choice(('Senior', 'Staff', 'Junior', ''))} {rng.choice(('Backend', 'Data', 'ML'))} Engineer"
    posted = datetime(2026, 1, 1, tzinfo=timezone.utc) + timedelta(minutes=rng.randint(0, 200_000))
    return {**template, "native_id": str(native_id),
            "posting_id": posting_id(template["ats"], template["board"], str(native_id)),
            "title": title, "description": text, "description_html": f"<p>{text}</p>", "posted_at": posted.isoformat(),
            "content_hash": content_hash(embedding_text(title, text)), "url": f"https://example.test/{native_id}",
            "raw": json.dumps({"id": native_id, "title": title, "content": text, "version": version},
                              ensure_ascii=False)}


def _template(ats: str, board: str) -> dict:
    """Every field the normaliser fills, for one board (normalising 20k postings one by one would take 15 s)."""
    return normalise(new_posting(ats=ats, board=board, native_id="template", company=board.title(),
                                 title="Engineer", location="Berlin, Germany", salary_min=90_000,
                                 salary_currency="EUR", salary_period="year", description="Build things.", raw={}))


def _statuses(boards: list[tuple[str, str]], rows: list[dict], failed: set[str], rng: random.Random) -> list[dict]:
    items = {board: 0 for _, board in boards}
    for row in rows:
        items[row["board"]] += 1
    return [{"company": board.title(), "ats": ats, "board": board, "url": f"https://example.test/{board}",
             "status": "failed" if board in failed else "ok", "items": items[board],
             "error": "HTTP 503 from https://example.test" if board in failed else None,
             "rejects": [{"reason": "missing title", "raw": {"id": f"{board}-bad-{n}", "title": None}}
                         for n in range(rng.randint(0, 2))]}
            for ats, board in boards]


def _scans(seed: int) -> dict:
    """Two scans' postings and statuses, and the warehouse state each must leave."""
    rng = random.Random(seed)
    boards = [(ATS[n % len(ATS)], f"board{n:02d}") for n in range(BOARDS)]
    failed = {board for _, board in boards[-FAILED_BOARDS:]}
    first, second = [], []
    for ats, board in boards:
        template = _template(ats, board)
        count = rng.randint(250, 450)
        postings = [_posting(rng, template, n, 1) for n in range(count)]
        first += postings
        if board in failed:
            continue
        for row in postings:
            fate = rng.random()
            if fate < 0.15:
                continue  # gone from the board: closed by the second scan
            listed = _posting(rng, template, int(row["native_id"]), 2) if fate < 0.35 else row
            second += [listed, listed] if fate > 0.99 else [listed]  # a board may list a posting twice
        second += [_posting(rng, template, n, 2) for n in range(count, count + rng.randint(50, 200))]
    rng.shuffle(second)
    before = {row["posting_id"]: (row["content_hash"], True) for row in first}
    after = dict(before)
    seen = {row["posting_id"] for row in second}
    for row in first:
        if row["posting_id"] not in seen and row["board"] not in failed:
            after[row["posting_id"]] = (row["content_hash"], False)
    for row in second:
        after[row["posting_id"]] = (row["content_hash"], True)
    versions_before = {(row["posting_id"], row["content_hash"]) for row in first}
    return {
        "first": (first, _statuses(boards, first, set(), rng)),
        "second": (second, _statuses(boards, second, failed, rng)),
        "before": ({(pid, h, is_open) for pid, (h, is_open) in before.items()}, versions_before),
        "after": ({(pid, h, is_open) for pid, (h, is_open) in after.items()},
                  versions_before | {(row["posting_id"], row["content_hash"]) for row in second}),
    }


def _write_jsonl(path: Path, rows: list[dict]) -> Path:
    path.write_text("".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def bulk(tmp_path_factory) -> dict:
    """The base warehouse (first scan loaded, closed cleanly) and the second scan's files, written once."""
    folder = tmp_path_factory.mktemp("crash")
    scans = _scans(SEED)
    base = folder / "base.duckdb"
    first_rows, first_statuses = scans["first"]
    with writer(base) as con:
        load_scan(con, started_at=datetime(2026, 5, 1, tzinfo=timezone.utc), origin="first",
                  posting_files=[_write_jsonl(folder / "first.jsonl", first_rows)], statuses=first_statuses)
    second_rows, second_statuses = scans["second"]
    statuses = folder / "statuses.json"
    statuses.write_text(json.dumps(second_statuses), encoding="utf-8")
    return {**scans, "base": base, "postings": _write_jsonl(folder / "second.jsonl", second_rows),
            "statuses": statuses, "rejects": sum(len(s["rejects"]) for s in second_statuses), "folder": folder}


def _fresh_copy(bulk: dict, name: str) -> Path:
    db = bulk["folder"] / name
    for leftover in (db, db.with_name(db.name + ".wal")):
        leftover.unlink(missing_ok=True)
    shutil.copyfile(bulk["base"], db)
    return db


def _start_loader(bulk: dict, db: Path) -> subprocess.Popen:
    proc = subprocess.Popen([sys.executable, str(LOADER), str(db), str(bulk["postings"]), str(bulk["statuses"])],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=REPO)
    assert proc.stdout.readline().strip() == "ready", proc.communicate()[1]
    return proc


def _finish(proc: subprocess.Popen) -> None:
    _, stderr = proc.communicate(timeout=300)
    assert proc.returncode == 0, stderr


def _snapshot(db: Path) -> dict:
    """Open the warehouse as `marketfit sql` would, check every invariant, and read its state."""
    with reader(db) as con:
        broken = {name: rows for name, sql in INVARIANTS.items() if (rows := con.execute(sql).fetchmany(3))}
        assert not broken, broken
        counts = con.execute("SELECT (SELECT count(*) FROM scans), (SELECT count(*) FROM scan_sources), "
                             "(SELECT count(*) FROM rejects), (SELECT count(*) FROM postings), "
                             "(SELECT count(*) FROM posting_versions)").fetchone()
        return {"state": (set(con.execute("SELECT posting_id, content_hash, closed_at IS NULL FROM postings")
                              .fetchall()),
                          set(con.execute("SELECT posting_id, content_hash FROM posting_versions").fetchall())),
                "scans": counts[0], "sources": counts[1], "rejects": counts[2], "postings": counts[3],
                "versions": counts[4]}


def _assert_rerun_adds_expected_rows(bulk: dict, db: Path, before: dict) -> None:
    _finish(_start_loader(bulk, db))
    after = _snapshot(db)
    assert after["state"] == bulk["after"]
    assert after["scans"] == before["scans"] + 1 and after["sources"] == before["sources"] + BOARDS
    assert after["rejects"] == before["rejects"] + bulk["rejects"]
    assert after["postings"] - before["postings"] == len(bulk["after"][0]) - len(before["state"][0])
    assert after["versions"] - before["versions"] == len(bulk["after"][1]) - len(before["state"][1])


@pytest.fixture(scope="module")
def uninterrupted(bulk) -> dict:
    """The second scan loaded without a kill: how long it takes to commit and what it leaves."""
    base = _snapshot(bulk["base"])
    db = _fresh_copy(bulk, "clean.duckdb")
    proc = _start_loader(bulk, db)
    started = time.monotonic()
    assert proc.stdout.readline().strip() == "loaded", proc.communicate()[1]
    duration = time.monotonic() - started
    _finish(proc)
    return {"duration": duration, "base": base, "after": _snapshot(db)}


def test_uninterrupted_load_leaves_the_expected_state(bulk, uninterrupted):
    base, after = uninterrupted["base"], uninterrupted["after"]
    assert base["state"] == bulk["before"] and base["scans"] == 1 and base["sources"] == BOARDS
    assert after["state"] == bulk["after"] and after["scans"] == 2 and after["sources"] == 2 * BOARDS
    assert after["postings"] == len(bulk["after"][0]) > len(bulk["before"][0])
    assert after["versions"] == len(bulk["after"][1]) > after["postings"]


def test_killed_loads_leave_all_or_nothing_and_a_rerun_completes(bulk, uninterrupted):
    """Kill after kill on the same file: each reopen sees the last state or one whole scan more.

    Every load is the same second scan: when one completes before its kill, the loop goes on with a
    fresh copy of the first scan."""
    rng = random.Random(SEED)
    db = _fresh_copy(bulk, "killed.duckdb")
    previous = uninterrupted["base"]
    killed_midway = 0
    for loop in range(LOOPS):
        proc = _start_loader(bulk, db)
        delay = rng.uniform(0, uninterrupted["duration"])
        time.sleep(delay)
        if proc.poll() is None:
            proc.send_signal(signal.SIGKILL)
        proc.communicate()
        found = _snapshot(db)
        where = f"seed {SEED}, loop {loop}, killed after {delay:.3f} s of {uninterrupted['duration']:.3f} s"
        if found["scans"] == previous["scans"]:
            assert found == previous, f"{where}: a killed load changed the warehouse"
            killed_midway += proc.returncode == -signal.SIGKILL
        else:
            assert found["scans"] == previous["scans"] + 1, where
            assert found["state"] == bulk["after"], f"{where}: a partial load survived"
            assert (found["sources"], found["rejects"]) == \
                (previous["sources"] + BOARDS, previous["rejects"] + bulk["rejects"]), where
            # the next load would be a rerun, quicker than the kill window: start again from the first scan
            db, found = _fresh_copy(bulk, f"killed-{loop}.duckdb"), uninterrupted["base"]
        previous = found
    # the kills must mostly land inside the load, or this test proved nothing
    assert killed_midway >= LOOPS // 2, killed_midway
    _assert_rerun_adds_expected_rows(bulk, db, previous)


# --- concurrent use: `marketfit sql` while another process writes -----------------------------------

HOLD_WRITER = """
import sys, time
from warehouse.db import writer
with writer(sys.argv[1]):
    print("holding", flush=True)
    time.sleep(float(sys.argv[2]))
print(time.time(), flush=True)
"""


def _hold_writer(db: Path, seconds: float) -> subprocess.Popen:
    """A child process holding the warehouse's write lock for `seconds`, as a scan's load does."""
    proc = subprocess.Popen([sys.executable, "-c", HOLD_WRITER, str(db), str(seconds)], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, cwd=REPO)
    assert proc.stdout.readline().strip() == "holding", proc.communicate()[1]
    return proc


def test_sql_waits_for_a_writer_then_answers(tmp_path):
    db = tmp_path / "w.duckdb"
    with writer(db):
        pass
    holder = _hold_writer(db, 2)
    result = marketfit("sql", "SELECT count(*) AS scans FROM scans", "--db", str(db), "--format", "json")
    answered_at = time.time()
    released_at = float(holder.communicate(timeout=60)[0].strip())
    assert json.loads(result.stdout) == [{"scans": 0}]
    assert answered_at >= released_at  # it waited for the writer instead of failing


def test_sql_gives_up_on_a_long_writer_with_a_clear_message(tmp_path, monkeypatch):
    db = tmp_path / "w.duckdb"
    with writer(db):
        pass
    monkeypatch.setenv("MARKETFIT_LOCK_WAIT", "1")
    holder = _hold_writer(db, 120)
    try:
        started = time.monotonic()
        result = marketfit("sql", "SELECT 1", "--db", str(db), check=False)
        waited = time.monotonic() - started
    finally:
        holder.kill()
        holder.communicate()
    assert result.returncode == 2 and waited >= 1
    assert result.stderr.startswith(f"error: {db}: another process is writing to the warehouse; retry")
    assert len(result.stderr.strip().splitlines()) == 1 and "MARKETFIT_LOCK_WAIT" in result.stderr
