"""Names and checks for files in the offline cache: content-addressed, safe extensions only.

A cached file is named `<sha256[:2]>/<sha256><ext>` where the extension comes from a short
allow-list of document types. Nothing from a feed (a title, a URL path) ever becomes part of a
file name, so a feed cannot choose where a file goes or make the system run it when opened.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

CHUNK_BYTES = 1024 * 1024
SHA256_PATTERN = re.compile(r"[0-9a-f]{64}")
PARTIAL_FOLDER = "partial"
INCOMING_PREFIX = ".incoming-"

# Document types opened with the system viewer. Formats that can carry macros (.doc, .docm,
# .xls …), scripts (HTML, SVG) or code are left out on purpose: those stay online-only.
DOCUMENT_TYPES: dict[str, str] = {
    "application/pdf": ".pdf",
    "text/plain": ".txt",
    "text/csv": ".csv",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": ".docx",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": ".xlsx",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation": ".pptx",
    "application/vnd.oasis.opendocument.text": ".odt",
    "application/vnd.oasis.opendocument.spreadsheet": ".ods",
    "application/vnd.oasis.opendocument.presentation": ".odp",
    "application/epub+zip": ".epub",
    "image/png": ".png",
    "image/jpeg": ".jpg",
    "image/gif": ".gif",
    "image/webp": ".webp",
    "audio/mpeg": ".mp3",
    "audio/mp4": ".m4a",
    "video/mp4": ".mp4",
    "video/webm": ".webm",
}
SAFE_EXTENSIONS = frozenset(DOCUMENT_TYPES.values())


def base_type(mime_type: str) -> str:
    """`application/pdf; charset=…` → `application/pdf`."""
    return mime_type.split(";", 1)[0].strip().lower()


def extension_for(mime_type: str) -> str | None:
    """The file extension for a document type msguide keeps offline, else None."""
    return DOCUMENT_TYPES.get(base_type(mime_type))


def is_sha256(text: str | None) -> bool:
    return text is not None and SHA256_PATTERN.fullmatch(text) is not None


def cache_name(sha256: str, mime_type: str) -> str:
    """The cached file's path relative to the cache folder (POSIX separators)."""
    if not is_sha256(sha256):
        raise ValueError(f"not a sha256: {sha256!r}")
    extension = extension_for(mime_type)
    if extension is None:
        raise ValueError(f"not a document type kept offline: {mime_type!r}")
    return f"{sha256[:2]}/{sha256}{extension}"


def is_cache_name(name: str) -> bool:
    """Whether `name` is one `cache_name` could have made (checked before any file is used)."""
    match = re.fullmatch(r"([0-9a-f]{2})/([0-9a-f]{64})(\.[a-z0-9]{1,5})", name)
    return (
        match is not None
        and match.group(2).startswith(match.group(1))
        and match.group(3) in SAFE_EXTENSIONS
    )


def inside(folder: Path, path: Path) -> bool:
    """Whether `path` is a regular file within `folder` once links are resolved."""
    try:
        if path.is_symlink() or not path.is_file():
            return False
        return path.resolve().is_relative_to(folder.resolve())
    except OSError:
        return False


def hash_file(path: Path, limit: int | None = None) -> tuple[str, int]:
    """(sha256, size) of the file, read in bounded chunks; the first `limit` bytes only if set."""
    import hashlib  # here, not at start-up: it maps OpenSSL (~3 MiB) into the window's process

    digest = hashlib.sha256()
    size = 0
    with path.open("rb") as stream:
        while limit is None or size < limit:
            want = CHUNK_BYTES if limit is None else min(CHUNK_BYTES, limit - size)
            chunk = stream.read(want)
            if not chunk:
                break
            digest.update(chunk)
            size += len(chunk)
    return digest.hexdigest(), size


def fsync_file(path: Path) -> None:
    with path.open("rb+") as stream:
        os.fsync(stream.fileno())


def mark_downloaded(path: Path, origin: str) -> None:
    """On Windows, mark the file as coming from the internet (Mark of the Web), so Office and
    other viewers open it in their protected mode, as they would a browser's download."""
    if os.name != "nt":
        return
    text = f"[ZoneTransfer]\r\nZoneId=3\r\nHostUrl={origin}\r\n"
    try:
        with open(f"{path}:Zone.Identifier", "w", encoding="ascii", errors="replace") as stream:
            stream.write(text)
    except OSError:
        pass  # not NTFS (a FAT USB stick): nothing to mark, and nothing lost
