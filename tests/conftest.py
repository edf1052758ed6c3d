"""Shared test set-up: hermetic environment, a loopback board server, a fresh warehouse."""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
from pathlib import Path

import pytest

from tests.helpers import FIXTURES

# Nothing in the tests may reach a hub or phone home.
os.environ["HF_HUB_OFFLINE"] = "1"
os.environ["HF_HUB_DISABLE_TELEMETRY"] = "1"
os.environ["DO_NOT_TRACK"] = "1"
os.environ["PREFECT_SERVER_ANALYTICS_ENABLED"] = "false"
os.environ["PREFECT_SERVER_UI_ENABLED"] = "false"
# Prefect state stays in a folder of this session, never ~/.prefect, and no outside API is used (flows tests).
os.environ["PREFECT_HOME"] = tempfile.mkdtemp(prefix="marketfit-prefect-")
atexit.register(shutil.rmtree, os.environ["PREFECT_HOME"], ignore_errors=True)
os.environ.pop("PREFECT_API_URL", None)
# Crawls keep no HTTP cache in ~/.local/share: a rescan must fetch again (tests that want the cache set their own).
os.environ["MARKETFIT_HTTP_CACHE"] = "off"



@pytest.fixture(scope="session")
def prefect_api():
    """One temporary Prefect API for the whole session (it takes ~12 s to start), for the flow tests only."""
    from prefect.settings import PREFECT_API_URL
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=120):  # a busy machine can take over a minute
        yield PREFECT_API_URL.value()


@pytest.fixture(scope="session")
def embedder():
    from models.embedder import Embedder

    return Embedder()


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "warehouse.duckdb"


# Four real recorded boards (tests/fixtures/ats, MIT): 16 postings with full or truncated text.
BOARDS = [("Anthropic", "greenhouse", "anthropic", "greenhouse/anthropic_jobs.json"),
          ("Spotify", "lever", "spotify", "lever/spotify_postings.json"),
          ("Outreach", "lever", "outreach", "lever/outreach_postings.json"),
          ("Ramp", "ashby", "ramp", "ashby/ramp_jobs.json")]


@pytest.fixture
def board_sources():
    """The recorded boards served on loopback, as sources pointing there."""
    from scrapers.replay import ReplayServer
    from scrapers.items import Source

    with ReplayServer(FIXTURES / "ats") as server:
        yield [Source(company, ats, board, f"{server.base_url}/{path}", allow_hosts=("127.0.0.1",))
               for company, ats, board, path in BOARDS]
