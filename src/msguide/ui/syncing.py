"""Sync in the window: F5 / the Sync button, on start when due, on a schedule; status and progress.

`SyncUi` owns the `SyncController` once the store is open, and reports in the window's status
bar: up to date, offline (showing content from DATE), refused (why) or failed (why, what to do).
After new content arrives it emits `ContentService.contentChanged` and says in one line what
changed. It never blocks the GUI thread: the controller does the work asynchronously.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTime, QTimer, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QProgressBar

from msguide.ui.elided_label import ElidedLabel
from msguide.ui.text import human_date

if TYPE_CHECKING:
    from msguide.policy import SourcePolicy
    from msguide.sync.controller import SyncController
    from msguide.sync.outcome import SourceOutcome
    from msguide.ui.main_window import MainWindow

SCHEDULE_CHECK_MS = 15 * 60 * 1000
START_DELAY_MS = 1500


def summarise(outcomes: Sequence[SourceOutcome]) -> str:
    """One line for the status bar about what a sync changed (or why it could not)."""
    updated = [o for o in outcomes if o.status == "updated" and o.result is not None]
    if updated:
        parts = []
        for outcome in updated:
            result = outcome.result
            assert result is not None
            parts.append(
                f"{outcome.label}: {len(result.added)} new, {len(result.changed)} "
                f"updated, {len(result.removed)} removed"
            )
        return "New content. " + "; ".join(parts) + "."
    problems = [o for o in outcomes if not o.ok]
    if problems:
        return problems[0].message
    return "Everything is up to date."


def status_text(outcomes: Sequence[SourceOutcome]) -> str:
    """The lasting status: up to date, offline, refused or failed."""
    now = QTime.currentTime().toString("HH:mm")
    worst = next((o for o in outcomes if o.status in ("refused", "failed")), None)
    if worst is not None:
        verb = "refused" if worst.status == "refused" else "failed"
        return f"Update {verb} at {now}: {worst.message}"
    offline = next((o for o in outcomes if o.status == "offline"), None)
    if offline is not None:
        when = human_date(offline.content_date)
        shown = f"showing content from {when}" if when else "showing the content you have"
        return f"Offline: {shown}"
    if any(o.expired for o in outcomes):
        return f"Checked at {now}: content may be out of date"
    return f"Up to date (checked {now})"


class SyncUi(QObject):
    """Adds the Sync action to `window` and runs syncs for it. Emits `finished` after each."""

    finished = Signal(object)

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.controller: SyncController | None = None
        self.ready = False
        self.action = QAction("&Check for updates", window)
        self.action.setShortcut(QKeySequence("F5"))
        self.action.setToolTip("Check the published feeds for new content (F5)")
        self.action.setStatusTip(self.action.toolTip())
        self.action.setEnabled(False)
        self.action.triggered.connect(self.toggle)
        window.addAction(self.action)
        self.status = ElidedLabel("syncStatus")
        self.status.setAccessibleDescription("Update status")
        self.progress = QProgressBar()
        self.progress.setObjectName("syncProgress")
        self.progress.setAccessibleName("Update progress")
        self.progress.setMaximumWidth(160)
        self.progress.setTextVisible(False)
        self.progress.hide()
        window.statusBar().addPermanentWidget(self.progress)
        window.statusBar().addPermanentWidget(self.status)
        self.timer = QTimer(self)
        self.timer.setInterval(SCHEDULE_CHECK_MS)
        self.timer.timeout.connect(self.sync_if_due)

    # --- wiring ---------------------------------------------------------------------------

    def sources(self) -> list[SourcePolicy]:
        settings = self.window.settings
        return settings.sources() if settings is not None else []

    def store_ready(self) -> None:
        service = self.window.service
        if service.store is None:
            return
        if service.read_only:
            self.status.setText("Updates are off: the content is open read-only")
            return
        self.ready = True
        self.action.setEnabled(True)
        if not self.sources():
            self.status.setText("No feed configured: showing the bundled content")
            return
        self.timer.start()
        settings = self.window.settings
        if settings is None or settings.get("sync.on_start"):
            QTimer.singleShot(START_DELAY_MS, self.sync_if_due)

    def _ensure_controller(self) -> SyncController | None:
        """The sync machinery (network stack, feed parser, importer: ~10 MiB) loads at the
        first sync, not at start: with only the bundled content there may never be one."""
        store = self.window.service.store
        if self.controller is None and self.ready and store is not None:
            from msguide.sync.controller import SyncController

            settings = self.window.settings
            policy = settings.policy if settings is not None else None
            self.controller = SyncController(store, policy=policy, parent=self)
            self.controller.started.connect(self._started)
            self.controller.progress.connect(self._progress)
            self.controller.finished.connect(self._finished)
        return self.controller

    def shutdown(self) -> None:
        self.timer.stop()
        if self.controller is not None:
            self.controller.shutdown()

    # --- running --------------------------------------------------------------------------

    def toggle(self) -> None:
        if self.controller is not None and self.controller.is_running():
            self.controller.cancel()
        else:
            self.sync_now()

    def sync_now(self, sources: Sequence[SourcePolicy] | None = None) -> bool:
        if not self.ready:
            return False
        chosen = list(self.sources() if sources is None else sources)
        if not chosen:
            self.window.show_message(
                "No feed is configured, so there is nothing to check. Ask your IT team, or add "
                "a feed in Settings."
            )
            return False
        controller = self._ensure_controller()
        return controller is not None and controller.start(chosen)

    def sync_if_due(self) -> bool:
        settings = self.window.settings
        if not self.ready or settings is None:
            return False
        if self.controller is not None and self.controller.is_running():
            return False
        from msguide.sync.schedule import due_sources
        from msguide.sync.state import SyncStateFile, default_state_path

        due = due_sources(
            self.sources(),
            SyncStateFile(default_state_path()),
            float(settings.get("sync.interval_hours")),
        )
        return bool(due) and self.sync_now(due)

    def _started(self, count: int) -> None:
        self.action.setText("&Cancel update")
        self.action.setToolTip("Stop checking for updates (F5)")
        self.progress.setRange(0, 0)
        self.progress.show()
        noun = "feed" if count == 1 else "feeds"
        self.status.setText(f"Checking {count} {noun} for updates…")

    def _progress(self, _url: str, received: int, total: int) -> None:
        if total > 0:
            self.progress.setRange(0, total)
            self.progress.setValue(min(received, total))
        else:
            self.progress.setRange(0, 0)

    def _finished(self, outcomes: tuple[SourceOutcome, ...]) -> None:
        self.action.setText("&Check for updates")
        self.action.setToolTip("Check the published feeds for new content (F5)")
        self.progress.hide()
        controller = self.controller
        if controller is not None and controller.cancelled:
            self.status.setText("Update cancelled: showing the content you have")
        else:
            self.status.setText(status_text(outcomes))
        self.status.set_details("\n".join(o.message for o in outcomes))
        self.window.show_message(summarise(outcomes))
        if any(o.status == "updated" for o in outcomes):
            self.window.service.contentChanged.emit()
        for outcome in outcomes:
            if outcome.status == "refused":
                self.window.show_notice(outcome.message)
        self.finished.emit(outcomes)
