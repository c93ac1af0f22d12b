"""Longer plain text to read in the detail pane (an item's summary and full text).

A label wraps only at word boundaries: a web address or another word longer than the pane
stays on one line and makes the whole pane scroll sideways. This read-only text box wraps at
word boundaries and, for a word longer than the line, anywhere inside it. It looks like a
label (no frame, no background of its own, no scroll bars: it is as tall as its text), Tab
moves on from it, and the keyboard selects and copies its text, which is exactly the item's
text (nothing is inserted to make it wrap). A screen reader gets its text through the text
interface, so it can read it by line and word, which a label does not allow.
"""

from __future__ import annotations

import math

from PySide6.QtCore import QEvent, QSize, Qt
from PySide6.QtGui import QPalette, QShowEvent, QTextOption, QWheelEvent
from PySide6.QtWidgets import QFrame, QSizePolicy, QTextEdit, QWidget

from msguide.ui.focus_ring import RING_WIDTH

# Room for the focus ring (msguide.ui.focus_ring) inside the box, so it never covers the text.
INSET = RING_WIDTH + 1


class ReadingText(QTextEdit):
    def __init__(self, name: str, spoken_name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(name)
        self.setAccessibleName(spoken_name)  # a text box: its name says what the text is
        self.setReadOnly(True)
        self.setAcceptRichText(False)
        self.setTabChangesFocus(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setLineWrapMode(QTextEdit.LineWrapMode.WidgetWidth)
        self.setWordWrapMode(QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere)
        self.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByMouse
            | Qt.TextInteractionFlag.TextSelectableByKeyboard
        )
        self.document().setDocumentMargin(0)
        self.setViewportMargins(INSET, INSET, INSET, INSET)
        self._heights: dict[int, int] = {}  # width -> height, for the text and font shown
        policy = QSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        policy.setHeightForWidth(True)
        self.setSizePolicy(policy)
        self.document().documentLayout().documentSizeChanged.connect(
            lambda _size: self.updateGeometry()
        )

    # The label-like interface the detail pane uses.
    def setText(self, text: str) -> None:
        self._heights.clear()
        self.setPlainText(text)
        self.updateGeometry()

    def text(self) -> str:
        return self.toPlainText()

    # As tall as the text wrapped at the width it is given; never wider than that width.
    def hasHeightForWidth(self) -> bool:
        return True

    def heightForWidth(self, width: int) -> int:
        around = 2 * (self.frameWidth() + INSET)
        if self.document().isEmpty():  # hidden until an item is shown: no layout to make
            return around
        if width not in self._heights:  # layouts ask many times while a window is resized
            document = self.document().clone()  # laid out at `width`, the shown one left alone
            document.setTextWidth(max(1, width - around))
            self._heights[width] = math.ceil(document.size().height()) + around
        return self._heights[width]

    def showEvent(self, event: QShowEvent) -> None:
        # The pane's background, as a label's: set when first shown, not when built (a
        # viewport painted in another role costs start-up memory while it is still hidden).
        self.viewport().setBackgroundRole(QPalette.ColorRole.Window)
        super().showEvent(event)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.FontChange:  # the text size changed: new heights
            self._heights.clear()
            self.updateGeometry()
        super().changeEvent(event)

    def sizeHint(self) -> QSize:
        width = max(self.width(), 100)
        return QSize(width, self.heightForWidth(width))

    def minimumSizeHint(self) -> QSize:
        return QSize(1, self.heightForWidth(max(self.width(), 1)))

    def wheelEvent(self, event: QWheelEvent) -> None:
        event.ignore()  # it never scrolls itself: the detail pane scrolls
