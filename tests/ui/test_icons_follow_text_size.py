"""The search field's clear icon and the news pane's close icon grow with msguide's own text
size (ui/icon_size.py): at 200% text they stayed at 16 pixels beside letters twice as tall."""

from __future__ import annotations

from PySide6.QtWidgets import QAbstractButton, QApplication, QToolButton
from pytestqt.qtbot import QtBot

from msguide.ui.main_window import MainWindow


def icon_sizes(window: MainWindow) -> tuple[int, int]:
    """The clear button's height as the field lays it out, the close button's asked-for size."""
    window.search_field.setText("helpline")  # the clear button shows once there is text
    QApplication.processEvents()
    clear = next(
        b for b in window.search_field.findChildren(QToolButton) if b.defaultAction() is not None
    )
    close = window.news.findChild(QAbstractButton, "qt_dockwidget_closebutton")
    assert close is not None
    assert close.accessibleName() == "Close the news pane"  # Qt renames it on a style change
    return clear.height(), close.sizeHint().height()


def test_small_icons_grow_with_the_text_size(qtbot: QtBot, window: MainWindow) -> None:
    clear_100, close_100 = icon_sizes(window)
    window.set_zoom(200, save=False)
    try:  # the application font is shared by the tests that follow
        QApplication.processEvents()
        clear_200, close_200 = icon_sizes(window)
        assert clear_200 >= 1.6 * clear_100
        assert close_200 >= 1.6 * close_100
        # The field is still tall enough for its bigger button.
        assert clear_200 <= window.search_field.height()
        window.set_zoom(100, save=False)
        QApplication.processEvents()
        assert icon_sizes(window) == (clear_100, close_100)  # and back again
    finally:
        window.set_zoom(100, save=False)
