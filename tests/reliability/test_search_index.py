"""A damaged full-text search index is found, rebuilt from the items and said once (issue 14,
defect 9); `doctor` reports it. quick_check never looks inside an FTS5 index: before, such
damage gave tracebacks ("vtable constructor failed") or silently empty results."""

from __future__ import annotations

import sqlite3
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


DAMAGES = {
    "settings-gone": _run("DELETE FROM items_fts_config"),
    "junk-in-the-index": _run(
        "UPDATE items_fts_data SET block = randomblob(length(block)) WHERE id > 10"
    ),
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


def test_damage_met_while_searching_is_rebuilt_and_said(store_path: Path) -> None:
    with Store.open(store_path) as store:
        assert found(store) == 60
        DAMAGES["junk-in-the-index"](store_path)
        with pytest.raises(StorageError, match="rebuilt it from your content") as caught:
            found(store)
        assert caught.value.message == REBUILT.rstrip(".") + "; search again."
        assert found(store) == 60
    assert thorough_problem(store_path) is None


def test_doctor_names_the_search_index(store_path: Path) -> None:
    DAMAGES["settings-gone"](store_path)
    report = store_report(store_path)
    assert not report["ok"] and report["search_index"].startswith("damaged")


def test_damage_elsewhere_reads_the_index_once_not_on_every_search(
    store_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A full index read costs about a second at 100 000 items: after it found the index
    sound, further read errors (every keystroke in a damaged store) do not repeat it."""
    from msguide.store import db

    calls: list[bool] = []

    def counted(*args: object, **kwargs: bool) -> str | None:
        calls.append(True)
        return index_problem(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(db, "index_problem", counted)
    with Store.open(store_path) as store:
        for _ in range(3):
            with pytest.raises(StorageError, match="damaged"), store.read():
                raise sqlite3.DatabaseError("database disk image is malformed")
    assert len(calls) == 1
