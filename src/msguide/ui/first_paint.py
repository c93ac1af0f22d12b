"""Run work once a widget has reached the screen: what must wait for the first paint."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QWidget


class _FirstPaint(QObject):
    def __init__(self, widget: QWidget, callback: Callable[[], None], fallback_ms: int) -> None:
        super().__init__(widget)
        self.callback: Callable[[], None] | None = callback
        widget.installEventFilter(self)
        QTimer.singleShot(fallback_ms, self._run)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint and self.callback is not None:
            watched.removeEventFilter(self)
            QTimer.singleShot(0, self._run)  # after this paint reaches the screen
        return False

    def _run(self) -> None:
        callback, self.callback = self.callback, None
        if callback is not None:
            callback()


def after_first_paint(
    widget: QWidget, callback: Callable[[], None], fallback_ms: int = 750
) -> None:
    """Run `callback` once `widget` has been painted (a zero timer after show() can run before
    the first paint), or after `fallback_ms` if it never is (a window started minimised)."""
    _FirstPaint(widget, callback, fallback_ms)
