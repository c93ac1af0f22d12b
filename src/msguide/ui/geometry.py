"""Where the window opens and how big: always on the screen it opens on, inside the area the
taskbar leaves free, whatever size was saved on another monitor.

Runs before the first paint (from the shell), so it uses no Qt enums (see main_window.py).
"""

from __future__ import annotations

from PySide6.QtCore import QByteArray, QEvent, QMargins, QObject, QPoint, QRect, QSize, QTimer
from PySide6.QtGui import QGuiApplication, QScreen
from PySide6.QtWidgets import QWidget

# The size the window likes on a large screen (logical pixels, without the frame).
PREFERRED = QSize(1200, 760)
# Room left for the window manager's title bar and borders until the real frame is known.
FRAME_ALLOWANCE = QMargins(8, 40, 8, 8)
# How long after showing the window manager gets to frame the window before the fit is checked
# again with its real frame (it frames the window asynchronously).
REFIT_DELAYS_MS = (0, 150, 600)


def screen_for(rect: QRect) -> QScreen:
    """The screen showing the middle of `rect`, else the primary one (a monitor that is gone)."""
    return QGuiApplication.screenAt(rect.center()) or QGuiApplication.primaryScreen()


def fit_frame(frame: QRect, available: QRect) -> QRect:
    """`frame` made no larger than `available` and moved (not resized further) inside it."""
    size = frame.size().boundedTo(available.size())
    x = min(max(frame.x(), available.x()), available.x() + available.width() - size.width())
    y = min(max(frame.y(), available.y()), available.y() + available.height() - size.height())
    return QRect(QPoint(x, y), size)


def first_geometry(available: QRect, margins: QMargins = FRAME_ALLOWANCE, zoom: int = 100) -> QRect:
    """The window's first client rectangle: its preferred size (larger with larger text) where
    that fits, else what the screen's free area allows, centred in that area."""
    room = available.marginsRemoved(margins).size()
    size = (PREFERRED * max(1.0, zoom / 100)).boundedTo(room)
    frame = QRect(QPoint(0, 0), size.grownBy(margins))
    frame.moveCenter(available.center())
    return fit_frame(frame, available).marginsRemoved(margins)


def place(window: QWidget, saved: QByteArray | None, zoom: int = 100) -> bool:
    """Restore the saved geometry if there is one, then bring it onto the current screen; with
    none (first start, or a damaged one), size the window from the screen's free area for text
    at `zoom` percent. Returns whether it was sized afresh."""
    if saved is None or not window.restoreGeometry(saved):
        resize_afresh(window, zoom)
        return True
    if not (window.isMaximized() or window.isFullScreen()):
        keep_on_screen(window, FRAME_ALLOWANCE)
    return False


def resize_afresh(window: QWidget, zoom: int) -> None:
    """The first-start size and place, for text at `zoom` percent."""
    available = screen_for(window.geometry()).availableGeometry()
    window.setGeometry(first_geometry(available, FRAME_ALLOWANCE, zoom))


def frame_margins(window: QWidget) -> QMargins:
    frame, inner = window.frameGeometry(), window.geometry()
    return QMargins(
        inner.left() - frame.left(),
        inner.top() - frame.top(),
        frame.right() - inner.right(),
        frame.bottom() - inner.bottom(),
    )


def keep_on_screen(window: QWidget, margins: QMargins | None = None) -> None:
    """Move and, if need be, shrink the window so its whole frame is inside the free area of
    the screen it is on. `margins` stands in for the frame until the window manager has
    framed the window."""
    if window.isMaximized() or window.isFullScreen():
        return
    known = frame_margins(window)
    if margins is not None and known.isNull():
        known = margins
    inner = window.geometry()
    frame = inner.marginsAdded(known)
    available = screen_for(frame).availableGeometry()
    fitted = fit_frame(frame, available).marginsRemoved(known)
    minimum = window.minimumSize()
    fitted.setSize(fitted.size().expandedTo(minimum))
    if fitted != inner:
        window.setGeometry(fitted)


class ScreenFit(QObject):
    """Checks the fit again once the window manager has framed the shown window (its title bar
    is only known then), and when the window moves to another screen."""

    def __init__(self, window: QWidget) -> None:
        super().__init__(window)
        self.window = window
        self.checked = False
        window.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.window and event.type() == QEvent.Type.Show and not self.checked:
            self.checked = True
            for delay in REFIT_DELAYS_MS:
                QTimer.singleShot(delay, self._refit)
            handle = self.window.windowHandle()
            if handle is not None:
                handle.screenChanged.connect(lambda _screen: self._refit())
        return False

    def _refit(self) -> None:
        if self.window.isVisible():
            keep_on_screen(self.window)
