"""What the last sync of each source URL found, in a small JSON file beside the store.

Kept out of the SQLite store on purpose: an unchanged feed (HTTP 304) must leave the store file's
bytes and modification time untouched (CHECKLISTS 9), yet "last checked" still has to move.
Writes replace the file atomically; an unreadable file is treated as empty (the next sync then
simply downloads every feed once more).
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import threading
from dataclasses import asdict, dataclass, fields
from pathlib import Path
from typing import Any

from msguide.errors import StorageError
from msguide.paths import Locations, locations

STATE_NAME = "sync-state.json"
_FORMAT = 1

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class SourceState:
    """One source URL's sync state. `sha256` names the bytes that `etag`/`last_modified`
    describe, so conditional requests are only sent while the store still holds those bytes."""

    url: str
    source_id: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    sha256: str | None = None
    last_checked_at: str | None = None
    last_success_at: str | None = None
    last_status: str | None = None
    last_message: str | None = None

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, url: str, data: Any) -> SourceState:
        if not isinstance(data, dict):
            return cls(url)
        names = {f.name for f in fields(cls)} - {"url"}
        values = {k: v for k, v in data.items() if k in names and (v is None or isinstance(v, str))}
        return cls(url, **values)


def default_state_path(where: Locations | None = None) -> Path:
    return (where or locations()).data / STATE_NAME


class SyncStateFile:
    """The state file at `path`. Thread-safe within a process; the last writer wins across
    processes, which costs at most one extra download."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()

    def load(self) -> dict[str, SourceState]:
        try:
            document = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return {}
        except (OSError, ValueError) as error:
            log.warning("ignoring the unreadable sync state %s: %s", self.path, error)
            return {}
        sources = document.get("sources") if isinstance(document, dict) else None
        if not isinstance(sources, dict):
            return {}
        return {url: SourceState.from_json(url, data) for url, data in sources.items()}

    def get(self, url: str) -> SourceState:
        return self.load().get(url) or SourceState(url)

    def update(self, url: str, **changes: str | None) -> SourceState:
        """Change some fields of `url`'s state, keeping every other source's. Raises
        `StorageError` when the file cannot be written."""
        with self._lock:
            states = self.load()
            entry = SourceState(**{**asdict(states.get(url) or SourceState(url)), **changes})
            states[url] = entry
            self._write(states)
        return entry

    def _write(self, states: dict[str, SourceState]) -> None:
        document = {
            "format": _FORMAT,
            "sources": {
                url: {k: v for k, v in s.to_json().items() if k != "url"}
                for url, s in sorted(states.items())
            },
        }
        text = json.dumps(document, indent=1, ensure_ascii=False) + "\n"
        temporary = self.path.with_name(f".{self.path.name}.{os.getpid()}.tmp")
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            temporary.write_text(text, encoding="utf-8")
            os.replace(temporary, self.path)
        except OSError as error:
            with contextlib.suppress(OSError):
                temporary.unlink(missing_ok=True)
            raise StorageError(
                f"cannot save the sync state to {self.path}: {error.strerror or error}; "
                "check that the data folder can be written"
            ) from None
