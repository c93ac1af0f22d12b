"""Offline documents in the window: Keep offline, the sidebar entry, Open offline copy."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QDesktopServices
from pytestqt.qtbot import QtBot

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "offline"))

from fileserver import FileServer
from offlinekit import documents_feed, write_policy

from feedmaker import to_bytes
from msguide.cli import main as cli_main


@pytest.fixture
def server() -> Iterator[FileServer]:
    serving = FileServer()
    yield serving
    serving.close()


@pytest.fixture
def with_documents(home: Path, tmp_path: Path, server: FileServer) -> Path:
    """The user's store holds the seed plus a feed whose items carry documents."""
    write_policy(tmp_path / "no-policy.toml", attachments="none")  # nothing downloads by itself
    feed = tmp_path / "documents.json"
    feed.write_bytes(to_bytes(documents_feed(server)))
    assert cli_main(["import", str(feed)]) == 0
    return feed


@pytest.mark.usefixtures("with_documents")
def test_keep_offline_downloads_and_the_copy_opens_without_the_network(
    qtbot: QtBot,
    open_window,
    server: FileServer,
    monkeypatch: pytest.MonkeyPatch,  # type: ignore[no-untyped-def]
) -> None:
    opened: list[str] = []
    monkeypatch.setattr(
        QDesktopServices, "openUrl", lambda url: opened.append(QUrl(url).toLocalFile()) or True
    )
    window, service = open_window()
    window.search_field.setText("Document toolkit")
    model = window.results_model
    qtbot.waitUntil(lambda: bool(model.hits) and model.hits[0].id == "doc-toolkit", timeout=5000)
    with qtbot.waitSignal(window.detailShown, timeout=5000):
        window.results_view.setCurrentIndex(window.results_model.index(0))
    keep = window.detail.keep_offline_button
    qtbot.waitUntil(keep.isVisible, timeout=5000)
    assert "not on this computer yet" in window.detail.offline.text()
    assert not window.detail.open_offline_button.isVisible()

    controller = window.offline_ui.controller
    assert controller is not None
    with qtbot.waitSignal(controller.finished, timeout=15_000):
        qtbot.mouseClick(keep, Qt.MouseButton.LeftButton)
    server.close()  # from here on there is no network
    qtbot.waitUntil(lambda: window.detail.open_offline_button.isVisible(), timeout=5000)
    assert "on this computer" in window.detail.offline.text()
    assert window.detail.keep_offline_button.isChecked()

    qtbot.waitUntil(lambda: window.sidebar_model.index_for_key("offline").isValid(), timeout=5000)
    assert window.sidebar_model.index_for_key("offline").data() == "Available offline (1)"
    qtbot.waitUntil(
        lambda: any(h.offline for h in window.results_model.hits if h.id == "doc-toolkit"),
        timeout=5000,
    )

    qtbot.mouseClick(window.detail.open_offline_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(opened), timeout=5000)
    cache = service.where.attachments if service.where else None
    assert cache is not None and Path(opened[0]).is_relative_to(cache)
    assert Path(opened[0]).read_bytes().startswith(b"%PDF")
