"""What a sync of one source ended with: a value the CLI prints and the window shows."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Literal

from msguide.errors import ExitCode
from msguide.store.importer import ImportResult

SyncStatus = Literal["updated", "unchanged", "offline", "refused", "failed"]
SYNC_STATUSES: tuple[SyncStatus, ...] = ("updated", "unchanged", "offline", "refused", "failed")


@dataclass(frozen=True, slots=True)
class SourceOutcome:
    """One source's sync. Immutable, so it may cross threads.

    status: "updated" (new content applied), "unchanged" (nothing newer: 304 or the same
    bytes), "offline" (the server could not be reached), "refused" (the feed arrived but was
    not trusted or not valid: signature, rollback, wrong source, bad JSON) or "failed"
    (anything else: server error, timeout, lost connection, size cap, TLS, proxy, disk).
    message: one sentence for a person: what happened and what to do.
    result: the import's diff when content was applied (or found identical), else None.
    content_date / sequence / expires: the content shown after the sync (the publisher's
    `published` timestamp), None when the store holds nothing from this source.
    expired: the content shown is past its `expires`, so it "may be out of date".
    """

    url: str
    source: str | None
    status: SyncStatus
    message: str
    result: ImportResult | None = None
    content_date: str | None = None
    sequence: int | None = None
    expires: str | None = None
    expired: bool = False
    exit_code: ExitCode = ExitCode.OK
    error_code: str | None = None
    error_path: str | None = None

    @property
    def ok(self) -> bool:
        return self.status in ("updated", "unchanged")

    @property
    def label(self) -> str:
        return self.source or self.url

    def to_json(self) -> dict[str, Any]:
        """The `msguide sync --json` object (DESIGN.md §3 plus status fields)."""
        data: dict[str, Any] = {
            "source": self.label,
            "sequence": self.sequence,
            "applied": False,
            "added": [],
            "changed": [],
            "removed": [],
        }
        if self.result is not None:
            data.update(self.result.to_json())
            data["source"] = self.label
            data["sequence"] = self.sequence
        data.update(
            url=self.url,
            status=self.status,
            message=self.message,
            expired=self.expired,
            expires=self.expires,
            content_date=self.content_date,
        )
        if not self.ok:
            data["error"] = {
                "code": self.error_code or self.status,
                "exit_code": int(self.exit_code),
                "message": self.message,
                "path": self.error_path,
            }
        return data


# The exit code of a sync of several sources: the most serious failure wins.
_PRECEDENCE = (ExitCode.STORAGE, ExitCode.INVALID_FEED, ExitCode.NETWORK, ExitCode.FAILURE)


def overall_exit_code(outcomes: Iterable[SourceOutcome]) -> ExitCode:
    codes = {o.exit_code for o in outcomes}
    return next((code for code in _PRECEDENCE if code in codes), ExitCode.OK)
