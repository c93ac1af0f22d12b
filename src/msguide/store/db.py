"""Opening the store: connections, pragmas, schema creation and upgrades.

One `Store` per process. Reads go through `Store.read()`: sqlite3 itself (msguide.store.reader),
so showing content never waits for SQLAlchemy to load. Writes go through `Store.write()`, a
SQLAlchemy session that takes SQLite's write lock up front (BEGIN IMMEDIATE) so two writers
queue instead of failing half-way; the engine is made on the first write. A connection or
session is used by one thread at a time; read connections are kept for the next read.
"""

from __future__ import annotations

import logging
import sqlite3
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal
from urllib.parse import quote

from msguide.errors import StorageError
from msguide.store.location import journal_choice
from msguide.store.query import RANK_WEIGHTS
from msguide.store.reader import ReadConnection
from msguide.store.searchindex import (
    REBUILT,
    IndexDamaged,
    index_problem,
    looks_like_index_error,
    rebuild_index,
)

if TYPE_CHECKING:
    from sqlalchemy import Connection, Engine
    from sqlalchemy.orm import Session

log = logging.getLogger(__name__)

SCHEMA_VERSION = 3
# Read-only stores (a data folder msguide may not write; a backup or the seed shown instead of a
# damaged store) cannot be upgraded. Schemas from this one on differ only by added tables that
# readers do without (pathways, synonyms), so such a store is shown as it is rather than refused.
READABLE_FROM = 1
# PRAGMA application_id of every msguide store ("msgd"): another program's SQLite file at the
# store path is never taken for one (sqlite.org/fileformat2.html#application_id).
APPLICATION_ID = 0x6D736764
# Tables every msguide store has had since schema 1: how a store made before the mark is
# recognised (and then marked).
SIGNATURE_TABLES = frozenset({"sources", "revisions", "revision_blobs", "items", "items_fts"})
BUSY_TIMEOUT_MS = 10_000
# Read connections kept open between reads. A fresh connection starts with an empty page cache
# and re-reads the schema: at 10k items that made a search-as-you-type query ~40% slower.
IDLE_READERS = 4

# Prefix indexes for 1 to 3 letters: the first keystrokes of a search match the most words,
# and without an index FTS5 merges every such word's list (a one-letter search at 100k items
# took 0.4-0.6 s instead of 0.14-0.26 s). Longer prefixes match few enough words not to need one.
FTS_DDL = (
    "CREATE VIRTUAL TABLE items_fts USING fts5("
    "title, summary, content_text, tags_text, publisher, "
    "content='items', content_rowid='id', "
    "tokenize='unicode61 remove_diacritics 2', prefix='1 2 3')",
    f"INSERT INTO items_fts(items_fts, rank) VALUES('rank', 'bm25({RANK_WEIGHTS})')",
)


def _add_pathways(connection: Connection) -> None:
    from msguide.store.pathways import add_pathways_table

    add_pathways_table(connection)


def _add_synonyms(connection: Connection) -> None:
    from msguide.store.synonyms import add_synonyms_table

    add_synonyms_table(connection)


# Ordered upgrades: MIGRATIONS[n] takes a store from schema n+1 to n+2, by SQL statements or
# functions of the connection. Each runs in the transaction that also bumps PRAGMA user_version,
# so an upgrade is all or nothing.
MigrationStep = str | Callable[["Connection"], None]
MIGRATIONS: list[tuple[MigrationStep, ...]] = [
    (_add_pathways,),  # 1 -> 2: pathways, filled from each source's current revision
    (_add_synonyms,),  # 2 -> 3: search synonyms, filled the same way
]


def lenient_text(data: bytes) -> str:
    """Text as stored, with bytes that are not UTF-8 shown as U+FFFD: damage inside a text value
    passes SQLite's integrity check, and must cost one garbled word, not the whole store."""
    return data.decode("utf-8", "replace")


Identity = Literal["msguide", "unmarked msguide", "empty", "foreign"]


def identify(raw: sqlite3.Connection) -> Identity:
    """What the database on `raw` is: an msguide store (marked, or made before the mark), an
    empty file a new store may be made in, or another program's database."""
    mark = int(raw.execute("PRAGMA application_id").fetchone()[0])
    if mark == APPLICATION_ID:
        return "msguide"
    if mark != 0:
        return "foreign"
    names = {str(row[0]) for row in raw.execute("SELECT name FROM sqlite_master")}
    if not names:
        return "empty"
    version = int(raw.execute("PRAGMA user_version").fetchone()[0])
    if version >= 1 and SIGNATURE_TABLES.issubset(names):
        return "unmarked msguide"
    return "foreign"


def _connection_suspect(error: BaseException) -> bool:
    """Whether a read connection that saw `error` should be closed rather than reused: any
    SQLite error but an interrupt (a newer search stopping a stale one) is."""
    if isinstance(error, sqlite3.OperationalError) and str(error) == "interrupted":
        return False
    return isinstance(error, sqlite3.Error)


def _journal_mode(path: Path) -> str:
    # WAL needs shared memory that network file systems do not provide (sqlite.org/wal.html).
    return journal_choice(path)[0]


class Store:
    """The SQLite store at `path`. Create with `Store.open`; close with `close()`."""

    def __init__(
        self, path: Path, *, read_only: bool, journal_mode: str, immutable: bool = False
    ) -> None:
        self.path = path
        self.read_only = read_only
        self.journal_mode = journal_mode
        self.immutable = immutable
        # Where importer.import_feed/rollback keep a copy before changing content (store.backup);
        # set by services.open_user_store, None for stores that need no backups (tests, seed).
        self.backup_folder: Path | None = None
        self._engine: Engine | None = None
        self._engine_lock = threading.Lock()
        self._idle_readers: list[sqlite3.Connection] = []
        self._readers_lock = threading.Lock()
        self._closed = False
        # Set once a read error was found not to come from the search index (Store.read).
        self._index_sound = False

    @classmethod
    def open(
        cls, path: Path, *, read_only: bool = False, create: bool = True, immutable: bool = False
    ) -> Store:
        """Open (and if needed create or upgrade) the store. Raises `StorageError`.

        `immutable` (read-only only) promises SQLite that nobody changes the file: it is how a
        WAL store in a folder that cannot be written is read at all (no -shm file can be made).
        """
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
        store = cls(
            path, read_only=read_only, journal_mode=_journal_mode(path), immutable=immutable
        )
        try:
            store._prepare_schema()
        except BaseException:
            store.close()
            raise
        return store

    @property
    def engine(self) -> Engine:
        """SQLAlchemy's engine, made (and SQLAlchemy loaded) on first use."""
        with self._engine_lock:
            if self._engine is None:
                self._engine = _create_engine(
                    self.path,
                    read_only=self.read_only,
                    journal_mode=self.journal_mode,
                    immutable=self.immutable,
                )
            return self._engine

    def close(self) -> None:
        with self._readers_lock:
            self._closed = True
            idle, self._idle_readers = self._idle_readers, []
        for raw in idle:
            raw.close()
        with self._engine_lock:
            if self._engine is not None:
                self._engine.dispose()
                self._engine = None

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def connect_sqlite(self) -> sqlite3.Connection:
        """A plain sqlite3 connection with the store's pragmas (the caller closes it)."""
        if self.read_only:
            flags = "mode=ro&immutable=1" if self.immutable else "mode=ro"
            raw = sqlite3.connect(
                f"file:{sqlite_uri_path(self.path)}?{flags}",
                uri=True,
                isolation_level=None,
                check_same_thread=False,
            )
        else:
            raw = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
        raw.text_factory = lenient_text
        raw.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        return raw

    @contextmanager
    def read(self) -> Iterator[ReadConnection]:
        """A connection for reading: one consistent snapshot until the block ends.

        Connections are reused (one thread at a time); one that saw an error is closed.
        """
        with storage_errors():
            raw = self._take_reader()
            try:
                raw.execute("BEGIN")
                yield ReadConnection(raw, self._check_index_once)
            except BaseException as error:
                if _connection_suspect(error):
                    raw.close()
                    self._repair_search_index(error)
                else:
                    self._give_back(raw)
                raise
            self._give_back(raw)

    def _repair_search_index(self, error: BaseException) -> None:
        """After a read failed in a way a damaged search index fails: if the index is the
        culprit, rebuild it from the items and say so (raises `StorageError`)."""
        if self.read_only or self._index_sound or not looks_like_index_error(error):
            return
        try:
            if isinstance(error, IndexDamaged):
                problem: str | None = error.problem  # just read whole: no need to again
            else:
                raw = self.connect_sqlite()
                try:
                    problem = index_problem(raw, thorough=True, writable=True)
                finally:
                    raw.close()
            if problem is None:
                # The damage is elsewhere (the start-up check handles it): a full read of the
                # index on every failing keystroke would only slow the window down.
                self._index_sound = True
                return
            log.warning("the search index of %s is damaged (%s); rebuilding it", self.path, problem)
            self.close_readers()
            rebuild_index(self.path, FTS_DDL)
        except (sqlite3.Error, UnicodeDecodeError) as failure:
            log.warning("could not rebuild the search index of %s: %s", self.path, failure)
            return
        raise StorageError(REBUILT.rstrip(".") + "; search again.") from error

    def _check_index_once(self) -> None:
        """A full-text match found nothing. FTS5 reads some damage (junk where index blocks
        were: about 1 in 80 draws of junk over them in the tests) as "no such word", without
        an error: every search then finds nothing and nothing says why. So the first empty
        match of a session reads the whole index (about a second at 100 000 items, on the
        search's worker thread) and raises `IndexDamaged` if it is damaged (`read` then
        rebuilds it and says so). Once found sound, it is not read again: typed words that
        match nothing are common. Damage that makes FTS5 return some matches but not all
        cannot be told from a true answer this cheaply: the start-up check and `doctor` read
        the whole index."""
        if self.read_only or self._index_sound:
            return
        raw = self.connect_sqlite()
        try:
            # Never wait for an import's write lock here: a search must not stall for it.
            raw.execute("PRAGMA busy_timeout = 0")
            problem = index_problem(raw, thorough=True, writable=True)
        except sqlite3.OperationalError as error:
            log.info("the search index was not checked (%s); a later empty search will", error)
            return
        finally:
            raw.close()
        if problem is None:
            self._index_sound = True
            return
        raise IndexDamaged(problem)

    def close_readers(self) -> None:
        """Close the idle read connections (they keep the schema they first read)."""
        with self._readers_lock:
            idle, self._idle_readers = self._idle_readers, []
        for raw in idle:
            raw.close()

    def _take_reader(self) -> sqlite3.Connection:
        with self._readers_lock:
            if self._idle_readers:
                return self._idle_readers.pop()
        return self.connect_sqlite()

    def _give_back(self, raw: sqlite3.Connection) -> None:
        try:
            if raw.in_transaction:
                raw.execute("ROLLBACK")
        except sqlite3.Error:
            raw.close()
            return
        with self._readers_lock:
            if not self._closed and len(self._idle_readers) < IDLE_READERS:
                self._idle_readers.append(raw)
                return
        raw.close()

    @contextmanager
    def write(self) -> Iterator[Session]:
        """One write transaction: committed when the block ends, rolled back if it raises."""
        if self.read_only:
            raise StorageError(
                "the store is open read-only (the data folder cannot be written), "
                "so nothing can be changed; ask IT to check the folder's permissions"
            )
        from sqlalchemy.orm import Session

        writer = self.engine.execution_options(msguide_begin="BEGIN IMMEDIATE")
        with storage_errors(), Session(writer) as session, session.begin():
            yield session

    @contextmanager
    def write_connection(self) -> Iterator[Connection]:
        """`write` on a plain connection: imports need no ORM, and `sqlalchemy.orm` alone takes
        longer to load than a small import takes to write."""
        if self.read_only:
            raise StorageError(
                "the store is open read-only (the data folder cannot be written), "
                "so nothing can be changed; ask IT to check the folder's permissions"
            )
        writer = self.engine.execution_options(msguide_begin="BEGIN IMMEDIATE")
        with storage_errors(), writer.begin() as connection:
            yield connection

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A read session for ORM queries."""
        from sqlalchemy.orm import Session

        with storage_errors(), Session(self.engine) as session:
            yield session

    def schema_version(self) -> int:
        with self.read() as connection:
            return int(connection.exec_driver_sql("PRAGMA user_version").scalar_one())

    def _settle_journal(self) -> None:
        """Switch the file to the journal this location needs (WAL locally, never on a share)."""
        with storage_errors():
            raw = self.connect_sqlite()
            try:
                current = str(raw.execute("PRAGMA journal_mode").fetchone()[0])
                if current.upper() != self.journal_mode:
                    raw.execute(f"PRAGMA journal_mode = {self.journal_mode}")
            finally:
                raw.close()

    def _identify(self) -> Identity:
        with storage_errors():
            raw = self.connect_sqlite()
            try:
                return identify(raw)
            finally:
                raw.close()

    def _prepare_schema(self) -> None:
        identity = self._identify()
        if identity == "foreign":
            # Checked before anything is written: the file is left exactly as it was.
            raise StorageError(
                f"{self.path} is not an msguide store (it is another program's database); "
                "msguide leaves it alone"
            )
        if not self.read_only:
            self._settle_journal()
            if identity == "unmarked msguide":
                self._mark()
        version = self.schema_version()
        if version == SCHEMA_VERSION:
            return
        if version > SCHEMA_VERSION:
            raise StorageError(
                f"the store {self.path} was written by a newer msguide (schema {version}, this "
                f"one reads {SCHEMA_VERSION}); update msguide"
            )
        if self.read_only:
            if version >= READABLE_FROM:
                return
            raise StorageError(
                f"the store {self.path} needs an upgrade but is read-only; "
                "open it once with write access"
            )
        from msguide.store.models import Base

        writer = self.engine.execution_options(msguide_begin="BEGIN IMMEDIATE")
        with storage_errors(), writer.connect() as connection, connection.begin():
            if version == 0:
                Base.metadata.create_all(connection)
                for statement in FTS_DDL:
                    connection.exec_driver_sql(statement)
                connection.exec_driver_sql(f"PRAGMA application_id = {APPLICATION_ID}")
            else:
                for step in MIGRATIONS[version - 1 :]:
                    for change in step:
                        if isinstance(change, str):
                            connection.exec_driver_sql(change)
                        else:
                            change(connection)
            connection.exec_driver_sql(f"PRAGMA user_version = {SCHEMA_VERSION}")

    def _mark(self) -> None:
        """Mark a store made before msguide marked its stores (its tables say it is one)."""
        with storage_errors():
            raw = self.connect_sqlite()
            try:
                raw.execute("BEGIN IMMEDIATE")
                raw.execute(f"PRAGMA application_id = {APPLICATION_ID}")
                raw.execute("COMMIT")
            finally:
                raw.close()


def sqlite_uri_path(path: Path | str) -> str:
    """`path` %-escaped for a URL, so "#", "?" and "%" in folder names (C#dev, 100%) survive.

    SQLAlchemy unescapes its URL once and SQLite unescapes a file: URI once more: the
    read-only URL, which is both, is escaped twice.
    """
    return quote(Path(path).as_posix() if isinstance(path, Path) else path, safe="/:")


def _create_engine(path: Path, *, read_only: bool, journal_mode: str, immutable: bool) -> Engine:
    from sqlalchemy import create_engine, event
    from sqlalchemy.pool import NullPool

    if read_only:
        flags = "mode=ro&immutable=1" if immutable else "mode=ro"
        url = f"sqlite:///file:{sqlite_uri_path(sqlite_uri_path(path))}?{flags}&uri=true"
    else:
        url = f"sqlite:///{sqlite_uri_path(path)}"
    # NullPool: connections are cheap, and none outlives its task or thread.
    engine = create_engine(url, poolclass=NullPool)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: sqlite3.Connection, _record: Any) -> None:
        # Let SQLAlchemy (not pysqlite's legacy rules) decide where transactions begin.
        dbapi_connection.isolation_level = None
        dbapi_connection.text_factory = lenient_text
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
    except sqlite3.OperationalError as error:
        raise StorageError(describe_sqlite_error(error)) from error
    except UnicodeDecodeError as error:
        # Python's sqlite3 raises this (instead of an error) when SQLite's message quotes a
        # damaged name that is not UTF-8; the store's text itself is read leniently.
        raise StorageError(describe_sqlite_error(sqlite3.DatabaseError("malformed"))) from error
    except sqlite3.DatabaseError as error:
        # A damaged file is the person's problem to solve (restart restores a backup); any
        # other DatabaseError (a constraint, a bad statement) is a bug and stays one.
        if not is_damage(error):
            raise
        raise StorageError(describe_sqlite_error(error)) from error
    except Exception as error:
        # SQLAlchemy wraps sqlite3's errors; it is loaded only once something was written.
        exc = sys.modules.get("sqlalchemy.exc")
        if exc is None or not isinstance(error, exc.DBAPIError):
            raise
        if isinstance(error, exc.OperationalError):
            raise StorageError(describe_sqlite_error(error.orig)) from error
        if isinstance(error, exc.DatabaseError) and is_damage(error):
            raise StorageError(describe_sqlite_error(error)) from error
        raise


def is_damage(error: BaseException) -> bool:
    """True for SQLite's words for a damaged or foreign file."""
    text = str(error).lower()
    return "malformed" in text or "not a database" in text or "corrupt" in text


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
    if "i/o error" in text:
        # A failed write (a file-size limit, a share gone away): SQLite has rolled back.
        return (
            "the store could not be written (a disk or network error), so the change was not "
            "saved; nothing was lost. Check the free space and that the data folder can be "
            "reached, then try again"
        )
    if "malformed" in text or "not a database" in text or "corrupt" in text:
        return "the store file is damaged; restart msguide to restore it from a backup"
    if "unable to open" in text:
        return "the store cannot be opened: check that its folder exists and can be read"
    return f"the store could not be used ({error})"
