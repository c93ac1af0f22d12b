"""UI fixtures: the real main window on the real bundled seed, in an isolated home."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from msguide.ui.app import build_window
from msguide.ui.content import ContentService
from msguide.ui.main_window import MainWindow

WindowFactory = Callable[[], tuple[MainWindow, ContentService]]


@pytest.fixture
def open_window(qtbot: QtBot, home: Path) -> Iterator[WindowFactory]:
    """Open a main window (as the app does) and wait until its first results are shown."""
    opened: list[tuple[MainWindow, ContentService]] = []

    def make() -> tuple[MainWindow, ContentService]:
        window, service = build_window()
        qtbot.addWidget(window)
        window.show()
        signals = [window.resultsShown, window.sidebarShown, window.statusShown]
        signals.append(window.startupSettled)  # updates and offline tools are wired up
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
