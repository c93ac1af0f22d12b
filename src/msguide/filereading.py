"""Reading a file someone handed msguide (a feed, a signature, a policy) with a bound.

`Path.read_bytes()` trusts the file: `/dev/zero` (or a `.minisig` that links to it) is read
until memory runs out, and a named pipe blocks until someone writes to it. Here only a regular
file is read (a link is followed, then judged by what it points at), never more than the bound
allows, and a pipe is never waited on: it is opened without blocking and refused.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import BinaryIO

from msguide.errors import UsageError

# Opening a FIFO for reading waits for a writer unless told not to (POSIX; Windows has none).
_OPEN_FLAGS = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)


class SpecialFileError(UsageError):
    """Not a regular file: `kind` says what it is ("a device", "a pipe", "a folder")."""

    def __init__(self, path: Path, kind: str, what: str) -> None:
        super().__init__(f"{path} is {kind}, not {what}")
        self.kind = kind


class FileTooLargeError(Exception):
    """The file holds more than the bound; `size` is what is known of it (at least bound+1)."""

    def __init__(self, path: Path, size: int, limit: int) -> None:
        super().__init__(f"{path} holds more than {limit} bytes")
        self.size = size
        self.limit = limit


def open_regular_file(path: Path, max_bytes: int, *, what: str = "a file") -> BinaryIO:
    """The regular file at `path` opened for reading, once its size is known to be at most
    `max_bytes` (the caller reads it; a file that grows meanwhile is the caller's bound to
    keep). Raises as `read_regular_file` does."""
    descriptor = os.open(path, _OPEN_FLAGS)
    try:
        status = os.fstat(descriptor)
        if not stat.S_ISREG(status.st_mode):
            raise SpecialFileError(path, _kind(status.st_mode), what)
        if status.st_size > max_bytes:
            raise FileTooLargeError(path, status.st_size, max_bytes)
    except BaseException:
        os.close(descriptor)
        raise
    return os.fdopen(descriptor, "rb")


def read_regular_file(path: Path, max_bytes: int, *, what: str = "a file") -> bytes:
    """The bytes of the regular file at `path`, at most `max_bytes` of them.

    Raises `SpecialFileError` (a `UsageError`: "... is a device, not `what`") for a folder,
    device, pipe or socket, `FileTooLargeError` beyond `max_bytes`, and `OSError`
    (FileNotFoundError included) when the file cannot be opened or read.
    """
    with open_regular_file(path, max_bytes, what=what) as stream:
        chunks: list[bytes] = []
        total = 0
        # Read to the end rather than trusting st_size: the file may grow while it is read.
        while chunk := stream.read(min(1024 * 1024, max_bytes + 1 - total)):
            chunks.append(chunk)
            total += len(chunk)
            if total > max_bytes:
                raise FileTooLargeError(path, total, max_bytes)
        return b"".join(chunks)


def refuse_special_file(path: Path, what: str) -> None:
    """Raise `UsageError` when `path` exists but (followed through links) is not a regular file;
    for files opened by a library (a zip) rather than read here."""
    try:
        mode = path.stat().st_mode
    except OSError:
        return  # missing or unreadable: the caller's own open says so
    if not stat.S_ISREG(mode):
        raise SpecialFileError(path, _kind(mode), what)


def _kind(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a pipe"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    return "something other than a file"
