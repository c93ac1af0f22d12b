"""The news pane: news newest first, unread ones marked, and its unread count in the title."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDockWidget,
    QListView,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from msguide.ui.content import ContentService
from msguide.ui.results import ResultDelegate, ResultListModel


class CompactDelegate(ResultDelegate):
    compact = True


class NewsDock(QDockWidget):
    """News newest first; `msguide.ui.current_item` shows the highlighted one in the detail
    pane (and marks it read)."""

    def __init__(self, service: ContentService, parent: QWidget | None = None) -> None:
        super().__init__("News", parent)
        self.setObjectName("newsDock")
        self.setAccessibleName("News")
        self.setFeatures(
            QDockWidget.DockWidgetFeature.DockWidgetClosable
            | QDockWidget.DockWidgetFeature.DockWidgetMovable
        )
        self.model = ResultListModel(service, self)
        self.view = QListView()
        self.view.setObjectName("newsView")
        self.view.setAccessibleName("News, newest first")
        self.view.setModel(self.model)
        self.view.setItemDelegate(CompactDelegate(self.view))
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.view.setWordWrap(False)
        self.view.setUniformItemSizes(True)
        self.mark_all = QPushButton("Mark all &read")
        self.mark_all.setObjectName("markAllReadButton")
        self.mark_all.setAccessibleDescription("Marks every news item as read")
        body = QWidget()
        layout = QVBoxLayout(body)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.view)
        layout.addWidget(self.mark_all, 0, Qt.AlignmentFlag.AlignRight)
        self.setWidget(body)
        self.set_unread(0)

    def set_unread(self, unread: int) -> None:
        title = f"News ({unread} unread)" if unread else "News"
        self.setWindowTitle(title)
        self.view.setAccessibleDescription(f"{unread} unread news item{'s' if unread != 1 else ''}")
        self.mark_all.setEnabled(unread > 0)
