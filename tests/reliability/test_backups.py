"""Before every import or rollback that changes content, a consistent backup is kept (issue 8)."""

from __future__ import annotations

import json
import logging
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from storecheck import content, load, revision, store_at

from msguide.errors import FeedError, RollbackRefusedError
from msguide.importing import import_file
from msguide.policy import Policy
from msguide.services import open_user_store
from msguide.store import backup, importer
from msguide.store.db import Store, sqlite_uri_path
from msguide.store.importer import rollback
from msguide.store.recovery import check_store

OLD, NEW, NEWER = revision(40, 1), revision(40, 2), revision(40, 3)


@pytest.fixture
def backed_up(tmp_path: Path) -> Iterator[tuple[Store, Path]]:
    store = Store.open(tmp_path / "store.sqlite")
    store.backup_folder = tmp_path / "backups"
    yield store, store.backup_folder
    store.close()


def references(tmp_path: Path) -> dict[str, object]:
    return {
        "old": content(store_at(tmp_path / "ref-old.sqlite", OLD)),
        "new": content(store_at(tmp_path / "ref-new.sqlite", OLD, NEW)),
    }


def test_each_change_keeps_a_copy_of_exactly_the_state_it_replaced(
    backed_up: tuple[Store, Path], tmp_path: Path
) -> None:
    store, folder = backed_up
    expected = references(tmp_path)
    load(store, OLD)
    load(store, NEW)
    [second, first] = backup.backups(folder)
    assert content(second) == expected["old"]
    assert content(first) != expected["old"]  # the empty store before the first import
    rollback(store, "test-source", 1)
    newest = backup.backups(folder)[0]
    assert content(newest) == expected["new"]
    assert newest.name > second.name  # names sort by time: the newest is obvious


def test_dry_runs_no_ops_and_refusals_keep_no_backup(backed_up: tuple[Store, Path]) -> None:
    store, folder = backed_up
    load(store, OLD)
    load(store, NEW)
    kept = backup.backups(folder)
    load(store, NEWER, dry_run=True)
    load(store, NEW)  # identical bytes: a quiet no-op
    with pytest.raises(RollbackRefusedError):
        load(store, revision(41, 1))
    rollback(store, "test-source", 2)  # already current
    rollback(store, "test-source", 1, dry_run=True)
    assert backup.backups(folder) == kept


def test_a_file_refused_while_it_streams_in_keeps_no_backup(
    backed_up: tuple[Store, Path], tmp_path: Path
) -> None:
    """A file import reads its items inside the write transaction, after the backup is made:
    one refused at its last item must leave the backups (all five) exactly as they were."""
    store, folder = backed_up
    for sequence in range(1, 7):
        load(store, revision(40, sequence))
    kept = backup.backups(folder)
    assert len(kept) == backup.KEEP_BACKUPS
    document = json.loads(revision(40, 7))
    document["items"][-1]["url"] = "javascript:alert(1)"
    path = tmp_path / "refused.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    with pytest.raises(FeedError, match="javascript"):
        import_file(store, path, policy=Policy())
    assert backup.backups(folder) == kept
    path.write_bytes(revision(40, 7))
    import_file(store, path, policy=Policy())
    assert len(backup.backups(folder)) == backup.KEEP_BACKUPS
    assert backup.backups(folder)[1:] == kept[:-1]


def test_only_the_newest_five_are_kept(backed_up: tuple[Store, Path]) -> None:
    store, folder = backed_up
    for sequence in range(1, 9):
        load(store, revision(5, sequence))
    kept = backup.backups(folder)
    assert len(kept) == backup.KEEP_BACKUPS == 5
    with Store.open(kept[0], read_only=True) as newest, newest.read() as connection:
        assert connection.exec_driver_sql("SELECT MAX(sequence) FROM revisions").scalar() == 7


def test_a_backup_is_one_self_contained_file_that_passes_the_check(
    backed_up: tuple[Store, Path],
) -> None:
    store, folder = backed_up
    load(store, OLD)
    load(store, NEW)
    kept_backups = backup.backups(folder)
    assert len(kept_backups) == 2  # one before each import: the loop below checks something
    for kept in kept_backups:
        assert not Path(f"{kept}-wal").exists()
        assert check_store(kept, mode="ro") is None
        connection = sqlite3.connect(f"file:{sqlite_uri_path(kept)}?mode=ro", uri=True)
        try:
            assert connection.execute("PRAGMA journal_mode").fetchone() == ("delete",)
        finally:
            connection.close()


def test_a_failed_backup_is_logged_and_the_import_still_applies(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    (tmp_path / "not-a-folder").write_text("a file where the backups folder should be")
    with Store.open(tmp_path / "store.sqlite") as store:
        store.backup_folder = tmp_path / "not-a-folder"
        load(store, OLD)
        with caplog.at_level(logging.WARNING, logger="msguide.store.backup"):
            load(store, NEW)
    assert "could not back up" in caplog.text
    assert content(tmp_path / "store.sqlite") == references(tmp_path)["new"]


def test_a_half_written_backup_is_never_listed_and_is_cleared_next_time(
    backed_up: tuple[Store, Path],
) -> None:
    store, folder = backed_up
    load(store, OLD)
    debris = folder / "msguide-2020-01-01T00-00-00.000000Z.sqlite.partial"
    debris.write_bytes(b"SQLite format 3\x00" + b"\x00" * 100)
    # A copy killed while its WAL was being copied or folded in leaves its side files too.
    sides = [Path(f"{debris}{side}") for side in ("-wal", "-shm", "-journal")]
    for side in sides:
        side.write_bytes(b"\x00" * 32)
    assert debris not in backup.backups(folder)
    load(store, NEW)
    assert not debris.exists()
    assert not any(side.exists() for side in sides)
    assert len(backup.backups(folder)) == 2
    assert sorted(p.name for p in folder.iterdir()) == sorted(
        p.name for p in backup.backups(folder)
    )


def test_a_backup_holds_the_commits_that_are_only_in_the_wal(
    backed_up: tuple[Store, Path], tmp_path: Path
) -> None:
    """A WAL store's files are copied as they are: a commit that a reader kept out of the main
    file (its checkpoint must wait for the reader) is in the backup all the same."""
    store, folder = backed_up
    expected = references(tmp_path)
    load(store, OLD)
    reader = sqlite3.connect(store.path, isolation_level=None)
    try:
        reader.execute("BEGIN")
        reader.execute("SELECT COUNT(*) FROM items").fetchone()  # holds the old snapshot
        load(store, NEW)
        main_only = tmp_path / "main-file-only.sqlite"
        shutil.copyfile(store.path, main_only)
        assert content(main_only) != expected["new"]  # the new revision is only in the -wal
        rollback(store, "test-source", 1)
    finally:
        reader.close()
    replaced = backup.backups(folder)[0]
    assert content(replaced) == expected["new"]
    assert not Path(f"{replaced}-wal").exists()


def test_a_wal_store_is_copied_as_files_under_the_write_lock(
    backed_up: tuple[Store, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The quick way is the one taken (SQLite's page-by-page copy took three times as long)."""
    store, folder = backed_up
    assert store.journal_mode == "WAL"
    by_sqlite: list[Path] = []
    real = backup._copy
    monkeypatch.setattr(backup, "_copy", lambda p, t: (by_sqlite.append(p), real(p, t)))
    load(store, OLD)
    load(store, NEW)
    assert len(backup.backups(folder)) == 2
    assert by_sqlite == []


READ_AND_CLOSE = (
    "import sqlite3, sys\n"
    "connection = sqlite3.connect(sys.argv[1])\n"
    "connection.execute('SELECT COUNT(*) FROM items').fetchone()\n"
    "connection.close()\n"
)


def test_backing_up_keeps_the_importers_hold_on_the_store(
    backed_up: tuple[Store, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A file descriptor this process opened and closed on the store would drop every POSIX
    lock SQLite holds on it here: a reader in another process that closes meanwhile would take
    the store for unused and fold and remove its -wal under the running import."""
    store, _ = backed_up
    expected = references(tmp_path)
    load(store, OLD)
    real = importer.backup_before_change
    wal = Path(f"{store.path}-wal")

    def then_a_reader_comes_and_goes(*args: Any, **kwargs: Any) -> Path | None:
        made = real(*args, **kwargs)
        assert made is not None and wal.exists()
        subprocess.run([sys.executable, "-c", READ_AND_CLOSE, str(store.path)], check=True)
        assert wal.exists()  # the reader knew it was not the last connection
        return made

    monkeypatch.setattr(importer, "backup_before_change", then_a_reader_comes_and_goes)
    load(store, NEW)
    assert content(store.path) == expected["new"]


@pytest.mark.parametrize("obstacle", ["reaches the lock bytes", "its -wal cannot be read"])
def test_a_store_that_cannot_be_copied_as_files_is_copied_by_sqlite(
    backed_up: tuple[Store, Path],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    obstacle: str,
) -> None:
    """A store as large as SQLite's lock bytes (1 GiB; unreadable as a file on Windows), or a
    file copy that fails, is backed up with SQLite's backup API instead: same copy, no debris."""
    store, folder = backed_up
    expected = references(tmp_path)
    load(store, OLD)
    by_sqlite: list[Path] = []
    real = backup._copy
    monkeypatch.setattr(backup, "_copy", lambda p, t: (by_sqlite.append(p), real(p, t)))
    if obstacle == "reaches the lock bytes":
        monkeypatch.setattr(backup, "LOCK_BYTE_OFFSET", 1)
    else:
        real_copy = backup._copy_in_another_process

        def refuse_the_wal(source: Path, target: Path) -> None:
            if source.name.endswith("-wal"):
                raise OSError("cp exited with status 1: Permission denied")
            real_copy(source, target)

        monkeypatch.setattr(backup, "_copy_in_another_process", refuse_the_wal)
    load(store, NEW)
    kept = backup.backups(folder)
    assert len(kept) == 2
    assert by_sqlite == [store.path]
    assert content(kept[0]) == expected["old"]
    assert sorted(p.name for p in folder.iterdir()) == sorted(p.name for p in kept)


def test_backups_made_in_the_same_instant_still_sort_newest_first(tmp_path: Path) -> None:
    folder = tmp_path / "backups"
    folder.mkdir()
    for name in (
        "msguide-2025-04-01T09-00-00.000001Z.sqlite",
        "msguide-2025-04-01T09-00-00.000001Z-1.sqlite",
        "msguide-2025-04-01T09-00-00.000001Z-2.sqlite",
        "msguide-2024-12-31T23-59-59.999999Z.sqlite",
        "msguide-2025-04-01T09-00-00.000001Z.sqlite.partial",
        "notes.txt",
    ):
        (folder / name).write_bytes(b"")
    assert [p.name for p in backup.backups(folder)] == [
        "msguide-2025-04-01T09-00-00.000001Z-2.sqlite",
        "msguide-2025-04-01T09-00-00.000001Z-1.sqlite",
        "msguide-2025-04-01T09-00-00.000001Z.sqlite",
        "msguide-2024-12-31T23-59-59.999999Z.sqlite",
    ]
    assert backup.made_at(folder / "msguide-2024-12-31T23-59-59.999999Z.sqlite") == (
        "2024-12-31 23:59 UTC"
    )


def test_the_user_store_backs_up_into_the_backups_folder(home: Path) -> None:
    from msguide.paths import locations

    opened = open_user_store()
    with opened.store as store:
        assert store.backup_folder == locations().backups
        load(store, OLD)
        load(store, NEW)
    assert len(backup.backups(locations().backups)) == 2
