"""Sidebar rows as tall as their wrapped labels.

A label wider than the sidebar's share of the width (msguide.ui.pane_sizes caps it) wraps onto
more lines instead of being cut with "…". QTreeView asks a row's height without saying how wide
the row is, so this delegate works the width out (the viewport less the row's indent) and lays
the rows out again when the sidebar's width changes.
"""

from __future__ import annotations

from PySide6.QtCore import (
    QEvent,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QRect,
    QSize,
    Qt,
)
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem, QTreeView


def wrap_labels(view: QTreeView) -> None:
    """Make `view`'s labels wrap from now on (once; later calls do nothing). Not done up front:
    the delegate's row heights cost the window's first results about 20 ms and 1 MiB at
    start-up, where on most screens every label fits."""
    if isinstance(view.itemDelegate(), WrappingDelegate):
        return
    view.setWordWrap(True)
    view.setTextElideMode(Qt.TextElideMode.ElideNone)
    view.setItemDelegate(WrappingDelegate(view))


class WrappingDelegate(QStyledItemDelegate):
    def __init__(self, view: QTreeView) -> None:
        super().__init__(view)
        self.view = view
        self.width = -1
        view.viewport().installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Resize:
            width = self.view.viewport().width()
            if width != self.width:
                self.width = width
                self.view.doItemsLayout()  # row heights for the new width
        return False

    def sizeHint(
        self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> QSize:
        """The unwrapped width (what the labels need whole), the wrapped height."""
        natural = super().sizeHint(option, index)
        room = self.view.viewport().width() - self.indent(index)
        if room <= 0 or natural.width() <= room:
            return natural
        wrapped = QStyleOptionViewItem(option)
        self.initStyleOption(wrapped, index)
        wrapped.rect = QRect(0, 0, room, natural.height())
        style = self.view.style()
        size = style.sizeFromContents(
            QStyle.ContentsType.CT_ItemViewItem, wrapped, QSize(), self.view
        )
        return QSize(natural.width(), max(size.height(), natural.height()))

    def indent(self, index: QModelIndex | QPersistentModelIndex) -> int:
        depth, parent = 0, index.parent()
        while parent.isValid():
            depth, parent = depth + 1, parent.parent()
        return (depth + int(self.view.rootIsDecorated())) * self.view.indentation()
