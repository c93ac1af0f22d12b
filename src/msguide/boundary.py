"""One boundary for errors: whatever escapes a command becomes a documented exit code and one
sentence; a traceback goes only to the log.

`failure_of(error)` says what any exception means for the person (the CLI's `main`, the
window's error sentences); `report_failure` prints it as the CLI contract wants (DESIGN.md §3):
`msguide: <sentence>` on stderr, or the `{"error": …}` object with `--json`.

Known failures (`MsguideError`) carry their own code. A file or folder the system refuses
(`OSError`) and a store SQLite cannot use are local storage failures (5). Anything else is a
bug in msguide: exit 1, one sentence pointing at the log, where the traceback is.
"""

from __future__ import annotations

import logging
import sqlite3
import sys
from dataclasses import dataclass

from msguide.errors import ExitCode, MsguideError
from msguide.jsonout import print_json
from msguide.safetext import safe_text

log = logging.getLogger("msguide")


@dataclass(frozen=True, slots=True)
class Failure:
    exit_code: ExitCode
    code: str
    sentence: str
    path: str | None = None

    def to_json(self) -> dict[str, object]:
        return {
            "error": {
                "code": self.code,
                "exit_code": int(self.exit_code),
                "message": self.sentence,
                "path": self.path,
            }
        }


def _one_line(text: str) -> str:
    return " ".join(safe_text(text, multiline=True).split())


def _log_file() -> str:
    from msguide.logsetup import current_log_file

    path = current_log_file()
    return f"the log file {path}" if path else "the log (see `msguide doctor` for its folder)"


def failure_of(error: BaseException) -> Failure:
    """What `error` means for the person: exit code, JSON code and one sentence."""
    if isinstance(error, MsguideError):
        return Failure(error.exit_code, error.code, _one_line(str(error)), error.path)
    if isinstance(error, OSError):
        name = str(error.filename or "")
        where = f" {name[:100]}…" if len(name) > 100 else f" {name}" if name else ""
        what = error.strerror or type(error).__name__
        return Failure(
            ExitCode.STORAGE,
            "storage",
            _one_line(f"could not read or write{where}: {what}; nothing more was done"),
        )
    if isinstance(error, sqlite3.Error) or _is_database_error(error):
        return Failure(
            ExitCode.STORAGE,
            "storage",
            _one_line(
                "the local store could not be used "
                f"({type(error).__name__}); restart msguide to check and repair it"
            ),
        )
    return Failure(
        ExitCode.FAILURE,
        "internal",
        _one_line(
            f"msguide failed unexpectedly ({type(error).__name__}); this is a bug, please "
            f"report it with {_log_file()}, which holds the details"
        ),
    )


def _is_database_error(error: BaseException) -> bool:
    module = sys.modules.get("sqlalchemy.exc")
    return module is not None and isinstance(error, module.DBAPIError)


def log_failure(error: BaseException, what: str) -> None:
    """A known failure is one line in the log; anything else its whole traceback."""
    if isinstance(error, MsguideError):
        log.info("%s refused: %s", what, safe_text(str(error)))
    else:
        _ensure_log()
        log.error("%s failed", what, exc_info=error)


def _ensure_log() -> None:
    from msguide.logsetup import current_log_file, setup_logging

    if current_log_file() is None:
        setup_logging(what="msguide (after an error)")


def report_failure(error: BaseException, *, as_json: bool, what: str = "command") -> int:
    """Log `error`, print its one sentence (or JSON object) and return its exit code."""
    log_failure(error, what)
    failure = failure_of(error)
    if as_json:
        print_json(failure.to_json())
    elif sys.stderr is not None:
        print(f"msguide: {failure.sentence}", file=sys.stderr)
    return int(failure.exit_code)
