"""Where the warehouse lives, how to open it, and its schema migrations.

One process writes at a time (DuckDB locks the file); writers open, write in one
short transaction and close, so readers get in between.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import re
import shutil
import tempfile
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
MAX_SCHEMA_BYTES = 1024 * 1024  # ours is ~5 kB


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
    _create_views(con)
    return applied


@functools.cache
def _views_code(folder: Path) -> tuple[tuple[str, ...], str]:
    """The view files' statements, in order (numbered: a view may use an earlier one), and their digest;
    read once per process."""
    files = sorted(folder.glob("*.sql"))
    texts = tuple(path.read_text(encoding="utf-8") for path in files)
    digest = hashlib.sha256("".join(f"{p.name}\n{text}" for p, text in zip(files, texts)).encode()).hexdigest()
    return texts, digest


def _create_views(con: duckdb.DuckDBPyConnection) -> None:
    """(Re-)create the views and macros unless they are those of this code: each view carries, as its
    comment, the digest of the view files and how many views they made (re-creating them all costs more
    than opening the file)."""
    statements, digest = _views_code(VIEWS)
    marks = con.execute("SELECT comment FROM duckdb_views() WHERE NOT internal AND schema_name = 'main'").fetchall()
    if marks and all(mark == f"{digest} {len(marks)}" for mark, in marks):
        return
    for statement in statements:
        con.execute(statement)
    views = [name for name, in con.execute(
        "SELECT view_name FROM duckdb_views() WHERE NOT internal AND schema_name = 'main'").fetchall()]
    for name in views:
        con.execute(f"COMMENT ON VIEW \"{name}\" IS '{digest} {len(views)}'")


# (warehouse file, views digest) -> the file's schema stamp when this process last migrated it
_migrated: dict[tuple[Path, str], tuple] = {}


def _schema_stamp(con: duckdb.DuckDBPyConnection) -> tuple | None:
    """What a migration by any process changes: the migrations applied and the views' marks (None: a new file)."""
    try:  # fetchall: fetchone would leave the result open and the connection busy
        (stamp,) = con.execute("""
            SELECT (SELECT list(name ORDER BY name) FROM schema_migrations),
                   (SELECT list(comment ORDER BY view_name) FROM duckdb_views()
                    WHERE NOT internal AND schema_name = 'main')""").fetchall()
        return stamp
    except duckdb.CatalogException:
        return None


def _migrate_once(con: duckdb.DuckDBPyConnection, db: Path) -> None:
    """migrate() the first time this process opens the file, and again only when its schema stamp is not the
    one this process left (another process, or older code, changed the schema; the file was replaced)."""
    key = db.resolve(), _views_code(VIEWS)[1]
    if key in _migrated and _schema_stamp(con) == _migrated[key]:
        return
    migrate(con)
    _migrated[key] = _schema_stamp(con)


class WarehouseError(Exception):
    """A warehouse problem the user can act on (file busy, bad backup folder); the message says what to do."""


def _lock_wait(default: float) -> float:
    """Seconds to wait while another process holds the file: $MARKETFIT_LOCK_WAIT, else the default."""
    value = os.environ.get("MARKETFIT_LOCK_WAIT") or default
    try:
        return float(value)
    except ValueError:
        raise WarehouseError(f"MARKETFIT_LOCK_WAIT must be a number of seconds, not {value!r}") from None


def _connect_with_retry(path: Path, read_only: bool, config: dict, wait_s: float) -> duckdb.DuckDBPyConnection:
    deadline = time.monotonic() + wait_s
    while True:
        try:
            return duckdb.connect(str(path), read_only=read_only, config=config)
        except duckdb.IOException as exc:
            if "lock" not in str(exc).lower():
                raise
            if time.monotonic() > deadline:
                raise WarehouseError(f"{path}: another process is writing to the warehouse; retry when it has "
                                     f"finished (waited {wait_s:g} s, MARKETFIT_LOCK_WAIT sets how long)") from None
            time.sleep(0.2)


def rollback(con: duckdb.DuckDBPyConnection) -> None:
    """ROLLBACK the open transaction, if any: a COMMIT that failed (a full disk) has ended it already, and the
    error to report is the one that stopped it, not "cannot rollback - no transaction is active"."""
    try:
        con.execute("ROLLBACK")
    except duckdb.TransactionException:
        pass


@contextmanager
def transaction(con: duckdb.DuckDBPyConnection) -> Iterator[duckdb.DuckDBPyConnection]:
    """BEGIN, then COMMIT when the block ends, or ROLLBACK when it raises."""
    con.execute("BEGIN")
    try:
        yield con
        con.execute("COMMIT")
    except BaseException:
        rollback(con)
        raise


def check_writable(db: Path) -> None:
    """Refuse, before any work, a warehouse that cannot be written: its folder (for the file and its
    write-ahead log) must take a new file, and an existing file must open for writing. Trying is the only
    honest check (root passes every permission test, yet not a read-only mount)."""
    db = Path(db)
    for path, attempt in ((db.parent, _try_new_file), (db, _try_open_for_writing)):
        try:
            attempt(path)
        except OSError as exc:
            raise WarehouseError(f"{path}: cannot write the warehouse here: {exc.strerror}; choose another --db"
                                 ) from None


def _try_new_file(folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryFile(dir=folder):
        pass


def _try_open_for_writing(db: Path) -> None:
    if db.exists():
        with db.open("r+b"):
            pass


@contextmanager
def writer(db: Path, wait_s: float | None = None) -> Iterator[duckdb.DuckDBPyConnection]:
    """The read-write connection, migrated (once per process, see _migrate_once); waits (60 s) while another
    writer holds the file.

    A write the disk refuses (full, read-only) ends as WarehouseError naming the file; the transaction
    that failed is rolled back, so the warehouse is as it was before it."""
    db = Path(db)
    check_writable(db)
    try:
        con = _connect_with_retry(db, False, {}, _lock_wait(60.0) if wait_s is None else wait_s)
        try:
            _migrate_once(con, db)
            yield con
        finally:
            con.close()
    except (duckdb.IOException, duckdb.TransactionException, duckdb.FatalException) as exc:  # a failed COMMIT
        raise WarehouseError(f"{db}: cannot write the warehouse: {str(exc).splitlines()[0]}; it is as it was "
                             "before this step") from None


@contextmanager
def reader(db: Path, wait_s: float | None = None, memory_limit: str | None = None
           ) -> Iterator[duckdb.DuckDBPyConnection]:
    """A locked-down read-only connection: no file or network access, no settings changes, no progress bar
    on stderr; ``memory_limit`` (DuckDB's spelling: 512MB, 2GB) is set before the configuration is locked.

    DuckDB lets no reader in while another process writes; writers keep their windows short,
    so this waits for one (30 s) before giving up with WarehouseError.
    """
    db = Path(db)
    if not db.exists():
        raise FileNotFoundError(f"{db}: no warehouse here yet (run `marketfit scan` or `marketfit demo` first)")
    config = {"enable_external_access": False}
    if memory_limit is not None:
        config["memory_limit"] = memory_limit
    try:
        con = _connect_with_retry(db, True, config, _lock_wait(30.0) if wait_s is None else wait_s)
    except (duckdb.ParserException, duckdb.InvalidInputException) as exc:
        raise WarehouseError(f"memory limit {memory_limit!r}: {str(exc).splitlines()[0]}") from None
    try:
        con.execute("SET enable_progress_bar = false")  # a connection setting, not one connect() takes
        con.execute("SET lock_configuration = true")
        yield con
    finally:
        con.close()


def table_rows(con: duckdb.DuckDBPyConnection, macro: str, *arguments: object) -> list[dict]:
    """Every row of a table macro in warehouse/views (``macro`` is its name, checked), as dicts: how code outside
    the warehouse reads a read model without writing SQL."""
    if not re.fullmatch(r"[a-z_][a-z0-9_]*", macro):
        raise ValueError(f"not a macro name: {macro!r}")
    cursor = con.execute(f"SELECT * FROM {macro}({', '.join('?' * len(arguments))})", list(arguments))
    columns = [d[0] for d in cursor.description]
    return [dict(zip(columns, row)) for row in cursor.fetchall()]


def _sql_path(path: Path) -> str:
    return "'" + str(path).replace("'", "''") + "'"


def _remove(*paths: Path) -> None:
    for path in paths:
        if path.is_dir():
            shutil.rmtree(path)
        else:
            path.unlink(missing_ok=True)


def backup_warehouse(db: Path, folder: Path) -> None:
    """The whole warehouse as Parquet files plus schema.sql/load.sql (DuckDB EXPORT DATABASE) in a new folder."""
    db, folder = Path(db), Path(folder)
    if not db.exists():
        raise FileNotFoundError(f"{db}: no warehouse here yet (run `marketfit scan` or `marketfit demo` first)")
    if folder.is_symlink():  # EXPORT would write wherever the link points
        raise WarehouseError(f"{folder}: is a symbolic link; back up into a new folder, not through a link")
    if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
        raise WarehouseError(f"{folder}: already exists and is not an empty folder; back up into a new folder")
    created = not folder.exists()
    con = _connect_with_retry(db, True, {}, _lock_wait(30.0))
    try:
        con.execute(f"EXPORT DATABASE {_sql_path(folder)} (FORMAT parquet)")
        # EXPORT writes views and macros in name order, not dependency order, so IMPORT fails on ours; they are
        # code (warehouse/views) that migrate() re-creates on restore: the backup keeps tables and sequences
        schema = folder / "schema.sql"
        kept = [statement.query.strip().rstrip(";") for statement in
                con.extract_statements(schema.read_text(encoding="utf-8"))
                if not statement.query.lstrip().upper().startswith(("CREATE VIEW", "CREATE MACRO"))]
        schema.write_text("".join(f"{query};\n" for query in kept), encoding="utf-8")
    except duckdb.Error as exc:
        if created:
            _remove(folder)
        raise WarehouseError(f"{folder}: backup failed: {str(exc).splitlines()[0]}") from None
    finally:
        con.close()


def restore_warehouse(folder: Path, db: Path) -> None:
    """A new warehouse file from a backup folder, migrated to the current schema.

    The folder is untrusted (backups are passed around): schema.sql may only create tables and sequences, on a
    connection that can read nothing but the folder's own Parquet files and whose configuration is locked; the
    tables are filled here from <table>.parquet, and load.sql is never run. Restores into a side file and
    renames it into place, so a failed restore leaves nothing behind.
    """
    folder, db = Path(folder), Path(db)
    if not ((folder / "schema.sql").is_file() and (folder / "load.sql").is_file()):
        raise WarehouseError(f"{folder}: not a backup folder (no schema.sql and load.sql; `marketfit backup` "
                             "makes one)")
    if db.exists() or db.is_symlink():
        raise WarehouseError(f"{db}: already exists; restore into a new file")
    statements = _backup_statements(folder)
    data_files = {path.stem: path for path in folder.glob("*.parquet") if _is_plain_file(path)}
    db.parent.mkdir(parents=True, exist_ok=True)
    partial = db.with_name(db.name + ".restoring")
    _remove(partial, partial.with_name(partial.name + ".wal"))
    try:
        con = duckdb.connect(str(partial))
        try:
            con.execute("SET allowed_paths = $1", [[str(path.resolve()) for path in data_files.values()]])
            con.execute("SET enable_external_access = false")
            con.execute("SET lock_configuration = true")
            for statement in statements:
                con.execute(statement)
            tables = _check_restored_schema(con, folder)
            if "schema_migrations" not in tables:
                raise WarehouseError(f"{folder}: not a marketfit backup (no schema_migrations table)")
            for table in tables:
                if table not in data_files:
                    raise WarehouseError(f"{folder}: no {table}.parquet for table {table}; the backup is incomplete")
                con.execute(f'INSERT INTO "{table}" SELECT * FROM read_parquet($1)',
                            [str(data_files[table].resolve())])
            migrate(con)
        finally:
            con.close()
    except BaseException as exc:
        _remove(partial, partial.with_name(partial.name + ".wal"))
        if isinstance(exc, duckdb.Error):
            raise WarehouseError(f"{folder}: restore failed: {str(exc).splitlines()[0]}") from None
        raise
    partial.rename(db)


def _is_plain_file(path: Path) -> bool:
    """A regular file that is not a symlink: a backup's data files are read only from the folder itself."""
    return path.is_file() and not path.is_symlink()


def _read_regular(path: Path) -> bytes:
    if not _is_plain_file(path) or path.stat().st_size > MAX_SCHEMA_BYTES:
        raise WarehouseError(f"{path}: not a regular file of at most {MAX_SCHEMA_BYTES} bytes; not a marketfit backup")
    return path.read_bytes()


_BACKUP_STATEMENT = re.compile(r"CREATE\s+(TABLE|SEQUENCE)\s", re.IGNORECASE)
_TABLE_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def _backup_statements(folder: Path) -> list[str]:
    """schema.sql's statements, parsed by DuckDB; anything but the CREATE TABLE/SEQUENCE `backup` writes is refused."""
    schema = folder / "schema.sql"
    try:
        statements = duckdb.extract_statements(_read_regular(schema).decode("utf-8"))
    except (duckdb.Error, UnicodeDecodeError) as exc:
        raise WarehouseError(f"{schema}: cannot be parsed: {str(exc).splitlines()[0]}") from None
    for number, statement in enumerate(statements, 1):
        query = statement.query.strip()
        if statement.type != duckdb.StatementType.CREATE or not _BACKUP_STATEMENT.match(query):
            raise WarehouseError(f"{schema}: statement {number} is not a CREATE TABLE or CREATE SEQUENCE, which is "
                                 f"all `marketfit backup` writes; refusing to restore ({' '.join(query.split())[:60]})")
    return [statement.query for statement in statements]


def _expression_functions(con: duckdb.DuckDBPyConnection, expression: str) -> set[str]:
    """Names of the functions (and 'subquery') a column default or CHECK expression calls, from DuckDB's parse."""
    tree = json.loads(con.execute("SELECT json_serialize_sql($1)", [f"SELECT {expression}"]).fetchone()[0])
    if tree.get("error"):
        return {"unparsable"}
    found, pending = set(), [tree]
    while pending:
        node = pending.pop()
        if isinstance(node, dict):
            if node.get("class") == "FUNCTION" and not node.get("is_operator"):
                found.add(node["function_name"])
            elif node.get("class") == "SUBQUERY":
                found.add("subquery")
            pending.extend(node.values())
        elif isinstance(node, list):
            pending.extend(node)
    return found


def _check_restored_schema(con: duckdb.DuckDBPyConnection, folder: Path) -> list[str]:
    """The tables schema.sql made, once checked: plainly named, empty, calling no function but nextval()."""
    tables = [name for name, in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()]
    for name in tables:
        if not _TABLE_NAME.fullmatch(name) or con.execute(f'SELECT count(*) FROM "{name}"').fetchone()[0]:
            raise WarehouseError(f"{folder}: schema.sql makes table {name!r} in a way `marketfit backup` never "
                                 "writes (an odd name, or filled by a query); refusing to restore")
    expressions = con.execute("""
        SELECT table_name, column_default, true FROM duckdb_columns() WHERE column_default IS NOT NULL
        UNION ALL SELECT table_name, expression, false FROM duckdb_constraints() WHERE constraint_type = 'CHECK'
        """).fetchall()
    for table, expression, is_default in expressions:
        calls = _expression_functions(con, expression) - ({"nextval"} if is_default else set())
        if calls:
            raise WarehouseError(f"{folder}: schema.sql gives table {table} an expression calling "
                                 f"{', '.join(sorted(calls))}; refusing to restore")
    return tables
