"""Rotating log files in the user's log folder, for the desktop app and the command line alike.

`setup_logging()` never raises: a log folder that cannot be written (a locked-down profile, a
read-only USB stick) means no log file, not a failed start. Calling it again (the CLI run
in-process by tests, a second MSGUIDE_HOME) replaces the previous file handler.
"""

from __future__ import annotations

import logging
import logging.handlers
import os
from pathlib import Path

from msguide import __version__
from msguide.safetext import safe_text

LOG_NAME = "msguide.log"
MAX_BYTES = 1_000_000
BACKUP_COUNT = 4  # msguide.log plus four older files: at most ~5 MB
FORMAT = "%(asctime)s %(levelname)-7s %(name)s [%(threadName)s] %(message)s"

log = logging.getLogger("msguide")


class _FileHandler(logging.handlers.RotatingFileHandler):
    """Marks the handler as ours so a later call can find and replace it."""


class _SafeFormatter(logging.Formatter):
    """Log lines quote input (paths, URLs, error messages): no escape sequence or direction
    mark may reach whoever reads the log in a terminal (msguide.safetext)."""

    def format(self, record: logging.LogRecord) -> str:
        return safe_text(super().format(record), multiline=True)


def setup_logging(folder: Path | None = None, what: str = "msguide") -> Path | None:
    """Log msguide's messages (INFO and above) to `folder`/msguide.log, rotating at ~1 MB.

    `folder` defaults to the user log folder (msguide.paths). Returns the log file's path, or
    None when no log file could be opened; `what` names the program in the first line.
    """
    stop_logging()
    log.setLevel(logging.INFO)
    try:
        if folder is None:
            from msguide.paths import locations

            folder = locations().log
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / LOG_NAME
        handler = _FileHandler(path, maxBytes=MAX_BYTES, backupCount=BACKUP_COUNT, encoding="utf-8")
    except (OSError, ValueError):
        # Never fail start-up over a log file (`msguide doctor` shows the folder to check).
        return None
    handler.setFormatter(_SafeFormatter(FORMAT))
    log.addHandler(handler)
    log.info("%s %s started (pid %d)", what, __version__, os.getpid())
    return path


def current_log_file() -> Path | None:
    """The log file msguide writes to now, if any."""
    for handler in log.handlers:
        if isinstance(handler, _FileHandler):
            return Path(handler.baseFilename)
    return None


def stop_logging() -> None:
    """Close the log file (tests; the app's files are otherwise closed at exit)."""
    for old in [h for h in log.handlers if isinstance(h, _FileHandler)]:
        log.removeHandler(old)
        old.close()
