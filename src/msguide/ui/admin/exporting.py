"""Admin ▸ Export feed…: write a source's current content as a feed file the admin chooses.

The file is built from the store (msguide.store.export) and written atomically; it imports
back to the same content. It is unsigned: sign it (`msguide feed sign` or minisign) before
publishing it anywhere a signature is required.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QDir, QObject, Signal
from PySide6.QtWidgets import QFileDialog, QInputDialog, QWidget

from msguide.store.history import SourceStatus
from msguide.ui.admin.wording import explain
from msguide.ui.content import ContentService

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Exported:
    source: str
    sequence: int | None
    path: Path
    size: int


class FeedExporter(QObject):
    """Asks which source and where, then writes off the GUI thread. Emits `exported(Exported)`
    or `failed(str)`; both also go to `message` as one sentence for the status bar."""

    exported = Signal(object)
    failed = Signal(str)
    message = Signal(str)

    def __init__(self, service: ContentService, parent_widget: QWidget) -> None:
        super().__init__(parent_widget)
        self.setObjectName("feedExporter")
        self.service = service
        self.parent_widget = parent_widget

    def start(self) -> None:
        """Ask for the source (if more than one) and a file name, then export."""
        store = self.service.store
        if store is None:
            self.message.emit("Your content is still opening; try exporting again in a moment.")
            return

        def work() -> list[SourceStatus]:
            from msguide.store.history import source_statuses

            return [s for s in source_statuses(store) if s.sequence is not None]

        self.service.reads.submit(work, self._choose, self._failed)

    def _choose(self, statuses: list[SourceStatus]) -> None:
        if not statuses:
            self.message.emit("There is no content to export yet.")
            return
        chosen = statuses[0]
        if len(statuses) > 1:
            labels = [f"{s.name} ({s.id})" for s in statuses]
            label, ok = QInputDialog.getItem(
                self.parent_widget, "Export feed", "Source to export:", labels, 0, False
            )
            if not ok:
                return
            chosen = statuses[labels.index(label)]
        suggested = Path(QDir.homePath()) / f"{chosen.id}-{chosen.sequence}.json"
        name, _filter = QFileDialog.getSaveFileName(
            self.parent_widget,
            f"Export {chosen.name}",
            str(suggested),
            "Feed files (*.json);;All files (*)",
        )
        if name:
            self.export_to(chosen.id, Path(name))

    def export_to(self, source: str, path: Path) -> None:
        """Write `source`'s current content to `path` (atomically, off the GUI thread)."""
        store = self.service.store
        if store is None:
            return

        def work() -> Exported:
            from msguide.atomic import write_atomically
            from msguide.feed.write import dump_feed
            from msguide.store.export import current_feed

            feed = current_feed(store, source)
            data = dump_feed(feed)
            write_atomically(path, data)
            return Exported(source, feed.sequence, path, len(data))

        self.service.reads.submit(work, self._done, self._failed)

    def _done(self, exported: Exported) -> None:
        log.info("exported %s sequence %s to %s", exported.source, exported.sequence, exported.path)
        self.message.emit(
            f"Exported {exported.source} (sequence {exported.sequence}, "
            f"{exported.size:,} bytes) to {exported.path}."
        )
        self.exported.emit(exported)

    def _failed(self, error: BaseException) -> None:
        text = "The feed was not exported. " + explain(error).replace("\n", " ")
        self.message.emit(text)
        self.failed.emit(text)
