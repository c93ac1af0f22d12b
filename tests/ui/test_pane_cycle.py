"""F6 and Shift+F6 reach every part of the window, the details area included whatever it
shows (the start card, a pathway, an item), and passing through a list never replaces what
the details area shows."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from msguide.ui.main_window import MainWindow

NONE = Qt.KeyboardModifier.NoModifier
SHIFT = Qt.KeyboardModifier.ShiftModifier


def f6(qtbot: QtBot, window: MainWindow, modifier: Qt.KeyboardModifier = NONE) -> str:
    """Press F6 where the focus is; returns the name of the widget focused after it."""
    target = QApplication.focusWidget() or window
    qtbot.keyClick(target, Qt.Key.Key_F6, modifier)
    focused = QApplication.focusWidget()
    assert isinstance(focused, QWidget)
    return focused.objectName()


def test_f6_and_shift_f6_reach_the_start_card_and_leave_it_shown(
    qtbot: QtBot, window: MainWindow
) -> None:
    window.activateWindow()
    window.focus_search()
    assert window.detail.start_card.isVisible()  # nothing chosen yet

    forward = [f6(qtbot, window) for _ in range(5)]
    assert forward == ["sidebar", "resultsView", "startHeading", "newsView", "searchField"]
    backward = [f6(qtbot, window, SHIFT) for _ in range(5)]
    assert backward == ["newsView", "startHeading", "resultsView", "sidebar", "searchField"]
    # Passing through the lists chose nothing: the card is still there, nothing highlighted.
    assert window.detail.start_card.isVisible() and window.detail.detail is None
    assert window.current_item.target() is None

    # A key that moves in the list chooses its first row, as before.
    f6(qtbot, window)
    f6(qtbot, window)
    with qtbot.waitSignal(window.detailShown, timeout=5000):
        qtbot.keyClick(window.results_view, Qt.Key.Key_Down)
    hit = window.results_model.hits[0]
    assert window.detail.detail is not None and window.detail.detail.rowid == hit.rowid
    assert f6(qtbot, window) == "openButton"  # an item: its Open button, as before


def test_f6_and_shift_f6_reach_the_pathway_and_leave_it_shown(
    qtbot: QtBot, window: MainWindow
) -> None:
    window.activateWindow()
    ui = window.pathway_ui
    with qtbot.waitSignal(ui.view.stepShown, timeout=5000):
        window.pathway_ui.action.trigger()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is ui.view.step_text, timeout=5000)

    stops = [f6(qtbot, window) for _ in range(5)]
    assert stops == ["newsView", "searchField", "sidebar", "resultsView", "pathwayStepText"]
    stops = [f6(qtbot, window, SHIFT) for _ in range(5)]
    assert stops == ["resultsView", "sidebar", "searchField", "newsView", "pathwayStepText"]
    assert ui.stack.currentWidget() is ui.view
    assert ui.view.step is not None and ui.view.step.id == ui.view.stored.pathway.start.id  # type: ignore[union-attr]
    assert window.current_item.target() is None


def test_f6_skips_the_news_pane_when_it_is_hidden(qtbot: QtBot, window: MainWindow) -> None:
    window.activateWindow()
    window.news.hide()
    window.focus_search()
    stops = [f6(qtbot, window) for _ in range(4)]
    assert stops == ["sidebar", "resultsView", "startHeading", "searchField"]


def test_f6_reaches_the_notice_and_the_spelling_suggestion_while_they_are_shown(
    qtbot: QtBot, window: MainWindow
) -> None:
    """The notice area sits between the search bar and the panes: F6 reaches it as a part of
    its own (its text, read out; Tab then reaches Dismiss), and the "Did you mean" bar below
    it (its button). Hidden, both are skipped."""
    window.activateWindow()
    window.show_notice("Your IT team has set this computer's settings.")
    window.focus_search()
    forward = [f6(qtbot, window) for _ in range(3)]
    assert forward == ["noticeBar", "sidebar", "resultsView"]
    window.notice.setFocus()
    qtbot.keyClick(window.notice, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is window.notice_close
    assert f6(qtbot, window) == "sidebar"  # from anywhere in the notice, on to the next part
    assert [f6(qtbot, window, SHIFT) for _ in range(2)] == ["noticeBar", "searchField"]

    spelling = window.practice.spelling
    with qtbot.waitSignal(spelling.shown, timeout=5000, check_params_cb=lambda s: s != ""):
        window.search_field.setText("trafiking")
    window.focus_search()
    forward = [f6(qtbot, window) for _ in range(3)]
    assert forward == ["noticeBar", "spellingButton", "sidebar"]
    assert [f6(qtbot, window, SHIFT) for _ in range(3)] == [
        "spellingButton",
        "noticeBar",
        "searchField",
    ]

    window.notice_close.click()
    assert [f6(qtbot, window) for _ in range(2)] == ["spellingButton", "sidebar"]
    window.search_field.clear()
    qtbot.waitUntil(lambda: not spelling.bar.isVisible(), timeout=5000)
    window.focus_search()
    assert f6(qtbot, window) == "sidebar"
