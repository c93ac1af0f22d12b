"""Start-up probe for benchmarks: report when the window and the first results are painted.

With MSGUIDE_STARTUP_PROBE=1 the app prints `painted` once the search field has been painted,
`results` once the first results have been painted, then, once the start-up work deferred
past the results has run, `rss <KiB>` (peak resident memory), and quits.
benchmarks/ui_bench.py times these lines from the moment it started the process.
"""

from __future__ import annotations

import os
import sys

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication

from msguide.ui.main_window import MainWindow

PROBE_ENV = "MSGUIDE_STARTUP_PROBE"


def peak_rss_kib() -> int:
    """This process's own peak resident memory. On Linux from VmHWM: ru_maxrss also counts
    the parent's memory at the time it started this process (the high-water mark survives
    fork and exec), which made a benchmark that had just filled a big store see ~1 GiB."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    if sys.platform == "win32":  # pragma: no cover - the benchmark runs on Linux
        return 0
    import resource

    return int(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)


class StartupProbe(QObject):
    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.results_ready = False
        self.painted = False
        self.viewport: QObject | None = None
        window.search_field.installEventFilter(self)

    def attach(self) -> None:
        """Watch the results too, once the window has been furnished."""
        self.viewport = self.window.results_view.viewport()
        self.viewport.installEventFilter(self)
        self.window.resultsShown.connect(self._results_shown)

    def _results_shown(self) -> None:
        if self.window.results_model.total:
            self.results_ready = True
            self.window.results_view.viewport().update()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint:
            if watched is self.window.search_field and not self.painted:
                self.painted = True
                print("painted", flush=True)
            elif watched is self.viewport and self.results_ready:
                self.results_ready = False
                self._done()
        return False

    def _done(self) -> None:
        print("results", flush=True)
        if self.window.settled:
            self._report_memory()
        else:
            self.window.startupSettled.connect(self._report_memory)

    def _report_memory(self) -> None:
        # Once the work deferred past the first results has run: the peak includes it.
        QTimer.singleShot(200, self._quit)

    def _quit(self) -> None:
        print(f"rss {peak_rss_kib()}", flush=True)
        QApplication.quit()


def install_probe(window: MainWindow) -> StartupProbe | None:
    return StartupProbe(window) if os.environ.get(PROBE_ENV) == "1" else None
