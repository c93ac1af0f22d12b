"""Writers and readers at once: readers see the old or the new list, never an error or a mix.

Readers take one snapshot per `store.read()` block (WAL keeps it while a writer commits; a
rollback journal makes the writer wait for it). Writers take the write lock up front (BEGIN
IMMEDIATE), so a second writer, in this process or another, waits its turn instead of failing
half-way.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Connection, event
from storecheck import NOW, content, copy_store, load, revision, store_at

from msguide.errors import RollbackRefusedError, StorageError
from msguide.services import open_user_store
from msguide.store import backup, db
from msguide.store.db import Store
from msguide.store.importer import rollback
from msguide.store.location import FAKE_REMOTE_ENV
from msguide.store.search import Filters, search
from msguide.store.userstate import set_favourite

ITEMS = 300
OLD, NEW, NEWER = revision(ITEMS, 1), revision(ITEMS, 2), revision(ITEMS, 3)


def ids_of(raw: bytes) -> frozenset[str]:
    from msguide.feed.parse import parse

    return frozenset(i.id for i in parse(raw).items)


# What a reader may see: each sequence with exactly its own items, its own index entries.
VIEWS = {1: ids_of(OLD), 2: ids_of(NEW), 3: ids_of(NEWER)}
CHANGED = {
    1: frozenset(),
    2: frozenset(f"item-{n}" for n in range(ITEMS) if n % 3 == 0 and n % 7 != 3),
}
CHANGED[3] = CHANGED[2]


def read_view(connection: Connection) -> int:
    """One consistent look at the store, as the result list takes it; returns the sequence."""
    sequence = connection.exec_driver_sql(
        "SELECT r.sequence FROM sources s JOIN revisions r ON r.id = s.current_revision_id "
        "WHERE s.id = 'test-source'"
    ).scalar_one()
    listed = {h.id for h in search(connection, "", Filters(source="test-source"), limit=5000)}
    matched = {
        h.id for h in search(connection, "changed", Filters(source="test-source"), limit=5000)
    }
    assert listed == VIEWS[sequence], f"sequence {sequence} with another revision's list"
    assert matched == CHANGED[sequence], f"sequence {sequence} with another revision's index"
    return int(sequence)


class Readers:
    """Threads that read `store` until stopped; they record what they saw and any error."""

    def __init__(self, store: Store, count: int = 2) -> None:
        self.store = store
        self.stop = threading.Event()
        self.seen: Counter[int] = Counter()
        self.errors: list[BaseException] = []
        self.lock = threading.Lock()
        self.threads = [threading.Thread(target=self._run) for _ in range(count)]

    def _run(self) -> None:
        try:
            while not self.stop.is_set():
                with self.store.read() as connection:
                    sequence = read_view(connection)
                with self.lock:
                    self.seen[sequence] += 1
        except BaseException as error:
            self.errors.append(error)

    def __enter__(self) -> Readers:
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop.set()
        for thread in self.threads:
            thread.join(timeout=60)
        assert not any(thread.is_alive() for thread in self.threads)


@pytest.mark.parametrize("journal", ["wal", "delete"])
def test_readers_in_threads_see_old_or_new_while_a_thread_writes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, journal: str
) -> None:
    if journal == "delete":
        monkeypatch.setenv(FAKE_REMOTE_ENV, "1")
    path = store_at(tmp_path / "store.sqlite", OLD, NEW)
    expected = content(path)
    with Store.open(path) as store, Readers(store) as readers:
        for _ in range(3):
            rollback(store, "test-source", 1)
            rollback(store, "test-source", 2)
            if readers.errors:
                break
    assert readers.errors == []
    assert set(readers.seen) == {1, 2}, readers.seen  # both revisions seen: not vacuous
    assert content(path) == expected


def cli_import(feed: Path) -> subprocess.Popen[str]:
    """`msguide import FEED` in its own process, as an admin runs it beside the open app."""
    return subprocess.Popen(
        [sys.executable, "-m", "msguide", "import", str(feed)],
        env={**os.environ, "MSGUIDE_FAKE_NOW": NOW},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


@pytest.fixture
def feeds(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[int, Path]:
    """The three revisions as files; the user store starts without the bundled seed."""
    from msguide import services

    monkeypatch.setattr(services, "bundled", lambda _relative: tmp_path / "no-seed.sqlite")
    out = {}
    for sequence, raw in ((1, OLD), (2, NEW), (3, NEWER)):
        out[sequence] = tmp_path / f"v{sequence}.json"
        out[sequence].write_bytes(raw)
    return out


def reference(tmp_path: Path, name: str, *feeds: Path) -> Any:
    """What the user store holds after `msguide import` of `feeds`, one after another."""
    from msguide.importing import import_file

    with Store.open(tmp_path / f"reference-{name}.sqlite") as store:
        for feed in feeds:
            import_file(store, feed)
    return content(store.path)


def test_command_line_import_in_another_process_while_the_app_reads_and_writes(
    home: Path, feeds: dict[int, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MSGUIDE_FAKE_NOW", NOW)
    from msguide.importing import import_file

    opened = open_user_store()
    with opened.store as store:
        import_file(store, feeds[1])
        expected = reference(tmp_path, "new", feeds[1], feeds[2])
        with Readers(store) as readers:
            importer = cli_import(feeds[2])
            # The app's own writes meanwhile wait for the lock instead of failing.
            while importer.poll() is None and not readers.errors:
                set_favourite(store, "test-source", "item-1", True)
                set_favourite(store, "test-source", "item-1", False)
            _, err = importer.communicate(timeout=60)
            while not readers.seen[2] and not readers.errors:  # one look after the commit
                time.sleep(0.01)
        assert importer.returncode == 0, err
        assert readers.errors == []
        assert set(readers.seen) == {1, 2}, readers.seen
    assert content(opened.store.path) == expected


def has_open(pid: int, path: Path) -> bool:
    """Whether process `pid` has the file `path` open (Linux: /proc/PID/fd; elsewhere, after
    a few seconds, which is longer than an interpreter takes to start)."""
    if not Path("/proc").is_dir():
        time.sleep(3)
        return True
    try:
        return any(link.resolve() == path.resolve() for link in Path(f"/proc/{pid}/fd").iterdir())
    except OSError:  # the process ended, or a descriptor closed while looking
        return False


def test_two_processes_importing_at_once_both_wait_and_end_consistent(
    home: Path,
    feeds: dict[int, Path],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    lock_holder: Any,
) -> None:
    monkeypatch.setenv("MSGUIDE_FAKE_NOW", NOW)
    from msguide.importing import import_file

    store_path = home / "data" / "msguide.sqlite"
    with open_user_store().store as store:
        import_file(store, feeds[1])
    one_then_other = reference(tmp_path, "2-3", feeds[1], feeds[2], feeds[3])
    other_only = reference(tmp_path, "3", feeds[1], feeds[3])
    opened = open_user_store()
    backups_before = len(backup.backups(home / "data" / "backups"))
    with opened.store as store, Readers(store) as readers:
        # Another writer holds the lock: both imports must start, reach the store and wait.
        holder = lock_holder(store_path)
        try:
            second, third = cli_import(feeds[2]), cli_import(feeds[3])
            deadline = time.monotonic() + 60
            while not all(has_open(p.pid, store_path) for p in (second, third)):
                assert second.poll() is None and third.poll() is None, "one did not wait"
                assert time.monotonic() < deadline, "the imports never opened the store"
                time.sleep(0.01)
            time.sleep(0.5)  # both at the lock: an import of 300 items takes far less
            waiting = [p.poll() is None for p in (second, third)]
            with store.read() as connection:  # the app's own reader, as the list reads
                unchanged = read_view(connection) == 1
            backups = len(backup.backups(home / "data" / "backups"))
        finally:
            holder.release()
        _, second_err = second.communicate(timeout=60)
        _, third_err = third.communicate(timeout=60)
        while not (readers.seen.keys() - {1}) and not readers.errors:  # a look afterwards
            time.sleep(0.01)
    assert waiting == [True, True], "an import ended while another writer held the lock"
    assert unchanged and backups == backups_before  # no backup either: all after the lock
    assert readers.errors == []
    assert readers.seen[1] > 0 and set(readers.seen) <= {1, 2, 3}, readers.seen
    assert third.returncode == 0, third_err
    found = content(store_path)
    if second.returncode == 0:  # sequence 2 went first, then 3
        assert found == one_then_other
    else:  # 3 went first: 2 is then refused as a rollback, cleanly
        assert second.returncode == 3 and "older than sequence 3" in second_err, second_err
        assert second_err.count("\n") == 1
        assert found == other_only


@pytest.fixture
def lock_holder(tmp_path: Path) -> Any:
    """Another writer's transaction: holds SQLite's write lock until `release()`."""
    import sqlite3

    class Holder:
        def __init__(self, path: Path) -> None:
            self.connection = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
            self.connection.execute("BEGIN IMMEDIATE")

        def release(self) -> None:
            self.released_at = time.perf_counter()
            self.connection.execute("COMMIT")
            self.connection.close()

    return Holder


def begin_times(store: Store, asked: threading.Event) -> list[tuple[float, float]]:
    """(start, end) of every BEGIN IMMEDIATE the store runs: when a writer waited. `asked` is
    set when one starts."""
    waits: list[tuple[float, float]] = []
    started: dict[int, float] = {}

    @event.listens_for(store.engine, "before_cursor_execute")
    def before(connection: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if statement == "BEGIN IMMEDIATE":
            started[id(connection)] = time.perf_counter()
            asked.set()

    @event.listens_for(store.engine, "after_cursor_execute")
    def after(connection: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if statement == "BEGIN IMMEDIATE":
            waits.append((started.pop(id(connection)), time.perf_counter()))

    return waits


def test_a_second_writer_waits_for_the_lock_and_then_applies(
    tmp_path: Path, lock_holder: Any
) -> None:
    path = store_at(tmp_path / "store.sqlite", OLD)
    expected = content(store_at(copy_store(path, tmp_path / "reference.sqlite"), NEW))
    holder = lock_holder(path)
    asked = threading.Event()

    def release_once_asked() -> None:
        asked.wait(60)
        time.sleep(0.3)  # the import is waiting at the lock meanwhile
        holder.release()

    with Store.open(path) as store:
        waits = begin_times(store, asked)
        # Release from another thread after a while: the import below must wait, not fail.
        releaser = threading.Thread(target=release_once_asked)
        releaser.start()
        try:
            result = load(store, NEW)
        finally:
            releaser.join()
    assert result.applied
    # It asked for the lock while the other writer held it and got it only after the release
    # (not a duration: parsing the feed first may take most of held_for on a busy machine).
    assert any(start < holder.released_at <= end for start, end in waits), waits
    assert content(path) == expected


def test_a_writer_that_waits_too_long_gives_up_cleanly(
    tmp_path: Path, lock_holder: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(db, "BUSY_TIMEOUT_MS", 100)
    path = store_at(tmp_path / "store.sqlite", OLD)
    before = content(path)
    holder = lock_holder(path)
    try:
        with Store.open(path) as store, pytest.raises(StorageError, match="busy with another"):
            load(store, NEW)
    finally:
        holder.release()
    assert content(path) == before


def test_a_refused_import_in_one_thread_does_not_disturb_readers(tmp_path: Path) -> None:
    path = store_at(tmp_path / "store.sqlite", OLD, NEW)
    expected = content(path)
    with Store.open(path) as store, Readers(store) as readers:
        for _ in range(20):
            with pytest.raises(RollbackRefusedError):
                load(store, revision(ITEMS + 1, 1))
    assert readers.errors == [] and set(readers.seen) == {2}
    assert content(path) == expected


@pytest.mark.parametrize("journal", ["wal", "delete"])
def test_an_empty_search_beside_a_writer_never_calls_the_index_damaged(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, journal: str
) -> None:
    """The first search of a session that finds nothing reads the whole index (it may be
    damaged silently). A writer committing meanwhile is not damage: the check must see one
    snapshot, or none, and never report the writer's half-way state as a broken index."""
    if journal == "delete":
        monkeypatch.setenv(FAKE_REMOTE_ENV, "1")
    path = store_at(tmp_path / "store.sqlite", OLD, NEW)
    stop = threading.Event()
    writes = Counter[str]()

    def write() -> None:
        with Store.open(path) as writer:
            while not stop.is_set():
                rollback(writer, "test-source", 1 + writes["rollbacks"] % 2)
                writes["rollbacks"] += 1
                time.sleep(0.005)  # a rollback journal's checks need a moment between writes

    writer = threading.Thread(target=write)
    writer.start()
    checked = errors = 0
    try:
        start = time.monotonic()
        while time.monotonic() < start + 3 or checked < 5 or writes["rollbacks"] < 4:
            assert time.monotonic() < start + 60, f"{checked} checks, {writes} in a minute"
            with Store.open(path) as store:  # each a new session: the check runs again
                try:
                    with store.read() as connection:
                        search(connection, "nowordlikethis", Filters(), limit=5)
                except StorageError:
                    errors += 1
                checked += store._index_sound  # the check ran to its end, found it sound
    finally:
        stop.set()
        writer.join(timeout=60)
    assert errors == 0, f"{errors} of the sessions called a sound index damaged"
    assert checked > 0 and writes["rollbacks"] >= 4  # the checks ran beside the writes
