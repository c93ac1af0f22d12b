"""The full-text search index (FTS5 `items_fts`): find damage, rebuild it from the items.

SQLite's quick_check does not look inside an FTS5 index: a damaged one passed it and then gave
tracebacks ("vtable constructor failed", "invalid fts5 file format") or, worse, silently empty
results. The index holds nothing of its own (it is built from the `items` table), so damage
is repaired by rebuilding it, and nothing is lost.
"""

from __future__ import annotations

import contextlib
import logging
import sqlite3
from collections.abc import Iterator
from pathlib import Path

log = logging.getLogger(__name__)

INDEX = "items_fts"
SHADOW_TABLES = ("data", "idx", "docsize", "config", "content")
# FTS5's own integrity-check reads the whole index and compares it with the items: about
# 0.25 s for 20,000 test items here, against 0.09 s for quick_check. At start-up it runs up to
# this size (about 0.1 s); beyond it, the quick probe runs and any search error leads to it.
THOROUGH_AT_START_ITEMS = 10_000
REBUILT = "The search index was damaged, so msguide rebuilt it from your content; nothing was lost."
# SQLite's and FTS5's words for an index it cannot use.
_INDEX_WORDS = ("fts5", "vtable constructor failed", INDEX, "malformed", "corrupt")


class IndexDamaged(sqlite3.DatabaseError):
    """The search index was read whole and found damaged; `problem` says how, in SQLite's
    words. Raised where SQLite itself said nothing (a search that found nothing)."""

    def __init__(self, problem: str) -> None:
        super().__init__(f"the search index ({INDEX}) is corrupt: {problem}")
        self.problem = problem


def looks_like_index_error(error: BaseException) -> bool:
    """Whether `error` may come from a damaged search index (then `index_problem` decides)."""
    text = str(error).lower()
    return isinstance(error, sqlite3.DatabaseError) and any(w in text for w in _INDEX_WORDS)


def index_problem(raw: sqlite3.Connection, *, thorough: bool, writable: bool) -> str | None:
    """What is wrong with the search index, in SQLite's words; None when it is sound.

    The quick probe opens the index, counts its rows against the items and runs one query;
    `thorough` reads all of it (FTS5 integrity-check where the connection may write, else a
    scan of every term, which works read-only). Raises `sqlite3.OperationalError` when the
    store is locked (integrity-check needs the write lock).

    Everything is read in one transaction, so another connection's commit cannot fall between
    two reads: the items counted before a commit and the index after it would disagree, and
    a rollback journal's writer could lock FTS5 out half-way through opening the index (which
    FTS5 reports as "vtable constructor failed", not as a busy store).
    """
    try:
        with _rolled_back(raw):
            return _probe(raw, thorough=thorough, writable=writable)
    except sqlite3.Error as error:
        if _busy(error):
            raise  # another msguide holds the store: that says nothing about the index
        return str(error)
    except UnicodeDecodeError:  # SQLite's message quoted damaged text
        return "its error message is not UTF-8 text"


def _probe(raw: sqlite3.Connection, *, thorough: bool, writable: bool) -> str | None:
    # The first read takes the snapshot (and, with a rollback journal, the shared lock).
    items = int(raw.execute("SELECT count(*) FROM items").fetchone()[0])
    indexed = int(raw.execute(f"SELECT count(*) FROM {INDEX}_docsize").fetchone()[0])
    if indexed != items:
        return f"the index lists {indexed} items, the store holds {items}"
    raw.execute(f"SELECT rowid FROM {INDEX} WHERE {INDEX} MATCH 'a* OR e*' LIMIT 1").fetchall()
    if thorough:
        _read_all(raw, writable=writable)
    return None


def _busy(error: sqlite3.Error) -> bool:
    text = str(error).lower()
    return "locked" in text or "busy" in text


def _read_all(raw: sqlite3.Connection, *, writable: bool) -> None:
    if writable:
        with _rolled_back(raw):
            # rank 0: also compares the index with the items it was built from.
            raw.execute(f"INSERT INTO {INDEX}({INDEX}, rank) VALUES('integrity-check', 0)")
        return
    # Read-only: a scan of every term reads every block of the index.
    raw.execute(
        f"CREATE VIRTUAL TABLE IF NOT EXISTS temp.{INDEX}_terms "
        f"USING fts5vocab(main, {INDEX}, 'row')"
    )
    try:
        raw.execute(f"SELECT count(*), sum(cnt) FROM temp.{INDEX}_terms").fetchall()
    finally:
        raw.execute(f"DROP TABLE IF EXISTS temp.{INDEX}_terms")


@contextlib.contextmanager
def _rolled_back(raw: sqlite3.Connection) -> Iterator[None]:
    started = not raw.in_transaction
    if started:
        raw.execute("BEGIN")
    try:
        yield
    finally:
        if started and raw.in_transaction:
            raw.execute("ROLLBACK")


def rebuild_index(path: Path, create_statements: tuple[str, ...]) -> None:
    """Rebuild the index at `path` from the items table; raises `sqlite3.Error` if it cannot.

    FTS5's own 'rebuild' first (one transaction). When the index cannot even be opened (its
    settings table is damaged or gone), it is removed table by table and made again: each step
    can be repeated, so an interrupted repair is finished at the next start.
    """
    raw = sqlite3.connect(path, isolation_level=None)
    try:
        raw.execute("BEGIN IMMEDIATE")
        try:
            raw.execute(f"INSERT INTO {INDEX}({INDEX}) VALUES('rebuild')")
            raw.execute("COMMIT")
            return
        except sqlite3.Error as error:
            raw.execute("ROLLBACK")
            log.warning("rebuilding the search index in place failed (%s); remaking it", error)
        _remove_index(raw)
    finally:
        raw.close()
    raw = sqlite3.connect(path, isolation_level=None)  # a fresh connection reads the new schema
    try:
        raw.execute("BEGIN IMMEDIATE")
        for statement in create_statements:
            raw.execute(statement)
        raw.execute(f"INSERT INTO {INDEX}({INDEX}) VALUES('rebuild')")
        raw.execute("COMMIT")
    finally:
        raw.close()


def _remove_index(raw: sqlite3.Connection) -> None:
    raw.execute("BEGIN IMMEDIATE")
    for shadow in SHADOW_TABLES:
        raw.execute(f"DROP TABLE IF EXISTS {INDEX}_{shadow}")
    # DROP TABLE on the index itself needs the index to open; its schema row goes directly.
    raw.execute("PRAGMA writable_schema = ON")
    raw.execute("DELETE FROM sqlite_master WHERE type = 'table' AND name = ?", (INDEX,))
    raw.execute("PRAGMA writable_schema = OFF")
    raw.execute("COMMIT")
