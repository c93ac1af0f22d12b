"""Start the desktop app: window first, then the store opens on a worker thread."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING

from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication

from msguide import APP_NAME, __version__
from msguide.paths import bundled, locations
from msguide.ui.first_paint import after_first_paint
from msguide.ui.instance import bring_forward
from msguide.ui.main_window import MainWindow
from msguide.ui.probe import install_probe
from msguide.ui.startup import claim_instance, hold_early_logs, prepare_start
from msguide.ui.state import UiState

if TYPE_CHECKING:
    from msguide.settings import Settings
    from msguide.ui.content import ContentService


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
    """The complete window and its content service (not yet opened): for tests and scripts."""
    from msguide.ui.content import ContentService

    where = locations()
    window = build_shell()
    service = ContentService(where)
    window.furnish(service, settings or load_settings())
    return window, service


def load_settings() -> Settings:
    from msguide.policy import load_policy
    from msguide.settings import Settings

    where = locations()
    return Settings(where.settings, load_policy(where.policy))


def build_shell() -> MainWindow:
    """The window with only its search bar and status bar: what must paint first. Settings
    and policy (TOML, ~35 ms of imports) come with `furnish`; the shell paints at the text
    size remembered in the UI state."""
    return MainWindow(None, UiState(locations().config / "ui-state.ini"))


def run(argv: Sequence[str] | None = None) -> int:
    app = application(sys.argv if argv is None else argv)
    where = locations()
    hold_early_logs()
    # One msguide per data folder: a second start brings this window forward and ends.
    instance = claim_instance(where)
    if instance is None:
        return 0
    window = build_shell()
    instance.raiseRequested.connect(lambda: bring_forward(window))
    probe = install_probe(window)  # benchmarks only (MSGUIDE_STARTUP_PROBE=1)
    window.show()
    services: list[ContentService] = []

    def furnish() -> None:
        # The search field is up and takes typing; now the panes, the log file and the store
        # (which opens on a worker thread, so results follow as soon as it is ready).
        from msguide.ui.content import ContentService

        service = ContentService(where)
        services.append(service)
        window.furnish(service, load_settings())
        if probe is not None:
            probe.attach()
        prepare_start(where)
        service.open()

    after_first_paint(window.search_field, furnish)
    try:
        return app.exec()
    finally:
        for service in services:
            service.close()
