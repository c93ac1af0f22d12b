"""Quick hide (Ctrl+Shift+H): every msguide window, dialog and menu hidden in the same event-loop
turn, a neutral title while hidden, and a neutral start view when msguide comes back."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QDialog
from pytestqt.qtbot import QtBot

from msguide.ui.instance import bring_forward
from msguide.ui.main_window import MainWindow
from windowkit import type_query

HIDE = (Qt.Key.Key_H, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)


def visible_windows() -> list[str]:
    return [
        w.objectName() or type(w).__name__ for w in QApplication.topLevelWidgets() if w.isVisible()
    ]


def show_an_item(qtbot: QtBot, window: MainWindow) -> None:
    window.activateWindow()
    type_query(qtbot, window, "helpline")
    with qtbot.waitSignal(window.detailShown, timeout=5000):
        qtbot.keyClick(window.search_field, Qt.Key.Key_Down)
    assert window.detail.detail is not None


def test_quick_hide_hides_at_once_and_leaves_nothing_to_see(
    qtbot: QtBot, window: MainWindow
) -> None:
    show_an_item(qtbot, window)
    qtbot.keyClick(window.results_view, Qt.Key.Key_N, Qt.KeyboardModifier.NoModifier)
    window.copy_number()
    assert QApplication.clipboard().text()
    qtbot.keyClick(window.results_view, *HIDE)
    # No event processing in between: everything happened in the key press's own turn.
    assert visible_windows() == []
    assert not window.isVisible() and not window.isMinimized()  # hidden: not in the taskbar
    assert "slavery" not in window.windowTitle().lower()
    assert window.search_field.text() == ""
    assert window.detail.detail is None
    assert not window.results_view.currentIndex().isValid()
    assert window.results_view.selectionModel().selectedIndexes() == []
    assert window.results_view.verticalScrollBar().value() == 0
    assert window.sidebar_key == "all"
    assert QApplication.clipboard().text() == ""


@pytest.mark.qt_log_ignore("This plugin does not support raise")  # offscreen only
def test_coming_back_shows_a_neutral_start_view(qtbot: QtBot, window: MainWindow) -> None:
    title = window.windowTitle()
    show_an_item(qtbot, window)
    window.choose_sidebar("contacts")
    qtbot.keyClick(window.results_view, *HIDE)
    with qtbot.waitSignal(window.resultsShown, timeout=5000):
        pass  # the neutral list (All, no search) arrives while hidden
    bring_forward(window)  # what starting msguide again does (msguide.ui.instance)
    qtbot.waitExposed(window)
    assert window.windowTitle() == title
    assert window.search_field.text() == ""
    assert window.detail.detail is None
    assert window.results_view.selectionModel().selectedIndexes() == []
    assert window.count_label.text().endswith("in All")
    assert window.focusWidget() is window.search_field


def test_quick_hide_works_while_a_modal_dialog_is_open(qtbot: QtBot, window: MainWindow) -> None:
    show_an_item(qtbot, window)
    seen: list[QDialog] = []

    def press_in_the_dialog() -> None:
        dialog = QApplication.activeModalWidget()
        assert isinstance(dialog, QDialog)
        seen.append(dialog)
        qtbot.keyClick(dialog.focusWidget() or dialog, *HIDE)

    QTimer.singleShot(200, press_in_the_dialog)
    QTimer.singleShot(
        5000, lambda: QApplication.activeModalWidget() and QApplication.activeModalWidget().close()
    )  # type: ignore[union-attr]
    window.show_shortcuts()  # a modal dialog: returns when it closes
    assert seen and seen[0].objectName() == "shortcutsDialog"
    assert visible_windows() == []
    assert window.detail.detail is None


@pytest.mark.qt_log_ignore("This plugin does not support")  # offscreen: raise, keyboard grab
def test_quick_hide_closes_an_open_menu(qtbot: QtBot, window: MainWindow) -> None:
    show_an_item(qtbot, window)
    menu = window.file_menu
    menu.popup(window.mapToGlobal(window.rect().center()))
    qtbot.waitUntil(menu.isVisible, timeout=5000)
    qtbot.keyClick(menu, *HIDE)
    assert visible_windows() == []


@pytest.mark.qt_log_ignore("This plugin does not support")  # offscreen: raise
def test_a_floating_news_pane_hides_and_comes_back_with_the_window(
    qtbot: QtBot, window: MainWindow
) -> None:
    window.news.setFloating(True)
    qtbot.waitUntil(window.news.isVisible, timeout=5000)
    qtbot.keyClick(window.search_field, *HIDE)
    assert visible_windows() == []
    bring_forward(window)
    qtbot.waitUntil(window.news.isVisible, timeout=5000)
    assert window.news.isFloating()
