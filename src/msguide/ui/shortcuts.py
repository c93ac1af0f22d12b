"""F1: every keyboard shortcut, listed from the window's own actions so the list cannot drift."""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtGui import QAction, QFontDatabase, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QDialogButtonBox,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

EXTRA = (
    ("Down (in the search field)", "Move into the results"),
    ("Enter (in a list)", "Open the highlighted item's link"),
    ("Escape (in the search field)", "Clear the search"),
    ("Tab / Shift+Tab", "Move between controls"),
)


def shortcut_lines(actions: Iterable[QAction]) -> list[tuple[str, str]]:
    lines = []
    for action in actions:
        keys = [k.toString(QKeySequence.SequenceFormat.NativeText) for k in action.shortcuts()]
        if keys:
            lines.append(
                (
                    " or ".join(keys),
                    action.text().replace("&&", "\0").replace("&", "").replace("\0", "&"),
                )
            )
    return lines + list(EXTRA)


class ShortcutsDialog(QDialog):
    def __init__(self, actions: Iterable[QAction], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("shortcutsDialog")
        self.setWindowTitle("Keyboard shortcuts")
        self.setAccessibleName("Keyboard shortcuts")
        text = QPlainTextEdit()
        text.setObjectName("shortcutsText")
        text.setAccessibleName("List of keyboard shortcuts")
        text.setReadOnly(True)
        lines = shortcut_lines(actions)
        width = max(len(keys) for keys, _ in lines)
        text.setPlainText("\n".join(f"{keys.ljust(width)}   {what}" for keys, what in lines))
        # The columns line up only in a font whose characters are all one width.
        fixed = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
        fixed.setPointSizeF(QApplication.font().pointSizeF())
        text.setFont(fixed)
        metrics = text.fontMetrics()
        columns = width + 3 + max(len(what) for _, what in lines)
        wanted_width = metrics.horizontalAdvance("M") * (columns + 4) + 40
        wanted_height = metrics.lineSpacing() * (len(lines) + 2) + 80
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(text)
        layout.addWidget(buttons)
        screen = self.screen().availableGeometry()
        self.resize(
            min(wanted_width, screen.width() - 40), min(wanted_height, screen.height() - 80)
        )
