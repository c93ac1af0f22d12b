"""A link the computer cannot open is never a silent failure: a message shows the address and
a Copy button."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QApplication, QMessageBox, QPushButton
from pytestqt.qtbot import QtBot

from msguide.ui.main_window import MainWindow
from windowkit import type_query


def test_a_link_that_cannot_be_opened_shows_its_address_and_copy(
    qtbot: QtBot, window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    asked: list[str] = []
    monkeypatch.setattr(  # no browser on this computer: Qt's openUrl returns False
        QDesktopServices, "openUrl", lambda url: asked.append(QUrl(url).toString()) and False
    )
    window.activateWindow()
    type_query(qtbot, window, "nrm")
    with qtbot.waitSignal(window.detailShown, timeout=5000):
        qtbot.keyClick(window.search_field, Qt.Key.Key_Down)
    url = window.results_model.hits[0].url
    assert url
    qtbot.keyClick(window.results_view, Qt.Key.Key_Return)
    assert asked == [url]
    box = window.findChild(QMessageBox, "linkFailedMessage")
    assert box is not None and box.isVisible()
    assert url in box.text()
    copy = box.findChild(QPushButton, "copyAddressButton")
    assert copy is not None and copy.text().replace("&", "") == "Copy address"
    QApplication.clipboard().clear()
    qtbot.mouseClick(copy, Qt.MouseButton.LeftButton)
    assert QApplication.clipboard().text() == url
