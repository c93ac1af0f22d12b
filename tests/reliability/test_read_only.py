"""A data folder or store file that cannot be written: the app starts read-only with content."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from homes import (
    NEW,
    REQUIRE_READ_ONLY,
    LivedIn,
    garbage_over_page_2,
    one_sentence,
    root_read_only,
    unwritable,
)
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


def writes(folder: Path) -> bool:
    try:
        (folder / "probe").write_text("x")
    except OSError:
        return False
    (folder / "probe").unlink()
    return True


@pytest.mark.parametrize("without_chattr", [False, True])
def test_unwritable_stops_even_root_from_writing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, without_chattr: bool
) -> None:
    # The tests above are only as good as this: as root, by chattr +i, or where the file
    # system has no immutable attribute (an overlay in a container), a read-only bind mount.
    if without_chattr:
        real_which = shutil.which
        monkeypatch.setattr(
            shutil, "which", lambda name: None if name == "chattr" else real_which(name)
        )
    folder = tmp_path / "data"
    folder.mkdir()
    with unwritable(folder):
        assert not writes(folder)
    assert writes(folder)  # and it is undone


def test_without_a_way_to_make_it_read_only_the_test_fails_where_required(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(shutil, "which", lambda _name: None)
    monkeypatch.delenv(REQUIRE_READ_ONLY, raising=False)
    with pytest.raises(pytest.skip.Exception, match="nothing here makes a path read-only"):
        root_read_only(tmp_path)
    monkeypatch.setenv(REQUIRE_READ_ONLY, "1")  # as .ci/run sets it
    with pytest.raises(pytest.fail.Exception, match="MSGUIDE_REQUIRE_READ_ONLY=1"):
        root_read_only(tmp_path)
