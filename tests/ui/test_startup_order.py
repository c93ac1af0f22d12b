"""What the window does before and after its first paint (the start-up targets of issue 9)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from PySide6.QtWidgets import QLabel
from pytestqt.qtbot import QtBot

from msguide.ui.app import build_shell, load_settings
from msguide.ui.content import ContentService
from msguide.ui.first_paint import after_first_paint
from msguide.ui.main_window import MainWindow
from msguide.ui.state import UiState

from .conftest import WindowFactory

# Builds and paints the shell exactly as msguide.ui.app.run does, then lists what was loaded.
SHELL_ONLY = """
import json, sys
from PySide6 import QtCore
from PySide6.QtWidgets import QApplication
import msguide.ui.app as app
application = app.application(["msguide"])
window = app.build_shell()
window.show()
application.processEvents()
loaded = [name for name in sys.modules if name.startswith(("msguide", "sqlalchemy", "hashlib"))]
print(json.dumps({"modules": loaded, "qt_namespace_built": "Qt" in vars(QtCore)}))
"""


def test_the_shell_paints_before_settings_store_sync_and_openssl_load(home: Path) -> None:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    done = subprocess.run(
        [sys.executable, "-c", SHELL_ONLY], capture_output=True, text=True, env=env, timeout=60
    )
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout.strip().splitlines()[-1])
    loaded = set(report["modules"])
    assert "msguide.ui.main_window" in loaded
    too_early = sorted(
        name
        for name in loaded
        if name.startswith(("msguide.store", "msguide.sync", "msguide.feed.parse", "sqlalchemy"))
        or name in ("msguide.settings", "msguide.policy", "msguide.ui.content", "hashlib")
    )
    assert too_early == []
    # PySide builds the Qt namespace's 93 enums on first touch (25-45 ms): after the paint.
    assert report["qt_namespace_built"] is False


def test_the_shell_paints_at_the_text_size_the_window_last_had(qtbot: QtBot, home: Path) -> None:
    UiState(home / "config" / "ui-state.ini").set_number("zoom", 150)
    shell = build_shell()
    qtbot.addWidget(shell)
    assert shell.zoom == 150
    assert shell.settings is None  # read with the panes, after the first paint


def test_furnishing_applies_the_zoom_from_the_settings(qtbot: QtBot, home: Path) -> None:
    settings = load_settings()
    settings.set("ui.zoom_percent", 125)
    settings.save()
    shell = build_shell()
    qtbot.addWidget(shell)
    assert shell.zoom == 100
    service = ContentService()
    shell.furnish(service, load_settings())
    assert shell.zoom == 125
    assert UiState(home / "config" / "ui-state.ini").number("zoom", 0) == 125
    service.close()


def test_work_waits_for_the_first_paint(qtbot: QtBot) -> None:
    label = QLabel("Opening")
    qtbot.addWidget(label)
    ran: list[bool] = []
    after_first_paint(label, lambda: ran.append(label.isVisible()), fallback_ms=60_000)
    qtbot.wait(50)
    assert ran == []  # not shown, so not painted
    label.show()
    qtbot.waitUntil(lambda: bool(ran), timeout=5000)
    qtbot.wait(50)
    assert ran == [True]  # once


def test_work_runs_after_the_fallback_if_nothing_is_painted(qtbot: QtBot) -> None:
    label = QLabel("Minimised")
    qtbot.addWidget(label)
    ran: list[int] = []
    after_first_paint(label, lambda: ran.append(1), fallback_ms=100)
    qtbot.waitUntil(lambda: bool(ran), timeout=5000)
    assert ran == [1]


def test_updates_and_offline_tools_start_after_the_first_results(
    open_window: WindowFactory, qtbot: QtBot
) -> None:
    window, _service = open_window()
    qtbot.waitUntil(lambda: window.settled, timeout=5000)
    assert window.results_model.total > 0
    assert window.sync_ui.action.isEnabled()
    assert window.offline_ui.controller is not None
    # No feed configured: the sync machinery (network stack, parser, importer) is not loaded.
    assert window.sync_ui.controller is None


def test_the_window_reports_when_start_up_has_settled(qtbot: QtBot, home: Path) -> None:
    window = MainWindow(None, UiState(home / "config" / "ui-state.ini"))
    qtbot.addWidget(window)
    service = ContentService()
    window.furnish(service, load_settings())
    window.show()
    with qtbot.waitSignal(window.startupSettled, timeout=10_000):
        service.open()
    assert window.settled
    service.close()
