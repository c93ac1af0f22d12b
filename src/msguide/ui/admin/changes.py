"""The import preview's list: added, changed (with the fields that changed) and removed items."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractListModel, QModelIndex, QPersistentModelIndex, Qt

from msguide.store.importer import ImportResult, ItemChange
from msguide.ui.admin.wording import field_list

ChangeRole = Qt.ItemDataRole.UserRole + 1  # ("added" | "changed" | "removed", ItemChange)
MARKS = {"added": "+", "changed": "~", "removed": "−"}
WORDS = {"added": "Added", "changed": "Changed", "removed": "Removed"}


def change_text(kind: str, change: ItemChange) -> str:
    """One row as shown and spoken: the mark and the word, so colour is never needed."""
    text = f"{MARKS[kind]} {WORDS[kind]}: {change.title}"
    if change.fields:
        text += f" ({field_list(change.fields)})"
    return text


class ChangeListModel(QAbstractListModel):
    """Rows of an `ImportResult`: added first, then changed, then removed, each in feed order."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.rows: list[tuple[str, ItemChange]] = []

    def set_result(self, result: ImportResult | None) -> None:
        self.beginResetModel()
        self.rows = []
        if result is not None:
            self.rows += [("added", c) for c in result.added]
            self.rows += [("changed", c) for c in result.changed]
            self.rows += [("removed", c) for c in result.removed]
        self.endResetModel()

    def titles(self, kind: str) -> list[str]:
        return [c.title for k, c in self.rows if k == kind]

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.rows)

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = 0) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.rows):
            return None
        kind, change = self.rows[index.row()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return change_text(kind, change)
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"{WORDS[kind]} {change.kind}, id {change.id}"
        if role == ChangeRole:
            return (kind, change)
        return None
