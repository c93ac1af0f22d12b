"""A store on a network path never runs in WAL mode, and diagnostics say why (checklist 17)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from homes import NEW, OLD, LivedIn
from storecheck import content, load

from msguide.services import open_user_store
from msguide.store.db import Store
from msguide.store.location import FAKE_REMOTE_ENV, is_network_path, journal_choice


def header_journal_bytes(path: Path) -> tuple[int, int]:
    """Bytes 18-19 of the file header: (1, 1) rollback journal, (2, 2) write-ahead log."""
    with path.open("rb") as handle:
        handle.seek(18)
        write_version, read_version = handle.read(2)
    return write_version, read_version


@pytest.fixture
def remote(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(FAKE_REMOTE_ENV, "1")


@pytest.mark.usefixtures("remote")
def test_a_wal_store_moved_to_a_share_is_switched_to_a_rollback_journal(
    lived_in: LivedIn, tmp_path: Path
) -> None:
    assert header_journal_bytes(lived_in.store) == (2, 2)  # made on a local disk
    opened = open_user_store()
    with opened.store as store:
        assert store.journal_mode == "DELETE"
        assert header_journal_bytes(lived_in.store) == (1, 1)
        newer = NEW.replace(b'"sequence": 2', b'"sequence": 3')
        load(store, newer)
        with store.read() as connection:
            assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "delete"
            assert not Path(f"{lived_in.store}-wal").exists()
    assert header_journal_bytes(lived_in.store) == (1, 1)
    assert not Path(f"{lived_in.store}-wal").exists()


@pytest.mark.usefixtures("remote")
def test_a_store_created_on_a_share_never_has_a_wal(tmp_path: Path) -> None:
    path = tmp_path / "share" / "msguide.sqlite"
    with Store.open(path) as store:
        load(store, OLD)
        load(store, NEW)
        assert not Path(f"{path}-wal").exists()
    assert header_journal_bytes(path) == (1, 1)


@pytest.mark.usefixtures("remote")
def test_doctor_reports_the_rollback_journal_and_why(lived_in: LivedIn, cli) -> None:  # type: ignore[no-untyped-def]
    open_user_store().store.close()
    report = json.loads(cli("doctor", "--json").out)["store"]
    assert report["journal_mode"] == "delete" and report["journal_mode_chosen"] == "delete"
    assert FAKE_REMOTE_ENV in report["journal_reason"]
    assert "write-ahead log needs shared memory" in report["journal_reason"]
    text = cli("doctor").out
    assert "delete journal" in text and "journal: rollback journal because" in text
    assert content(lived_in.store) == lived_in.new_content


def test_doctor_reports_wal_on_a_local_disk(lived_in: LivedIn, cli) -> None:  # type: ignore[no-untyped-def]
    report = json.loads(cli("doctor", "--json").out)["store"]
    assert report["journal_mode"] == "wal" and report["journal_mode_chosen"] == "wal"
    assert "local disk" in report["journal_reason"]


@pytest.mark.parametrize(
    "path", ["//fileserver/share/msguide.sqlite", "\\\\fileserver\\share\\msguide.sqlite"]
)
def test_unc_paths_count_as_network_paths(path: str) -> None:
    assert is_network_path(Path(path))
    mode, reason = journal_choice(Path(path))
    assert mode == "DELETE" and "UNC" in reason


def test_a_local_temporary_folder_is_not_a_network_path(tmp_path: Path) -> None:
    assert not is_network_path(tmp_path / "msguide.sqlite")
    assert journal_choice(tmp_path / "msguide.sqlite")[0] == "WAL"
