"""The main window as the app opens it, for UI and admin tests (import the fixtures into a
conftest.py to use them there)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QLineEdit
from pytestqt.qtbot import QtBot

from msguide.ui.app import build_window
from msguide.ui.content import ContentService
from msguide.ui.main_window import MainWindow

WindowFactory = Callable[[], tuple[MainWindow, ContentService]]


@pytest.fixture
def open_window(qtbot: QtBot, home: Path) -> Iterator[WindowFactory]:
    """Open a main window (as the app does) and wait until its first results are shown and
    the start-up work after them (updates, offline tools) is wired up."""
    opened: list[tuple[MainWindow, ContentService]] = []

    def make() -> tuple[MainWindow, ContentService]:
        window, service = build_window()
        qtbot.addWidget(window)
        window.show()
        signals = [window.resultsShown, window.sidebarShown, window.statusShown]
        signals.append(window.startupSettled)
        with qtbot.waitSignals(signals, timeout=10_000):
            service.open()
        opened.append((window, service))
        return window, service

    yield make
    for window, service in opened:
        window.close()
        service.close()


@pytest.fixture
def window(open_window: WindowFactory) -> MainWindow:
    return open_window()[0]


@pytest.fixture
def opened_links(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The addresses the app asks the system to open, in order (nothing is really opened)."""
    opened: list[str] = []
    monkeypatch.setattr(
        QDesktopServices, "openUrl", lambda url: opened.append(QUrl(url).toString()) or True
    )
    return opened


def type_query(qtbot: QtBot, window: MainWindow, text: str) -> None:
    field = window.findChild(QLineEdit, "searchField")
    assert field is not None
    if field.text():
        with qtbot.waitSignal(window.resultsShown, timeout=5000):
            field.clear()
    with qtbot.waitSignal(window.resultsShown, timeout=5000):
        qtbot.keyClicks(field, text)
    # keyClicks emits one textChanged per key; wait until the list matches the final text
    # and is ranked exactly (not only the shown rows that still match, narrowed).
    qtbot.waitUntil(
        lambda: (
            (result := window.results_model.result) is not None
            and result.text == text
            and result.exact
        ),
        timeout=5000,
    )
