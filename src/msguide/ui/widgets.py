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
    label.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Minimum)
    return label
