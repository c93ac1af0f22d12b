"""A damaged store found at start-up is set aside, restored and reported (checklist item 16)."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
from pathlib import Path

import pytest
from homes import (
    NEW,
    OLD,
    UNREADABLE,
    Damage,
    LivedIn,
    a_folder_in_its_place,
    favourites,
    garbage_over_page_2,
    not_a_database,
    one_sentence,
    quick_check_text_not_utf8,
    schema_error_not_utf8,
    truncated_to_half,
    unwritable,
)
from storecheck import content, load, store_at, user_state

from msguide.errors import StorageError
from msguide.services import open_user_store
from msguide.store import backup
from msguide.store.db import Store
from msguide.store.history import source_statuses
from msguide.store.recovery import DAMAGED_FOLDER, check_store

A, B, C = ("test-source", "item-1"), ("test-source", "item-2"), ("test-source", "item-4")


def damaged_files(lived_in: LivedIn) -> list[Path]:
    return sorted((lived_in.where.data / DAMAGED_FOLDER).iterdir())


@pytest.mark.parametrize(
    "damage",
    [
        garbage_over_page_2,
        truncated_to_half,
        quick_check_text_not_utf8,
        schema_error_not_utf8,
        *UNREADABLE,
    ],
    ids=lambda d: d.__name__,
)
def test_damaged_store_is_set_aside_and_the_newest_backup_restored(
    lived_in: LivedIn, damage: Damage
) -> None:
    damage(lived_in.store)
    damaged_bytes = lived_in.store.read_bytes()
    assert check_store(lived_in.store) is not None

    opened = open_user_store()
    with opened.store as store:
        assert not store.read_only and store.path == lived_in.store
    notice = one_sentence(opened.notices)
    assert "damaged" in notice and str(lived_in.where.data / DAMAGED_FOLDER) in notice
    assert "restored the backup from" in notice
    assert "so your content went back to an earlier revision" in notice  # said plainly
    # Set aside, byte for byte, never deleted (with any -wal/-shm the check itself made).
    [aside] = [p for p in damaged_files(lived_in) if p.suffix == ".sqlite"]
    assert aside.read_bytes() == damaged_bytes
    # Exactly the state before the last import: the seed plus the old revision.
    assert content(lived_in.store) == lived_in.old_content
    assert check_store(lived_in.store) is None
    kept = favourites(lived_in.store)
    if damage in UNREADABLE:
        assert kept == {A, B}  # nothing readable in the damaged file: the backup's
        assert "as they were at that backup" in notice
    else:
        assert {A, B} <= kept <= {A, B, C}
    if damage is garbage_over_page_2:
        assert kept == {A, B, C}  # read back from the damaged file
        assert "your favourites and reading history were kept" in notice
        state = user_state(lived_in.store).tables
        assert state["read_marks"][0] == 1 and state["recent_views"][0] == 1


def test_the_wal_and_shm_files_go_aside_with_the_store_and_its_wal_is_read(
    lived_in: LivedIn, tmp_path: Path
) -> None:
    # A crash image: favourite C and a read mark committed only in the -wal, then page 2 hit.
    store = lived_in.store
    writer = sqlite3.connect(store, isolation_level=None)
    writer.execute("PRAGMA wal_autocheckpoint = 0")
    writer.execute("DELETE FROM favourites WHERE item_id = 'item-4'")
    writer.execute(
        "INSERT INTO favourites VALUES ('test-source', 'item-9', '2025-04-02T10:00:00Z')"
    )
    image = tmp_path / "image"
    image.mkdir()
    for suffix in ("", "-wal", "-shm"):
        shutil.copyfile(f"{store}{suffix}", image / f"msguide.sqlite{suffix}")
    writer.close()
    for suffix in ("", "-wal", "-shm"):
        shutil.copyfile(image / f"msguide.sqlite{suffix}", f"{store}{suffix}")
    assert Path(f"{store}-wal").stat().st_size > 0
    garbage_over_page_2(store)

    opened = open_user_store()
    opened.store.close()
    names = {p.name.removeprefix(p.name.split(".sqlite")[0]) for p in damaged_files(lived_in)}
    assert names == {".sqlite", ".sqlite-wal", ".sqlite-shm"}
    assert not Path(f"{store}-wal").exists() or Path(f"{store}-wal").stat().st_size == 0
    assert content(store) == lived_in.old_content
    # The -wal's favourites were read with the damaged file: item-9 added, item-4 removed.
    assert favourites(store) == {A, B, ("test-source", "item-9")}


def test_a_folder_at_the_store_path_is_set_aside_like_a_damaged_store(lived_in: LivedIn) -> None:
    a_folder_in_its_place(lived_in.store)
    assert check_store(lived_in.store) == "it is a folder, not a store file"

    opened = open_user_store()
    with opened.store as store:
        assert not store.read_only and store.path == lived_in.store
    notice = one_sentence(opened.notices)
    assert "damaged" in notice and "restored the backup from" in notice
    [aside] = damaged_files(lived_in)
    assert (aside / "note.txt").read_text() == "not a store"  # moved, never deleted
    assert content(lived_in.store) == lived_in.old_content


def test_a_damaged_newest_backup_is_skipped_for_an_older_good_one(lived_in: LivedIn) -> None:
    newest, older = backup.backups(lived_in.where.backups)
    garbage_over_page_2(newest)
    garbage_over_page_2(lived_in.store)

    opened = open_user_store()
    opened.store.close()
    notice = one_sentence(opened.notices)
    assert backup.made_at(older) in notice
    assert content(lived_in.store) == lived_in.seed_content
    assert favourites(lived_in.store) == {A, B, C}  # from the damaged file, not the old backup


def test_without_a_good_backup_the_seed_is_restored(lived_in: LivedIn) -> None:
    kept_backups = backup.backups(lived_in.where.backups)
    assert kept_backups  # spoiling none would not test "without a good backup"
    for kept in kept_backups:
        not_a_database(kept)
    garbage_over_page_2(lived_in.store)

    opened = open_user_store()
    opened.store.close()
    notice = one_sentence(opened.notices)
    assert opened.seeded and "restored the bundled content" in notice
    assert "so your content went back to an earlier revision" in notice
    assert content(lived_in.store) == lived_in.seed_content
    assert favourites(lived_in.store) == {A, B, C}


def test_with_nothing_to_restore_msguide_starts_empty_and_says_so(
    lived_in: LivedIn, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from msguide import services

    shutil.rmtree(lived_in.where.backups)
    monkeypatch.setattr(services, "bundled", lambda _relative: tmp_path / "missing.sqlite")
    not_a_database(lived_in.store)

    opened = open_user_store()
    with opened.store as store:
        assert source_statuses(store) == []
    notice = one_sentence(opened.notices)
    assert "starts empty" in notice and "could not be recovered" in notice
    assert [p.suffix for p in damaged_files(lived_in)].count(".sqlite") == 1


def test_a_stale_wal_without_its_store_never_meets_the_seed(lived_in: LivedIn) -> None:
    store = lived_in.store
    writer = sqlite3.connect(store, isolation_level=None)
    writer.execute("PRAGMA wal_autocheckpoint = 0")
    writer.execute("DELETE FROM items")
    shutil.copyfile(f"{store}-wal", lived_in.where.data / "stale-wal")
    writer.close()
    store.unlink()
    os.replace(lived_in.where.data / "stale-wal", f"{store}-wal")

    opened = open_user_store()
    opened.store.close()
    assert opened.seeded
    assert content(store) == lived_in.seed_content
    assert [p.name.endswith("-wal") for p in damaged_files(lived_in)] == [True]


def test_damage_found_while_running_is_a_storage_error_that_says_to_restart(
    lived_in: LivedIn,
) -> None:
    with Store.open(lived_in.store) as store:
        garbage_over_page_2(lived_in.store)
        with pytest.raises(StorageError, match="damaged; restart msguide to restore it"):
            source_statuses(store)


def test_command_line_after_damage_restores_and_answers(lived_in: LivedIn, cli) -> None:  # type: ignore[no-untyped-def]
    garbage_over_page_2(lived_in.store)
    result = cli("search", "", "--json", "--limit", "500")
    assert result.code == 0, result.err
    assert {hit["id"] for hit in json.loads(result.out)} >= {"seed-1", "item-1"}
    assert content(lived_in.store) == lived_in.old_content
    doctor = cli("doctor", "--json")
    assert doctor.code == 0 and json.loads(doctor.out)["store"]["integrity"] == "ok"


def test_folder_names_with_hash_percent_and_accents_work_throughout(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # "#", "?" and "%" mean something in SQLite's file: URIs and SQLAlchemy's URLs.
    from msguide import services
    from msguide.paths import locations
    from msguide.store.userstate import set_favourite

    home = tmp_path / "C#dev 100%41 été" / "home"
    monkeypatch.setenv("MSGUIDE_HOME", str(home))
    monkeypatch.setattr(services, "bundled", lambda _relative: tmp_path / "no-seed.sqlite")
    with open_user_store().store as store:
        load(store, OLD)
        set_favourite(store, "test-source", "item-1", True)
        load(store, NEW)
    where = locations()
    assert sorted(p.name for p in where.data.iterdir()) == ["backups", "msguide.sqlite"]
    garbage_over_page_2(where.store)
    opened = open_user_store()
    opened.store.close()
    assert "restored the backup from" in one_sentence(opened.notices)
    assert content(where.store) == content(store_at(tmp_path / "reference.sqlite", OLD))
    assert favourites(where.store) == {A}
    with unwritable(where.data):
        opened = open_user_store()
        with opened.store as store:
            assert store.read_only and len(source_statuses(store)) == 1
