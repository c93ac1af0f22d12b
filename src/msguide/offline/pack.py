"""`msguide pack create`: a zip for laptops that never reach the network.

It holds each source's current feed exactly as it was imported (the bytes kept in
`revision_blobs`) with its `.minisig` when it had one, the verified offline copies of the
feed's documents, and a manifest with every member's size and SHA-256 (msguide.offline.manifest).
Documents not in this computer's cache are left out and counted: run `msguide offline
download` first to include them.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

from msguide import __version__
from msguide.clock import utc_now
from msguide.errors import StorageError, UsageError
from msguide.offline.cache import OfflineCache, megabytes
from msguide.offline.files import CHUNK_BYTES, extension_for, is_sha256
from msguide.offline.manifest import Manifest, PackFeed, PackFile
from msguide.offline.packzip import MANIFEST
from msguide.store.db import Store
from msguide.store.seed import SEED_ORIGIN

# Fixed member times: the same content makes the same pack.
_TIMESTAMP = (1980, 1, 1, 0, 0, 0)


@dataclass(frozen=True, slots=True)
class PackSummary:
    path: Path
    feeds: tuple[PackFeed, ...]
    documents: int
    missing: int
    size: int

    def describe(self) -> str:
        sources = ", ".join(f"{f.source} sequence {f.sequence}" for f in self.feeds)
        line = (
            f"Wrote the offline pack {self.path} ({megabytes(self.size)}): {sources}, "
            f"{self.documents} document{'s' if self.documents != 1 else ''}"
        )
        if self.missing:
            line += (
                f"; {self.missing} document{'s are' if self.missing != 1 else ' is'} not on "
                "this computer and left out (run `msguide offline download` first to include "
                f"{'them' if self.missing != 1 else 'it'})"
            )
        return line + "."

    def to_json(self) -> dict[str, object]:
        return {
            "path": str(self.path),
            "feeds": [{"source": f.source, "sequence": f.sequence} for f in self.feeds],
            "documents": self.documents,
            "missing_documents": self.missing,
            "size": self.size,
        }


@dataclass(frozen=True, slots=True)
class _HeldFeed:
    source: str
    sequence: int
    raw: bytes
    signature: bytes | None


def _feeds(store: Store, sources: list[str] | None) -> list[_HeldFeed]:
    with store.read() as connection:
        rows = connection.exec_driver_sql(
            "SELECT s.id, r.sequence, b.raw, b.signature, r.origin FROM sources s "
            "JOIN revisions r ON r.id = s.current_revision_id "
            "LEFT JOIN revision_blobs b ON b.revision_id = r.id ORDER BY s.id"
        ).fetchall()
    held = {row[0]: row for row in rows}
    if sources:
        unknown = [s for s in sources if s not in held]
        if unknown:
            raise UsageError(
                f'there is no source "{unknown[0]}" in the store; known: '
                f"{', '.join(held) or 'none'}"
            )
    # Every install has the bundled seed: a pack carries it only when asked by name.
    chosen = [held[s] for s in sources] if sources else [r for r in rows if r[4] != SEED_ORIGIN]
    if not chosen:
        raise StorageError("the store holds no content to put in a pack")
    for row in chosen:
        if row[2] is None:
            raise StorageError(
                f"the feed bytes of {row[0]} sequence {row[1]} are not kept, so it cannot be "
                "packed; sync or import the feed again first"
            )
    return [
        _HeldFeed(row[0], int(row[1]), bytes(row[2]), bytes(row[3]) if row[3] else None)
        for row in chosen
    ]


def _documents(store: Store, sources: list[str]) -> list[str]:
    """The sha256 of every document the sources' current items attach, that can be kept."""
    marks = ",".join("?" * len(sources))
    with store.read() as connection:
        rows = connection.exec_driver_sql(
            "SELECT DISTINCT a.sha256, a.mime_type FROM attachments a "
            f"JOIN items i ON i.id = a.item_rowid WHERE i.source_id IN ({marks}) "
            "ORDER BY a.sha256",
            tuple(sources),
        )
        found = {r[0]: r[1] for r in rows if is_sha256(r[0]) and extension_for(r[1]) is not None}
    return sorted(found)


def create_pack(
    store: Store, cache: OfflineCache, out: Path, sources: list[str] | None
) -> PackSummary:
    """Write the pack to `out` (through a temporary file: never half a pack)."""
    feeds = _feeds(store, sources)
    documents = _documents(store, [f.source for f in feeds])
    out = Path(out)
    if out.suffix.lower() != ".zip":
        raise UsageError(f"name the pack with .zip at the end (not {out.name})")
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(prefix=f".{out.name}.", suffix=".tmp", dir=out.parent)
        os.close(handle)
    except OSError as error:
        raise StorageError(f"cannot write {out}: {error.strerror or error}") from None
    try:
        summary = _write(Path(temporary), out, cache, feeds, documents)
        os.replace(temporary, out)
    except OSError as error:
        raise StorageError(
            f"cannot write {out}: {error.strerror or error}; check the free space"
        ) from None
    finally:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
    return summary


def _info(name: str, compress: int) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, _TIMESTAMP)
    info.compress_type = compress
    info.external_attr = 0o644 << 16
    return info


def _write(
    temporary: Path,
    out: Path,
    cache: OfflineCache,
    feeds: list[_HeldFeed],
    documents: list[str],
) -> PackSummary:
    files: list[PackFile] = []
    entries: list[PackFeed] = []
    packed = missing = 0
    with zipfile.ZipFile(temporary, "w", allowZip64=True) as archive:
        for number, held in enumerate(feeds, 1):
            feed_name = f"feeds/{number}.json"
            archive.writestr(_info(feed_name, zipfile.ZIP_DEFLATED), held.raw)
            files.append(PackFile(feed_name, len(held.raw), hashlib.sha256(held.raw).hexdigest()))
            signature_name = None
            if held.signature is not None:
                signature_name = f"{feed_name}.minisig"
                archive.writestr(_info(signature_name, zipfile.ZIP_DEFLATED), held.signature)
                files.append(
                    PackFile(
                        signature_name,
                        len(held.signature),
                        hashlib.sha256(held.signature).hexdigest(),
                    )
                )
            entries.append(PackFeed(held.source, held.sequence, feed_name, signature_name))
        for sha256 in documents:
            copy = cache.lookup(sha256)
            if copy is None:
                missing += 1
                continue
            name = f"attachments/{sha256}"
            # Documents are mostly compressed already (PDF, Office): stored, not deflated.
            digest = hashlib.sha256()
            size = 0
            info = _info(name, zipfile.ZIP_STORED)
            large = copy.size >= zipfile.ZIP64_LIMIT
            with (
                copy.path.open("rb") as source,
                archive.open(info, "w", force_zip64=large) as target,
            ):
                while chunk := source.read(CHUNK_BYTES):
                    digest.update(chunk)
                    size += len(chunk)
                    target.write(chunk)
            if digest.hexdigest() != sha256 or size != copy.size:
                cache.forget([sha256])
                raise StorageError(
                    f"the offline copy {copy.path.name} is damaged, so it was removed and no "
                    "pack was written; run `msguide offline download` and try again"
                )
            files.append(PackFile(name, size, sha256))
            packed += 1
        manifest = Manifest(
            feeds=tuple(entries),
            files=tuple(files),
            created_at=utc_now(),
            created_by=f"msguide {__version__}",
        )
        archive.writestr(_info(MANIFEST, zipfile.ZIP_DEFLATED), manifest.to_bytes())
    return PackSummary(out, tuple(entries), packed, missing, temporary.stat().st_size)
