"""Opening the store: engine, connection pragmas, schema creation and upgrades.

One `Store` per process. Reads use plain connections; writes go through `Store.write()`, which
takes SQLite's write lock up front (BEGIN IMMEDIATE) so two writers queue instead of failing
half-way. Sessions never cross threads: each task opens its own.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session
from sqlalchemy.pool import NullPool

from msguide.errors import StorageError
from msguide.store.location import is_network_path
from msguide.store.models import Base

SCHEMA_VERSION = 1
BUSY_TIMEOUT_MS = 10_000

FTS_DDL = (
    "CREATE VIRTUAL TABLE items_fts USING fts5("
    "title, summary, content_text, tags_text, publisher, "
    "content='items', content_rowid='id', "
    "tokenize='unicode61 remove_diacritics 2', prefix='2 3')",
    # Title counts most, then summary and tags; the body least (DESIGN.md §5).
    "INSERT INTO items_fts(items_fts, rank) VALUES('rank', 'bm25(10.0, 4.0, 1.0, 3.0, 2.0)')",
)

# Ordered upgrades: MIGRATIONS[n] takes a store from schema n+1 to n+2. Each runs in the
# transaction that also bumps PRAGMA user_version, so an upgrade is all or nothing.
MIGRATIONS: list[tuple[str, ...]] = []


def _journal_mode(path: Path) -> str:
    # WAL needs shared memory that network file systems do not provide (sqlite.org/wal.html).
    return "DELETE" if is_network_path(path) else "WAL"


class Store:
    """The SQLite store at `path`. Create with `Store.open`; close with `close()`."""

    def __init__(self, path: Path, engine: Engine, *, read_only: bool, journal_mode: str) -> None:
        self.path = path
        self.engine = engine
        self.read_only = read_only
        self.journal_mode = journal_mode
        self._writer = engine.execution_options(msguide_begin="BEGIN IMMEDIATE")

    @classmethod
    def open(cls, path: Path, *, read_only: bool = False, create: bool = True) -> Store:
        """Open (and if needed create or upgrade) the store. Raises `StorageError`."""
        path = Path(path)
        if not path.exists():
            if read_only or not create:
                raise StorageError(f"there is no store at {path}")
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
            except OSError as error:
                raise StorageError(
                    f"cannot create the data folder {path.parent}: {error.strerror}"
                ) from None
        journal_mode = _journal_mode(path)
        engine = _create_engine(path, read_only=read_only, journal_mode=journal_mode)
        store = cls(path, engine, read_only=read_only, journal_mode=journal_mode)
        try:
            store._prepare_schema()
        except BaseException:
            engine.dispose()
            raise
        return store

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def read(self) -> Iterator[Connection]:
        """A connection for reading: one consistent snapshot per transaction."""
        with storage_errors(), self.engine.connect() as connection:
            yield connection

    @contextmanager
    def write(self) -> Iterator[Session]:
        """One write transaction: committed when the block ends, rolled back if it raises."""
        if self.read_only:
            raise StorageError(
                "the store is open read-only (the data folder cannot be written), "
                "so nothing can be changed; ask IT to check the folder's permissions"
            )
        with storage_errors(), Session(self._writer) as session, session.begin():
            yield session

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A read session for ORM queries."""
        with storage_errors(), Session(self.engine) as session:
            yield session

    def schema_version(self) -> int:
        with self.read() as connection:
            return int(connection.exec_driver_sql("PRAGMA user_version").scalar_one())

    def _prepare_schema(self) -> None:
        version = self.schema_version()
        if version == SCHEMA_VERSION:
            return
        if version > SCHEMA_VERSION:
            raise StorageError(
                f"the store {self.path} was written by a newer msguide (schema {version}, this "
                f"one reads {SCHEMA_VERSION}); update msguide"
            )
        if self.read_only:
            raise StorageError(
                f"the store {self.path} needs an upgrade but is read-only; "
                "open it once with write access"
            )
        with self._writer.connect() as connection, connection.begin():
            if version == 0:
                Base.metadata.create_all(connection)
                for statement in FTS_DDL:
                    connection.exec_driver_sql(statement)
            else:
                for step in MIGRATIONS[version - 1 :]:
                    for statement in step:
                        connection.exec_driver_sql(statement)
            connection.exec_driver_sql(f"PRAGMA user_version = {SCHEMA_VERSION}")


def _create_engine(path: Path, *, read_only: bool, journal_mode: str) -> Engine:
    if read_only:
        url = f"sqlite:///file:{path.as_posix()}?mode=ro&uri=true"
    else:
        url = f"sqlite:///{path.as_posix()}"
    # NullPool: connections are cheap, and none outlives its task or thread.
    engine = create_engine(url, poolclass=NullPool)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: sqlite3.Connection, _record: Any) -> None:
        # Let SQLAlchemy (not pysqlite's legacy rules) decide where transactions begin.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys = ON")
        if not read_only:
            current = cursor.execute("PRAGMA journal_mode").fetchone()[0]
            if current.upper() != journal_mode:
                cursor.execute(f"PRAGMA journal_mode = {journal_mode}")
            cursor.execute(
                "PRAGMA synchronous = " + ("NORMAL" if journal_mode == "WAL" else "FULL")
            )
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Connection) -> None:
        connection.exec_driver_sql(connection.get_execution_options().get("msguide_begin", "BEGIN"))

    return engine


@contextmanager
def storage_errors() -> Iterator[None]:
    """Turn SQLite's operational failures (disk full, locked, read-only) into `StorageError`."""
    try:
        yield
    except OperationalError as error:
        raise StorageError(describe_sqlite_error(error.orig)) from error
    except sqlite3.OperationalError as error:
        raise StorageError(describe_sqlite_error(error)) from error


def describe_sqlite_error(error: BaseException | None) -> str:
    text = str(error).lower()
    if "full" in text:
        return (
            "the disk is full, so the change was not saved; nothing was lost. "
            "Free some space and try again"
        )
    if "locked" in text or "busy" in text:
        return (
            "the store is busy with another msguide (an import or sync); "
            "wait a moment and try again"
        )
    if "readonly" in text or "read-only" in text:
        return (
            "the data folder cannot be written, so the change was not saved; "
            "ask IT to check its permissions"
        )
    if "malformed" in text or "not a database" in text or "corrupt" in text:
        return "the store file is damaged; restart msguide to restore it from a backup"
    if "unable to open" in text:
        return "the store cannot be opened: check that its folder exists and can be read"
    return f"the store could not be used ({error})"
