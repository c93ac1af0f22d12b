"""A focus ring anyone can see (WCAG 2.4.7, 2.4.11): whatever has keyboard focus, in any msguide
window, gets a 2 px outline in the palette's highlight colour with a 1 px line of the base
colour inside it, so it shows on any background and in high-contrast themes. It is a change
of shape (an outline appears), not of colour alone.

The style's own focus hints stay (a dotted row outline, a tinted frame); some are 1 px or
absent (the detail pane's text), which is why this ring exists.

The ring is a small child widget laid over the focused widget, transparent to the mouse. It
lives inside that widget, so it scrolls and resizes with it, and it dies with it: the window
only keeps a reference that it checks before use.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QRect, Qt
from PySide6.QtGui import QPainter, QPaintEvent, QPalette, QPen
from PySide6.QtWidgets import QApplication, QMenu, QMenuBar, QSplitter, QWidget
from shiboken6 import isValid

RING_WIDTH = 2  # px, the outline in the highlight colour
# Room a focusable text widget keeps clear inside its edges for the ring (the outline and the
# line of the base colour inside it), so the ring never covers the first letter or the
# descenders of the text: plain_label and the reading text boxes keep it.
RING_ROOM = RING_WIDTH + 1
# Widgets that draw their own unmistakable focus (menus highlight the whole item) or that
# would take the ring as one of their panes (a splitter adopts child widgets).
SKIP = (QMenu, QMenuBar, QSplitter)


class FocusRing(QWidget):
    """The outline itself. It has no objectName and no accessible name: it is decoration, and a
    screen reader skips an unnamed filler."""

    def __init__(self, target: QWidget) -> None:
        super().__init__(target)
        self.target = target
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.setAttribute(Qt.WidgetAttribute.WA_NoSystemBackground)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        target.installEventFilter(self)
        self.setGeometry(target.rect())
        self.raise_()
        self.show()

    def paintEvent(self, _event: QPaintEvent) -> None:
        palette = self.target.palette()
        painter = QPainter(self)
        outer = QPen(palette.color(QPalette.ColorRole.Highlight), RING_WIDTH)
        outer.setJoinStyle(Qt.PenJoinStyle.MiterJoin)
        painter.setPen(outer)
        half = RING_WIDTH // 2
        painter.drawRect(QRect(self.rect()).adjusted(half, half, -half, -half))
        painter.setPen(QPen(palette.color(QPalette.ColorRole.Base), 1))
        inner = RING_WIDTH
        painter.drawRect(self.rect().adjusted(inner, inner, -inner - 1, -inner - 1))
        painter.end()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.target and event.type() == QEvent.Type.Resize:
            self.setGeometry(self.target.rect())
        elif watched is self.target and event.type() == QEvent.Type.ChildAdded:
            self.raise_()  # stay above children added later
        return super().eventFilter(watched, event)


class FocusRings(QObject):
    """Moves one ring to whatever widget has focus (objectName `focusRings`)."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("focusRings")
        self.ring: FocusRing | None = None
        app = QApplication.instance()
        assert isinstance(app, QApplication)
        app.focusChanged.connect(self._focus_changed)

    def _focus_changed(self, _old: QWidget | None, new: QWidget | None) -> None:
        if self.ring is not None and isValid(self.ring):
            self.ring.hide()
            self.ring.target.removeEventFilter(self.ring)
            self.ring.deleteLater()
        self.ring = None
        if new is not None and not isinstance(new, SKIP) and not new.isWindow():
            self.ring = FocusRing(new)


def install_focus_rings(parent: QObject) -> FocusRings:
    """Call once per application (the main window does)."""
    return FocusRings(parent)
