"""Reading an offline pack's zip without trusting it: names, links, sizes and bombs.

Nothing is ever extracted by a member's name. Names are only checked against the few a pack
can hold (so `../`, `/abs`, `C:`, backslashes and links are refused outright), and every
member is read in bounded chunks, counting the bytes that really come out rather than the
size its header declares, with caps per member and a limit on how much a member may expand.
The number of members is read from the zip's end record before the zip is opened at all.
"""

from __future__ import annotations

import errno
import hashlib
import re
import stat
import struct
import zipfile
import zlib
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

from msguide.errors import FeedError
from msguide.offline.files import CHUNK_BYTES

MANIFEST = "manifest.json"
MAX_MEMBERS = 10_000
MAX_MANIFEST_BYTES = 4 * 1024 * 1024
# Documents and feeds compress a little (JSON up to ~20x); far more is a bomb. Small members
# are exempt: a few kilobytes of anything cannot hurt.
MAX_RATIO = 200
RATIO_EXEMPT_BYTES = 1024 * 1024

_NAMES = re.compile(r"manifest\.json|feeds/[0-9]{1,4}\.json(?:\.minisig)?|attachments/[0-9a-f]{64}")


class PackError(FeedError):
    """The pack is damaged, hostile or not a pack; nothing was changed (exit 3)."""

    code = "invalid_pack"


def name_problem(name: str) -> str | None:
    """Why a member name is refused, or None for a name a pack may hold."""
    shown = repr(name[:80])
    if "\\" in name:
        return f"the entry {shown} uses backslashes, which could write outside its folder"
    if name.startswith("/") or re.match(r"[A-Za-z]:", name):
        return f"the entry {shown} is an absolute path, which could write anywhere"
    if any(part in ("", ".", "..") for part in name.split("/")):
        return f"the entry {shown} leads out of the pack's folders (empty, . or .. parts)"
    if any(ord(c) < 32 or c == "\x7f" for c in name):
        return f"the entry {shown} has control characters in its name"
    if not _NAMES.fullmatch(name):
        return f"the entry {shown} is not a file an offline pack holds"
    return None


def declared_member_count(stream: BinaryIO) -> int | None:
    """The member count the zip's end record declares, or None when there is no end record."""
    stream.seek(0, 2)
    size = stream.tell()
    tail_length = min(size, 65_536 + 22)
    stream.seek(size - tail_length)
    tail = stream.read(tail_length)
    end = tail.rfind(b"PK\x05\x06")
    if end < 0 or len(tail) - end < 22:
        return None
    count = int(struct.unpack("<H", tail[end + 10 : end + 12])[0])
    if count != 0xFFFF:
        return count
    # Zip64: the locator just before the end record points at the zip64 end record.
    locator = tail[end - 20 : end] if end >= 20 else b""
    if len(locator) < 20 or not locator.startswith(b"PK\x06\x07"):
        return None
    (offset,) = struct.unpack("<Q", locator[8:16])
    if offset > size - 56:
        return None
    stream.seek(offset)
    record = stream.read(56)
    if not record.startswith(b"PK\x06\x06"):
        return None
    return int(struct.unpack("<Q", record[32:40])[0])


def open_pack(path: Path) -> zipfile.ZipFile:
    """Open the pack after checking its member count; raises `PackError` for a zip that is
    damaged or hostile, `OSError` only when the file itself cannot be read."""
    with path.open("rb") as stream:
        count = declared_member_count(stream)
    if count is None:
        raise PackError(f"{path.name} is not a zip file, so it is not an offline pack")
    if count > MAX_MEMBERS:
        raise PackError(
            f"{path.name} holds {count:,} entries, more than the {MAX_MEMBERS:,} an "
            "offline pack may have"
        )
    try:
        return zipfile.ZipFile(path)
    except NotImplementedError as error:  # "zip file version 25.5": a feature it lacks
        raise PackError(
            f"{path.name} needs a newer zip reader than an offline pack may ({error})"
        ) from None
    except OSError as error:
        if not _damaged_offset(error):
            raise
        raise PackError(f"{path.name} is not a readable zip file (an offset is damaged)") from None
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, ValueError) as error:
        raise PackError(f"{path.name} is not a readable zip file ({error})") from None


def _damaged_offset(error: OSError) -> bool:
    """Whether `error` is a seek to a place no file has (an offset inside the zip is damaged:
    its directory points before the start), not a disk that cannot be read."""
    return error.errno == errno.EINVAL


def check_members(archive: zipfile.ZipFile) -> dict[str, zipfile.ZipInfo]:
    """Every member by name, once the whole list passed the name, link and type rules."""
    infos = archive.infolist()
    if len(infos) > MAX_MEMBERS:
        raise PackError(f"the pack holds more than {MAX_MEMBERS:,} entries")
    twice = [name for name, n in Counter(i.filename for i in infos).items() if n > 1]
    if twice:
        raise PackError(
            f"the entry {twice[0][:80]!r} appears twice in the pack; a pack holds each file once"
        )
    for info in infos:
        if info.is_dir():
            raise PackError(f"the entry {info.filename[:80]!r} is a folder")
        problem = name_problem(info.filename)
        mode = info.external_attr >> 16
        if problem is None and stat.S_ISLNK(mode):
            problem = f"the entry {info.filename[:80]!r} is a symbolic link"
        if problem is None and info.flag_bits & 0x1:
            problem = f"the entry {info.filename[:80]!r} is encrypted"
        if problem is None and info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            problem = f"the entry {info.filename[:80]!r} uses a compression msguide does not read"
        if problem is not None:
            raise PackError(problem)
    return {info.filename: info for info in infos}


def read_member(
    archive: zipfile.ZipFile,
    info: zipfile.ZipInfo,
    cap: int,
    write: Callable[[bytes], object] | None = None,
) -> tuple[str, int, bytes]:
    """(sha256, size, bytes) of a member, refusing it as soon as it passes `cap` bytes or
    expands more than MAX_RATIO times. With `write`, the bytes go there and none are kept."""
    name = info.filename[:80]
    if info.file_size > cap:
        raise PackError(f"{name} is larger ({info.file_size:,} bytes) than allowed ({cap:,})")
    digest = hashlib.sha256()
    kept: list[bytes] = []
    size = 0
    compressed = max(info.compress_size, 1)
    try:
        with archive.open(info) as stream:
            while True:
                chunk = stream.read(CHUNK_BYTES)
                if not chunk:
                    break
                size += len(chunk)
                if size > cap:
                    raise PackError(f"{name} holds more than the {cap:,} bytes allowed")
                if size > RATIO_EXEMPT_BYTES and size > MAX_RATIO * compressed:
                    raise PackError(f"{name} expands more than {MAX_RATIO} times (a zip bomb?)")
                digest.update(chunk)
                if write is None:
                    kept.append(chunk)
                else:
                    write(chunk)
    except (zipfile.BadZipFile, EOFError, zlib.error, ValueError) as error:
        raise PackError(f"{name} is damaged in the pack ({error})") from None
    except (RuntimeError, NotImplementedError) as error:
        raise PackError(f"{name} cannot be read ({error})") from None
    except OSError as error:
        if not _damaged_offset(error):
            raise
        raise PackError(f"{name} is damaged in the pack (an offset is damaged)") from None
    return digest.hexdigest(), size, b"".join(kept)
