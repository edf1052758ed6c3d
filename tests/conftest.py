"""Shared test set-up: hermetic environment, a loopback board server, a fresh warehouse."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.helpers import FIXTURES

# Nothing in the tests may reach a hub or phone home.
os.environ["HF_HUB_OFFLINE"] = "1"
os.environ["HF_HUB_DISABLE_TELEMETRY"] = "1"
os.environ["DO_NOT_TRACK"] = "1"
os.environ["PREFECT_SERVER_ANALYTICS_ENABLED"] = "false"
os.environ["PREFECT_SERVER_UI_ENABLED"] = "false"



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
    from scrapers.sources import Source

    with ReplayServer(FIXTURES / "ats") as server:
        yield [Source(company, ats, board, f"{server.base_url}/{path}") for company, ats, board, path in BOARDS]
