"""Errors that reach a person, each tied to an exit code of the command line (DESIGN.md §3).

A `MsguideError` is a *known* failure: its message is a full sentence that says what failed and
what to do. Anything else that escapes is a bug in msguide and is reported as one.
"""

from __future__ import annotations

from enum import IntEnum
from typing import ClassVar

from msguide.safetext import safe_text


class ExitCode(IntEnum):
    OK = 0
    FAILURE = 1
    USAGE = 2
    INVALID_FEED = 3
    NETWORK = 4
    STORAGE = 5


class MsguideError(Exception):
    """A failure a person can act on; `path` locates it inside a feed (``items[3].url``)."""

    exit_code: ClassVar[ExitCode] = ExitCode.FAILURE
    code: ClassVar[str] = "error"

    def __init__(self, message: str, *, path: str | None = None) -> None:
        # Messages quote input (file names, URLs, keys): whatever shows them, CLI, log or
        # window, gets them with every control and direction mark made visible.
        message = safe_text(message)
        super().__init__(message)
        self.message = message
        self.path = None if path is None else safe_text(path)

    def __str__(self) -> str:
        return f"{self.path}: {self.message}" if self.path else self.message

    def to_json(self) -> dict[str, object]:
        return {
            "error": {
                "code": self.code,
                "exit_code": int(self.exit_code),
                "message": str(self),
                "path": self.path,
            }
        }


class UsageError(MsguideError):
    exit_code = ExitCode.USAGE
    code = "usage"


class FeedError(MsguideError):
    """The feed is malformed or breaks the format's rules."""

    exit_code = ExitCode.INVALID_FEED
    code = "invalid_feed"


class UntrustedFeedError(FeedError):
    """The feed may be well formed but must not be trusted: signature or key problems."""

    code = "untrusted_feed"


class RollbackRefusedError(FeedError):
    """The feed is older than (or conflicts with) content already accepted from its source."""

    code = "rollback_refused"


class NetworkError(MsguideError):
    exit_code = ExitCode.NETWORK
    code = "network"


class StorageError(MsguideError):
    """The local store or a data folder cannot be read or written."""

    exit_code = ExitCode.STORAGE
    code = "storage"
