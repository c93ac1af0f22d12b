"""A damaged full-text search index is found, rebuilt from the items and said once (issue 14,
defect 9); `doctor` reports it. quick_check never looks inside an FTS5 index: before, such
damage gave tracebacks ("vtable constructor failed") or silently empty results."""

from __future__ import annotations

import random
import shutil
import sqlite3
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from storecheck import content, revision, store_at

from msguide.diagnostics import store_report
from msguide.errors import StorageError
from msguide.store.db import Store
from msguide.store.recovery import start_store
from msguide.store.search import search
from msguide.store.searchindex import REBUILT, index_problem


def _run(sql: str) -> Callable[[Path], None]:
    def damage(path: Path) -> None:
        connection = sqlite3.connect(path, isolation_level=None)
        try:
            connection.execute(sql)
            connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        finally:
            connection.close()

    return damage


def _junk(seed: int) -> Callable[[Path], None]:
    """Junk of a fixed seed over every block of the index's one segment (ids 1 and 10 are
    its structure and averages), so that a run meets the same damage every time."""

    def damage(path: Path) -> None:
        draw = random.Random(seed)
        connection = sqlite3.connect(path, isolation_level=None)
        try:
            blocks = connection.execute(
                "SELECT id, length(block) FROM items_fts_data WHERE id > 10 ORDER BY id"
            ).fetchall()
            for block, size in blocks:
                connection.execute(
                    "UPDATE items_fts_data SET block = ? WHERE id = ?",
                    (draw.randbytes(size), block),
                )
            connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        finally:
            connection.close()

    return damage


DAMAGES = {
    "settings-gone": _run("DELETE FROM items_fts_config"),
    "junk-in-the-index": _junk(0),
    "index-table-gone": _run("DROP TABLE items_fts_data"),
    # Silent: every search found nothing, and doctor said ok.
    "index-emptied": _run("INSERT INTO items_fts(items_fts) VALUES('delete-all')"),
    "half-the-rows-missing": _run("DELETE FROM items_fts_docsize WHERE id % 2 = 0"),
}


@pytest.fixture
def store_path(tmp_path: Path) -> Path:
    return store_at(tmp_path / "data" / "msguide.sqlite", revision(60, 1))


def found(store: Store, text: str = "guidance") -> int:
    with store.read() as connection:
        return len(search(connection, text, limit=500))


def thorough_problem(path: Path) -> str | None:
    connection = sqlite3.connect(path, isolation_level=None)
    try:
        return index_problem(connection, thorough=True, writable=True)
    finally:
        connection.close()


@pytest.mark.parametrize("damage", DAMAGES.values(), ids=DAMAGES.keys())
def test_a_damaged_search_index_is_rebuilt_at_start_and_said_once(
    store_path: Path, tmp_path: Path, damage: Callable[[Path], None]
) -> None:
    before = content(store_path)
    damage(store_path)
    assert thorough_problem(store_path) is not None
    assert not store_report(store_path)["ok"]  # doctor sees it

    started = start_store(store_path, backups=tmp_path / "backups", seed=tmp_path / "no-seed")
    with started.store as store:
        assert started.notices == [REBUILT]
        assert found(store) == 60
    assert thorough_problem(store_path) is None
    assert content(store_path) == before  # rebuilt in place: no backup, nothing lost
    assert store_report(store_path)["ok"]
    again = start_store(store_path, backups=tmp_path / "backups", seed=tmp_path / "no-seed")
    again.store.close()
    assert again.notices == []  # said once


# Junk seeds whose damage a search for "guidance" meets in each of the ways it can: most junk
# FTS5 reports as corrupt; some (seeds 8 and 82 here) it reads as holding no such word, and
# the search found nothing without an error (issue 14's rare failure of a random draw).
# `test_the_junk_seeds_meet_both_kinds_of_damage` keeps this set honest.
REPORTED_JUNK = (0, 1, 2, 3)
SILENT_JUNK = (8, 82)


def _meets(path: Path, seed: int) -> str:
    """How a plain SQLite search for "guidance" meets junk `seed` in a copy of `path`."""
    copy = path.with_name(f"junk-{seed}.sqlite")
    shutil.copyfile(path, copy)
    _junk(seed)(copy)
    connection = sqlite3.connect(copy)
    try:
        rows = connection.execute(
            "SELECT rowid FROM items_fts WHERE items_fts MATCH 'guidance'"
        ).fetchall()
    except sqlite3.DatabaseError:
        return "reported"
    finally:
        connection.close()
        copy.unlink()
    return "found nothing" if not rows else f"found {len(rows)}"


def test_the_junk_seeds_meet_both_kinds_of_damage(store_path: Path) -> None:
    with Store.open(store_path):
        pass  # the store as the tests below damage it (WAL checkpointed on close)
    assert {seed: _meets(store_path, seed) for seed in REPORTED_JUNK + SILENT_JUNK} == {
        **dict.fromkeys(REPORTED_JUNK, "reported"),
        **dict.fromkeys(SILENT_JUNK, "found nothing"),
    }


@pytest.mark.parametrize("seed", REPORTED_JUNK + SILENT_JUNK)
def test_damage_met_while_searching_is_rebuilt_and_said(store_path: Path, seed: int) -> None:
    with Store.open(store_path) as store:
        assert found(store) == 60
        _junk(seed)(store_path)
        with pytest.raises(StorageError, match="rebuilt it from your content") as caught:
            found(store)
        assert caught.value.message == REBUILT.rstrip(".") + "; search again."
        assert found(store) == 60
    assert thorough_problem(store_path) is None


@pytest.fixture
def index_reads(monkeypatch: pytest.MonkeyPatch) -> list[bool]:
    """One entry for each time the store reads the whole search index to check it."""
    from msguide.store import db

    calls: list[bool] = []

    def counted(*args: object, **kwargs: bool) -> str | None:
        calls.append(True)
        return index_problem(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(db, "index_problem", counted)
    return calls


def test_an_empty_search_of_a_sound_index_reads_it_once(
    store_path: Path, index_reads: list[bool]
) -> None:
    """Typed words that match nothing are common: the whole index is read for the first only."""
    with Store.open(store_path) as store:
        for _ in range(3):
            assert found(store, "zyxwvut") == 0
        assert found(store) == 60
    assert len(index_reads) == 1


def test_doctor_names_the_search_index(store_path: Path) -> None:
    DAMAGES["settings-gone"](store_path)
    report = store_report(store_path)
    assert not report["ok"] and report["search_index"].startswith("damaged")


def test_damage_elsewhere_reads_the_index_once_not_on_every_search(
    store_path: Path, index_reads: list[bool]
) -> None:
    """A full index read costs about a second at 100 000 items: after it found the index
    sound, further read errors (every keystroke in a damaged store) do not repeat it."""
    with Store.open(store_path) as store:
        for _ in range(3):
            with pytest.raises(StorageError, match="damaged"), store.read():
                raise sqlite3.DatabaseError("database disk image is malformed")
    assert len(index_reads) == 1


def test_an_empty_search_while_an_import_writes_neither_waits_nor_fails(store_path: Path) -> None:
    """The check needs the write lock; held by an import, the search answers at once and a
    later empty search checks."""
    with Store.open(store_path) as store:
        writer = sqlite3.connect(store_path, isolation_level=None)
        try:
            writer.execute("BEGIN IMMEDIATE")
            started = time.monotonic()
            assert found(store, "zyxwvut") == 0
            assert time.monotonic() - started < 5  # the busy timeout is 10 s
        finally:
            writer.close()
        _junk(8)(store_path)
        with pytest.raises(StorageError, match="rebuilt it from your content"):
            found(store, "zyxwvut")
