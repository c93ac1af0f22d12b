"""An overlong word in an item's text (a web address) wraps inside the detail pane instead of
making it scroll sideways, and the text shown, selected and copied is exactly the item's."""

from __future__ import annotations

from dataclasses import replace

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAccessible, QFontMetrics
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from msguide.ui.main_window import MainWindow

# No break opportunity anywhere (no "/" or "-" after the host): a label keeps it on one line.
ADDRESS = "https://www.example.org/download?file=" + "A1b2C3d4E5f6" * 12


@pytest.mark.parametrize("detail_width", [240, 420])
def test_an_unbreakable_address_in_the_full_text_wraps_in_a_narrow_pane(
    qtbot: QtBot, window: MainWindow, detail_width: int
) -> None:
    with qtbot.waitSignal(window.detailShown, timeout=5000):
        window.results_view.setFocus(Qt.FocusReason.TabFocusReason)
    shown = window.detail.detail
    assert shown is not None
    text = f"Read the guidance at {ADDRESS} before you refer.\n\nThen call the helpline."
    summary = f"See {ADDRESS}"
    window.detail.show_detail(
        replace(shown, item=replace(shown.item, content_text=text, summary=summary))
    )
    window.resize(1000, 700)
    sizes = window.splitter.sizes()
    window.splitter.setSizes([sizes[0], sum(sizes) - sizes[0] - detail_width, detail_width])
    detail = window.detail
    content = detail.content
    qtbot.waitUntil(lambda: abs(detail.width() - detail_width) < 40, timeout=5000)
    # Laid out: as tall as its text wrapped at the width it was given.
    qtbot.waitUntil(
        lambda: content.height() == content.heightForWidth(content.width()), timeout=5000
    )

    assert detail.horizontalScrollBar().maximum() == 0  # nothing to scroll sideways
    body = detail.widget()
    assert body is not None and body.width() <= detail.viewport().width()
    assert content.text() == text and detail.summary.text() == summary  # nothing inserted
    assert content.width() < QFontMetrics(content.font()).horizontalAdvance(ADDRESS)
    # Every line as laid out fits the width shown: the address was cut onto several lines.
    assert content.geometry().right() <= body.width()
    widths = []
    block = content.document().begin()
    while block.isValid():
        layout = block.layout()
        widths += [layout.lineAt(n).naturalTextWidth() for n in range(layout.lineCount())]
        block = block.next()
    assert len(widths) >= 5 and max(widths) <= content.viewport().width()
    assert content.height() >= len(widths) * QFontMetrics(content.font()).lineSpacing() - 2

    # The keyboard selects and copies the item's own text.
    content.setFocus(Qt.FocusReason.TabFocusReason)
    qtbot.keyClick(content, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(content, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)
    assert QApplication.clipboard().text() == text
    # A screen reader gets the text itself through the text interface.
    interface = QAccessible.queryAccessibleInterface(content)
    assert interface is not None and interface.textInterface() is not None
    spoken = interface.textInterface()
    assert spoken.text(0, spoken.characterCount()) == text


def test_the_full_text_grows_with_the_text_size(qtbot: QtBot, window: MainWindow) -> None:
    with qtbot.waitSignal(window.detailShown, timeout=5000):
        window.results_view.setFocus(Qt.FocusReason.TabFocusReason)
    content = window.detail.content
    qtbot.waitUntil(lambda: content.isVisible() and content.height() > 0, timeout=5000)
    before = content.height()
    at_300 = content.heightForWidth(300)
    window.set_zoom(200, save=False)
    try:  # the application font is shared by the tests that follow
        QApplication.processEvents()
        assert content.heightForWidth(300) > 1.5 * at_300  # not the height in the old font
        # Its whole text still shows: as tall as it is wrapped in the larger font.
        qtbot.waitUntil(lambda: content.height() > 1.5 * before, timeout=5000)
        QApplication.processEvents()
        document = content.document().clone()
        document.setTextWidth(content.viewport().width())
        assert content.viewport().height() >= document.size().height() - 1
    finally:
        window.set_zoom(100, save=False)
