"""What a run of offline downloads did: one outcome per file, and a line for a person."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Literal

from msguide.errors import ExitCode
from msguide.offline.cache import CacheUsage, CleanupReport, megabytes

FileStatus = Literal["downloaded", "wrong_content", "failed", "over_cap", "cancelled", "storage"]


@dataclass(frozen=True, slots=True)
class FileOutcome:
    """One document's download. `message` is a sentence for a person (empty when downloaded)."""

    sha256: str
    title: str
    status: FileStatus
    message: str = ""
    size: int = 0
    resumed: bool = False
    reason: str = ""  # for failures: the transport's kind ("offline", "timeout", …)

    def to_json(self) -> dict[str, Any]:
        return {
            "sha256": self.sha256,
            "title": self.title,
            "status": self.status,
            "message": self.message,
            "size": self.size,
            "resumed": self.resumed,
            "reason": self.reason or None,
        }


@dataclass(frozen=True, slots=True)
class DownloadReport:
    """A whole run. `error` is set when the run could not work at all (the store or the cache
    folder could not be used); `unusable` names wanted documents that cannot be kept offline."""

    outcomes: tuple[FileOutcome, ...] = ()
    already: int = 0
    unusable: tuple[str, ...] = ()
    cleanup: CleanupReport = field(default_factory=CleanupReport)
    usage: CacheUsage | None = None
    cancelled: bool = False
    error: str | None = None

    def with_status(self, *statuses: FileStatus) -> list[FileOutcome]:
        return [o for o in self.outcomes if o.status in statuses]

    @property
    def downloaded(self) -> list[FileOutcome]:
        return self.with_status("downloaded")

    @property
    def changed(self) -> bool:
        """Whether what is available offline changed (lists should refresh their marks)."""
        return bool(self.downloaded) or self.cleanup.removed_files > 0 or self.cleanup.recovered > 0

    @property
    def exit_code(self) -> ExitCode:
        if self.error is not None or self.with_status("storage"):
            return ExitCode.STORAGE
        if self.with_status("wrong_content"):
            return ExitCode.INVALID_FEED
        if self.with_status("failed"):
            return ExitCode.NETWORK
        return ExitCode.OK

    def summary(self) -> str:
        """One line for the status bar or the command line."""
        if self.error is not None:
            return f"Offline documents were not updated: {self.error}."
        parts: list[str] = []
        got = self.downloaded
        if got:
            size = megabytes(sum(o.size for o in got))
            parts.append(f"Downloaded {_count(len(got), 'document')} for offline use ({size})")
        wrong = self.with_status("wrong_content")
        if wrong:
            parts.append(
                f"{_count(len(wrong), 'document')} did not match the feed and "
                f"{'was' if len(wrong) == 1 else 'were'} discarded; tell the publisher"
            )
        failed = self.with_status("failed", "storage")
        if failed:
            parts.append(
                f"{_count(len(failed), 'document')} could not be downloaded ("
                f"{_lower(failed[0].message.rstrip('.'))})"
            )
        over = self.with_status("over_cap")
        if over and self.usage is not None:
            parts.append(
                f"{_count(len(over), 'document')} did not fit in the "
                f"{megabytes(self.usage.cap_bytes)} allowed for offline documents; ask IT to "
                'raise offline.cap_mb, or unmark some items "Keep offline"'
            )
        if self.cancelled:
            parts.append("the downloads were stopped; they continue at the next sync")
        if not parts:
            held = self.already
            if held:
                return f"All {_count(held, 'document')} wanted offline are on this computer."
            return "There are no documents to keep offline."
        line = "; ".join(parts)
        return line[:1].upper() + line[1:] + "."

    def to_json(self) -> dict[str, Any]:
        return {
            "summary": self.summary(),
            "downloaded": [o.to_json() for o in self.downloaded],
            "problems": [o.to_json() for o in self.outcomes if o.status != "downloaded"],
            "already_offline": self.already,
            "not_kept_offline": list(self.unusable),
            "removed_files": self.cleanup.removed_files,
            "cache_bytes": self.usage.bytes if self.usage else None,
            "cap_bytes": self.usage.cap_bytes if self.usage else None,
            "cancelled": self.cancelled,
            "error": self.error,
        }


def _lower(text: str) -> str:
    return text[:1].lower() + text[1:] if text[:2] != text[:2].upper() else text


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"


def merge(outcomes: Iterable[FileOutcome]) -> tuple[FileOutcome, ...]:
    """One outcome per file: the last attempt's."""
    last: dict[str, FileOutcome] = {}
    for outcome in outcomes:
        last.pop(outcome.sha256, None)
        last[outcome.sha256] = outcome
    return tuple(last.values())
