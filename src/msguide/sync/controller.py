"""SyncController: syncs the configured sources for the desktop app without blocking its loop."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence

from PySide6.QtCore import QObject, QTimer, Signal

from msguide.paths import locations
from msguide.policy import Policy, SourcePolicy, load_policy
from msguide.store.db import Store
from msguide.sync.download import Download
from msguide.sync.outcome import SourceOutcome
from msguide.sync.state import SyncStateFile, default_state_path
from msguide.sync.steprunner import StepRunner
from msguide.sync.steps import (
    SyncContext,
    plan,
    settle,
    signature_request,
    wants_signature,
)
from msguide.sync.transport import (
    FetchRequest,
    FetchResult,
    PendingFetch,
    Transport,
    TransportOptions,
)

log = logging.getLogger(__name__)

_INT_MAX = 2**31 - 1


def transport_options(policy: Policy) -> TransportOptions:
    network = policy.network
    return TransportOptions(
        stall_timeout=network.stall_timeout_seconds,
        total_timeout=network.transfer_timeout_seconds,
        extra_ca_files=network.extra_ca_files,
    )


class SyncController(QObject):
    """Syncs sources one after another: network on the GUI thread (Qt's asynchronous
    QNetworkAccessManager), signature check, parsing, import and the sync-state file on one
    worker thread (the `store` is used from there: one connection per task).

    Call `start(sources)` (e.g. `Settings(path, policy).sources()`); it returns False, doing
    nothing, while a sync is running. `cancel()` stops the download in flight and skips the
    remaining sources; an import already running completes (it is one transaction) and
    reports its outcome. Signals, always on the controller's thread:

    - `started(int)`: the number of sources, emitted from inside `start`;
    - `progress(str url, int received, int total)`: bytes of the feed downloaded so far,
      total -1 when unknown (gzip or no Content-Length);
    - `outcome(SourceOutcome)`: once per source that finished (not for a cancelled one);
    - `finished(tuple[SourceOutcome, ...])`: once per `start`, after the last outcome or a
      cancel (then possibly from inside `cancel()`); `cancelled` tells which.
    Only `started` is emitted from inside `start`.

    Must not: close the store or let the controller be deleted while `is_running()` (call
    `shutdown()` first, e.g. from the window's closeEvent); call it from another thread;
    start a second controller on the same store. After an outcome with status "updated" the
    store's content changed: refresh the models once, on `finished`.
    """

    started = Signal(int)
    progress = Signal(str, int, int)
    outcome = Signal(object)
    finished = Signal(object)

    def __init__(
        self,
        store: Store,
        *,
        policy: Policy | None = None,
        state: SyncStateFile | None = None,
        transport: Transport | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        policy = policy if policy is not None else load_policy(locations().policy)
        state = state if state is not None else SyncStateFile(default_state_path())
        self._context = SyncContext.create(store, policy, state)
        if transport is None:
            from msguide.sync.qt_transport import QtTransport

            transport = QtTransport(transport_options(policy), self)
        self._transport = transport
        # One worker thread: the store has one writer, and a queue keeps imports in order.
        self._steps = StepRunner("sync step", parent=self)
        self._steps.finished.connect(self._on_job_done)
        self._running = False
        self._cancelled = False
        self._queue: list[SourcePolicy] = []
        self._outcomes: list[SourceOutcome] = []
        self._source: SourcePolicy | None = None
        self._feed: FetchResult | None = None
        self._pending: PendingFetch | None = None
        # The file the feed's body goes to, until `settle` takes it (and removes it).
        self._download: Download | None = None

    # --- the public contract ---------------------------------------------------------------

    def start(self, sources: Sequence[SourcePolicy]) -> bool:
        if self._running:
            return False
        self._running = True
        self._cancelled = False
        self._queue = list(sources)
        self._outcomes = []
        self.started.emit(len(self._queue))
        QTimer.singleShot(0, self, self._next)
        return True

    def cancel(self) -> None:
        if not self._running or self._cancelled:
            return
        self._cancelled = True
        self._queue.clear()
        if self._pending is not None:
            self._pending.cancel()  # its done callback finishes the run

    def shutdown(self, msecs: int = 10_000) -> bool:
        """Cancel, then wait (blocking) up to `msecs` for an import in progress to end."""
        self.cancel()
        return self._steps.wait(msecs)

    def is_running(self) -> bool:
        return self._running

    @property
    def cancelled(self) -> bool:
        return self._cancelled

    @property
    def outcomes(self) -> tuple[SourceOutcome, ...]:
        return tuple(self._outcomes)

    # --- one source: plan (worker) → feed (network) → signature (network) → settle (worker) --

    def _next(self) -> None:
        if self._cancelled or not self._queue:
            self._finish()
            return
        source = self._queue.pop(0)
        self._source, self._feed = source, None
        context = self._context
        self._run(lambda: plan(context, source))

    def _run(self, work: Callable[[], object]) -> None:
        self._steps.run(work)

    def _on_job_done(self, result: object) -> None:
        if isinstance(result, SourceOutcome):
            self._outcomes.append(result)
            self.outcome.emit(result)
            self._next()
        elif isinstance(result, FetchRequest):
            if isinstance(result.sink, Download):
                self._download = result.sink
            if self._cancelled:
                self._finish()
            else:
                self._fetch(result)
        else:
            log.error("sync step gave %r", result)
            self._next()

    def _fetch(self, request: FetchRequest) -> None:
        url = request.url
        is_feed = self._feed is None

        def report(received: int, total: int) -> None:
            self.progress.emit(url, min(received, _INT_MAX), min(total, _INT_MAX))

        self._pending = self._transport.fetch(
            request, self._on_fetched, report if is_feed else None
        )

    def _on_fetched(self, result: FetchResult) -> None:
        self._pending = None
        source = self._source
        assert source is not None
        if self._cancelled:
            self._finish()
            return
        context = self._context
        if self._feed is None and wants_signature(result):
            self._feed = result
            self._fetch(signature_request(source))
            return
        feed, signature = (result, None) if self._feed is None else (self._feed, result)
        download, self._download = self._download, None
        self._run(lambda: settle(context, source, feed, signature, download))

    def _finish(self) -> None:
        if self._download is not None:  # the sync stopped before settling: not needed
            self._download.discard()
            self._download = None
        if not self._running:
            return
        self._running = False
        self._source = self._feed = None
        self.finished.emit(tuple(self._outcomes))
