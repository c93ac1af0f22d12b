"""What the desktop app does before its window: log file, error logging, portable Qt settings,
and the single-instance check (msguide.ui.instance)."""

from __future__ import annotations

import logging
import sys
from types import TracebackType

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QMessageBox

from msguide.paths import Locations
from msguide.ui.instance import Claim, SingleInstance, server_name

log = logging.getLogger(__name__)


class _EarlyRecords(logging.Handler):
    """Keeps what is logged before the log file is open (it opens after the first paint)."""

    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


_early = _EarlyRecords()


def hold_early_logs() -> None:
    """Call first thing at start: records are kept until `prepare_start` writes them."""
    ours = logging.getLogger("msguide")
    if _early not in ours.handlers:
        ours.addHandler(_early)
        ours.setLevel(logging.INFO)


def prepare_start(where: Locations) -> None:
    """Log to the user log folder, log uncaught errors, and keep Qt's own settings in place."""
    from msguide.logsetup import setup_logging  # after the first paint: logging.handlers is slow

    setup_logging(where.log, "msguide desktop")
    ours = logging.getLogger("msguide")
    if _early in ours.handlers:
        ours.removeHandler(_early)
        for record in _early.records:
            logging.getLogger(record.name).handle(record)
        _early.records.clear()
    log.info("data %s, config %s, policy %s", where.data, where.config, where.policy)
    log_uncaught_errors()
    if where.home is not None:
        keep_qt_settings_inside(where)


def keep_qt_settings_inside(where: Locations) -> None:
    """In portable/MSGUIDE_HOME mode, settings Qt writes itself (file dialogs remember their
    last folder) go to the config folder too. On Windows Qt's native format is the registry
    (HKCU), which no path can redirect; msguide's own settings never go there."""
    for settings_format in (QSettings.Format.NativeFormat, QSettings.Format.IniFormat):
        QSettings.setPath(settings_format, QSettings.Scope.UserScope, str(where.config))
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)


def log_uncaught_errors() -> None:
    """Errors that escape a Qt slot reach sys.excepthook: put them in the log as well."""
    previous = sys.excepthook
    if getattr(previous, "msguide_logs", False):
        return

    def hook(kind: type[BaseException], error: BaseException, trace: TracebackType | None) -> None:
        log.critical("uncaught error", exc_info=(kind, error, trace))
        previous(kind, error, trace)

    hook.msguide_logs = True  # type: ignore[attr-defined]
    sys.excepthook = hook


def claim_instance(where: Locations) -> SingleInstance | None:
    """This process's single-instance server, or None when another msguide took over."""
    instance = SingleInstance(server_name(where.data))
    claim = instance.claim()
    if claim is Claim.PRIMARY:
        return instance
    if claim is Claim.NO_REPLY:
        QMessageBox.warning(
            None,
            "msguide is already running",
            "msguide is already running but did not answer. If you cannot see its window, "
            "close msguide (or end it in Task Manager) and start it again.",
        )
    return None
