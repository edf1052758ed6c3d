"""Security: `marketfit sql` is read-only and sealed off from files, network, extensions and settings;
the CLI sends no telemetry and the embedding model loads with networking made impossible.

(tests/test_e2e.py covers DELETE, COPY ... TO and read_csv; tests/test_safety.py covers crawl destinations.)
"""

from __future__ import annotations

import hashlib
import json
import os
import socket
import subprocess
import sys
import threading
from datetime import datetime, timezone

import pytest
from typer.testing import CliRunner

import cli
from tests.helpers import REPO
from warehouse.db import writer
from warehouse.load import load_scan

REFUSED = "read-only"
NO_FILES = "disabled by configuration"
LOCKED = "the configuration has been locked"


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory):
    """A warehouse with one scan; its bytes, to prove no query changed it."""
    folder = tmp_path_factory.mktemp("security")
    db = folder / "w.duckdb"
    with writer(db) as con:
        load_scan(con, started_at=datetime(2026, 5, 1, tzinfo=timezone.utc), origin="test", posting_files=[],
                  statuses=[{"company": "A", "ats": "lever", "board": "a", "status": "ok", "items": 0, "rejects": []}])
    return db, hashlib.sha256(db.read_bytes()).hexdigest()


# Each query, with what the one-line error must say. {out} is a scratch folder nothing may appear in.
ATTEMPTS = [
    ("INSERT INTO scans (scan_id, started_at, origin) VALUES (99, now(), 'x')", REFUSED),
    ("UPDATE scans SET origin = 'x'", REFUSED),
    ("DROP TABLE postings", REFUSED),
    ("CREATE TABLE stolen AS SELECT * FROM scans", REFUSED),
    ("CREATE MACRO evil() AS 1", REFUSED),
    ("SELECT 1; DELETE FROM scans", REFUSED),
    ("COPY (SELECT * FROM scans) TO '{out}/scans.parquet' (FORMAT parquet)", NO_FILES),
    ("EXPORT DATABASE '{out}/dump'", NO_FILES),
    ("SELECT * FROM read_text('/etc/passwd')", NO_FILES),
    ("SELECT * FROM read_json('/etc/hostname')", NO_FILES),
    ("SELECT * FROM glob('/etc/*')", NO_FILES),
    ("SELECT * FROM sniff_csv('/etc/passwd')", NO_FILES),
    ("SELECT * FROM read_parquet('http://127.0.0.1:9/x.parquet')", NO_FILES),
    ("SELECT * FROM 'https://example.com/data.csv'", NO_FILES),
    ("ATTACH '{out}/other.duckdb' AS other", NO_FILES),
    ("ATTACH ':memory:' AS scratch", "read-only mode"),
    ("INSTALL httpfs", NO_FILES),
    ("LOAD httpfs", "disabled through configuration"),
    ("LOAD '{out}/evil.duckdb_extension'", "disabled through configuration"),
    ("CREATE SECRET (TYPE s3, KEY_ID 'a', SECRET 'b')", NO_FILES),
    ("SET enable_external_access = true", LOCKED),
    ("SET lock_configuration = false", LOCKED),
    ("RESET enable_external_access", LOCKED),
    ("SET allowed_directories = ['/']", LOCKED),
    ("SET temp_directory = '{out}/spill'", LOCKED),
    ("SET autoinstall_known_extensions = true", LOCKED),
    ("PRAGMA enable_profiling = 'json'", LOCKED),
    ("PRAGMA profiling_output = '{out}/profile.json'", LOCKED),
    ("PRAGMA threads = 1", LOCKED),
]


@pytest.mark.parametrize("query, message", ATTEMPTS, ids=[q for q, _ in ATTEMPTS])
def test_sql_refuses(warehouse, tmp_path, query, message):
    """Through the real Typer app, in process: one clear line on stderr, exit code 2, nothing changed or written."""
    db, digest = warehouse
    out = tmp_path / "out"
    out.mkdir()
    result = CliRunner().invoke(cli.app, ["sql", query.format(out=out), "--db", str(db)])
    assert result.exit_code == 2, result.output
    assert result.stderr.startswith("error: ") and message in result.stderr, result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert list(out.iterdir()) == []
    assert hashlib.sha256(db.read_bytes()).hexdigest() == digest


def test_sql_reads_are_still_allowed(warehouse):
    db, _ = warehouse
    result = CliRunner().invoke(cli.app, ["sql", "SELECT count(*) AS n FROM scan_log", "--db", str(db),
                                          "--format", "json"])
    assert result.exit_code == 0 and json.loads(result.stdout) == [{"n": 1}]


# --- no telemetry, no network -------------------------------------------------------------------------

TELEMETRY = ("HF_HUB_OFFLINE", "HF_HUB_DISABLE_TELEMETRY", "DO_NOT_TRACK")


def _env_without_telemetry_switches() -> dict:
    return {k: v for k, v in os.environ.items() if k not in TELEMETRY and not k.lower().endswith("_proxy")}


def test_cli_turns_telemetry_and_hub_access_off_by_default():
    code = f"import json, os, cli; print(json.dumps({{k: os.environ.get(k) for k in {TELEMETRY!r}}}))"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO,
                            env=_env_without_telemetry_switches(), timeout=120)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == dict.fromkeys(TELEMETRY, "1")


# Runs `marketfit classify` with every socket connection refused and logged.
NO_NETWORK = """
import runpy, socket, sys
attempts = open(sys.argv[1], "w")

def refuse(self, address, *args):
    attempts.write(repr(address) + "\\n")
    attempts.flush()
    raise OSError("networking is disabled in this test")

socket.socket.connect = socket.socket.connect_ex = refuse
sys.argv = ["marketfit", "classify", sys.argv[2]]
runpy.run_path("cli.py", run_name="__main__")
"""


def test_embedding_model_loads_with_networking_impossible(tmp_path):
    """The CLI's defaults alone keep the model offline: hub and proxies point at a listener that must hear
    nothing, and every socket connection raises."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    heard = []

    def listen() -> None:
        try:
            heard.append(listener.accept())
        except OSError:  # closed at the end of the test, having heard nothing
            pass

    threading.Thread(target=listen, daemon=True).start()
    trap = f"http://127.0.0.1:{listener.getsockname()[1]}"
    postings = tmp_path / "postings.jsonl"
    postings.write_text(json.dumps({"id": "a", "title": "Staff ML Engineer",
                                    "description": "Build our first ranking system from scratch."}) + "\n")
    attempts = tmp_path / "attempts.log"
    env = {**_env_without_telemetry_switches(), "HF_ENDPOINT": trap, "HTTPS_PROXY": trap, "HTTP_PROXY": trap,
           "ALL_PROXY": trap, "https_proxy": trap, "http_proxy": trap}
    try:
        result = subprocess.run([sys.executable, "-c", NO_NETWORK, str(attempts), str(postings)],
                                capture_output=True, text=True, cwd=REPO, env=env, timeout=300)
    finally:
        listener.close()
    assert result.returncode == 0, result.stderr
    call = json.loads(result.stdout)
    assert call["id"] == "a" and call["hire_type"] in ("bandwidth", "expertise")
    assert attempts.read_text() == "" and heard == []
