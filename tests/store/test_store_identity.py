"""Only msguide's own stores are opened as stores (PRAGMA application_id, issue 14 defect 8).

Another program's SQLite database at the store path was written into and marked schema 1:
never recovered, every search failed. Now it is refused untouched (and set aside at start-up,
tests/reliability/test_startup_recovery.py); a store made before the mark existed is
recognised by its tables and marked.
"""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest

from feedmaker import feed_bytes
from msguide.errors import StorageError
from msguide.store.db import APPLICATION_ID, Store
from msguide.store.recovery import check_store

PROJECT = Path(__file__).resolve().parents[2]


def application_id(path: Path) -> int:
    connection = sqlite3.connect(path)
    try:
        return int(connection.execute("PRAGMA application_id").fetchone()[0])
    finally:
        connection.close()


def foreign_database(path: Path, *, mark: int = 0) -> bytes:
    """Another program's database; it even has a table called items."""
    connection = sqlite3.connect(path)
    connection.execute("CREATE TABLE items(name TEXT, price REAL)")
    connection.execute("INSERT INTO items VALUES ('tea', 1.5)")
    connection.execute(f"PRAGMA application_id = {mark}")
    connection.commit()
    connection.close()
    return path.read_bytes()


@pytest.mark.parametrize("mark", [0, 0x47504B47], ids=["unmarked", "another-program-s-mark"])
def test_another_programs_database_is_refused_and_left_untouched(tmp_path: Path, mark: int) -> None:
    path = tmp_path / "msguide.sqlite"
    before = foreign_database(path, mark=mark)
    with pytest.raises(StorageError, match="is not an msguide store"):
        Store.open(path)
    with pytest.raises(StorageError, match="is not an msguide store"):
        Store.open(path, read_only=True)
    assert path.read_bytes() == before
    assert check_store(path) == "it is another program's database, not an msguide store"


def test_a_new_store_carries_msguides_mark(tmp_path: Path) -> None:
    with Store.open(tmp_path / "new.sqlite"):
        pass
    assert application_id(tmp_path / "new.sqlite") == APPLICATION_ID


def test_a_store_made_before_the_mark_is_recognised_and_marked(tmp_path: Path) -> None:
    from msguide.feed.parse import parse
    from msguide.store.export import current_feed
    from msguide.store.importer import Provenance, import_feed

    path = tmp_path / "old.sqlite"
    raw = feed_bytes()
    with Store.open(path) as store:
        import_feed(store, parse(raw), raw, Provenance("test"))
    connection = sqlite3.connect(path)
    connection.execute("PRAGMA application_id = 0")  # as every store was before issue 14
    connection.close()
    assert check_store(path) is None
    with Store.open(path, read_only=True) as store:  # read-only: recognised, not changed
        assert current_feed(store, "test-source") == parse(raw)
    assert application_id(path) == 0
    with Store.open(path) as store:
        assert current_feed(store, "test-source") == parse(raw)
    assert application_id(path) == APPLICATION_ID


def test_the_bundled_seed_carries_the_mark(tmp_path: Path) -> None:
    copy = tmp_path / "seed.sqlite"
    shutil.copyfile(PROJECT / "data" / "seed.sqlite", copy)
    assert application_id(copy) == APPLICATION_ID
