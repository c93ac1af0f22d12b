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
import queue
import tempfile
import threading
import time
from dataclasses import dataclass
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
    `download(offset, data)`; `finish()` once the fetch is done, `discard()` always.

    The sink is called on the GUI thread (Qt's network replies live there), so it only queues
    the piece: the file is written, closed and removed on the download's own writer thread,
    and the GUI thread never waits on the disk (on a council laptop an antivirus scanner may
    hold every write).
    """

    def __init__(self, folder: Path) -> None:
        descriptor, name = tempfile.mkstemp(prefix=PREFIX, suffix=SUFFIX, dir=folder)
        self.path = Path(name)
        self._file = os.fdopen(descriptor, "wb")
        self._failure: OSError | None = None
        self._dropped = False
        self._pieces: queue.SimpleQueue[tuple[int, bytes] | _Stop] = queue.SimpleQueue()
        self._writer = threading.Thread(
            target=self._write_pieces, name="feed download", daemon=True
        )
        self._writer.start()

    def __call__(self, offset: int, data: bytes) -> None:
        self._pieces.put((offset, data))

    def finish(self) -> None:
        """Wait for the writer and close the file for reading; raises `StorageError` if any of
        it could not be written. Called by the sync's store step, never on the GUI thread."""
        self._pieces.put(_Stop(remove=False))
        self._writer.join()
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
        """Remove the file: on the writer thread while it still runs (the GUI thread's case:
        a sync stopped before settling), else here (the store step's, after `finish`)."""
        if self._writer.is_alive():
            self._dropped = True  # pieces still queued are not written
            self._pieces.put(_Stop(remove=True))
        else:
            _remove(self.path)

    def _write_pieces(self) -> None:
        while True:
            piece = self._pieces.get()
            if isinstance(piece, _Stop):
                break
            self._write(*piece)
        try:
            self._file.close()
        except OSError as error:
            self._failure = self._failure or error
        if piece.remove:
            _remove(self.path)

    def _write(self, offset: int, data: bytes) -> None:
        if self._dropped or self._failure is not None:
            return  # discarded, or finish() reports the first failure
        try:
            if self._file.tell() != offset:  # the transport restarted the body
                self._file.seek(offset)
                self._file.truncate()
            self._file.write(data)
        except OSError as error:
            self._failure = error


@dataclass(frozen=True)
class _Stop:
    remove: bool


def _remove(path: Path) -> None:
    with contextlib.suppress(OSError):
        path.unlink(missing_ok=True)


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
