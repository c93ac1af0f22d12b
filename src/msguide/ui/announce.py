"""Tell screen readers about a change they would not otherwise notice.

A label's text is its accessible name (msguide never sets a caption as the name of a label that
shows content), so Qt already reports a changed text as a name change. A count or a notice that
changes while the person is elsewhere (typing in the search field) is also *announced*: Qt 6.8
and later send QAccessibleAnnouncementEvent (AT-SPI's Announcement, UI Automation's
notification); older Qt only has the name change.
"""

from __future__ import annotations

from PySide6.QtCore import QTimer
from PySide6.QtGui import QAccessible
from PySide6.QtWidgets import QLabel, QWidget

# A count changes with every key typed; only the one the person stops at is announced.
SETTLE_MS = 600


def set_spoken_text(label: QLabel, text: str, *, announce_change: bool = True) -> None:
    """Show `text` in `label` and, once it has stopped changing, announce it (politely)."""
    if label.text() == text:
        return
    label.setText(text)
    if announce_change and text:
        _settle_timer(label).start()


def _settle_timer(label: QLabel) -> QTimer:
    timer = label.findChild(QTimer, "announceTimer")
    if timer is None:
        timer = QTimer(label)
        timer.setObjectName("announceTimer")
        timer.setSingleShot(True)
        timer.setInterval(SETTLE_MS)
        timer.timeout.connect(lambda: announce(label, label.text()))
    return timer


def announce(widget: QWidget, message: str, *, assertive: bool = False) -> None:
    if not QAccessible.isActive():
        return  # no assistive technology listening: building the event is wasted work
    try:
        from PySide6.QtGui import QAccessibleAnnouncementEvent
    except ImportError:  # Qt before 6.8: the label's name change is all there is
        return
    event = QAccessibleAnnouncementEvent(widget, message)
    event.setPoliteness(
        QAccessible.AnnouncementPoliteness.Assertive
        if assertive
        else QAccessible.AnnouncementPoliteness.Polite
    )
    QAccessible.updateAccessibility(event)
