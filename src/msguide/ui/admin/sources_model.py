"""The feeds msguide keeps current, as a table: the IT policy's (read-only) and the person's own."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Any
from urllib.parse import urlsplit

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

from msguide.feed.links import is_loopback_host
from msguide.policy import SourcePolicy

COLUMNS = ("Feed address", "Source id", "Signing keys", "Set by")
URL, SOURCE_ID, KEYS, SET_BY = range(4)


@dataclass(frozen=True, slots=True)
class SourceRow:
    source: SourcePolicy
    from_policy: bool


def split_keys(text: str) -> tuple[str, ...]:
    return tuple(k for k in re.split(r"[\s,;]+", text.strip()) if k)


def source_problem(source: SourcePolicy, row: int) -> str | None:
    """Why a feed the person typed cannot be used, in words; None when it is fine."""
    where = f"Feed {row + 1}"
    if not source.url:
        return f"{where} has no address; type one or remove the feed."
    parts = urlsplit(source.url)
    if parts.scheme == "http" and is_loopback_host(parts.hostname or ""):
        pass
    elif parts.scheme != "https" or not parts.hostname:
        return f"{where}: the address must start with https:// (it is “{source.url}”)."
    from msguide.errors import FeedError
    from msguide.feed.signature import public_key_id

    for key in source.keys:
        try:
            public_key_id(key)
        except FeedError as error:
            return f"{where}: {error}."
    return None


class SourceTableModel(QAbstractTableModel):
    """Rows: the policy's sources, then the person's. Only the person's are editable, and only
    when `editable` (the policy may lock the list)."""

    def __init__(
        self,
        policy_sources: list[SourcePolicy],
        user_sources: list[SourcePolicy],
        *,
        editable: bool,
        parent: Any = None,
    ) -> None:
        super().__init__(parent)
        self.editable = editable
        self.rows = [SourceRow(s, True) for s in policy_sources] + [
            SourceRow(s, False) for s in user_sources
        ]

    def user_sources(self) -> list[SourcePolicy]:
        return [r.source for r in self.rows if not r.from_policy]

    def is_user_row(self, row: int) -> bool:
        return 0 <= row < len(self.rows) and not self.rows[row].from_policy

    def add_source(self) -> int:
        row = len(self.rows)
        self.beginInsertRows(QModelIndex(), row, row)
        self.rows.append(SourceRow(SourcePolicy(url=""), False))
        self.endInsertRows()
        return row

    def remove_source(self, row: int) -> bool:
        if not self.editable or not self.is_user_row(row):
            return False
        self.beginRemoveRows(QModelIndex(), row, row)
        del self.rows[row]
        self.endRemoveRows()
        return True

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = 0) -> Any:
        if (
            role == Qt.ItemDataRole.DisplayRole
            and orientation == Qt.Orientation.Horizontal
            and 0 <= section < len(COLUMNS)
        ):
            return COLUMNS[section]
        return None

    def flags(self, index: QModelIndex | QPersistentModelIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if self.editable and self.is_user_row(index.row()) and index.column() != SET_BY:
            flags |= Qt.ItemFlag.ItemIsEditable
        return flags

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = 0) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.rows):
            return None
        row = self.rows[index.row()]
        column = index.column()
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            return self._text(row, column)
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return f"{COLUMNS[column]}: {self._text(row, column) or 'none'}"
        if role == Qt.ItemDataRole.ToolTipRole and row.from_policy:
            return "Set by your IT policy: it cannot be changed here."
        return None

    def _text(self, row: SourceRow, column: int) -> str:
        source = row.source
        if column == URL:
            return source.url
        if column == SOURCE_ID:
            return source.id or ""
        if column == KEYS:
            return ", ".join(source.keys)
        return "IT policy" if row.from_policy else "You"

    def setData(
        self, index: QModelIndex | QPersistentModelIndex, value: Any, role: int = 0
    ) -> bool:
        if (
            role != Qt.ItemDataRole.EditRole
            or not index.isValid()
            or not (self.flags(index) & Qt.ItemFlag.ItemIsEditable)
        ):
            return False
        text = str(value).strip()
        row = self.rows[index.row()]
        if index.column() == URL:
            source = replace(row.source, url=text)
        elif index.column() == SOURCE_ID:
            source = replace(row.source, id=text or None)
        else:
            source = replace(row.source, keys=split_keys(text))
        self.rows[index.row()] = SourceRow(source, False)
        self.dataChanged.emit(index, index, [Qt.ItemDataRole.DisplayRole])
        return True
