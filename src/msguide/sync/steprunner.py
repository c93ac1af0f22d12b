"""One worker thread for a controller's steps, with each result handed back on its own thread.

Sync and attachment downloads alternate between network work on the GUI thread (Qt's
asynchronous QNetworkAccessManager) and store work on one worker thread. `StepRunner.run(work)`
runs `work()` on that thread; `finished(result)` is then emitted on the runner's thread, for
the newest step only (a result or the exception it raised).

Only the step number crosses threads in a signal; the result waits in a locked dict, so no
Python object's reference count is ever handled by Qt across threads. The job holds no
reference to the runner or its owner: it must never be the last owner of a Qt object that would
then be deleted on the worker thread.
"""

from __future__ import annotations

import contextlib
import logging
import threading
from collections.abc import Callable

from PySide6.QtCore import QObject, QThreadPool, Signal, Slot

log = logging.getLogger(__name__)


class _Relay(QObject):
    done = Signal(int)


class StepRunner(QObject):
    finished = Signal(object)

    def __init__(
        self,
        what: str,
        *,
        expected: tuple[type[BaseException], ...] = (),
        parent: QObject | None = None,
    ) -> None:
        """`what` names the steps in the log; `expected` errors are results, not logged."""
        super().__init__(parent)
        self._what = what
        self._expected = expected
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(1)
        self._relay = _Relay(self)
        self._relay.done.connect(self._done)
        self._results: dict[int, object] = {}
        self._lock = threading.Lock()
        self._number = 0

    def run(self, work: Callable[[], object]) -> None:
        self._number += 1
        number, relay, results, lock = self._number, self._relay, self._results, self._lock
        what, expected = self._what, self._expected

        def job() -> None:
            try:
                result = work()
            except expected as error:
                result = error
            except BaseException as error:  # the last safety net: reported, never lost
                log.exception("%s failed", what)
                result = error
            with lock:
                results[number] = result
            # RuntimeError: the owner was deleted while the app closed; nobody listens.
            with contextlib.suppress(RuntimeError):
                relay.done.emit(number)

        self._pool.start(job)

    def wait(self, msecs: int) -> bool:
        return self._pool.waitForDone(msecs)

    @Slot(int)
    def _done(self, number: int) -> None:
        with self._lock:
            result = self._results.pop(number, None)
        if number == self._number:
            self.finished.emit(result)
