"""The window's offline pieces (msguide.ui.offline), driven with real Qt signals offscreen."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from fileserver import FileServer
from offlinekit import document, documents_feed, load, sha, symlink, write_policy
from packkit import build_pack
from PySide6.QtCore import QUrl
from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget
from pytestqt.qtbot import QtBot

from msguide.feed.signature import KeyFiles
from msguide.offline.cache import OfflineCache
from msguide.paths import locations
from msguide.store.db import Store
from msguide.store.search import Filters, search
from msguide.sync.outcome import SourceOutcome
from msguide.ui.offline import (
    OfflineController,
    PackImport,
    import_offline_pack,
    offline_notice,
    open_local_document,
)

GUIDANCE = sha(document("guidance", 40_000))


@pytest.fixture
def user_store(home: Path, server: FileServer) -> Store:
    write_policy(Path(os.environ["MSGUIDE_POLICY"]), attachments="pinned")
    store = Store.open(locations().store)
    load(store, documents_feed(server))
    return store


def controller(store: Store) -> OfflineController:
    return OfflineController(store, where=locations())


def test_a_successful_sync_downloads_what_the_policy_asks_for(
    qtbot: QtBot, user_store: Store
) -> None:
    offline = controller(user_store)
    lines: list[str] = []
    offline.status.connect(lines.append)
    failed = SourceOutcome(url="https://x", source=None, status="offline", message="no")
    assert not offline.after_sync([failed])
    ok = SourceOutcome(url="https://x", source="test-source", status="unchanged", message="ok")
    with qtbot.waitSignals([offline.changed, offline.finished], timeout=20_000):
        assert offline.after_sync([ok])
    assert lines == [
        "Downloading 1 document for offline use…",
        "Downloaded 1 document for offline use (39 KB).",
    ]
    with user_store.read() as connection:
        assert [h.id for h in search(connection, "", Filters(offline=True))] == ["doc-guidance"]
    offline.shutdown()


def test_keep_offline_marks_the_item_and_fetches_its_documents(
    qtbot: QtBot, user_store: Store
) -> None:
    offline = controller(user_store)
    with qtbot.waitSignal(offline.finished, timeout=20_000) as finished:
        offline.set_keep_offline("test-source", "doc-toolkit", True)
    assert {o.title for o in finished.args[0].downloaded} == {
        "files/guidance.pdf",
        "files/toolkit.pdf",
    }
    rowid = _rowid(user_store, "doc-toolkit")
    with qtbot.waitCallback(timeout=10_000) as state:
        offline.item_offline(rowid, state)
    assert state.args[0].kept and state.args[0].available_offline
    offline.shutdown()


def test_an_offline_copy_opens_only_after_it_verifies(
    qtbot: QtBot, user_store: Store, opened_links: list[str]
) -> None:
    offline = controller(user_store)
    with qtbot.waitSignal(offline.finished, timeout=20_000):
        offline.download_now()
    offline.open_copy(GUIDANCE)
    qtbot.waitUntil(lambda: len(opened_links) == 1, timeout=10_000)
    path = locations().attachments / GUIDANCE[:2] / f"{GUIDANCE}.pdf"
    assert opened_links == [QUrl.fromLocalFile(str(path.resolve())).toString()]
    # Damaged on disk: not opened, removed, and the person is told.
    data = bytearray(path.read_bytes())
    data[0] ^= 1
    path.write_bytes(bytes(data))
    with qtbot.waitSignal(offline.problem, timeout=10_000) as problem:
        offline.open_copy(GUIDANCE)
    assert "was damaged, so it was removed" in problem.args[0]
    assert len(opened_links) == 1 and not path.exists()
    offline.shutdown()


def test_only_cached_documents_are_handed_to_the_system(
    tmp_path: Path, opened_links: list[str]
) -> None:
    folder = tmp_path / "cache"
    (folder / "ab").mkdir(parents=True)
    program = folder / "ab" / "tool.exe"
    program.write_bytes(b"MZ")
    outside = tmp_path / "outside.pdf"
    outside.write_bytes(b"%PDF")
    link = folder / "ab" / "link.pdf"
    symlink(link, outside)
    for path in (program, outside, link, folder / "ab" / "missing.pdf"):
        assert not open_local_document(path, folder)
    assert opened_links == []
    document_ = folder / "ab" / "fine.pdf"
    document_.write_bytes(b"%PDF")
    assert open_local_document(document_, folder) and len(opened_links) == 1


def test_clear_cache_removes_the_documents(qtbot: QtBot, user_store: Store) -> None:
    offline = controller(user_store)
    with qtbot.waitSignal(offline.finished, timeout=20_000):
        offline.download_now()
    with qtbot.waitSignal(offline.changed, timeout=10_000):
        offline.clear_cache()
    assert OfflineCache(user_store, locations().attachments, 0).held() == {}
    with qtbot.waitCallback(timeout=10_000) as usage:
        offline.usage_text(usage)
    assert usage.args[0] == "0 documents kept offline, 0 MB of 100.0 MB allowed"
    offline.shutdown()


def test_file_import_offline_pack(
    qtbot: QtBot,
    home: Path,
    keys: KeyFiles,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    (tmp_path / "origin").mkdir()
    summary, _raw = build_pack(tmp_path / "origin", keys)
    write_policy(Path(os.environ["MSGUIDE_POLICY"]), keys=keys)
    store = Store.open(locations().store)
    parent = QWidget()
    qtbot.addWidget(parent)
    messages: list[tuple[str, str]] = []
    monkeypatch.setattr(
        QMessageBox, "information", lambda _p, title, text: messages.append((title, text))
    )
    monkeypatch.setattr(
        QMessageBox, "warning", lambda _p, title, text: messages.append((title, text))
    )
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *_a: ("", ""))
    assert import_offline_pack(parent, store) is None  # the person chose nothing
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *_a: (str(summary.path), ""))
    task = import_offline_pack(parent, store)
    assert task is not None
    with qtbot.waitSignal(task.done, timeout=20_000):
        pass
    assert messages[-1][0] == "Offline pack imported" and "added 2" in messages[-1][1]
    # A hostile pack: refused in words, nothing changed.
    bad = tmp_path / "bad.zip"
    bad.write_bytes(b"not a zip")
    refused = PackImport(store, bad, where=locations())
    with qtbot.waitSignal(refused.failed, timeout=20_000) as failed:
        refused.start()
    assert failed.args[0].startswith("The offline pack bad.zip was refused")
    refused.wait()
    task.wait()
    store.close()


def test_the_status_bar_words_for_the_network() -> None:
    assert offline_notice(False).startswith("Offline:")
    assert offline_notice(True) == "" and offline_notice(None) == ""


def _rowid(store: Store, item_id: str) -> int:
    with store.read() as connection:
        return int(
            connection.exec_driver_sql(
                "SELECT id FROM items WHERE item_id = ?", (item_id,)
            ).scalar_one()
        )
