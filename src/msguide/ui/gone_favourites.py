"""Favourites whose item is no longer in the content, under the Favourites list.

A favourite is kept by its ids when its item leaves the content (it comes back with the item),
so the import dialog and `msguide favourites list` show it; the window shows it here too:
greyed, as "No longer in the content: <title>" with the title its item last had, and a Remove
button. Each line takes the keyboard focus and is read by its text; Remove names the favourite.

Greyed, but still readable: the text colour is moved towards the background only as far as
WCAG's 4.5:1 contrast allows.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import (
    QApplication,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from msguide.ui.widgets import plain_label

if TYPE_CHECKING:  # the store module loads when there is one to show, not at start-up
    from msguide.store.favourites import GoneFavourite

LEAST_CONTRAST = 4.5  # WCAG 2.2 AA, normal text


def shown_name(gone: GoneFavourite) -> str:
    """Its title as its item last had it; its id when no stored feed holds the item."""
    return gone.title or gone.id


def line_text(gone: GoneFavourite) -> str:
    return f"No longer in the content: {shown_name(gone)}"


def _luminance(colour: QColor) -> float:
    def channel(value: float) -> float:
        return value / 12.92 if value <= 0.03928 else ((value + 0.055) / 1.055) ** 2.4

    return (
        0.2126 * channel(colour.redF())
        + 0.7152 * channel(colour.greenF())
        + 0.0722 * channel(colour.blueF())
    )


def contrast(first: QColor, second: QColor) -> float:
    """WCAG's contrast ratio of two colours (1 to 21)."""
    light, dark = sorted((_luminance(first), _luminance(second)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def greyed(text: QColor, background: QColor) -> QColor:
    """`text` moved towards `background` as far as keeps LEAST_CONTRAST (text unchanged when
    the palette itself has less)."""
    best = text
    for step in range(1, 10):
        share = step / 10
        mixed = QColor.fromRgbF(
            text.redF() + (background.redF() - text.redF()) * share,
            text.greenF() + (background.greenF() - text.greenF()) * share,
            text.blueF() + (background.blueF() - text.blueF()) * share,
        )
        if contrast(mixed, background) < LEAST_CONTRAST:
            break
        best = mixed
    return best


class GoneFavourites(QWidget):
    """`remove(favourite)` is called when its Remove button is pressed."""

    def __init__(
        self, remove: Callable[[GoneFavourite], None], parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("goneFavourites")
        self.setAccessibleName("Favourites no longer in the content")
        self._remove = remove
        self.layout_ = QVBoxLayout(self)
        self.layout_.setContentsMargins(8, 4, 8, 8)
        self.layout_.setSpacing(4)
        self.rows: list[QWidget] = []
        self.labels: list[QLabel] = []
        self.buttons: list[QPushButton] = []
        self.hide()

    def show_gone(self, gone: Sequence[GoneFavourite], after: QWidget) -> None:
        """Show `gone` (none: hide), in the tab order straight after `after`. When the focus
        was on a line or its button, it goes to the line now in that row's place (or `after`)."""
        focused = QApplication.focusWidget()
        place = self.reading_order().index(focused) if focused in self.reading_order() else -1
        for row in self.rows:
            row.hide()  # out of the focus chain now, not when deleted later
            row.setParent(None)
            row.deleteLater()
        self.rows, self.labels, self.buttons = [], [], []
        for number, favourite in enumerate(gone):
            row = self._row(number, favourite)
            self.layout_.addWidget(row)
            row.show()
            self.rows.append(row)
        self.setVisible(bool(self.rows))
        order = self.reading_order()
        for first, second in itertools.pairwise([after, *order]):
            QWidget.setTabOrder(first, second)
        if place >= 0:  # the line now in that row's place is read out, or the list's end
            line = min(place // 2, len(self.labels) - 1)
            (self.labels[line] if self.labels else after).setFocus(Qt.FocusReason.OtherFocusReason)

    def reading_order(self) -> list[QWidget]:
        return [w for pair in zip(self.labels, self.buttons, strict=True) for w in pair]

    def _row(self, number: int, gone: GoneFavourite) -> QWidget:
        row = QWidget()
        row.setObjectName(f"goneFavourite{number}")
        layout = QHBoxLayout(row)
        layout.setContentsMargins(0, 0, 0, 0)
        text = line_text(gone)
        label = plain_label(f"goneFavouriteText{number}")
        label.setText(text)
        label.setAccessibleDescription(
            "A favourite whose item is no longer in the content; it comes back if the item does"
        )
        label.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        palette = label.palette()
        palette.setColor(
            QPalette.ColorRole.WindowText,
            greyed(
                palette.color(QPalette.ColorRole.WindowText),
                palette.color(QPalette.ColorRole.Window),
            ),
        )
        label.setPalette(palette)
        button = QPushButton("Remove")
        button.setObjectName(f"goneFavouriteRemove{number}")
        button.setAccessibleName(f"Remove “{shown_name(gone)}” from favourites")
        button.setToolTip("Remove this favourite")
        button.clicked.connect(lambda _checked=False: self._remove(gone))
        layout.addWidget(label, 1)
        layout.addWidget(button, 0, Qt.AlignmentFlag.AlignTop)
        self.labels.append(label)
        self.buttons.append(button)
        return row
