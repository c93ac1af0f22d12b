"""The window's status bar, whose messages (`showMessage`) are cut with "…" where they do not
fit, the whole message then in its tooltip, as the status texts beside them are.

QStatusBar paints a message clipped to the room left of its permanent widgets: at 150% a
message such as "Added “Modern slavery: how to identify and support victims (statutory
guidance for England and Wales)” to Favourites." stopped mid-letter. Screen readers hear the
whole message either way (msguide.ui.announce). `currentMessage()` stays the whole message.

Built before the window's first paint: the Qt namespace is reached only while a message is
painted (msguide.ui.main_window explains why).
"""

from __future__ import annotations

from PySide6.QtCore import QRect
from PySide6.QtGui import QPainter, QPaintEvent, QResizeEvent
from PySide6.QtWidgets import QSizeGrip, QStatusBar, QStyle, QStyleOption, QWidget

# QStatusBar's own message margins (QStatusBarPrivate::messageRect).
LEFT = 6
RIGHT = 12
GAP = 2


class StatusBar(QStatusBar):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.messageChanged.connect(self._update_tooltip)

    def message_rect(self) -> QRect:
        """Where the message goes: from the left to the first permanent widget shown (while a
        message shows, the others are hidden)."""
        left, right = LEFT, self.width() - RIGHT
        shown = self._shown_items()
        if shown and self.isRightToLeft():
            left = max(left, *(w.geometry().right() + 1 + GAP for w in shown))
        elif shown:
            right = min(right, *(w.x() - GAP for w in shown))
        return QRect(left, 0, max(right - left, 0), self.height())

    def shown_message(self) -> str:
        """The message as painted: whole, or cut with "…" to its room."""
        from PySide6.QtCore import Qt

        return self.fontMetrics().elidedText(
            self.currentMessage(), Qt.TextElideMode.ElideRight, self.message_rect().width()
        )

    def _shown_items(self) -> list[QWidget]:
        return [
            child
            for child in self.children()
            if isinstance(child, QWidget)
            and child.isVisible()
            and not child.isWindow()
            and not isinstance(child, QSizeGrip)
        ]

    def _update_tooltip(self, message: str) -> None:
        self.setToolTip(message if message and self.shown_message() != message else "")

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._update_tooltip(self.currentMessage())

    def paintEvent(self, event: QPaintEvent) -> None:
        if not self.currentMessage():
            super().paintEvent(event)
            return
        from PySide6.QtCore import Qt

        painter = QPainter(self)
        style = self.style()
        elements = QStyle.PrimitiveElement
        panel = QStyleOption()
        panel.initFrom(self)
        style.drawPrimitive(elements.PE_PanelStatusBar, panel, painter, self)
        for widget in self._shown_items():
            frame = QStyleOption()
            frame.rect = widget.geometry().adjusted(-2, -1, 2, 1)
            frame.palette = self.palette()
            style.drawPrimitive(elements.PE_FrameStatusBarItem, frame, painter, widget)
        painter.setPen(self.palette().windowText().color())
        flags = Qt.AlignmentFlag.AlignLeading | Qt.AlignmentFlag.AlignVCenter
        painter.drawText(
            self.message_rect(), int(flags | Qt.TextFlag.TextSingleLine), self.shown_message()
        )
        painter.end()
