"""One current item: what is highlighted, what the detail pane shows and what actions target are
the same row, after F6 into the news pane and back; view shortcuts never hide the helpline."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from msguide.ui.main_window import MainWindow
from windowkit import type_query

HELPLINE = "08000 121 700"  # the Modern Slavery Helpline, pinned in the bundled content


def press(qtbot: QtBot, window: MainWindow, key: Qt.Key, modifiers: Qt.KeyboardModifier) -> None:
    target = QApplication.focusWidget() or window
    qtbot.keyClick(target, key, modifiers)


def selected_rows(view) -> list[int]:  # type: ignore[no-untyped-def]
    return [i.row() for i in view.selectionModel().selectedIndexes()]


def test_after_f6_into_news_and_back_actions_target_the_highlighted_result(
    qtbot: QtBot, window: MainWindow, opened_links: list[str]
) -> None:
    window.activateWindow()
    qtbot.waitUntil(lambda: window.news.model.rowCount() > 0, timeout=5000)
    type_query(qtbot, window, "victim pathway")
    with qtbot.waitSignal(window.detailShown, timeout=5000):
        qtbot.keyClick(window.search_field, Qt.Key.Key_Down)
    result = window.results_model.hits[0]
    assert result.url

    # F6 twice: the detail pane's first button, then the news list.
    none = Qt.KeyboardModifier.NoModifier
    press(qtbot, window, Qt.Key.Key_F6, none)
    with qtbot.waitSignal(window.detailShown, timeout=5000):
        press(qtbot, window, Qt.Key.Key_F6, none)
    assert QApplication.focusWidget() is window.news.view
    news = window.news.model.hits[window.news.view.currentIndex().row()]
    detail = window.detail.detail
    assert detail is not None and detail.rowid == news.rowid
    assert selected_rows(window.results_view) == []  # only one list shows a highlight

    # Back to the results: the detail pane follows the highlighted result again.
    shift = Qt.KeyboardModifier.ShiftModifier
    press(qtbot, window, Qt.Key.Key_F6, shift)
    with qtbot.waitSignal(window.detailShown, timeout=5000):
        press(qtbot, window, Qt.Key.Key_F6, shift)
    assert QApplication.focusWidget() is window.results_view
    detail = window.detail.detail
    assert detail is not None and detail.rowid == result.rowid
    assert selected_rows(window.results_view) == [0]
    assert selected_rows(window.news.view) == []

    qtbot.keyClick(window.results_view, Qt.Key.Key_Return)
    assert opened_links == [result.url]
    press(qtbot, window, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier | shift)
    assert QApplication.clipboard().text() == result.url
    press(qtbot, window, Qt.Key.Key_D, Qt.KeyboardModifier.ControlModifier)
    assert window.results_model.hits[0].favourite
    assert not any(h.favourite for h in window.news.model.hits if h.rowid == news.rowid)


def test_hiding_the_news_pane_hands_the_detail_pane_back_to_the_results(
    qtbot: QtBot, window: MainWindow
) -> None:
    window.activateWindow()
    qtbot.waitUntil(lambda: window.news.model.rowCount() > 0, timeout=5000)
    type_query(qtbot, window, "nrm")
    with qtbot.waitSignal(window.detailShown, timeout=5000):
        qtbot.keyClick(window.search_field, Qt.Key.Key_Down)
    result = window.results_model.hits[0]
    with qtbot.waitSignal(window.detailShown, timeout=5000):
        window.news.view.setFocus(Qt.FocusReason.TabFocusReason)
    assert window.current_item.hit() is not None
    assert window.current_item.hit().kind == "news"  # type: ignore[union-attr]
    window.focus_search()  # Ctrl+F: the news list stays the one actions act on
    with qtbot.waitSignal(window.detailShown, timeout=5000):
        window.news_toggle.trigger()  # Ctrl+Shift+N
        # At once, not when some later refresh happens to come: the result is what acts.
        # (By row: its highlighted snippet may arrive after `result` was read.)
        hit = window.current_item.hit()
        assert hit is not None and hit.rowid == result.rowid
    detail = window.detail.detail
    assert detail is not None and detail.rowid == result.rowid
    assert selected_rows(window.results_view) == [0]


def test_enter_opens_the_highlighted_row_before_its_detail_arrives(
    qtbot: QtBot, window: MainWindow, opened_links: list[str]
) -> None:
    window.activateWindow()
    type_query(qtbot, window, "nrm")
    with qtbot.waitSignal(window.detailShown, timeout=5000):
        qtbot.keyClick(window.search_field, Qt.Key.Key_Down)
    # Down then Enter at once: the detail of row 1 has not arrived yet (it loads on a worker).
    qtbot.keyClick(window.results_view, Qt.Key.Key_Down)
    qtbot.keyClick(window.results_view, Qt.Key.Key_Return)
    assert opened_links == [window.results_model.hits[1].url]
    qtbot.waitUntil(
        lambda: (
            window.detail.detail is not None
            and window.detail.detail.rowid == window.results_model.hits[1].rowid
        ),
        timeout=5000,
    )


def test_a_result_that_leaves_the_list_leaves_the_detail_pane(
    qtbot: QtBot, window: MainWindow
) -> None:
    type_query(qtbot, window, "nrm")
    with qtbot.waitSignal(window.detailShown, timeout=5000):
        qtbot.keyClick(window.search_field, Qt.Key.Key_Down)
    type_query(qtbot, window, "qqqzzz xxyyzz")
    assert window.detail.detail is None


def test_f2_with_a_typed_search_shows_every_contact_and_says_so(
    qtbot: QtBot, window: MainWindow
) -> None:
    type_query(qtbot, window, "toolkit")
    with qtbot.waitSignal(window.resultsShown, timeout=5000):
        qtbot.keyClick(window, Qt.Key.Key_F2)
    qtbot.waitUntil(lambda: window.results_model.result is not None, timeout=5000)
    assert window.search_field.text() == ""
    assert window.sidebar_key == "contacts"
    assert HELPLINE in [h.phone for h in window.results_model.hits]
    assert "“toolkit” cleared" in window.statusBar().currentMessage()
    assert window.count_label.text().endswith("in Contacts & helplines")


def test_the_count_names_the_search_it_counts(qtbot: QtBot, window: MainWindow) -> None:
    type_query(qtbot, window, "helpline")
    assert "for “helpline” in All" in window.count_label.text()
