"""What the detail pane shows before anything is chosen: what msguide is, how to find things,
and the numbers to call now, taken from the contacts the content pins (never written here).

Each number names the content item it comes from, and its button shows that item, with its
source and the date it was checked.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QApplication,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from msguide.store.browse import PinnedContact
from msguide.ui.widgets import plain_label

ABOUT = (
    "msguide keeps guidance, contacts and news for people who work against modern slavery "
    "and human trafficking on this computer, so it works without a network."
)
HOW_TO = "\n".join(
    (
        "• Type a few words in the search field at the top (Ctrl+F): results appear as you "
        "type. Press Down to move into them.",
        "• Or choose a list on the left: Contacts & helplines (F2), News, a group of people "
        "or a topic.",
        "• Choose a result to read it here; Enter opens its link in your browser. F1 lists "
        "every keyboard shortcut.",
    )
)


class StartCard(QWidget):
    """Emits `contactChosen(rowid)` when a contact's Details button is pressed."""

    contactChosen = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("startCard")
        self.setAccessibleName("Start")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(8)
        self.heading = self._label("startHeading", "Welcome to msguide", layout)
        self.about = self._label("startAbout", ABOUT, layout)
        self.help_heading = self._label("startHelpHeading", "Need help now?", layout)
        self.contacts = QVBoxLayout()
        self.contacts.setSpacing(6)
        layout.addLayout(self.contacts)
        self.search_heading = self._label("startSearchHeading", "Finding guidance", layout)
        self.how_to = self._label("startHowTo", HOW_TO, layout)
        layout.addStretch(1)  # spare height goes below, not between the lines
        self.rows: list[QWidget] = []
        self.apply_fonts()
        self.set_contacts(())

    def _label(self, name: str, text: str, layout: QVBoxLayout) -> QLabel:
        label = plain_label(name)
        label.setText(text)
        label.setFocusPolicy(Qt.FocusPolicy.StrongFocus)  # read by keyboard, as the detail text

        layout.addWidget(label)
        return label

    def apply_fonts(self) -> None:
        """Headings a little larger and bold, from the application font (zoom changes it)."""
        base = QFont(QApplication.font())
        heading = QFont(base)
        heading.setPointSizeF(base.pointSizeF() * 1.35)
        heading.setBold(True)
        self.heading.setFont(heading)
        section = QFont(base)
        section.setBold(True)
        self.help_heading.setFont(section)
        self.search_heading.setFont(section)

    def set_contacts(self, contacts: Sequence[PinnedContact]) -> None:
        """Show the content's pinned contacts that have a phone number (none: no section)."""
        for row in self.rows:
            self.contacts.removeWidget(row)
            row.deleteLater()
        self.rows = [self._contact_row(n, contact) for n, contact in enumerate(contacts)]
        for row in self.rows:
            self.contacts.addWidget(row)
            row.show()  # at once: a layout shows new children only on the next event-loop turn
        self.help_heading.setVisible(bool(self.rows))
        # New widgets go to the end of the window's tab chain: put them back in reading order.
        for first, second in itertools.pairwise(self.reading_order()):
            QWidget.setTabOrder(first, second)

    def reading_order(self) -> list[QWidget]:
        """The card's focusable parts from top to bottom (the window's tab order uses it)."""
        rows = [w for row in self.rows for w in row.findChildren(QWidget)]
        return [
            self.heading,
            self.about,
            self.help_heading,
            *rows,
            self.search_heading,
            self.how_to,
        ]

    def _contact_row(self, number: int, contact: PinnedContact) -> QWidget:
        row = QWidget()
        row.setObjectName(f"startContact{number}")
        row.setAccessibleName(f"{contact.title}: {contact.phone}")
        layout = QHBoxLayout(row)
        layout.setContentsMargins(0, 0, 0, 0)
        lines = [contact.title, f"Phone: {contact.phone}"]
        if contact.hours:
            lines[-1] += f" ({contact.hours})"
        text = plain_label(f"startContactText{number}")
        text.setParent(row)
        text.setText("\n".join(lines))
        text.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        details = QPushButton("Details", row)
        details.setObjectName(f"startContactDetails{number}")
        details.setAccessibleName(f"Details of {contact.title}")
        details.setToolTip(
            f"Show “{contact.title}”: where the number comes from and when it was checked"
        )
        details.clicked.connect(lambda: self.contactChosen.emit(contact.rowid))
        layout.addWidget(text, 1)
        layout.addWidget(details, 0)
        return row
