"""A disk that refuses writes (issue 17): a full disk and a read-only warehouse folder end a scan with one line
naming the file, exit code 2, and the warehouse as it was.

The full disk is real: a 4 MiB tmpfs mounted for the test (needs root, as in the project's containers; skipped
where mounting is not allowed). The read-only folder is the same tmpfs remounted read-only; without mount
rights it falls back to a chmod 555 folder, which stops a user that is not root.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import duckdb
import pytest

from scrapers.replay import ReplayServer
from tests.conftest import BOARDS
from tests.helpers import FIXTURES, marketfit
from warehouse.db import writer


@pytest.fixture
def small_disk(tmp_path):
    mount = tmp_path / "disk"
    mount.mkdir()
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", str(mount)], capture_output=True).returncode:
        yield None
        return
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=True)


@pytest.fixture(scope="module")
def sources_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("sources") / "sources.toml"
    with ReplayServer(FIXTURES / "ats") as server:
        path.write_text('allow_hosts = ["127.0.0.1"]\n' + "".join(
            f'\n[[source]]\ncompany = "{company}"\nats = "{ats}"\nboard = "{board}"\nurl = "{server.base_url}/{file}"\n'
            for company, ats, board, file in BOARDS), encoding="utf-8")
        yield path


def _counts(db: Path) -> tuple:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute("SELECT (SELECT count(*) FROM scans), (SELECT count(*) FROM postings)").fetchone()
    finally:
        con.close()


def test_a_full_disk_is_one_line_and_the_warehouse_stays_as_it_was(small_disk, sources_file):
    if small_disk is None:
        pytest.skip("cannot mount a tmpfs here (not root): no real full disk to test with")
    db = small_disk / "w.duckdb"
    with writer(db):
        pass
    before = _counts(db)
    (small_disk / "filler").write_bytes(b"\0" * (shutil.disk_usage(small_disk).free - 48 * 1024))
    result = marketfit("scan", "--sources", str(sources_file), "--db", str(db), check=False)
    assert result.returncode == 2, result.stderr
    assert result.stderr.startswith(f"error: {db}: cannot write the warehouse: ") and "No space left" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    (small_disk / "filler").unlink()
    assert _counts(db) == before
    with writer(db):  # the next writer replays what the failed commit left in the log: nothing
        pass
    assert _counts(db) == before and sorted(p.name for p in small_disk.iterdir()) == ["w.duckdb"]


def test_a_read_only_warehouse_folder_is_refused_before_the_crawl(small_disk, tmp_path, sources_file):
    folder = small_disk or tmp_path / "read-only"
    folder.mkdir(exist_ok=True)
    db = folder / "w.duckdb"
    with writer(db):
        pass
    before = _counts(db)
    if small_disk:
        subprocess.run(["mount", "-o", "remount,ro", str(folder)], check=True)
    else:
        folder.chmod(0o555)
    try:
        result = marketfit("scan", "--sources", str(sources_file), "--db", str(db), check=False)
    finally:
        if not small_disk:
            folder.chmod(0o755)
    assert result.returncode == 2, result.stderr
    assert result.stderr.startswith(f"error: {folder}: cannot write the warehouse here: ")
    assert len(result.stderr.strip().splitlines()) == 1
    assert "4/4" not in result.stdout  # refused before crawling, not after
    assert _counts(db) == before
