"""Paths and a runner for the real `marketfit` command, shared by the tests."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DEMO = REPO / "demo"
FIXTURES = REPO / "tests" / "fixtures"


def marketfit(*args: str, env_db: Path | None = None, check: bool = True,
              timeout: float = 600) -> subprocess.CompletedProcess:
    """Run the CLI in a child process, as a user would."""
    env = {**os.environ, "COLUMNS": "200"}
    if env_db:
        env["MARKETFIT_DB"] = str(env_db)
    result = subprocess.run([sys.executable, str(REPO / "cli.py"), *args], capture_output=True, text=True,
                            env=env, cwd=REPO, timeout=timeout)
    if check and result.returncode != 0:
        raise AssertionError(f"marketfit {' '.join(args)} exited {result.returncode}:\n{result.stderr}")
    return result


def feed_lines(out_dir: Path, index: int = 0) -> str:
    """A crawl's Parquet feed for one source as JSONL text, a line per posting ("" when it wrote none)."""
    import json

    import pyarrow.parquet as pq

    from scrapers.feed import feed_path

    path = feed_path(out_dir, index)
    rows = pq.read_table(path).to_pylist() if path.exists() else []
    return "".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows)
