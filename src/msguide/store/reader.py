"""Reading the store through sqlite3 itself: no SQLAlchemy on the path to the first results.

`Store.read()` yields a `ReadConnection`. It offers the few calls the store's read functions
use (`exec_driver_sql(...)` with `.first()`, `.scalar()`, `.scalar_one()`, `.scalars()`,
`.all()` and iteration), so those functions take either it or a SQLAlchemy `Connection` (inside
a write transaction) alike. Importing SQLAlchemy costs more than painting the window; the app
only needs it once something is written.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator, Sequence
from typing import TYPE_CHECKING, Any, TypeAlias

if TYPE_CHECKING:
    from sqlalchemy import Connection

    Reader: TypeAlias = "ReadConnection | Connection"


class Scalars(list[Any]):
    """First-column values; `.all()` as SQLAlchemy's scalar results have it."""

    def all(self) -> list[Any]:
        return list(self)


class Rows:
    """The rows of one statement, read on demand."""

    def __init__(self, cursor: sqlite3.Cursor) -> None:
        self._cursor = cursor

    def __iter__(self) -> Iterator[tuple[Any, ...]]:
        return iter(self._cursor)

    def first(self) -> tuple[Any, ...] | None:
        row: tuple[Any, ...] | None = self._cursor.fetchone()
        self._cursor.close()
        return row

    def all(self) -> list[tuple[Any, ...]]:
        return self._cursor.fetchall()

    fetchall = all

    def fetchone(self) -> tuple[Any, ...] | None:
        row: tuple[Any, ...] | None = self._cursor.fetchone()
        return row

    def scalar(self) -> Any:
        row = self.first()
        return None if row is None else row[0]

    def scalar_one(self) -> Any:
        rows = self._cursor.fetchmany(2)
        if len(rows) != 1:
            raise sqlite3.ProgrammingError(f"expected exactly one row, got {len(rows)}")
        return rows[0][0]

    def scalars(self) -> Scalars:
        return Scalars(row[0] for row in self._cursor)


class ReadConnection:
    """One read transaction on its own sqlite3 connection (a consistent snapshot)."""

    def __init__(
        self, raw: sqlite3.Connection, found_nothing: Callable[[], None] = lambda: None
    ) -> None:
        self.raw = raw
        # Called when a full-text match found nothing: the store may check its search index
        # then (FTS5 reads some damage as "no such word", without an error).
        self.found_nothing = found_nothing

    def exec_driver_sql(self, sql: str, parameters: Sequence[Any] | None = None) -> Rows:
        return Rows(self.raw.execute(sql, tuple(parameters or ())))


def found_nothing(connection: Reader) -> None:
    """Tell the store behind `connection` that a full-text match found nothing (it may raise
    `sqlite3.DatabaseError` if its search index turns out damaged)."""
    if isinstance(connection, ReadConnection):
        connection.found_nothing()


def raw_sqlite(connection: Reader) -> sqlite3.Connection:
    """The sqlite3 connection under either kind of connection (for bulk, hot-path reads)."""
    if isinstance(connection, ReadConnection):
        return connection.raw
    driver = connection.connection.driver_connection
    assert isinstance(driver, sqlite3.Connection)
    return driver
