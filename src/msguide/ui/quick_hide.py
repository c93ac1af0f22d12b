"""Quick hide (Ctrl+Shift+H): a safety feature for a worker who must hide the screen at once.

In the same event-loop turn as the key press, every msguide window, dialog and menu is hidden
(not minimised: nothing stays in the taskbar or Alt+Tab), the window title turns neutral, and
the search, selection, detail and scroll positions are cleared, so coming back (starting
msguide again, which brings this window forward) shows a neutral start view. The clipboard is
emptied when it still holds what msguide copied.

It cannot reach outside msguide: pages already opened in the browser, documents opened in
their own programs and the operating system's lists of recent files stay where they are.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QAction, QGuiApplication
from PySide6.QtWidgets import QApplication, QDialog, QWidget

if TYPE_CHECKING:
    from msguide.ui.main_window import MainWindow

NEUTRAL_TITLE = "msguide"


class QuickHide(QObject):
    """Owns the quick-hide action's reach and the neutral view (objectName `quickHide`).

    The action's shortcut works in every msguide window: its context is the application, and
    it is added to each window that takes focus, so a modal dialog (which blocks shortcuts of
    the window beneath it) carries it too.
    """

    def __init__(self, window: MainWindow, action: QAction) -> None:
        super().__init__(window)
        self.setObjectName("quickHide")
        self.window = window
        self.action = action
        self.hidden = False
        self.title = window.windowTitle()
        self.news_floating = False
        action.setShortcutContext(Qt.ShortcutContext.ApplicationShortcut)
        app = QApplication.instance()
        assert isinstance(app, QApplication)
        app.focusChanged.connect(self._focus_changed)
        window.installEventFilter(self)

    def hide_now(self) -> None:
        """Hide every msguide window at once and leave a neutral view behind."""
        if not self.hidden:
            self.title = self.window.windowTitle()
            # A floating news pane is a window of its own: it comes back with the main window.
            news = self.window.news if self.window.furnished else None
            self.news_floating = news is not None and news.isFloating() and news.isVisible()
        self.hidden = True
        for widget in QApplication.topLevelWidgets():  # dialogs, menus, tooltips, tool windows
            if widget is self.window or not widget.isVisible():
                continue
            if isinstance(widget, QDialog):
                widget.reject()  # ends a modal dialog's exec() as Cancel would
            widget.hide()
        self.window.setWindowTitle(NEUTRAL_TITLE)
        self.window.hide()
        self._neutral_view()

    def _neutral_view(self) -> None:
        window = self.window
        window.search_field.blockSignals(True)
        window.search_field.clear()
        window.search_field.blockSignals(False)
        window.statusBar().clearMessage()
        if window.furnished:
            for view in (window.results_view, window.news.view):
                view.selectionModel().clear()  # no current row either: nothing to come back to
                view.scrollToTop()
            window.current_item.forget()
            window.show_detail(None)
            window.sidebar.scrollToTop()
            window.choose_sidebar("all")
        window.search_field.setFocus(Qt.FocusReason.OtherFocusReason)
        _forget_copied_text()

    def _focus_changed(self, _old: QWidget | None, new: QWidget | None) -> None:
        if new is None:
            return
        top = new.window()
        if top is not self.window and self.action not in top.actions():
            top.addAction(self.action)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.window and event.type() == QEvent.Type.Show and self.hidden:
            self.hidden = False
            self.window.setWindowTitle(self.title)
            if self.news_floating:
                self.window.news.show()
        return super().eventFilter(watched, event)


def _forget_copied_text() -> None:
    from msguide.ui.links import last_copied

    clipboard = QGuiApplication.clipboard()
    copied = last_copied()
    if copied and clipboard.text() == copied:
        clipboard.clear()
