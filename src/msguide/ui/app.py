"""Start the desktop app: window first, then the store opens on a worker thread."""

from __future__ import annotations

import sys
from collections.abc import Sequence

from PySide6.QtCore import QTimer
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication

from msguide import APP_NAME, __version__
from msguide.paths import bundled, locations
from msguide.policy import load_policy
from msguide.settings import Settings
from msguide.ui.content import ContentService
from msguide.ui.instance import bring_forward
from msguide.ui.main_window import MainWindow
from msguide.ui.startup import claim_instance, prepare_start
from msguide.ui.state import UiState


def application(argv: Sequence[str]) -> QApplication:
    existing = QApplication.instance()
    if isinstance(existing, QApplication):
        return existing
    app = QApplication(list(argv))
    app.setApplicationName(APP_NAME)
    app.setApplicationDisplayName(APP_NAME)
    app.setApplicationVersion(__version__)
    app.setDesktopFileName(APP_NAME)
    icon = bundled("assets/msguide.svg")
    if icon.exists():
        app.setWindowIcon(QIcon(str(icon)))
    return app


def build_window(settings: Settings | None = None) -> tuple[MainWindow, ContentService]:
    where = locations()
    if settings is None:
        settings = Settings(where.settings, load_policy(where.policy))
    service = ContentService(where)
    window = MainWindow(service, UiState(where.config / "ui-state.ini"), settings)
    return window, service


def run(argv: Sequence[str] | None = None) -> int:
    app = application(sys.argv if argv is None else argv)
    # Log file, then one msguide per data folder: a second start brings this window forward.
    prepare_start(locations())
    instance = claim_instance(locations())
    if instance is None:
        return 0
    window, service = build_window()
    instance.raiseRequested.connect(lambda: bring_forward(window))
    window.show()
    # Open the store once the window has painted: the search field is usable at once.
    QTimer.singleShot(0, service.open)
    try:
        return app.exec()
    finally:
        service.close()
