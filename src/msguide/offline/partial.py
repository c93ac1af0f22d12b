"""A download in progress: bytes go to `partial/<sha256>.part`, never where a finished file goes.

When a download stops early (connection lost, timeout, cancel) the bytes so far are kept with
a small record beside them (`.part.json`: the file they belong to, how many bytes, and those
bytes' own SHA-256). The next attempt resumes from there only if that record still describes
the partial file exactly; otherwise the partial is discarded and the download starts again.
A download that is running has no record, so a crash mid-download discards its bytes too.
Only `finish` turns a partial into a cached file, through `OfflineCache.add`, which checks
the whole file's size and SHA-256 first.
"""

from __future__ import annotations

import contextlib
import json
import os
from pathlib import Path
from typing import BinaryIO

from msguide.atomic import write_atomically
from msguide.errors import StorageError
from msguide.offline.cache import CachedCopy, OfflineCache
from msguide.offline.files import hash_file


class PartialDownload:
    """The file for one download. `start` is where the request should begin (Range).

    Use: `open` (worker thread) → `write` for each piece as it arrives (any one thread at a
    time) → `finish` (success) or `keep` (stopped early: keep for resuming) or `discard`.
    """

    def __init__(
        self, cache: OfflineCache, sha256: str, size: int | None, limit: int, start: int
    ) -> None:
        self.cache = cache
        self.sha256 = sha256
        self.size = size
        self.limit = limit
        self.start = start
        self.path = cache.partial_path(sha256)
        self.record = self.path.with_name(self.path.name + ".json")
        self.position = start
        # Why the download had to stop, in words; `problem_kind` is "too_large", "disorder"
        # (bytes from the wrong place) or "disk" (this computer could not write them).
        self.problem: str | None = None
        self.problem_kind = ""
        self._stream: BinaryIO | None = None

    @classmethod
    def open(
        cls, cache: OfflineCache, sha256: str, size: int | None, limit: int
    ) -> PartialDownload:
        """Resume a partial whose record still matches it, else start from scratch."""
        path = cache.partial_path(sha256)
        record = path.with_name(path.name + ".json")
        start = _resumable_bytes(path, record, sha256, size)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            # The record goes first: while bytes are being added it would no longer be true.
            record.unlink(missing_ok=True)
            if start == 0:
                path.unlink(missing_ok=True)
            stream = path.open("r+b" if start else "wb")
            stream.truncate(start)
            stream.seek(start)
        except OSError as error:
            raise StorageError(
                f"cannot write offline documents in {path.parent} "
                f"({error.strerror or error}); check the free space and the folder"
            ) from None
        partial = cls(cache, sha256, size, limit, start)
        partial._stream = stream
        return partial

    @property
    def received(self) -> int:
        return self.position

    def write(self, offset: int, data: bytes) -> bool:
        """Add `data`, which belongs at `offset` in the file. False: stop the download
        (`problem` says why). Offset 0 after a resume means the server sent the whole file."""
        stream = self._stream
        if stream is None or self.problem is not None:
            return False
        try:
            if offset != self.position:
                if offset != 0:
                    self.problem = "the server sent the file's bytes out of order"
                    self.problem_kind = "disorder"
                    return False
                stream.seek(0)
                stream.truncate(0)
                self.position = 0
            if self.position + len(data) > self.limit:
                self.refuse_as_too_large()
                return False
            stream.write(data)
        except OSError as error:
            self.problem = f"the file could not be written ({error.strerror or error})"
            self.problem_kind = "disk"
            return False
        self.position += len(data)
        return True

    def refuse_as_too_large(self) -> None:
        """More bytes arrived (or were announced) than the file may have."""
        self.problem_kind = "too_large"
        self.problem = (
            "the file is larger than the feed says"
            if self.size is not None
            else "the file is larger than the space left for offline documents"
        )

    def _close(self) -> None:
        stream, self._stream = self._stream, None
        if stream is not None:
            with contextlib.suppress(OSError):
                stream.close()

    def finish(self, *, origin: str, mime_type: str, what: str) -> CachedCopy:
        """The download completed: check and move the file into the cache (`OfflineCache.add`
        raises `FeedError` when it does not match, having discarded it)."""
        self._close()
        if self.problem is not None:
            self.discard()
            raise StorageError(self.problem)
        return self.cache.add(
            self.path, self.sha256, self.size, mime_type, origin=origin, what=what
        )

    def keep(self) -> bool:
        """The download stopped early: keep the bytes for resuming. False when there is
        nothing worth keeping (no bytes, or bytes already known to be wrong)."""
        self._close()
        if self.problem is not None or self.position <= 0:
            self.discard()
            return False
        if self.size is not None and self.position >= self.size:
            self.discard()  # as long as the whole file, yet not finished: not resumable
            return False
        try:
            digest, size = hash_file(self.path)
            if size != self.position:
                self.discard()
                return False
            record = {"sha256": self.sha256, "size": self.size, "have": size, "prefix": digest}
            write_atomically(self.record, json.dumps(record).encode())
        except (OSError, StorageError):
            self.discard()
            return False
        return True

    def discard(self) -> None:
        self._close()
        for path in (self.record, self.path):
            with contextlib.suppress(OSError):
                path.unlink(missing_ok=True)


def _resumable_bytes(path: Path, record: Path, sha256: str, size: int | None) -> int:
    """How many bytes of an earlier partial can be kept: 0 unless its record matches it."""
    try:
        data = json.loads(record.read_bytes())
        have = data["have"]
        if (
            data["sha256"] != sha256
            or data["size"] != size
            or not isinstance(have, int)
            or have <= 0
            or (size is not None and have >= size)
            or os.path.getsize(path) < have
        ):
            return 0
        digest, counted = hash_file(path, limit=have)
    except (OSError, ValueError, KeyError, TypeError):
        return 0
    return have if counted == have and digest == data["prefix"] else 0
