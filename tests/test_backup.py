"""Backups: `marketfit backup` (EXPORT DATABASE, Parquet) and `marketfit restore` (IMPORT DATABASE) round trip."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from models.hire_type import HireTypeModel
from pipelines.classify import classify_postings
from pipelines.embed import embed_postings
from pipelines.scan import crawl_and_load
from tests.helpers import marketfit
from warehouse.db import reader, writer
from warehouse.load import load_scan

KEY_VIEWS = ("postings_current", "scan_log", "company_facts")


def _fingerprint(db) -> dict[str, tuple[int, str]]:
    """Row count and a checksum of the sorted rows of every table and of the key views."""
    with reader(db) as con:
        tables = [name for (name,) in con.execute(
            "SELECT table_name FROM duckdb_tables() WHERE NOT temporary ORDER BY 1").fetchall()]
        return {name: con.execute(f"SELECT count(*), md5(coalesce(string_agg(t::VARCHAR, chr(10) "
                                  f"ORDER BY t::VARCHAR), '')) FROM {name} t").fetchone()
                for name in (*tables, *KEY_VIEWS)}


@pytest.fixture(scope="module")
def populated(tmp_path_factory, embedder):
    """A warehouse after a real loopback crawl, embedded and classified."""
    from scrapers.replay import ReplayServer
    from scrapers.sources import Source
    from tests.conftest import BOARDS
    from tests.helpers import FIXTURES

    db = tmp_path_factory.mktemp("backup") / "warehouse.duckdb"
    with ReplayServer(FIXTURES / "ats") as server:
        sources = [Source(company, ats, board, f"{server.base_url}/{path}", allow_hosts=("127.0.0.1",))
                   for company, ats, board, path in BOARDS]
        crawl_and_load(db, sources, "backup-test")
    assert embed_postings(db, embedder) == 16
    assert classify_postings(db, HireTypeModel.load()) == 16
    return db


def test_backup_then_restore_gives_the_same_warehouse(populated, tmp_path):
    folder = tmp_path / "backup"
    marketfit("backup", str(folder), "--db", str(populated))
    assert (folder / "schema.sql").is_file() and list(folder.glob("*.parquet"))
    restored = tmp_path / "restored.duckdb"
    marketfit("restore", str(folder), "--db", str(restored))
    original = _fingerprint(populated)
    assert _fingerprint(restored) == original
    for table in ("postings", "posting_versions", "scan_sources", "embeddings", "hire_types", "schema_migrations"):
        assert original[table][0] > 0, table
    # the restored file carries on where the original stopped: the next scan is scan 2
    with writer(restored) as con:
        assert load_scan(con, started_at=datetime.now(timezone.utc), origin="after-restore", posting_files=[],
                         statuses=[]) == 2


def test_backup_refuses_a_folder_in_use_and_restore_refuses_to_overwrite(populated, tmp_path):
    used = tmp_path / "used"
    used.mkdir()
    (used / "notes.txt").write_text("keep me")
    result = marketfit("backup", str(used), "--db", str(populated), check=False)
    assert result.returncode == 2 and "not an empty folder" in result.stderr
    assert [p.name for p in used.iterdir()] == ["notes.txt"]

    folder = tmp_path / "backup"
    marketfit("backup", str(folder), "--db", str(populated))
    existing = tmp_path / "existing.duckdb"
    existing.write_bytes(b"not mine to overwrite")
    result = marketfit("restore", str(folder), "--db", str(existing), check=False)
    assert result.returncode == 2 and "already exists" in result.stderr
    assert existing.read_bytes() == b"not mine to overwrite"


@pytest.mark.parametrize("files, message", [
    ({}, "not a backup folder"),
    ({"schema.sql": "CREATE TABLE x (i INTEGER);", "load.sql": ""}, "not a marketfit backup"),
    ({"schema.sql": "CREATE TABLE schema_migrations (name VARCHAR);",
      "load.sql": "COPY schema_migrations FROM 'missing.parquet' (FORMAT parquet);"}, "restore failed"),
])
def test_restore_from_a_bad_folder_writes_nothing(tmp_path, files, message):
    folder = tmp_path / "folder"
    folder.mkdir()
    for name, text in files.items():
        (folder / name).write_text(text)
    db = tmp_path / "new.duckdb"
    result = marketfit("restore", str(folder), "--db", str(db), check=False)
    assert result.returncode == 2 and message in result.stderr, result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == ["folder"]
