"""A one-line label that gives way when the window is narrow: the text is cut with "…" to the
room there is, and the whole text stays in `text()` (what screen readers read) and, while it is
cut, in the tooltip. Status-bar texts use it, so they never set the window's minimum width, and
the detail pane's link address (an address has no spaces to wrap at).

A text may come with compact wordings (`setText(text, compact=[…])`, longest first): the
longest that fits is shown instead of cutting the whole text, since cut, "Hampshire & Isle of
Wight Modern Slavery Partnership: publ…" loses what the line is for. Only the shortest is ever
cut."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QPainter, QPaintEvent, QResizeEvent
from PySide6.QtWidgets import QLabel, QSizePolicy, QWidget

MIN_CHARS = 6  # the narrowest it gets: a few characters and the ellipsis


class ElidedLabel(QLabel):
    def __init__(
        self,
        name: str,
        parent: QWidget | None = None,
        mode: Qt.TextElideMode = Qt.TextElideMode.ElideRight,
    ) -> None:
        super().__init__(parent)
        self.mode = mode
        self.setObjectName(name)
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.setWordWrap(False)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Preferred)
        self.details = ""
        self.compact: tuple[str, ...] = ()

    def setText(self, text: str, compact: Sequence[str] = ()) -> None:
        """`compact`: shorter wordings of `text`, longest first, for when it does not fit."""
        self.compact = tuple(compact)
        super().setText(text)
        self._update_tooltip()
        self.update()  # the same text with another compact form: QLabel would not repaint

    def set_details(self, details: str) -> None:
        """More than the text says, for the tooltip (after the whole text when it is cut)."""
        self.details = details
        self._update_tooltip()

    def minimumSizeHint(self) -> QSize:
        metrics = self.fontMetrics()
        margins = self.contentsMargins()
        width = metrics.averageCharWidth() * MIN_CHARS + margins.left() + margins.right()
        whole = super().minimumSizeHint()
        return QSize(min(width, whole.width()), whole.height())

    def is_elided(self) -> bool:
        """Whether less than the whole text is painted (cut, or its compact form)."""
        return self.shown_text() != self.text()

    def shown_text(self) -> str:
        """The text as painted: whole, else the longest compact form that fits, else the
        shortest cut to fit."""
        metrics = self.fontMetrics()
        room = self.contentsRect().width()
        forms = (self.text(), *self.compact)
        fitting = (form for form in forms if metrics.horizontalAdvance(form) <= room)
        return next(fitting, None) or metrics.elidedText(forms[-1], self.mode, room)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._update_tooltip()

    def _update_tooltip(self) -> None:
        whole = self.text() if self.is_elided() else ""
        self.setToolTip("\n".join(part for part in (whole, self.details) if part))

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        self.style().drawItemText(
            painter,
            self.contentsRect(),
            int(self.alignment()),
            self.palette(),
            self.isEnabled(),
            self.shown_text(),
            self.foregroundRole(),
        )
