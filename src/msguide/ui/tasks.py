"""Run work off the GUI thread and get the result (or the error) back on it.

`TaskRunner.submit(fn, on_done, on_error)` runs `fn()` on the runner's thread pool; exactly one
of the callbacks then runs on the GUI thread. Workers must not touch widgets and must return
plain values (frozen dataclasses), never ORM objects. `Lane` runs one task at a time and drops
queued ones that a newer request replaced ("latest request wins").
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any, Generic, TypeVar

from PySide6.QtCore import QObject, QRunnable, Qt, QThreadPool, Signal, Slot

T = TypeVar("T")
log = logging.getLogger(__name__)


class Task(QObject, Generic[T]):
    """One piece of background work. Emits `done(result)` or `failed(error)` on the GUI thread."""

    done = Signal(object)
    failed = Signal(object)
    _result = Signal(object, bool)

    def __init__(self, fn: Callable[[], T]) -> None:
        super().__init__()
        self.fn = fn
        self.cancelled = False
        self.finished = False
        self._result.connect(self._deliver, Qt.ConnectionType.QueuedConnection)

    def run(self) -> None:
        """Called on a worker thread."""
        if self.cancelled:
            return
        try:
            value: Any = self.fn()
        except BaseException as error:  # delivered to the GUI thread, never swallowed
            self._result.emit(error, False)
        else:
            self._result.emit(value, True)

    @Slot(object, bool)
    def _deliver(self, value: Any, ok: bool) -> None:
        self.finished = True
        if self.cancelled:
            return
        if ok:
            self.done.emit(value)
        else:
            self.failed.emit(value)


class _Runnable(QRunnable):
    def __init__(self, task: Task[Any]) -> None:
        super().__init__()
        self.task = task
        self.setAutoDelete(False)

    def run(self) -> None:
        self.task.run()


class TaskRunner(QObject):
    """Submits tasks to a thread pool and keeps them alive until they have reported."""

    def __init__(self, pool: QThreadPool | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.pool = pool or QThreadPool(self)
        self._live: dict[int, tuple[Task[Any], _Runnable]] = {}

    def submit(
        self,
        fn: Callable[[], T],
        on_done: Callable[[T], None] | None = None,
        on_error: Callable[[BaseException], None] | None = None,
    ) -> Task[T]:
        task: Task[T] = Task(fn)
        runnable = _Runnable(task)
        key = id(task)
        self._live[key] = (task, runnable)

        def forget(_value: object = None) -> None:
            self._live.pop(key, None)

        if on_done is not None:
            task.done.connect(on_done)
        task.failed.connect(on_error or _log_error)
        task.done.connect(forget)
        task.failed.connect(forget)
        self.pool.start(runnable)
        return task

    def cancel(self, task: Task[Any]) -> None:
        """Drop a task: if it has not started it never runs; if it has, its result is ignored."""
        task.cancelled = True
        entry = self._live.pop(id(task), None)
        if entry is not None:
            self.pool.tryTake(entry[1])

    def wait(self, msecs: int = 30_000) -> bool:
        return self.pool.waitForDone(msecs)


def _log_error(error: BaseException) -> None:
    log.error("background task failed", exc_info=error)


class Lane(Generic[T]):
    """A single-file queue where only the newest request matters (search as you type)."""

    def __init__(self, runner: TaskRunner) -> None:
        self.runner = runner
        self.current: Task[T] | None = None

    def submit(
        self,
        fn: Callable[[], T],
        on_done: Callable[[T], None],
        on_error: Callable[[BaseException], None] | None = None,
    ) -> Task[T]:
        if self.current is not None and not self.current.finished:
            self.runner.cancel(self.current)
        self.current = self.runner.submit(fn, on_done, on_error)
        return self.current
