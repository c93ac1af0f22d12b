"""Help ▸ Diagnostics (the doctor report, copied), Help ▸ Open log folder, and the log files."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

import pytest
from adminkit import feed_file
from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QDesktopServices, QGuiApplication
from pytestqt.qtbot import QtBot

from feedmaker import feed_document
from msguide import __version__
from msguide.diagnostics import doctor_report, format_report
from msguide.logsetup import BACKUP_COUNT, LOG_NAME, MAX_BYTES, setup_logging, stop_logging
from msguide.ui.admin import AdminTools
from msguide.ui.admin.diagnostics import DiagnosticsDialog
from spokenkit import focusable, unspoken


@pytest.fixture(autouse=True)
def _close_log_files() -> Iterator[None]:
    yield
    stop_logging()  # a later test must not write into this test's folder


def open_diagnostics(qtbot: QtBot, tools: AdminTools) -> DiagnosticsDialog:
    tools.diagnostics_action.trigger()
    dialog = tools.diagnostics_dialog
    assert dialog is not None and dialog.isVisible()
    with qtbot.waitSignal(dialog.reportShown, timeout=15_000):
        pass
    return dialog


def test_diagnostics_shows_what_doctor_prints_and_copies_it(
    qtbot: QtBot, tools: AdminTools
) -> None:
    assert tools.diagnostics_action in tools.window.help_menu.actions()
    dialog = open_diagnostics(qtbot, tools)
    shown = dialog.text.toPlainText()
    expected = format_report(doctor_report())
    assert shown.splitlines()[0] == f"msguide {__version__}"
    assert [line for line in shown.splitlines() if "Store:" in line] == [
        line for line in expected.splitlines() if "Store:" in line
    ]
    assert "Paths:" in shown and "hiow-msp: sequence 1" in shown
    assert dialog.copy_button.isEnabled()
    qtbot.mouseClick(dialog.copy_button, Qt.MouseButton.LeftButton)
    assert QGuiApplication.clipboard().text() == shown
    assert focusable(dialog)  # not vacuous
    # Admin windows: names for every widget Tab reaches (descriptions: the main window).
    assert unspoken(dialog, descriptions=False) == [], "\n".join(unspoken(dialog))


def test_open_log_folder_opens_the_folder_itself(
    tools: AdminTools, home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    opened: list[QUrl] = []
    monkeypatch.setattr(QDesktopServices, "openUrl", lambda url: opened.append(url) or True)
    assert tools.log_folder_action in tools.window.help_menu.actions()
    tools.log_folder_action.trigger()
    assert len(opened) == 1 and opened[0].isLocalFile()
    assert Path(opened[0].toLocalFile()) == home / "logs"
    assert (home / "logs").is_dir()


def test_a_folder_that_will_not_open_is_reported(
    tools: AdminTools, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(QDesktopServices, "openUrl", lambda _url: False)
    tools.log_folder_action.trigger()
    assert "could not open" in tools.window.statusBar().currentMessage()


def test_log_files_rotate_at_about_a_megabyte(tmp_path: Path) -> None:
    folder = tmp_path / "logs"
    path = setup_logging(folder, "test")
    assert path == folder / LOG_NAME
    log = logging.getLogger("msguide.test")
    line = "x" * 1000
    for _ in range(MAX_BYTES * (BACKUP_COUNT + 2) // 1000):
        log.info(line)
    names = sorted(p.name for p in folder.iterdir())
    assert names == [LOG_NAME] + [f"{LOG_NAME}.{n}" for n in range(1, BACKUP_COUNT + 1)]
    assert all(p.stat().st_size <= MAX_BYTES + 2000 for p in folder.iterdir())


def test_a_log_folder_that_cannot_be_written_never_stops_a_start(tmp_path: Path) -> None:
    blocker = tmp_path / "logs"
    blocker.write_text("a file where the folder should be")
    assert setup_logging(blocker / "inner") is None
    logging.getLogger("msguide.test").warning("still fine")  # no handler error, no exception


def test_the_cli_logs_admin_actions(cli, home: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    feed = feed_file(tmp_path, "f.json", feed_document())
    assert cli("import", str(feed)).code == 0
    text = (home / "logs" / LOG_NAME).read_text(encoding="utf-8")
    assert "msguide import" in text and "started" in text
    assert f"imported {feed}: test-source now at sequence 1" in text
