"""A feed's body written to a file next to the store as it arrives, instead of held in memory.

A 100k-item feed is about 190 MB: held as bytes (and joined from the pieces that arrived) it
alone took twice that. The transport hands each piece to `Download` (a `FetchRequest.sink`);
the sync step then checks the signature over the file and reads the feed from it item by item.
The file is the sync's own (created private by `tempfile.mkstemp`) and is removed once the
source is settled, whatever the outcome, or when the sync is cancelled.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import tempfile
import time
from pathlib import Path

from msguide.errors import StorageError

log = logging.getLogger(__name__)

PREFIX = ".msguide-feed-"
SUFFIX = ".download"
# A download left by a process that was killed mid-sync; no sync runs this long.
STALE_SECONDS = 24 * 60 * 60
_CHUNK = 1024 * 1024


class Download:
    """The body of one feed download, in a new file in `folder`. Call it as a sink:
    `download(offset, data)`; `finish()` once the fetch is done, `discard()` always."""

    def __init__(self, folder: Path) -> None:
        descriptor, name = tempfile.mkstemp(prefix=PREFIX, suffix=SUFFIX, dir=folder)
        self.path = Path(name)
        self._file = os.fdopen(descriptor, "wb")
        self._failure: OSError | None = None

    def __call__(self, offset: int, data: bytes) -> None:
        # Called from Qt's signal: an exception here would be lost, so it is kept for finish().
        if self._failure is not None or self._file.closed:
            return
        try:
            if self._file.tell() != offset:
                self._file.seek(offset)
                self._file.truncate()
            self._file.write(data)
        except OSError as error:
            self._failure = error

    def finish(self) -> None:
        """Close the file for reading; raises `StorageError` if any of it could not be written."""
        try:
            self._file.close()
        except OSError as error:
            self._failure = self._failure or error
        if self._failure is not None:
            raise StorageError(
                f"cannot write the download to {self.path.parent} "
                f"({self._failure.strerror or self._failure}); check the free space"
            )

    def sha256(self) -> str:
        digest = hashlib.sha256()
        with self.path.open("rb") as handle:
            while chunk := handle.read(_CHUNK):
                digest.update(chunk)
        return digest.hexdigest()

    def discard(self) -> None:
        with contextlib.suppress(OSError):
            self._file.close()
        with contextlib.suppress(OSError):
            self.path.unlink(missing_ok=True)


def new_download(folder: Path) -> Download | None:
    """A new download file in `folder`, or None (the body is then held in memory, as before)
    when the folder cannot take one; downloads that a killed process left are removed."""
    _remove_stale(folder)
    try:
        return Download(folder)
    except OSError as error:
        log.warning("cannot make a download file in %s (%s); downloading to memory", folder, error)
        return None


def _remove_stale(folder: Path) -> None:
    cutoff = time.time() - STALE_SECONDS
    with contextlib.suppress(OSError):
        for path in folder.glob(f"{PREFIX}*{SUFFIX}"):
            with contextlib.suppress(OSError):
                if path.stat().st_mtime < cutoff:
                    path.unlink()
