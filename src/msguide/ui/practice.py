"""Everyday tools of issue 17 around the window: the spelling suggestion, the favourites
file, printing and "copy as text". `install_practice_tools(window)` adds them once the window
is furnished; tests find them as the window's child `practiceTools`."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMenu

if TYPE_CHECKING:
    from msguide.store.citation import ContentRevision
    from msguide.ui.main_window import MainWindow


def install_practice_tools(window: MainWindow) -> PracticeTools:
    return PracticeTools(window)


class PracticeTools(QObject):
    copied = Signal()  # "copy as text" has put the citation on the clipboard

    def __init__(self, window: MainWindow) -> None:
        from msguide.ui.favourites_io import FavouritesFile
        from msguide.ui.print_ui import PrintTools
        from msguide.ui.suggestion import SpellingSuggestion

        super().__init__(window)
        self.setObjectName("practiceTools")
        self.window = window
        self.spelling = SpellingSuggestion(window)
        self.favourites_file = FavouritesFile(window)
        self.printing = PrintTools(window)
        self.copy_text_action = QAction("Copy as &text", window)
        self.copy_text_action.setShortcut(QKeySequence("Ctrl+Shift+T"))
        self.copy_text_action.setStatusTip(
            "Copy the item shown as a short citation: title, publisher, number or link, revision"
        )
        self.copy_text_action.triggered.connect(self.copy_as_text)
        window.addAction(self.copy_text_action)
        edit = window_menu(window, "&Edit")
        if edit is not None:
            edit.addAction(self.copy_text_action)

    def copy_as_text(self) -> None:
        """Copy the shown item as a plain-text citation (msguide.ui.citation)."""
        detail = self.window.detail.detail
        store = self.window.service.store
        if detail is None or store is None:
            self.window.show_message("Choose an item to copy first.")
            return

        def work() -> ContentRevision | None:
            from msguide.store.citation import content_revision

            with store.read() as connection:
                return content_revision(connection, detail.source)

        def copy(revision: ContentRevision | None) -> None:
            from msguide.ui.citation import citation_text
            from msguide.ui.links import copy_text

            copy_text(citation_text(detail.item, revision))
            self.window.show_message(f"Copied “{detail.item.title}” as text.")
            self.copied.emit()

        def failed(error: BaseException) -> None:
            from msguide.ui.text import error_sentence

            self.window.show_message(f"Nothing was copied: {error_sentence(error)}")

        self.window.service.reads.submit(work, copy, failed)


def window_menu(window: MainWindow, title: str) -> QMenu | None:
    """The window's menu called `title` (as written, with its &)."""
    for action in window.menuBar().actions():
        menu = action.menu()
        if isinstance(menu, QMenu) and menu.title() == title:
            return menu
    return None
