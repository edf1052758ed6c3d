"""Writers migrate a warehouse file once per process, and again when another process changed its schema."""

from __future__ import annotations

import subprocess
import sys

import pytest

from warehouse import db as warehouse_db
from warehouse.db import MIGRATIONS, reader, writer


@pytest.fixture
def migrations(monkeypatch) -> list[str]:
    """The files each real migrate() call was made for (the call itself runs as usual)."""
    calls: list[str] = []
    real = warehouse_db.migrate

    def counted(con):
        calls.append(con.execute("SELECT path FROM duckdb_databases() WHERE database_name = current_database()"
                                 ).fetchone()[0])
        return real(con)

    monkeypatch.setattr(warehouse_db, "migrate", counted)
    return calls


def _in_another_process(path, statement: str) -> None:
    subprocess.run([sys.executable, "-c", "import duckdb, sys; con = duckdb.connect(sys.argv[1]); "
                    "con.execute(sys.argv[2]); con.close()", str(path), statement], check=True)


def test_a_file_is_migrated_by_its_first_writer_only(tmp_path, migrations):
    first, second = tmp_path / "a.duckdb", tmp_path / "b.duckdb"
    for path in (first, first, first, second, first):
        with writer(path) as con:
            assert con.execute("SELECT count(*) FROM scan_log").fetchone() == (0,)
    assert migrations == [str(first), str(second)]


def test_a_schema_changed_by_another_process_is_migrated_again(tmp_path, migrations):
    path = tmp_path / "w.duckdb"
    with writer(path):
        pass
    _in_another_process(path, "CREATE OR REPLACE VIEW scan_log AS SELECT 1 AS stale")
    with writer(path) as con:
        assert "scan_id" in [d[0] for d in con.execute("SELECT * FROM scan_log").description]
    with writer(path):
        pass
    assert len(migrations) == 2


def test_a_file_replaced_by_an_older_or_new_one_is_migrated(tmp_path, migrations):
    path = tmp_path / "w.duckdb"
    with writer(path):
        pass
    path.unlink()
    with writer(path):  # a new, empty file at the same path
        pass
    path.unlink()
    _in_another_process(path, "CREATE TABLE schema_migrations (name VARCHAR PRIMARY KEY, applied_at TIMESTAMPTZ); "
                              + (MIGRATIONS / "001_core.sql").read_text(encoding="utf-8")
                              + "; INSERT INTO schema_migrations VALUES ('001_core.sql', now())")
    with writer(path):  # the first migration only, as an older marketfit left it
        pass
    with reader(path) as con:
        applied = [name for name, in con.execute("SELECT name FROM schema_migrations ORDER BY name").fetchall()]
    assert applied == sorted(p.name for p in MIGRATIONS.glob("*.sql"))
    assert len(migrations) == 3
