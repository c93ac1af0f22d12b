"""The Admin and IT menu items, shortcuts and drag-and-drop, added to the main window.

`install_admin_tools(window)` adds:
- Admin ▸ Import feed… (Ctrl+O, also dropping a .json file on the window), Admin ▸ Export
  feed… (Ctrl+E), Admin ▸ History and rollback… (Ctrl+Shift+R): only when the IT policy shows
  admin tools (`[admin] tools`); otherwise none of them exists, not even the Admin menu, so
  no menu, shortcut or drop reaches them;
- Edit ▸ Settings… (Ctrl+,), Help ▸ Diagnostics…, Help ▸ Open log folder: always.
Each action has an objectName (`importAction`, `exportAction`, `historyAction`,
`settingsAction`, `diagnosticsAction`, `openLogFolderAction`) and is added to the window, so
it also works with the menu bar hidden and appears in F1's list.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QDir, QObject, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QFileDialog, QMenu, QWidget

from msguide.paths import locations
from msguide.policy import load_policy
from msguide.settings import Settings
from msguide.ui.admin.drop import FeedDropFilter
from msguide.ui.admin.menu import admin_menu

# The dialogs load on first use: they bring the store layer (and SQLAlchemy) with them, which
# must not delay the window's first paint.
if TYPE_CHECKING:
    from msguide.services import OpenedStore
    from msguide.store.importer import ImportResult
    from msguide.ui.admin.diagnostics import DiagnosticsDialog
    from msguide.ui.admin.exporting import FeedExporter
    from msguide.ui.admin.history import HistoryWindow
    from msguide.ui.admin.import_dialog import ImportDialog
    from msguide.ui.admin.settings_dialog import SettingsDialog
    from msguide.ui.main_window import MainWindow

log = logging.getLogger(__name__)

IMPORT_SHORTCUT = "Ctrl+O"
EXPORT_SHORTCUT = "Ctrl+E"
HISTORY_SHORTCUT = "Ctrl+Shift+R"
SETTINGS_SHORTCUT = "Ctrl+,"


def install_admin_tools(window: MainWindow) -> AdminTools:
    """Add the admin and IT tools to `window` (call once, at the end of its construction)."""
    return AdminTools(window)


class AdminTools(QObject):
    """Owns the admin actions and windows of one main window (objectName `adminTools`).

    The dialogs are created on first use and kept: `import_dialog`, `history_window`,
    `settings_dialog`, `diagnostics_dialog`. Admin actions are None when the policy hides them.
    """

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.setObjectName("adminTools")
        self.window = window
        self.service = window.service
        self.where = window.service.where or locations()
        self.settings = window.settings or Settings(
            self.where.settings, load_policy(self.where.policy)
        )
        self.policy = self.settings.policy
        self.import_dialog: ImportDialog | None = None
        self.history_window: HistoryWindow | None = None
        self.settings_dialog: SettingsDialog | None = None
        self.diagnostics_dialog: DiagnosticsDialog | None = None
        self._exporter: FeedExporter | None = None
        self.import_action: QAction | None = None
        self.export_action: QAction | None = None
        self.history_action: QAction | None = None
        self.drop_filter: FeedDropFilter | None = None
        self._last_folder = QDir.homePath()
        if self.policy.admin_tools:
            self._install_admin()
        self._install_common()
        self.service.ready.connect(self._log_ready)
        self.service.openFailed.connect(
            lambda message: log.error("content not opened: %s", message)
        )

    # --- construction -----------------------------------------------------------------------

    def _action(
        self, name: str, text: str, shortcut: str, tip: str, handler: Callable[[], object]
    ) -> QAction:
        action = QAction(text, self.window)
        action.setObjectName(name)
        if shortcut:
            action.setShortcut(QKeySequence(shortcut))
        action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        action.setStatusTip(tip)
        action.setToolTip(tip)
        action.triggered.connect(lambda _checked=False: handler())
        self.window.addAction(action)
        return action

    def _install_admin(self) -> None:
        self.import_action = self._action(
            "importAction",
            "&Import feed…",
            IMPORT_SHORTCUT,
            "Check a feed file, see what it changes, then import it",
            self.open_import,
        )
        self.export_action = self._action(
            "exportAction",
            "&Export feed…",
            EXPORT_SHORTCUT,
            "Save a source's current content as a feed file",
            self.export_feed,
        )
        self.history_action = self._action(
            "historyAction",
            "&History and rollback…",
            HISTORY_SHORTCUT,
            "See every revision of the content and roll back or forward",
            self.open_history,
        )
        menu = admin_menu(self.window)
        later = menu.actions()  # offline packs (added before) come last
        menu.clear()
        menu.addActions([self.import_action, self.export_action])
        menu.addSeparator()
        menu.addAction(self.history_action)
        if later:
            menu.addSeparator()
            menu.addActions(later)
        self.drop_filter = FeedDropFilter(self._dropped, self)
        self.window.setAcceptDrops(True)
        self.window.installEventFilter(self.drop_filter)
        # Widgets that take drops themselves (the search field) would swallow a feed file.
        for child in self.window.findChildren(QWidget):
            if child.acceptDrops():
                child.installEventFilter(self.drop_filter)

    def _install_common(self) -> None:
        self.settings_action = self._action(
            "settingsAction",
            "S&ettings…",  # &S is Search in the same menu
            SETTINGS_SHORTCUT,
            "Change msguide's settings and the feeds it keeps current",
            self.open_settings,
        )
        self.settings_action.setMenuRole(QAction.MenuRole.PreferencesRole)
        edit = _menu(self.window, "Edit")
        edit.addSeparator()
        edit.addAction(self.settings_action)
        self.diagnostics_action = self._action(
            "diagnosticsAction",
            "&Diagnostics…",
            "",
            "Versions, folders, the state of your content and network checks",
            self.open_diagnostics,
        )
        self.log_folder_action = self._action(
            "openLogFolderAction",
            "Open &log folder",
            "",
            "Show msguide's log files in your file manager",
            self.open_log_folder,
        )
        help_menu = self.window.help_menu
        help_menu.addSeparator()
        help_menu.addAction(self.diagnostics_action)
        help_menu.addAction(self.log_folder_action)

    def _log_ready(self, opened: OpenedStore) -> None:
        store = opened.store
        log.info(
            "content opened: %s (%s journal%s%s)",
            store.path,
            store.journal_mode,
            ", read-only" if store.read_only else "",
            ", from the bundled seed" if opened.seeded else "",
        )
        for notice in opened.notices:
            log.warning("notice shown: %s", notice)
        for problem in self.policy.problems:
            log.warning("IT policy problem: %s", problem)

    # --- import, export, history ------------------------------------------------------------

    def open_import(self, path: Path | None = None) -> ImportDialog | None:
        """Choose a file (unless `path` is given) and show its import preview."""
        if not self.policy.admin_tools:  # defensive: no action or drop leads here then
            return None
        if path is None:
            name, _filter = QFileDialog.getOpenFileName(
                self.window, "Import feed", self._last_folder, "Feed files (*.json);;All files (*)"
            )
            if not name:
                return None
            path = Path(name)
        self._last_folder = str(path.parent)
        if self.import_dialog is None:
            from msguide.ui.admin.import_dialog import ImportDialog

            self.import_dialog = ImportDialog(self.service, self.policy, self.window)
            self.import_dialog.importFinished.connect(self._imported)
        self.import_dialog.open()
        self.import_dialog.start(path)
        return self.import_dialog

    def _dropped(self, path: Path) -> None:
        self.open_import(path)

    def _imported(self, result: ImportResult) -> None:
        from msguide.ui.admin.wording import sentence

        self.window.show_message(sentence(result.summary()))

    @property
    def exporter(self) -> FeedExporter | None:
        """The export helper, made on first use (None when the policy hides admin tools)."""
        if self._exporter is None and self.policy.admin_tools:
            from msguide.ui.admin.exporting import FeedExporter

            self._exporter = FeedExporter(self.service, self.window)
            self._exporter.message.connect(self.window.show_message)
        return self._exporter

    def export_feed(self) -> None:
        exporter = self.exporter
        if exporter is not None:
            exporter.start()

    def open_history(self) -> HistoryWindow | None:
        if not self.policy.admin_tools:
            return None
        if self.history_window is None:
            from msguide.ui.admin.history import HistoryWindow

            self.history_window = HistoryWindow(self.service, self.window)
        if self.history_window.isVisible():  # already open behind the main window
            self.history_window.raise_()
            self.history_window.activateWindow()
        self.history_window.show()
        self.history_window.load()
        return self.history_window

    # --- settings, diagnostics, logs --------------------------------------------------------

    def open_settings(self) -> SettingsDialog:
        if self.settings_dialog is not None:
            if self.settings_dialog.isVisible():
                self.settings_dialog.activateWindow()
                return self.settings_dialog
            self.settings_dialog.deleteLater()  # a fresh one shows the settings as they are now
        from msguide.ui.admin.settings_dialog import SettingsDialog

        self.settings_dialog = SettingsDialog(
            self.settings, self.window, offline=self.window.offline_ui.controller
        )
        self.settings_dialog.saved.connect(self._settings_saved)
        self.settings_dialog.open()
        return self.settings_dialog

    def _settings_saved(self) -> None:
        self.window.set_zoom(int(self.settings.get("ui.zoom_percent")), save=False)
        self.window.news.setVisible(bool(self.settings.get("ui.show_news")))
        self.window.show_message("Settings saved.")

    def open_diagnostics(self) -> DiagnosticsDialog:
        if self.diagnostics_dialog is None:
            from msguide.ui.admin.diagnostics import DiagnosticsDialog

            self.diagnostics_dialog = DiagnosticsDialog(self.service.reads, self.window)
            self.diagnostics_dialog.openLogFolderRequested.connect(self.open_log_folder)
        self.diagnostics_dialog.open()
        self.diagnostics_dialog.refresh()
        return self.diagnostics_dialog

    def open_log_folder(self) -> None:
        from msguide.ui.admin.diagnostics import open_folder

        problem = open_folder(self.where.log)
        if problem is not None:
            self.window.show_message(problem)


def _menu(window: MainWindow, title: str) -> QMenu:
    """The window's menu called `title` (mnemonic ignored); made if it is missing."""
    for action in window.menuBar().actions():
        menu = action.menu()
        if isinstance(menu, QMenu) and menu.title().replace("&", "") == title:
            return menu
    return window.menuBar().addMenu(f"&{title}")
