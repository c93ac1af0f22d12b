"""Window placement and status texts that give way (issue 13); the real display checks the
whole window in tests/display/test_window_fits.py."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QMargins, QRect
from PySide6.QtGui import QFontInfo
from PySide6.QtWidgets import QPlainTextEdit, QStatusBar
from pytestqt.qtbot import QtBot

from msguide.ui.elided_label import ElidedLabel
from msguide.ui.geometry import PREFERRED, first_geometry, fit_frame
from msguide.ui.main_window import MainWindow
from msguide.ui.shortcuts import ShortcutsDialog
from msguide.ui.status_bar import StatusBar

LAPTOP = QRect(0, 0, 1366, 728)  # 1366x768 with a 40 px taskbar
SCALED = QRect(0, 0, 911, 485)  # the same at 150%, in logical pixels


def test_a_frame_larger_than_the_screen_is_shrunk_and_moved_inside_it() -> None:
    fitted = fit_frame(QRect(1500, 200, 2400, 1300), LAPTOP)
    assert LAPTOP.contains(fitted)
    assert fitted.size() == LAPTOP.size()
    assert fit_frame(QRect(-300, -50, 800, 600), LAPTOP) == QRect(0, 0, 800, 600)
    assert fit_frame(QRect(100, 100, 800, 600), LAPTOP) == QRect(100, 100, 800, 600)


def test_the_first_size_is_the_preferred_one_where_it_fits_and_the_screen_s_otherwise() -> None:
    margins = QMargins(8, 40, 8, 8)
    big = QRect(0, 0, 2560, 1400)
    assert first_geometry(big, margins).size() == PREFERRED
    for available in (LAPTOP, SCALED):
        client = first_geometry(available, margins)
        assert available.contains(client.marginsAdded(margins))


def test_a_long_status_text_is_cut_to_fit_with_the_whole_text_kept(qtbot: QtBot) -> None:
    bar = QStatusBar()
    qtbot.addWidget(bar)
    label = ElidedLabel("statusText")
    text = "Hampshire & Isle of Wight Modern Slavery Partnership: published 28 November 2026"
    label.setText(text)
    bar.addWidget(label, 1)
    assert bar.minimumSizeHint().width() < 150  # the text does not set the window's width
    bar.resize(120, 30)
    bar.show()
    qtbot.waitUntil(lambda: label.width() < 120)
    assert label.text() == text  # what screen readers read
    assert label.shown_text().endswith("…") and len(label.shown_text()) < len(text)
    assert label.toolTip() == text
    bar.resize(1200, 30)
    qtbot.waitUntil(lambda: label.width() > 700)
    assert label.shown_text() == text and label.toolTip() == ""


def test_a_narrow_detail_pane_wraps_its_buttons_instead_of_scrolling_sideways(
    qtbot: QtBot, window: MainWindow
) -> None:
    window.search_field.setText("helpline")
    qtbot.waitUntil(lambda: window.results_model.rowCount() > 0, timeout=5000)
    model = window.results_model
    row = next(r for r in range(model.rowCount()) if (hit := model.hit(r)) and hit.phone)
    with qtbot.waitSignal(window.detailShown, timeout=5000):
        window.results_view.setCurrentIndex(model.index(row))
    detail = window.detail
    assert detail.number_button.isVisibleTo(detail)  # a contact: four buttons in the row
    sizes = window.splitter.sizes()
    window.splitter.setSizes([sizes[0], sum(sizes) - sizes[0] - 260, 260])
    qtbot.waitUntil(lambda: detail.width() <= 270)
    # Its layout settles over a few event-loop turns.
    qtbot.waitUntil(lambda: detail.horizontalScrollBar().maximum() == 0, timeout=3000)
    buttons = [detail.open_button, detail.copy_button, detail.number_button]
    buttons.append(detail.favourite_button)
    # Side to side within the pane; how far down they are depends on the text above them
    # (a narrow pane scrolls up and down, as it should).
    width = detail.viewport().width()
    assert all(b.geometry().left() >= 0 and b.geometry().right() < width for b in buttons)
    rows = {b.geometry().top() for b in buttons}
    assert len(rows) > 1  # wrapped onto a second row


def test_the_shortcut_list_lines_up_in_a_fixed_width_font(window: MainWindow, qtbot: QtBot) -> None:
    dialog = ShortcutsDialog(window.actions(), window)
    qtbot.addWidget(dialog)
    text = dialog.findChild(QPlainTextEdit, "shortcutsText")
    assert text is not None
    assert QFontInfo(text.font()).fixedPitch()
    assert dialog.width() <= dialog.screen().availableGeometry().width()


def test_a_status_text_too_long_for_its_room_shows_a_compact_form_not_a_cut_one(
    qtbot: QtBot,
) -> None:
    label = ElidedLabel("statusText")
    qtbot.addWidget(label)
    whole = "Hampshire & Isle of Wight Modern Slavery Partnership: published 28 November 2026"
    longer, shorter = "Published 28 November 2026, revision 3", "Revision 3"
    label.setText(whole, compact=[longer, shorter])
    label.show()
    advance = label.fontMetrics().horizontalAdvance

    def shown_in(width: int) -> str:
        label.resize(width, 30)
        qtbot.waitUntil(lambda: label.width() == width)
        return label.shown_text()

    assert shown_in(advance(longer) + 40) == longer and label.is_elided()
    assert label.text() == whole and label.toolTip() == whole  # read out, and on hover
    assert shown_in(advance(shorter) + 40) == shorter
    assert shown_in(advance(shorter) // 2 + 20).endswith("…")  # only the shortest is cut
    assert shown_in(1200) == whole and label.toolTip() == ""
    label.setText(whole)  # a new text without compact forms drops the old ones
    assert shown_in(advance(longer) + 40).endswith("…")


def test_a_status_message_too_long_for_its_room_is_cut_with_the_whole_in_the_tooltip(
    qtbot: QtBot,
) -> None:
    bar = StatusBar()
    qtbot.addWidget(bar)
    permanent = ElidedLabel("updateStatus")
    permanent.setText("No feed configured: showing the bundled content")
    bar.addPermanentWidget(permanent)
    bar.resize(700, 30)
    bar.show()
    qtbot.waitUntil(lambda: permanent.x() > 0)
    room = bar.message_rect()
    assert room.left() == 6 and room.right() < permanent.x()  # as QStatusBar places it
    long = "Added “" + "A very long title " * 8 + "” to Favourites."
    bar.showMessage(long)
    shown = bar.shown_message()
    assert shown.endswith("…") and bar.fontMetrics().horizontalAdvance(shown) <= room.width()
    assert bar.currentMessage() == long and bar.toolTip() == long
    bar.showMessage("Settings saved.")
    assert bar.shown_message() == "Settings saved." and bar.toolTip() == ""
    bar.showMessage(long)
    bar.clearMessage()
    assert bar.toolTip() == ""


def test_sizing_put_off_to_the_next_turn_is_dropped_with_a_window_deleted_before_it(
    qtbot: QtBot, home: Path
) -> None:
    # The sidebar's labels changed and the text size too (the panes are then fitted on the
    # next turn of the event loop), and the window is closed and deleted before that turn.
    from shiboken6 import delete

    from msguide.ui.app import build_window

    window, service = build_window()
    window.show()
    with qtbot.waitSignal(window.startupSettled, timeout=10_000):
        service.open()
    assert window.pane_sizer.arranged and window.pane_sizer.fitted
    window.sidebar_model.modelReset.emit()
    window.pane_sizer.zoomed()
    window.close()
    service.close()
    delete(window)
    qtbot.wait(50)  # pytest-qt fails the test on any exception raised in the event loop


def test_sidebar_labels_wrap_once_a_person_drags_the_sidebar_narrower_than_them(
    window: MainWindow, qtbot: QtBot
) -> None:
    from PySide6.QtWidgets import QStyledItemDelegate

    from msguide.ui.sidebar_delegate import WrappingDelegate

    sidebar = window.sidebar
    # As on a screen where every label fits at start-up (this offscreen one is too small):
    # Qt's own delegate, nothing wraps.
    sidebar.setItemDelegate(QStyledItemDelegate(sidebar))
    sidebar.setWordWrap(False)
    index = sidebar.model().index(0, 0)
    one_line = sidebar.visualRect(index).height()
    sizes = window.splitter.sizes()
    narrow = window.pane_sizer.sidebar_width() // 2
    window.splitter.setSizes([narrow, sizes[1] + sizes[0] - narrow, sizes[2]])
    window.splitter.splitterMoved.emit(narrow, 1)  # as a drag of the handle says it
    qtbot.waitUntil(lambda: isinstance(sidebar.itemDelegate(), WrappingDelegate))
    tallest = max(
        sidebar.visualRect(sidebar.model().index(row, 0)).height()
        for row in range(sidebar.model().rowCount())
    )
    assert tallest > one_line  # a label too wide for half its room takes a second line
