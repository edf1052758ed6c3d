"""Backups: `marketfit backup` (EXPORT DATABASE, Parquet) and `marketfit restore` round trip; restore runs no
one's SQL but the CREATE TABLE/SEQUENCE statements backup writes."""

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
    from scrapers.items import Source
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

    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (tmp_path / "link").symlink_to(elsewhere)
    result = marketfit("backup", str(tmp_path / "link"), "--db", str(populated), check=False)
    assert result.returncode == 2 and "is a symbolic link" in result.stderr
    assert list(elsewhere.iterdir()) == []

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
      "load.sql": "COPY schema_migrations FROM 'missing.parquet' (FORMAT parquet);"}, "no schema_migrations.parquet"),
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


# --- issue 17: a backup folder is untrusted; restore accepts only what `backup` writes ---
@pytest.fixture(scope="module")
def empty_backup(tmp_path_factory):
    """A backup of a fresh, migrated warehouse (real EXPORT DATABASE output)."""
    root = tmp_path_factory.mktemp("empty-backup")
    with writer(root / "w.duckdb"):
        pass
    marketfit("backup", str(root / "backup"), "--db", str(root / "w.duckdb"))
    return root / "backup"


def _tampered(backup, tmp_path, schema_tail: str = "", load_tail: str = ""):
    import shutil

    folder = tmp_path / "handed-over"
    shutil.copytree(backup, folder)
    with (folder / "schema.sql").open("a") as schema:
        schema.write(schema_tail)
    with (folder / "load.sql").open("a") as load:
        load.write(load_tail)
    return folder


@pytest.mark.parametrize("statement, refusal", [
    ("COPY (SELECT 'x') TO '{outside}/written.txt';", "not a CREATE TABLE or CREATE SEQUENCE"),
    ("ATTACH '{outside}/attached.duckdb';", "not a CREATE TABLE or CREATE SEQUENCE"),
    ("INSTALL httpfs;", "not a CREATE TABLE or CREATE SEQUENCE"),
    ("SET enable_external_access = true;", "not a CREATE TABLE or CREATE SEQUENCE"),
    ("CREATE MACRO leak() AS TABLE SELECT * FROM read_text('/etc/passwd');", "not a CREATE TABLE or CREATE SEQUENCE"),
    ("CREATE VIEW leak AS SELECT * FROM read_text('/etc/passwd');", "not a CREATE TABLE or CREATE SEQUENCE"),
    ("CREATE TABLE leak AS SELECT * FROM read_text('/etc/passwd');", "Permission Error"),
    ("CREATE TABLE filled AS SELECT 42 AS answer;", "filled by a query"),
    ("CREATE TABLE later (x VARCHAR DEFAULT (current_setting('home_directory')));", "calling current_setting"),
    ("CREATE TABLE later (x VARCHAR, CHECK (x <> getvariable('secret')));", "calling getvariable"),
    ('CREATE TABLE "../../etc/x" (x INTEGER);', "an odd name"),
    ("this is not sql;", "cannot be parsed"),
])
def test_restore_refuses_anything_backup_does_not_write_and_leaves_nothing(empty_backup, tmp_path, statement,
                                                                            refusal):
    outside = tmp_path / "outside"
    outside.mkdir()
    folder = _tampered(empty_backup, tmp_path, statement.format(outside=outside) + "\n")
    db = tmp_path / "restored" / "new.duckdb"
    result = marketfit("restore", str(folder), "--db", str(db), check=False)
    assert result.returncode == 2 and refusal in result.stderr, result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert list(outside.iterdir()) == []
    assert not db.parent.exists() or list(db.parent.iterdir()) == []


def test_restore_never_runs_load_sql_and_reads_only_the_folders_files(empty_backup, tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.parquet").write_bytes(b"not for the backup")
    folder = _tampered(empty_backup, tmp_path, load_tail=f"COPY (SELECT 'x') TO '{outside}/written.txt';\n")
    db = tmp_path / "new.duckdb"
    marketfit("restore", str(folder), "--db", str(db))
    assert sorted(p.name for p in outside.iterdir()) == ["secret.parquet"]
    with reader(db) as con:
        assert con.execute("SELECT count(*) FROM schema_migrations").fetchone()[0] > 0

    # a data file that is a link to a file elsewhere is not the backup's own
    linked = _tampered(empty_backup, tmp_path / "linked")
    (linked / "scans.parquet").unlink()
    (linked / "scans.parquet").symlink_to(outside / "secret.parquet")
    result = marketfit("restore", str(linked), "--db", str(tmp_path / "linked.duckdb"), check=False)
    assert result.returncode == 2 and "no scans.parquet" in result.stderr, result.stderr
    assert not (tmp_path / "linked.duckdb").exists()
