"""Small widget helpers shared by the window and its dialogs."""

from __future__ import annotations

from PySide6 import QtCore
from PySide6.QtWidgets import QLabel, QSizePolicy


def plain_label(name: str, *, selectable: bool = True) -> QLabel:
    """A label that never interprets feed text as rich text or opens links."""
    label = QLabel()
    label.setObjectName(name)
    label.setTextFormat(QtCore.Qt.TextFormat.PlainText)
    label.setWordWrap(True)
    label.setOpenExternalLinks(False)
    if selectable:
        label.setTextInteractionFlags(
            QtCore.Qt.TextInteractionFlag.TextSelectableByMouse
            | QtCore.Qt.TextInteractionFlag.TextSelectableByKeyboard
        )
        # It takes the keyboard focus: its text stays clear of the focus ring drawn inside it.
        # (Imported here: focus_ring builds the Qt namespace, which the shell's first paint
        # must not wait for; tests/ui/test_startup_order.py.)
        from msguide.ui.focus_ring import RING_ROOM

        label.setContentsMargins(RING_ROOM, RING_ROOM, RING_ROOM, RING_ROOM)
    policy = QSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Preferred)
    # As tall as the text wrapped at the label's real width. A new policy drops the
    # height-for-width that word wrap turned on, and a Minimum one makes the text wrapped at a
    # guessed width its least height: gaps between lines, and a scroll bar for text that fits.
    policy.setHeightForWidth(True)
    label.setSizePolicy(policy)
    return label
