"""Where the warehouse lives, how to open it, and its schema migrations.

One process writes at a time (DuckDB locks the file); writers open, write in one
short transaction and close, so readers get in between.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb
from platformdirs import user_data_dir

HERE = Path(__file__).parent
MIGRATIONS = HERE / "migrations"
VIEWS = HERE / "views"
CHECKS = HERE / "checks"


def resolve_db_path(db: Path | str | None = None) -> Path:
    """--db, else $MARKETFIT_DB, else the per-user data directory."""
    if db:
        return Path(db)
    if os.environ.get("MARKETFIT_DB"):
        return Path(os.environ["MARKETFIT_DB"])
    return Path(user_data_dir("marketfit", appauthor=False)) / "marketfit.duckdb"


def migrate(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Apply pending numbered migrations (each atomically), then re-create the views."""
    con.execute("CREATE TABLE IF NOT EXISTS schema_migrations (name VARCHAR PRIMARY KEY, applied_at TIMESTAMPTZ)")
    done = {row[0] for row in con.execute("SELECT name FROM schema_migrations").fetchall()}
    applied = []
    for path in sorted(MIGRATIONS.glob("*.sql")):
        if path.name in done:
            continue
        con.execute("BEGIN")
        con.execute(path.read_text(encoding="utf-8"))
        con.execute("INSERT INTO schema_migrations VALUES (?, now())", [path.name])
        con.execute("COMMIT")
        applied.append(path.name)
    for path in sorted(VIEWS.glob("*.sql")):  # numbered: a view may use an earlier one
        con.execute(path.read_text(encoding="utf-8"))
    return applied


def _connect_with_retry(path: Path, read_only: bool, config: dict, wait_s: float) -> duckdb.DuckDBPyConnection:
    deadline = time.monotonic() + wait_s
    while True:
        try:
            return duckdb.connect(str(path), read_only=read_only, config=config)
        except duckdb.IOException as exc:
            if "lock" not in str(exc).lower() or time.monotonic() > deadline:
                raise
            time.sleep(0.2)


@contextmanager
def writer(db: Path, wait_s: float = 60.0) -> Iterator[duckdb.DuckDBPyConnection]:
    """The read-write connection, migrated; waits while another writer holds the file."""
    db = Path(db)
    db.parent.mkdir(parents=True, exist_ok=True)
    con = _connect_with_retry(db, False, {}, wait_s)
    try:
        migrate(con)
        yield con
    finally:
        con.close()


@contextmanager
def reader(db: Path, wait_s: float = 30.0) -> Iterator[duckdb.DuckDBPyConnection]:
    """A locked-down read-only connection: no file or network access, no settings changes."""
    db = Path(db)
    if not db.exists():
        raise FileNotFoundError(f"{db}: no warehouse here yet (run `marketfit scan` or `marketfit demo` first)")
    config = {"enable_external_access": False, "lock_configuration": True}
    con = _connect_with_retry(db, True, config, wait_s)
    try:
        yield con
    finally:
        con.close()
