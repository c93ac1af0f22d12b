"""File ▸ Export favourites… / Import favourites…: favourites that move to a new laptop.

The file and its rules are msguide.store.favourites; this adds the menu entries and runs the
work off the GUI thread. An import merges and lists the ids the current content lacks (they
are kept). A damaged or hostile file changes nothing and is explained in one sentence.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6 import QtCore
from PySide6.QtCore import QDir, QObject, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QFileDialog, QMessageBox

from msguide.ui.text import error_sentence

if TYPE_CHECKING:
    from msguide.store.favourites import ImportSummary
    from msguide.ui.main_window import MainWindow

FILE_FILTER = "msguide favourites (*.json);;All files (*)"


class FavouritesFile(QObject):
    """The two menu actions; `done(message)` or `failed(message)` after each."""

    done = Signal(str)
    failed = Signal(str)

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.export_action = QAction("&Export favourites…", window)
        self.export_action.setStatusTip("Save your favourites to a file, for another computer")
        self.export_action.triggered.connect(self.choose_export)
        self.import_action = QAction("I&mport favourites…", window)
        self.import_action.setStatusTip("Add the favourites saved in a file to yours")
        self.import_action.triggered.connect(self.choose_import)
        menu = window.file_menu
        menu.insertAction(window.quit_action, self.export_action)
        menu.insertAction(window.quit_action, self.import_action)
        menu.insertSeparator(window.quit_action)
        self.done.connect(window.show_message)
        self.failed.connect(window.show_message)

    def choose_export(self) -> None:
        suggested = Path(QDir.homePath()) / "msguide-favourites.json"
        name, _filter = QFileDialog.getSaveFileName(
            self.window, "Export favourites", str(suggested), FILE_FILTER
        )
        if name:
            self.export_to(Path(name))

    def choose_import(self) -> None:
        name, _filter = QFileDialog.getOpenFileName(
            self.window, "Import favourites", QDir.homePath(), FILE_FILTER
        )
        if name:
            self.import_from(Path(name))

    def export_to(self, path: Path) -> None:
        store = self.window.service.store
        if store is None:
            return

        def work() -> int:
            from msguide.atomic import write_atomically
            from msguide.store.favourites import export_favourites, list_favourites

            write_atomically(path, export_favourites(store))
            return len(list_favourites(store))

        def finished(count: int) -> None:
            self.done.emit(f"Saved {count} favourite{'' if count == 1 else 's'} to {path}.")

        self.window.service.reads.submit(work, finished, self._failed("exported"))

    def import_from(self, path: Path) -> None:
        service = self.window.service
        store = service.store
        if store is None:
            return
        if service.read_only:
            self.failed.emit("Favourites cannot be imported: the content is open read-only.")
            return

        def work() -> ImportSummary:
            from msguide.errors import StorageError
            from msguide.store.favourites import import_favourites, read_favourites_file

            try:
                raw = path.read_bytes()
            except OSError as error:
                raise StorageError(f"cannot read {path}: {error.strerror or error}") from None
            return import_favourites(store, read_favourites_file(raw))

        def finished(summary: ImportSummary) -> None:
            service.userStateChanged.emit()
            if summary.unavailable:
                listing = "\n".join(f"- {i} ({s})" for s, i in summary.unavailable[:20])
                more = len(summary.unavailable) - 20
                if more > 0:
                    listing += f"\n… and {more} more"
                box = QMessageBox(
                    QMessageBox.Icon.Information,
                    "Favourites imported",
                    summary.describe(),
                    QMessageBox.StandardButton.Ok,
                    self.window,
                )
                box.setObjectName("favouritesImported")
                box.setTextFormat(QtCore.Qt.TextFormat.PlainText)
                box.setDetailedText("Not in the current content:\n" + listing)
                box.open()
            self.done.emit(summary.describe())

        service.writes.submit(work, finished, self._failed("imported"))

    def _failed(self, what: str) -> Callable[[BaseException], None]:
        def report(error: BaseException) -> None:
            self.failed.emit(f"The favourites were not {what}: {error_sentence(error)}")

        return report
