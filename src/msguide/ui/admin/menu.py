"""The Admin menu: import, export, history and rollback, offline packs. It exists only when
the IT policy shows admin tools, so a worker's File menu holds none of them."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QMenu

if TYPE_CHECKING:
    from msguide.ui.main_window import MainWindow

ADMIN_MENU = "adminMenu"


def admin_menu(window: MainWindow) -> QMenu:
    """The window's Admin menu (before Help), made on first use."""
    found = window.menuBar().findChild(QMenu, ADMIN_MENU)
    if found is not None:
        return found
    menu = QMenu("&Admin", window.menuBar())
    menu.setObjectName(ADMIN_MENU)
    menu.setAccessibleName("Admin menu")
    window.menuBar().insertMenu(window.help_menu.menuAction(), menu)
    return menu
