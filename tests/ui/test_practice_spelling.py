"""The window offers a better spelling for a query that finds little; one key accepts it."""

from __future__ import annotations

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from msguide.ui.main_window import MainWindow
from msguide.ui.practice import PracticeTools


def _tools(window: MainWindow) -> PracticeTools:
    tools = window.findChild(PracticeTools, "practiceTools")
    assert tools is not None
    return tools


def test_a_misspelt_query_offers_the_spelling_and_enter_accepts_it(
    qtbot: QtBot, window: MainWindow
) -> None:
    spelling = _tools(window).spelling
    with qtbot.waitSignal(spelling.shown, timeout=5000, check_params_cb=lambda s: s != ""):
        window.search_field.setText("trafiking")
    assert spelling.bar.isVisible()
    assert "trafficking" in spelling.label.text()
    assert "Did you mean “trafficking”? Press F7." in window.count_label.text()
    window.search_field.setFocus()
    with qtbot.waitSignal(window.resultsShown, timeout=5000):
        qtbot.keyClick(window.search_field, Qt.Key.Key_Return)
    assert window.search_field.text() == "trafficking"
    assert window.results_model.total > 2
    qtbot.waitUntil(lambda: not spelling.bar.isVisible(), timeout=5000)


def test_f7_accepts_the_suggestion(qtbot: QtBot, window: MainWindow) -> None:
    spelling = _tools(window).spelling
    with qtbot.waitSignal(spelling.shown, timeout=5000, check_params_cb=lambda s: s != ""):
        window.search_field.setText("chlid explotation")
    with qtbot.waitSignal(window.resultsShown, timeout=5000):
        qtbot.keyClick(window, Qt.Key.Key_F7)
    assert window.search_field.text() == "child exploitation"


def test_a_query_that_finds_plenty_offers_nothing(qtbot: QtBot, window: MainWindow) -> None:
    spelling = _tools(window).spelling
    with qtbot.waitSignal(window.resultsShown, timeout=5000):
        window.search_field.setText("trafficking")
    assert spelling.suggested is None and not spelling.bar.isVisible()
    assert not spelling.action.isEnabled()
