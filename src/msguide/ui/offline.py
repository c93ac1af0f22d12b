"""The window's side of "truly offline" (issue 6): downloads, Keep offline, offline copies, packs.

For the main window to wire in (it owns the menus, the detail pane and the status bar):

- `OfflineController(store)`: downloads documents after each sync (connect
  `SyncUi.finished` to `after_sync`) or on demand (`download_now`), and carries out "Keep
  offline", "Open offline copy" and "Clear offline documents" off the GUI thread. Refresh the
  lists and the detail pane on `changed`; show `status` in the status bar and `problem` to
  the person.
- `import_offline_pack(parent, store)`: Admin ▸ Import offline pack… (a file dialog, the import
  off the GUI thread, a message with the result). Content changed when its `done` fires.
- `Connectivity`: whether the computer is online, for the status bar (`offline_notice`).

Cached files are never run: they are opened with the system viewer, only from inside the cache
folder, only with a document extension msguide chose, and only after their hash verified.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, QThreadPool, QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

from msguide.offline.files import SAFE_EXTENSIONS, inside
from msguide.paths import Locations, locations
from msguide.policy import Policy, load_policy
from msguide.ui.tasks import TaskRunner
from msguide.ui.text import error_sentence

if TYPE_CHECKING:
    from msguide.offline.cache import OfflineCache
    from msguide.offline.report import DownloadReport
    from msguide.offline.status import ItemOffline
    from msguide.offline.unpack import PackImportResult
    from msguide.store.db import Store
    from msguide.sync.outcome import SourceOutcome
    from msguide.sync.transport import Transport

log = logging.getLogger(__name__)


def open_local_document(path: Path, folder: Path) -> bool:
    """Open a verified cached file with the system viewer; refuses anything else.

    Only a regular file inside `folder` (links resolved) with one of msguide's document
    extensions: never a program, and never a path that came from a feed.
    """
    if not inside(folder, path) or path.suffix not in SAFE_EXTENSIONS:
        log.warning("refused to open %s: not a cached document", path)
        return False
    return QDesktopServices.openUrl(QUrl.fromLocalFile(str(path.resolve())))


class OfflineController(QObject):
    """Offline documents for the window. Create once the store is open; one per store.

    Signals, on the GUI thread:
    - `status(str)`: a line for the status bar (downloads starting, their summary);
    - `progress(DownloadProgress)`: bytes of the document downloading now;
    - `changed()`: which items are available offline changed, or Keep offline did: refresh
      the result list (Hit.offline), the sidebar count and the detail pane;
    - `finished(DownloadReport)`: a download run ended;
    - `problem(str)`: something the person asked for could not be done (one sentence).

    Must not: be deleted while downloads run (call `shutdown()` from the window's closeEvent,
    before the store is closed).
    """

    status = Signal(str)
    progress = Signal(object)
    changed = Signal()
    finished = Signal(object)
    problem = Signal(str)

    def __init__(
        self,
        store: Store,
        *,
        where: Locations | None = None,
        policy: Policy | None = None,
        transport: Transport | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        from msguide.offline.config import offline_preferences
        from msguide.sync.attachments import AttachmentDownloader

        self.store = store
        self.where = where or locations()
        self.policy = policy if policy is not None else load_policy(self.where.policy)
        where_, policy_ = self.where, self.policy
        pool = QThreadPool(self)
        pool.setMaxThreadCount(1)
        self._runner = TaskRunner(pool, self)
        self.downloader = AttachmentDownloader(
            store,
            folder=self.where.attachments,
            preferences=lambda: offline_preferences(where_, policy_),
            policy=self.policy,
            transport=transport,
            parent=self,
        )
        self.downloader.started.connect(self._started)
        self.downloader.progress.connect(self.progress)
        self.downloader.finished.connect(self._finished)
        self._clear_when_stopped = False

    # --- downloads --------------------------------------------------------------------------

    def after_sync(self, outcomes: Sequence[SourceOutcome]) -> bool:
        """Connect to SyncUi.finished: after a sync that reached a feed, fetch documents."""
        if not any(o.ok for o in outcomes):
            return False
        return self.download_now()

    def download_now(self) -> bool:
        if self.store.read_only:
            return False
        return self.downloader.start()

    def is_running(self) -> bool:
        return self.downloader.is_running()

    def cancel(self) -> None:
        self.downloader.cancel()

    def shutdown(self, msecs: int = 10_000) -> bool:
        stopped = self.downloader.shutdown(msecs)
        return self._runner.wait(msecs) and stopped

    def _started(self, count: int) -> None:
        if count:
            noun = "document" if count == 1 else "documents"
            self.status.emit(f"Downloading {count} {noun} for offline use…")

    def _finished(self, report: DownloadReport) -> None:
        if report.outcomes or report.error or report.cancelled:
            self.status.emit(report.summary())
        if report.changed:
            self.changed.emit()
        self.finished.emit(report)
        if self._clear_when_stopped:
            self._clear_when_stopped = False
            self.clear_cache()

    # --- what the person asks for -----------------------------------------------------------

    def set_keep_offline(self, source: str, item_id: str, keep: bool) -> None:
        """Mark or unmark an item; marking it also starts downloading its documents."""
        from msguide.offline.keep import set_keep_offline

        store = self.store

        def done(_result: object) -> None:
            self.changed.emit()
            if keep:
                self.download_now()

        self._runner.submit(
            lambda: set_keep_offline(store, source, item_id, keep), done, self._report
        )

    def item_offline(self, rowid: int, on_done: Callable[[ItemOffline | None], None]) -> None:
        """An item's attachments with their offline state, for the detail pane."""
        from msguide.offline.status import item_offline

        store = self.store

        def work() -> ItemOffline | None:
            with store.read() as connection:
                return item_offline(connection, rowid)

        self._runner.submit(work, on_done, self._report)

    def open_copy(self, sha256: str, parent: QWidget | None = None) -> None:
        """Verify the offline copy off the GUI thread, then open it with the system viewer."""
        cache = self._cache()
        folder = cache.folder

        def done(path: Path) -> None:
            if not open_local_document(path, folder):
                self._report_text(
                    "The offline copy could not be opened: no program on this computer opens "
                    "this kind of document.",
                    parent,
                )

        self._runner.submit(
            lambda: cache.verified_copy(sha256).path,
            done,
            lambda error: self._report(error, parent),
        )

    def clear_cache(self) -> None:
        """Settings ▸ Clear offline documents (stops a download first)."""
        if self.downloader.is_running():
            self._clear_when_stopped = True
            self.downloader.cancel()
            return
        cache = self._cache()

        def done(freed: int) -> None:
            from msguide.offline.cache import megabytes

            self.status.emit(f"Removed the offline documents ({megabytes(freed)}).")
            self.changed.emit()

        self._runner.submit(cache.clear, done, self._report)

    def usage_text(self, on_done: Callable[[str], None]) -> None:
        """e.g. "12 documents kept offline, 34.5 MB of 2048.0 MB allowed" (for Settings)."""
        cache = self._cache()
        self._runner.submit(lambda: cache.usage().describe(), on_done, self._report)

    # --- helpers ----------------------------------------------------------------------------

    def _cache(self) -> OfflineCache:
        from msguide.offline.config import offline_preferences, open_cache

        return open_cache(self.store, self.where, offline_preferences(self.where, self.policy))

    def _report(self, error: BaseException, parent: QWidget | None = None) -> None:
        self._report_text(error_sentence(error), parent)

    def _report_text(self, text: str, parent: QWidget | None) -> None:
        self.problem.emit(text)
        if parent is not None:
            QMessageBox.warning(parent, "Offline copy", text)


class PackImport(QObject):
    """Imports one offline pack off the GUI thread: `done(PackImportResult)` or `failed(str)`.

    Everything in the pack is checked before anything changes (msguide.offline.unpack): a
    refused pack leaves the store and the offline documents as they were.
    """

    done = Signal(object)
    failed = Signal(str)

    def __init__(
        self,
        store: Store,
        path: Path,
        *,
        where: Locations | None = None,
        policy: Policy | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.store = store
        self.path = Path(path)
        self.where = where or locations()
        self.policy = policy if policy is not None else load_policy(self.where.policy)
        self._runner = TaskRunner(QThreadPool(self), self)

    def start(self) -> None:
        from msguide.offline.config import offline_preferences, open_cache
        from msguide.offline.unpack import import_pack

        store, path, where, policy = self.store, self.path, self.where, self.policy

        def work() -> PackImportResult:
            preferences = offline_preferences(where, policy)
            return import_pack(
                store,
                open_cache(store, where, preferences),
                path,
                policy=policy,
                mode=preferences.mode,
            )

        self._runner.submit(work, self.done.emit, lambda e: self.failed.emit(error_sentence(e)))

    def wait(self, msecs: int = 30_000) -> bool:
        return self._runner.wait(msecs)


def import_offline_pack(
    parent: QWidget,
    store: Store,
    *,
    where: Locations | None = None,
    policy: Policy | None = None,
    path: Path | None = None,
) -> PackImport | None:
    """Admin ▸ Import offline pack…: choose a pack (unless `path`), import it off the GUI
    thread, then say what happened. Connect to the returned object's `done` to refresh the
    content; None when the person chose no file."""
    if path is None:
        chosen, _filter = QFileDialog.getOpenFileName(
            parent, "Import offline pack", "", "Offline packs (*.zip)"
        )
        if not chosen:
            return None
        path = Path(chosen)
    if store.read_only:
        QMessageBox.warning(
            parent,
            "Import offline pack",
            "The content is open read-only, so an offline pack cannot be imported.",
        )
        return None
    task = PackImport(store, path, where=where, policy=policy, parent=parent)

    def done(result: PackImportResult) -> None:
        QMessageBox.information(parent, "Offline pack imported", result.summary())

    def failed(text: str) -> None:
        QMessageBox.warning(
            parent, "Offline pack refused", f"{text}\n\nNothing was changed on this computer."
        )

    task.done.connect(done)
    task.failed.connect(failed)
    task.start()
    return task


class Connectivity(QObject):
    """Whether this computer is online, from Qt's network information (None: unknown).

    `changed(bool)` fires when it goes online (True) or offline (False).
    """

    changed = Signal(bool)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        from PySide6.QtNetwork import QNetworkInformation

        self._info: QNetworkInformation | None = None
        feature = QNetworkInformation.Feature.Reachability
        if QNetworkInformation.loadBackendByFeatures(feature):
            self._info = QNetworkInformation.instance()
        if self._info is not None:
            self._info.reachabilityChanged.connect(self._on_reachability)

    def online(self) -> bool | None:
        if self._info is None:
            return None
        return _is_online(self._info.reachability())

    def _on_reachability(self, reachability: Any) -> None:
        state = _is_online(reachability)
        if state is not None:
            self.changed.emit(state)


def _is_online(reachability: Any) -> bool | None:
    from PySide6.QtNetwork import QNetworkInformation

    values = QNetworkInformation.Reachability
    if reachability == values.Unknown:
        return None
    # Site (an intranet) may well reach the feeds through a proxy: only no network is offline.
    return bool(reachability != values.Disconnected)


def offline_notice(online: bool | None) -> str:
    """The status bar's words for the network state: empty unless known to be offline."""
    if online is False:
        return "Offline: documents available offline can still be opened"
    return ""
