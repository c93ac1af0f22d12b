"""Downloading documents for offline use (issue 6): after a sync, or when asked, off the GUI thread.

Which files: msguide.offline.plan (the policy's all / pinned / none, plus items marked "Keep
offline"), within the cache's cap. Each file streams through the sync transport into a partial
file (msguide.offline.partial), resuming an earlier partial with an HTTP Range request when
the server supports it, and becomes a cached file only after its size and SHA-256 match the
feed. A wrong file is discarded and reported; a resumed file that turns out wrong is fetched
once more from scratch.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from urllib.parse import urlsplit

from PySide6.QtCore import QEventLoop, QObject, Signal

from msguide.errors import FeedError, MsguideError, StorageError
from msguide.offline.cache import CleanupReport, OfflineCache
from msguide.offline.config import OfflinePreferences
from msguide.offline.partial import PartialDownload
from msguide.offline.plan import DownloadPlan, Wanted, plan_downloads, referenced_hashes
from msguide.offline.report import DownloadReport, FileOutcome, merge
from msguide.policy import Policy
from msguide.store.db import Store
from msguide.sync.steprunner import StepRunner
from msguide.sync.transport import (
    FetchFailure,
    FetchRequest,
    FetchResponse,
    FetchResult,
    PendingFetch,
    Transport,
)

log = logging.getLogger(__name__)

Preferences = OfflinePreferences | Callable[[], OfflinePreferences]


@dataclass(frozen=True, slots=True)
class DownloadProgress:
    """File `index` of `count` (1-based): `received` of `total` bytes (-1: unknown)."""

    index: int
    count: int
    title: str
    received: int
    total: int


# --- the steps off the GUI thread (Qt-free: the tests call them directly too) ---------------


@dataclass(frozen=True, slots=True)
class Begun:
    cache: OfflineCache
    plan: DownloadPlan
    cleanup: CleanupReport


def begin(store: Store, folder: Path, preferences: OfflinePreferences) -> Begun:
    """Clean up (files no current item references go), then plan what to download."""
    cache = OfflineCache(store, folder, preferences.cap_bytes)
    cleanup = cache.clean_up(referenced_hashes(store))
    plan = plan_downloads(store, preferences.mode, set(cache.held()))
    return Begun(cache, plan, cleanup)


def prepare(
    cache: OfflineCache, plan: DownloadPlan, wanted: Wanted, *, fresh: bool
) -> PartialDownload | FileOutcome | None:
    """Make room within the cap and open the partial file; None when already held."""
    if cache.lookup(wanted.sha256) is not None:
        return None
    partial_path = cache.partial_path(wanted.sha256)
    have = partial_path.stat().st_size if partial_path.exists() and not fresh else 0
    needed = max(0, (wanted.size or 0) - have)
    if not cache.make_room(needed, wanted.rank, plan.ranks):
        return FileOutcome(
            wanted.sha256,
            wanted.title,
            "over_cap",
            f'"{wanted.title}" ({_size(wanted.size)}) does not fit in the space allowed for '
            "offline documents",
            wanted.size or 0,
        )
    if fresh:
        PartialDownload(cache, wanted.sha256, wanted.size, 0, 0).discard()
    limit = wanted.size if wanted.size is not None else cache.usage().free + have
    return PartialDownload.open(cache, wanted.sha256, wanted.size, limit)


RETRY = "retry"
# Failures of the way to the server, not of the file: the bytes so far stay for resuming.
RESUMABLE = frozenset(
    {"connection_lost", "timeout", "cancelled", "offline", "proxy", "proxy_auth", "tls"}
)


def settle(partial: PartialDownload, wanted: Wanted, result: FetchResult) -> FileOutcome | str:
    """The file's outcome once the transport is done with it; RETRY to fetch it again afresh."""
    title = wanted.title
    resumed = partial.start > 0
    if isinstance(result, FetchFailure) and result.kind == "too_large" and partial.problem is None:
        # The transport's cap is the size the feed gives (or the room left): more is wrong.
        partial.refuse_as_too_large()
    if partial.problem is not None:
        problem, kind = partial.problem, partial.problem_kind
        partial.discard()
        if kind == "disk":
            return FileOutcome(wanted.sha256, title, "storage", f'"{title}": {problem}.')
        if kind == "too_large" and wanted.size is None:
            return FileOutcome(wanted.sha256, title, "over_cap", f'"{title}": {problem}.')
        return FileOutcome(
            wanted.sha256,
            title,
            "wrong_content",
            f'"{title}" from {_host(wanted.url)} was discarded: {problem}; tell the publisher',
        )
    if isinstance(result, FetchResponse) and (
        wanted.size is None or partial.position >= wanted.size
    ):
        try:
            copy = partial.finish(origin=wanted.url, mime_type=wanted.mime_type, what=f'"{title}"')
        except FeedError as error:
            if resumed:
                log.info("resumed download of %s did not verify; fetching it again", wanted.url)
                return RETRY
            return FileOutcome(
                wanted.sha256,
                title,
                "wrong_content",
                f"{error.message[:1].upper()}{error.message[1:]} (from {_host(wanted.url)}); "
                "tell the publisher",
            )
        except StorageError as error:
            return FileOutcome(wanted.sha256, title, "storage", f"{error}.")
        return FileOutcome(wanted.sha256, title, "downloaded", "", copy.size, resumed)
    if isinstance(result, FetchResponse):
        result = FetchFailure(
            "connection_lost",
            f"the connection ended after {partial.position:,} of {wanted.size or 0:,} bytes",
        )
    # After an error answer (a file that has gone, a range the server cannot give) the
    # bytes would only go stale.
    kept = result.kind in RESUMABLE and partial.keep()
    if not kept:
        partial.discard()
    sentence = failure_sentence(result, wanted, kept=kept)
    if result.kind == "cancelled":
        return FileOutcome(wanted.sha256, title, "cancelled", sentence, partial.position)
    return FileOutcome(
        wanted.sha256, title, "failed", sentence, partial.position, reason=result.kind
    )


def failure_sentence(failure: FetchFailure, wanted: Wanted, *, kept: bool) -> str:
    """What went wrong with one document's download, and what happens next."""
    title, host = f'"{wanted.title}"', _host(wanted.url)
    later = (
        "it continues from where it stopped at the next sync"
        if kept
        else "it is tried again at the next sync"
    )
    kind = failure.kind
    if kind == "offline":
        return f"Could not reach {host} to download {title}; {later}."
    if kind in ("connection_lost", "timeout"):
        return f"The download of {title} from {host} stopped ({failure.detail}); {later}."
    if kind == "cancelled":
        return f"The download of {title} was stopped; {later}."
    if kind == "http" and failure.http_status in (404, 410):
        return (
            f"{title} is no longer at {wanted.url[:200]} (HTTP {failure.http_status}); "
            "tell the publisher."
        )
    if kind == "http":
        return f"{host} answered {failure.detail} for {title}; {later}."
    if kind == "too_large":
        return f"{title} from {host} was not kept: {failure.detail}; tell the publisher."
    if kind == "insecure_redirect":
        return (
            f"The download of {title} was stopped because {failure.detail}; tell the "
            "publisher: documents must be served over https."
        )
    if kind == "tls":
        return f"The secure connection to {host} could not be verified ({failure.detail}); ask IT."
    if kind == "proxy_auth":
        return (
            f"The proxy server needs you to sign in before {title} can be downloaded; sign in "
            "to the proxy (for example by opening a web page) or ask IT."
        )
    return f"Downloading {title} from {host} failed ({failure.detail}); {later}."


def report(
    begun: Begun | None, outcomes: list[FileOutcome], *, cancelled: bool, error: str | None
) -> DownloadReport:
    if begun is None:
        return DownloadReport(cancelled=cancelled, error=error)
    try:
        usage = begun.cache.usage()
    except StorageError:  # the report must still arrive: it is the run's last step
        usage = None
    return DownloadReport(
        outcomes=merge(outcomes),
        already=begun.plan.already,
        unusable=begun.plan.unusable,
        cleanup=begun.cleanup,
        usage=usage,
        cancelled=cancelled,
        error=error,
    )


def _host(url: str) -> str:
    try:
        return urlsplit(url).hostname or url[:100]
    except ValueError:  # a malformed address is shown as given
        return url[:100]


def _size(size: int | None) -> str:
    from msguide.offline.cache import megabytes

    return megabytes(size) if size is not None else "size unknown"


# --- the controller ------------------------------------------------------------------------


class AttachmentDownloader(QObject):
    """Downloads the documents to keep offline, one file at a time: network on this object's
    thread (Qt's asynchronous transport), planning, disk checks and the store on one worker.

    Call `start()`; it returns False, doing nothing, while a run is going on. `cancel()` stops
    the file in flight (its bytes are kept for resuming) and skips the rest. Signals, always
    on the downloader's thread:

    - `started(int)`: the number of files to download (0 when everything is held);
    - `progress(DownloadProgress)`: as bytes arrive;
    - `file_finished(FileOutcome)`: once per file tried;
    - `finished(DownloadReport)`: once per `start`, last; `report.changed` says whether what
      is available offline changed (refresh the lists then).

    Must not: be deleted or have its store closed while `is_running()` (call `shutdown()`
    first); be used from another thread; run beside a second downloader on the same cache.
    """

    started = Signal(int)
    progress = Signal(object)
    file_finished = Signal(object)
    finished = Signal(object)

    def __init__(
        self,
        store: Store,
        *,
        folder: Path,
        preferences: Preferences,
        policy: Policy | None = None,
        transport: Transport | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._store = store
        self._folder = Path(folder)
        self._preferences = preferences
        self._policy = policy
        self._transport = transport
        self._steps = StepRunner("offline download step", expected=(MsguideError,), parent=self)
        self._steps.finished.connect(self._on_job_done)
        self._running = False
        self._cancelled = False
        self._begun: Begun | None = None
        self._queue: list[tuple[Wanted, bool]] = []
        self._outcomes: list[FileOutcome] = []
        self._current: Wanted | None = None
        self._partial: PartialDownload | None = None
        self._pending: PendingFetch | None = None
        self._index = 0
        self._count = 0

    # --- the public contract ---------------------------------------------------------------

    def _network(self) -> Transport:
        # Made at the first download, not with the window: the network stack and the sync
        # machinery it shares settings with cost ~10 MiB that a start-up may never need.
        if self._transport is None:
            from msguide.sync.controller import transport_options
            from msguide.sync.qt_transport import QtTransport

            self._transport = QtTransport(transport_options(self._policy or Policy()), self)
        return self._transport

    def start(self) -> bool:
        if self._running:
            return False
        self._running = True
        self._cancelled = False
        self._begun = None
        self._queue, self._outcomes = [], []
        self._index = self._count = 0
        store, folder, preferences = self._store, self._folder, self._preferences
        self._run(
            lambda: begin(store, folder, preferences() if callable(preferences) else preferences)
        )
        return True

    def cancel(self) -> None:
        if not self._running or self._cancelled:
            return
        self._cancelled = True
        self._queue.clear()
        if self._pending is not None:
            self._pending.cancel()

    def shutdown(self, msecs: int = 10_000) -> bool:
        """Cancel, then wait (blocking) up to `msecs` for the worker step in progress."""
        self.cancel()
        return self._steps.wait(msecs)

    def is_running(self) -> bool:
        return self._running

    # --- one file: prepare (worker) → fetch (network) → settle (worker) ---------------------

    def _run(self, work: Callable[[], object]) -> None:
        self._steps.run(work)

    def _on_job_done(self, result: object) -> None:
        if isinstance(result, Begun):
            self._begun = result
            self._queue = [(w, False) for w in result.plan.files]
            self._count = len(self._queue)
            self.started.emit(self._count)
            self._next()
        elif isinstance(result, PartialDownload):
            self._fetch(result)
        elif isinstance(result, FileOutcome):
            self._outcomes.append(result)
            self.file_finished.emit(result)
            if result.reason == "offline" and self._current is not None:
                self._skip_host(self._current.url, result)
            self._next()
        elif result == RETRY and self._current is not None:
            self._queue.insert(0, (self._current, True))
            self._index -= 1
            self._next()
        elif result is None:
            self._next()
        elif isinstance(result, DownloadReport):
            self._running = False
            self.finished.emit(result)
        else:
            self._fail(result)

    def _skip_host(self, url: str, unreachable: FileOutcome) -> None:
        """A server that cannot be reached at all: its other files wait for the next run."""
        host = _host(url)
        for wanted, _fresh in self._queue:
            if _host(wanted.url) == host:
                sentence = failure_sentence(FetchFailure("offline", ""), wanted, kept=False)
                self._outcomes.append(
                    replace(
                        unreachable,
                        sha256=wanted.sha256,
                        title=wanted.title,
                        message=sentence,
                        size=0,
                    )
                )
        self._queue = [(w, fresh) for w, fresh in self._queue if _host(w.url) != host]

    def _fail(self, error: object) -> None:
        if isinstance(error, MsguideError):
            text = str(error)
        else:
            text = f"a problem in msguide ({type(error).__name__}: {error}); please report it"
        begun, outcomes, cancelled = self._begun, self._outcomes, self._cancelled
        self._run(lambda: report(begun, outcomes, cancelled=cancelled, error=text))

    def _next(self) -> None:
        self._current = self._partial = None
        if self._cancelled or not self._queue:
            begun, outcomes, cancelled = self._begun, list(self._outcomes), self._cancelled
            self._run(lambda: report(begun, outcomes, cancelled=cancelled, error=None))
            return
        wanted, fresh = self._queue.pop(0)
        self._current = wanted
        self._index += 1
        begun = self._begun
        assert begun is not None
        self._run(lambda: prepare(begun.cache, begun.plan, wanted, fresh=fresh))

    def _fetch(self, partial: PartialDownload) -> None:
        wanted = self._current
        assert wanted is not None
        self._partial = partial
        if self._cancelled:
            self._on_fetched(FetchFailure("cancelled", "the download was cancelled"))
            return
        index, count, title = self._index, self._count, wanted.title
        total = wanted.size if wanted.size is not None else -1

        def sink(offset: int, data: bytes) -> None:
            if not partial.write(offset, data) and self._pending is not None:
                self._pending.cancel()

        def progress(_received: int, _total: int) -> None:
            self.progress.emit(DownloadProgress(index, count, title, partial.position, total))

        request = FetchRequest(
            wanted.url, max_bytes=partial.limit, range_start=partial.start, sink=sink
        )
        self._pending = self._network().fetch(request, self._on_fetched, progress)

    def _on_fetched(self, result: FetchResult) -> None:
        self._pending = None
        partial, wanted = self._partial, self._current
        assert partial is not None and wanted is not None
        self._run(lambda: settle(partial, wanted, result))


def download_blocking(
    store: Store,
    folder: Path,
    preferences: OfflinePreferences,
    *,
    policy: Policy | None = None,
    transport: Transport | None = None,
) -> DownloadReport:
    """One run, waited for on a local event loop (`msguide offline download`)."""
    from msguide.sync.service import _interruptible, ensure_core_app

    ensure_core_app()
    downloader = AttachmentDownloader(
        store, folder=folder, preferences=preferences, policy=policy, transport=transport
    )
    box: list[DownloadReport] = []
    loop = QEventLoop()

    def done(result: DownloadReport) -> None:
        box.append(result)
        loop.quit()

    downloader.finished.connect(done)
    with _interruptible():
        downloader.start()
        if not box:
            loop.exec()
    # The worker thread may still be letting go of its last step: a process that exits
    # meanwhile kills it mid-way ("Qt Concurrent has caught an exception").
    downloader.shutdown()
    downloader.deleteLater()
    return box[0]
