"""Dropping one .json file on the window opens the import dialog for it (nothing else does)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QEvent, QMimeData, QObject, QTimer
from PySide6.QtGui import QDropEvent

FEED_SUFFIX = ".json"


def dropped_feed(mime: QMimeData | None) -> Path | None:
    """The one local .json file being dragged (its .minisig may come along), else None."""
    if mime is None or not mime.hasUrls():
        return None
    feeds = [
        Path(url.toLocalFile())
        for url in mime.urls()
        if url.isLocalFile() and url.toLocalFile().lower().endswith(FEED_SUFFIX)
    ]
    return feeds[0] if len(feeds) == 1 else None


class FeedDropFilter(QObject):
    """Install on the window (and on children that take drops themselves, such as line
    edits). Accepts a drag carrying one .json file; on drop, calls `on_drop(path)` once the
    drop has finished (so the file manager is not kept waiting by the dialog)."""

    def __init__(self, on_drop: Callable[[Path], None], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.on_drop = on_drop

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if kind in (QEvent.Type.DragEnter, QEvent.Type.DragMove):
            assert isinstance(event, QDropEvent)  # drag enter/move events are drop events
            if dropped_feed(event.mimeData()) is not None:
                event.acceptProposedAction()
                return True
        elif kind == QEvent.Type.Drop:
            assert isinstance(event, QDropEvent)
            path = dropped_feed(event.mimeData())
            if path is not None:
                event.acceptProposedAction()
                QTimer.singleShot(0, lambda: self.on_drop(path))
                return True
        return super().eventFilter(watched, event)
