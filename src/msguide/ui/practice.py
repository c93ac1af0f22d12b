"""Everyday tools of issue 17 around the window: the spelling suggestion, the favourites
file, printing and "copy as text". `install_practice_tools(window)` adds them once the window
is furnished; tests find them as the window's child `practiceTools`."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QMenu

if TYPE_CHECKING:
    from msguide.ui.main_window import MainWindow


def install_practice_tools(window: MainWindow) -> PracticeTools:
    return PracticeTools(window)


class PracticeTools(QObject):
    def __init__(self, window: MainWindow) -> None:
        from msguide.ui.suggestion import SpellingSuggestion

        super().__init__(window)
        self.setObjectName("practiceTools")
        self.window = window
        self.spelling = SpellingSuggestion(window)


def window_menu(window: MainWindow, title: str) -> QMenu | None:
    """The window's menu called `title` (as written, with its &)."""
    for action in window.menuBar().actions():
        menu = action.menu()
        if isinstance(menu, QMenu) and menu.title() == title:
            return menu
    return None
