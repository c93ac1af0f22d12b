"""A data folder or store file that cannot be written: the app starts read-only with content."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from homes import NEW, LivedIn, garbage_over_page_2, one_sentence, unwritable
from storecheck import content, load

from msguide.services import open_user_store
from msguide.store import backup
from msguide.store.history import source_statuses
from msguide.store.search import Filters, search


def test_read_only_data_folder_opens_read_only_and_shows_the_content(lived_in: LivedIn) -> None:
    with unwritable(lived_in.where.data):
        opened = open_user_store()
        with opened.store as store, store.read() as connection:
            assert store.read_only and store.path == lived_in.store
            assert len(search(connection, "guidance", Filters(), limit=500)) > 10
        notice = one_sentence(opened.notices)
        assert "cannot write to its data folder" in notice and "read-only" in notice
        assert not any(lived_in.where.data.glob("*-wal"))
    assert content(lived_in.store) == lived_in.new_content


def test_read_only_store_file_opens_read_only(lived_in: LivedIn) -> None:
    with unwritable(lived_in.store):
        opened = open_user_store()
        with opened.store as store:
            assert store.read_only and store.path == lived_in.store
            assert [s.sequence for s in source_statuses(store)] == [1, 2]
        assert "read-only" in one_sentence(opened.notices)
    assert content(lived_in.store) == lived_in.new_content


def test_import_into_a_read_only_folder_exits_5_and_changes_nothing(
    lived_in: LivedIn,
    cli,  # type: ignore[no-untyped-def]
    tmp_path: Path,
) -> None:
    newer = tmp_path / "v3.json"
    newer.write_bytes(NEW.replace(b'"sequence": 2', b'"sequence": 3'))
    backups_before = backup.backups(lived_in.where.backups)
    with unwritable(lived_in.where.data):
        result = cli("import", str(newer))
        assert result.code == 5
        # The start-up notice says the content is read-only; the last line is the refusal.
        notice, refusal = result.err.splitlines()
        assert "read-only" in notice
        assert refusal.startswith("msguide: the store is open read-only")
        as_json = cli("import", str(newer), "--json")
        assert as_json.code == 5 and json.loads(as_json.out)["error"]["code"] == "storage"
        search = cli("search", "guidance", "--json")
        assert search.code == 0 and json.loads(search.out)
        doctor = cli("doctor", "--json")
        assert doctor.code == 0 and json.loads(doctor.out)["store"]["integrity"] == "ok"
    assert content(lived_in.store) == lived_in.new_content
    assert backup.backups(lived_in.where.backups) == backups_before


def test_damaged_store_in_a_read_only_folder_shows_the_newest_backup(lived_in: LivedIn) -> None:
    garbage_over_page_2(lived_in.store)
    damaged = lived_in.store.read_bytes()
    newest = backup.backups(lived_in.where.backups)[0]
    with unwritable(lived_in.where.data, lived_in.where.backups):
        opened = open_user_store()
        with opened.store as store:
            assert store.read_only and store.path == newest
        notice = one_sentence(opened.notices)
        assert "damaged" in notice and backup.made_at(newest) in notice
    assert lived_in.store.read_bytes() == damaged  # nothing could be moved: left as it was
    assert content(newest) == lived_in.old_content


def test_read_only_folder_without_a_store_shows_a_backup_else_the_seed(
    lived_in: LivedIn,
) -> None:
    lived_in.store.unlink()
    newest = backup.backups(lived_in.where.backups)[0]
    with unwritable(lived_in.where.data):
        opened = open_user_store()
        with opened.store as store:
            assert store.read_only and store.path == newest
        assert "shows the backup from" in one_sentence(opened.notices)
    shutil.rmtree(lived_in.where.backups)
    with unwritable(lived_in.where.data):
        opened = open_user_store()
        with opened.store as store:
            assert store.read_only and store.path == lived_in.seed
        assert "bundled content read-only" in one_sentence(opened.notices)
    assert content(lived_in.seed) == lived_in.seed_content


def test_new_content_can_be_imported_once_the_folder_is_writable_again(
    lived_in: LivedIn,
) -> None:
    with unwritable(lived_in.where.data):
        open_user_store().store.close()
    opened = open_user_store()
    with opened.store as store:
        assert not store.read_only and opened.notices == []
        assert not load(store, NEW).applied  # already current: content is exactly NEW
    assert content(lived_in.store) == lived_in.new_content
