"""`marketfit serve` against the real local Prefect server it starts: deployments with cron schedules appear in
its API, telemetry is off, and SIGTERM leaves no server process behind."""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from tzlocal import get_localzone_name

from tests.helpers import DEMO, REPO
from warehouse.db import reader, writer

PROFILE = DEMO / "profile.toml"
TELEMETRY = ("DO_NOT_TRACK", "PREFECT_SERVER_ANALYTICS_ENABLED")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _serve(tmp_path: Path, *args: str) -> tuple[subprocess.Popen, Path]:
    """`marketfit serve` in a child process with its own PREFECT_HOME and no telemetry settings of its own."""
    env = {k: v for k, v in os.environ.items() if k not in (*TELEMETRY, "PREFECT_API_URL")}
    env.update(PREFECT_HOME=str(tmp_path / "prefect"), PREFECT_SERVER_UI_ENABLED="false",
               PREFECT_RUNNER_POLL_FREQUENCY="1", COLUMNS="200")
    log = tmp_path / "serve.log"
    with open(log, "w") as out:
        process = subprocess.Popen([sys.executable, str(REPO / "cli.py"), "serve", *args], stdout=out,
                                   stderr=subprocess.STDOUT, env=env, cwd=tmp_path)
    return process, log


def _api(port: int, path: str, body: dict | None = None):
    request = urllib.request.Request(f"http://127.0.0.1:{port}/api/{path}", method="POST" if body is not None else "GET",
                                     data=json.dumps(body).encode() if body is not None else None,
                                     headers={"Content-Type": "application/json"})
    for attempt in range(5):  # a busy temporary Prefect server answers 503 for a moment
        try:
            with urllib.request.urlopen(request, timeout=10) as answer:
                return json.loads(answer.read())
        except urllib.error.HTTPError as exc:
            if exc.code != 503 or attempt == 4:
                raise
            time.sleep(2)


def _wait_for_deployments(process: subprocess.Popen, log: Path, port: int, count: int) -> list[dict]:
    deadline = time.monotonic() + 240  # a busy shared machine starts a Prefect server slowly
    while time.monotonic() < deadline:
        assert process.poll() is None, f"serve exited early:\n{log.read_text()}"
        try:
            found = _api(port, "deployments/filter", {})
            if len(found) >= count:
                return found
        except OSError:
            pass
        time.sleep(1)
    raise AssertionError(f"no {count} deployments after 240 s:\n{log.read_text()}")


def _run_to_completion(process: subprocess.Popen, log: Path, port: int, deployment_id: str) -> str:
    """Ask for a run of a deployment now, as its schedule would; returns the flow run id once it completed."""
    run = _api(port, f"deployments/{deployment_id}/create_flow_run", {})
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        assert process.poll() is None, f"serve exited early:\n{log.read_text()}"
        state = _api(port, f"flow_runs/{run['id']}")["state"]["type"]
        if state == "COMPLETED":
            return run["id"]
        assert state in ("SCHEDULED", "PENDING", "RUNNING"), f"run ended {state}:\n{log.read_text()}"
        time.sleep(1)
    raise AssertionError(f"the run did not complete in 180 s:\n{log.read_text()}")


def _process_group_alive(pid: int) -> bool:
    try:
        os.killpg(pid, 0)
    except ProcessLookupError:
        return False
    return True


def test_serve_registers_cron_deployments_runs_them_without_telemetry_and_stops_its_server(tmp_path):
    sources = tmp_path / "sources.toml"
    sources.write_text('[[source]]\ncompany = "Ramp"\nats = "ashby"\nboard = "ramp"\n')
    db, port = tmp_path / "warehouse.duckdb", _free_port()
    with writer(db):  # an empty warehouse: enough for skill-trends
        pass
    process, log = _serve(tmp_path, "--sources", "sources.toml", "--profile", str(PROFILE), "--scan-cron",
                          "30 5 * * *", "--port", str(port), "--db", str(db))
    try:
        deployments = _wait_for_deployments(process, log, port, 3)
        flows = {f["id"]: f["name"] for f in _api(port, "flows/filter", {})}
        trends_run = _run_to_completion(process, log, port,
                                        next(d["id"] for d in deployments if flows[d["flow_id"]] == "skill-trends"))
        settings = _api(port, "admin/settings")
        server_pid = int(re.search(r"Prefect server \(pid (\d+)\)", log.read_text())[1])
        server_env = dict(item.split("=", 1) for item in
                          Path(f"/proc/{server_pid}/environ").read_text().split("\0") if "=" in item)
    finally:
        process.send_signal(signal.SIGTERM)
        returncode = process.wait(timeout=120)
    by_flow = {flows[d["flow_id"]]: d for d in deployments}
    assert set(by_flow) == {"market-scan", "weekly-targets", "skill-trends"}
    crons = {name: [(s["schedule"]["cron"], s["schedule"]["timezone"], s["active"]) for s in d["schedules"]]
             for name, d in by_flow.items()}
    zone = get_localzone_name()
    assert crons == {"market-scan": [("30 5 * * *", zone, True)], "weekly-targets": [("0 7 * * 1", zone, True)],
                     "skill-trends": [("0 7 * * 1", zone, True)]}
    assert by_flow["market-scan"]["parameters"] == {"sources_file": str(sources), "profile_files": [str(PROFILE)],
                                                    "db": str(db)}
    assert by_flow["skill-trends"]["parameters"] == {"db": str(db)}
    assert by_flow["market-scan"]["entrypoint"] == "flows.market_scan"
    # telemetry off although the environment did not say so
    assert settings["server"]["analytics_enabled"] is False
    assert server_env["DO_NOT_TRACK"] == "1" and server_env["PREFECT_HOME"] == str(tmp_path / "prefect")
    output = log.read_text()
    assert f"Prefect UI: http://127.0.0.1:{port}" in output
    assert returncode == 0, output
    assert not _process_group_alive(server_pid)
    with reader(db) as con:  # the served run went through flows.skill_trends into this warehouse
        assert con.execute("SELECT flow, status, prefect_id::VARCHAR FROM flow_runs").fetchall() == [
            ("skill-trends", "completed", trends_run)]
    with pytest.raises(ConnectionRefusedError):
        socket.create_connection(("127.0.0.1", port), timeout=5).close()


@pytest.mark.parametrize("args, code, message", [
    (["--weekly-cron", "0 7 * *"], 2, "error: --weekly-cron: '0 7 * *' is not a cron schedule"),
    (["--sources", "missing.toml"], 2, "error: missing.toml: file not found"),
    (["--port", "{busy}"], 1, "error: port {busy} on 127.0.0.1 is in use: choose another with --port"),
])
def test_serve_refuses_what_it_cannot_schedule_and_starts_no_server(tmp_path, args, code, message):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        process, log = _serve(tmp_path, *(a.format(busy=port) for a in args))
        assert process.wait(timeout=120) == code
    assert message.format(busy=port) in log.read_text()
    assert not (tmp_path / "prefect" / "server.log").exists()
