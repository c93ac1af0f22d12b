"""Read connections are kept warm between reads, and a stale query can be stopped."""

from __future__ import annotations

import sqlite3
import threading
import time
from pathlib import Path

import pytest

from msguide.errors import StorageError
from msguide.store.db import IDLE_READERS, Store

# Runs for minutes unless interrupted: counts to a billion in a recursive CTE.
ENDLESS = (
    "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 1000000000) "
    "SELECT count(*) FROM n"
)


def test_reads_reuse_one_connection(store: Store) -> None:
    with store.read() as first:
        raw = first.raw
        assert raw.in_transaction  # one snapshot for the whole read
    assert not raw.in_transaction  # given back without holding the snapshot open
    with store.read() as second:
        assert second.raw is raw
        assert raw.in_transaction


def test_each_read_is_its_own_snapshot_on_a_reused_connection(store: Store) -> None:
    tables = "SELECT count(*) FROM sqlite_master WHERE type = 'table'"
    with store.read() as connection:
        before = connection.exec_driver_sql(tables).scalar()
    writer = sqlite3.connect(store.path, isolation_level=None)
    writer.execute("CREATE TABLE written_meanwhile (x)")
    writer.execute("INSERT INTO written_meanwhile VALUES (1)")
    writer.close()
    with store.read() as connection:
        assert connection.exec_driver_sql(tables).scalar() == before + 1
        assert connection.exec_driver_sql("SELECT x FROM written_meanwhile").scalar() == 1


def test_nested_reads_get_their_own_connections(store: Store) -> None:
    with store.read() as outer, store.read() as inner:
        assert inner.raw is not outer.raw
        assert inner.exec_driver_sql("SELECT 1").scalar() == 1


def test_only_a_few_idle_connections_are_kept(store: Store) -> None:
    opened = []
    with store.read() as a, store.read() as b, store.read() as c:
        opened = [a.raw, b.raw, c.raw]
        with store.read() as d, store.read() as e, store.read() as f:
            opened += [d.raw, e.raw, f.raw]
    kept = 0
    for raw in opened:
        try:
            raw.execute("SELECT 1")
            kept += 1
        except sqlite3.ProgrammingError:  # closed
            pass
    assert kept == IDLE_READERS


def test_a_connection_that_failed_is_not_reused(store: Store) -> None:
    used: list[sqlite3.Connection] = []

    def failing_read() -> None:
        with store.read() as connection:
            used.append(connection.raw)
            connection.exec_driver_sql("SELECT * FROM no_such_table").all()

    with pytest.raises(StorageError):
        failing_read()
    failed = used[0]
    with store.read() as connection:
        assert connection.raw is not failed
    with pytest.raises(sqlite3.ProgrammingError):
        failed.execute("SELECT 1")


def test_an_interrupted_query_stops_at_once_and_its_connection_is_kept(store: Store) -> None:
    running = threading.Event()
    outcome: list[BaseException] = []
    holder: list[sqlite3.Connection] = []

    def long_read() -> None:
        try:
            with store.read() as connection:
                holder.append(connection.raw)
                # SQLite calls this while the query runs: an interrupt before it starts would
                # be a no-op (and the query would run for minutes), however long a busy machine
                # takes to get this thread there.
                connection.raw.set_progress_handler(lambda: running.set() or 0, 1000)
                try:
                    connection.exec_driver_sql(ENDLESS).all()
                finally:
                    connection.raw.set_progress_handler(None, 0)
        except BaseException as error:
            outcome.append(error)

    worker = threading.Thread(target=long_read)
    worker.start()
    assert running.wait(30)
    began = time.perf_counter()
    holder[0].interrupt()
    worker.join(10)
    assert not worker.is_alive()
    assert time.perf_counter() - began < 2
    assert len(outcome) == 1 and "interrupted" in str(outcome[0])
    with store.read() as connection:
        assert connection.raw is holder[0]
        assert connection.exec_driver_sql("SELECT 1").scalar() == 1


def test_closing_the_store_closes_idle_connections(tmp_path: Path) -> None:
    store = Store.open(tmp_path / "store.sqlite")
    with store.read() as connection:
        raw = connection.raw
    store.close()
    with pytest.raises(sqlite3.ProgrammingError):
        raw.execute("SELECT 1")
    with store.read() as connection:  # still readable after close, on a fresh connection
        assert connection.raw is not raw
        assert connection.exec_driver_sql("SELECT 1").scalar() == 1
