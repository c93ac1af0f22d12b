"""Help ▸ Diagnostics (what `msguide doctor` prints, with Copy report); Help ▸ Open log folder."""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import Qt, QUrl, Signal
from PySide6.QtGui import QDesktopServices, QFontDatabase, QGuiApplication
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from msguide.ui.tasks import TaskRunner

log = logging.getLogger(__name__)


def gather_report() -> str:
    """The doctor report as text (runs on a worker: it opens the store and may probe things)."""
    from msguide.diagnostics import doctor_report, format_report

    return format_report(doctor_report())


def open_folder(folder: Path) -> str | None:
    """Show `folder` in the system's file manager; returns a sentence if that failed.

    This is msguide's only use of QDesktopServices.openUrl besides feed links (ui.links): the
    URL is a file: URL built here from msguide's own path, never text from a feed, so it does
    not go through the feed link allow-list.
    """
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        return f"The folder {folder} cannot be created ({error.strerror or error})."
    if not QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder))):
        return f"msguide could not open {folder}; open it from your file manager."
    return None


class DiagnosticsDialog(QDialog):
    """Open with `open()` then `refresh()`. Emits `reportShown` when the report is on screen."""

    reportShown = Signal()
    openLogFolderRequested = Signal()

    def __init__(self, runner: TaskRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.runner = runner
        self.setObjectName("diagnosticsDialog")
        self.setWindowTitle("Diagnostics")
        self.setAccessibleName("Diagnostics")
        self.resize(760, 520)
        self.text = QPlainTextEdit()
        self.text.setObjectName("diagnosticsText")
        self.text.setAccessibleName("Diagnostics report")
        self.text.setReadOnly(True)
        self.text.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.text.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.text.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByKeyboard
            | Qt.TextInteractionFlag.TextSelectableByMouse
        )
        self.copy_button = QPushButton("&Copy report")
        self.copy_button.setObjectName("copyReportButton")
        self.copy_button.setAccessibleName("Copy the report")
        self.copy_button.setEnabled(False)
        self.copy_button.clicked.connect(self.copy_report)
        self.logs_button = QPushButton("Open &log folder")
        self.logs_button.setObjectName("openLogFolderButton")
        self.logs_button.setAccessibleName("Open the log folder")
        self.logs_button.clicked.connect(self.openLogFolderRequested.emit)
        self.refresh_button = QPushButton("&Refresh")
        self.refresh_button.setObjectName("refreshReportButton")
        self.refresh_button.setAccessibleName("Check again")
        self.refresh_button.clicked.connect(self.refresh)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.setObjectName("diagnosticsButtons")
        buttons.setAccessibleName("Diagnostics actions")
        for button in (self.copy_button, self.logs_button, self.refresh_button):
            buttons.addButton(button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.text, 1)
        layout.addWidget(buttons)

    def refresh(self) -> None:
        self.copy_button.setEnabled(False)
        self.refresh_button.setEnabled(False)
        self.text.setPlainText("Checking msguide and this computer…")
        self.runner.submit(gather_report, self._show, self._failed)

    def _show(self, report: str) -> None:
        self.text.setPlainText(report)
        self.copy_button.setEnabled(True)
        self.refresh_button.setEnabled(True)
        self.reportShown.emit()

    def _failed(self, error: BaseException) -> None:
        log.error("diagnostics failed", exc_info=error)
        self._show(f"The diagnostics could not be gathered: {type(error).__name__}: {error}")

    def copy_report(self) -> None:
        QGuiApplication.clipboard().setText(self.text.toPlainText())
