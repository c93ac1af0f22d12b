"""The news pane: news newest first, unread ones marked, and its unread count in the title.

Its list can be folded away (`set_collapsed`): the pane is then one row, its title and a
button that still says how many items are unread, so guidance keeps the window's height on a
small screen (msguide.ui.pane_sizes decides when).
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QDockWidget,
    QHBoxLayout,
    QListView,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from msguide.ui.content import ContentService
from msguide.ui.results import ResultDelegate, ResultListModel

TOGGLE_TEXT = "News &pane"  # View ▸ News pane, Ctrl+Shift+N (&N is Normal size)


class CompactDelegate(ResultDelegate):
    compact = True


class NewsDock(QDockWidget):
    """News newest first; `msguide.ui.current_item` shows the highlighted one in the detail
    pane (and marks it read). Emits `collapsedChanged(bool)` when its list is folded away or
    shown."""

    collapsedChanged = Signal(bool)

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
        self.collapsed = False
        self.unread = 0
        self.list_toggle = QPushButton()
        self.list_toggle.setObjectName("newsListToggle")
        self.list_toggle.clicked.connect(lambda: self.set_collapsed(not self.collapsed))
        body = QWidget()
        layout = QVBoxLayout(body)
        layout.setContentsMargins(4, 0, 4, 4)
        buttons = QHBoxLayout()
        buttons.addWidget(self.list_toggle)
        buttons.addStretch(1)
        buttons.addWidget(self.mark_all)
        layout.addLayout(buttons)
        layout.addWidget(self.view, 1)
        self.setWidget(body)
        self.set_unread(0)
        self._name_close_button()

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        # Qt names its buttons again when the style changes (the text size does: ui/icon_size).
        if event.type() == QEvent.Type.StyleChange:
            self._name_close_button()

    def _name_close_button(self) -> None:
        # Qt's own words for its title bar's close button speak of a "dock widget".
        close = self.findChild(QAbstractButton, "qt_dockwidget_closebutton")
        if close is not None:
            close.setAccessibleName("Close the news pane")
            close.setAccessibleDescription("View, News pane (Ctrl+Shift+N) shows it again")
            close.setToolTip("Close the news pane (Ctrl+Shift+N shows it again)")

    def title_buttons(self) -> list[QWidget]:
        """Qt's own close (and float) buttons in the title bar, drawn with small icons."""
        return [b for b in self.findChildren(QAbstractButton) if b.objectName().startswith("qt_")]

    def set_collapsed(self, collapsed: bool) -> None:
        """Fold the list away (the pane keeps its title and buttons) or show it again."""
        if collapsed and self.view.hasFocus():
            self.list_toggle.setFocus(Qt.FocusReason.OtherFocusReason)
        self.collapsed = collapsed
        self.view.setVisible(not collapsed)
        self._update_toggle()
        self.collapsedChanged.emit(collapsed)

    def _update_toggle(self) -> None:
        if self.collapsed:
            unread = f" ({self.unread} unread)" if self.unread else ""
            self.list_toggle.setText(f"Show the list{unread}")
            self.list_toggle.setToolTip("Show the list of news items")
        else:
            self.list_toggle.setText("Hide the list")
            self.list_toggle.setToolTip("Hide the list of news items, to give guidance more room")

    def set_unread(self, unread: int) -> None:
        title = f"News ({unread} unread)" if unread else "News"
        self.setWindowTitle(title)
        # Qt names the pane's View-menu action after its title: keep the menu's own words.
        self.toggleViewAction().setText(TOGGLE_TEXT)
        self.view.setAccessibleDescription(f"{unread} unread news item{'s' if unread != 1 else ''}")
        self.mark_all.setEnabled(unread > 0)
        self.unread = unread
        self._update_toggle()
