"""The attachment cache: verified, content-addressed files under one folder, indexed in the store.

A file becomes visible (a `cached_files` row, so `Hit.offline` and "Open offline copy") only
after `add` has checked its size and sha256 and renamed it into place; it is checked again
before it is opened. Files are written before their row and removed after it, so a crash can
leave a stray file (which `clean_up` re-checks or deletes) but never a row without its file.

Every method opens its own store connection, so the cache may be used from a worker thread;
run one writer at a time (the downloader and the pack import do their steps in order).
"""

from __future__ import annotations

import contextlib
import logging
import os
import shutil
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from msguide.clock import utc_now
from msguide.errors import FeedError, StorageError
from msguide.offline.files import (
    INCOMING_PREFIX,
    PARTIAL_FOLDER,
    cache_name,
    extension_for,
    fsync_file,
    hash_file,
    inside,
    is_cache_name,
    is_sha256,
    mark_downloaded,
)
from msguide.store.db import Store

log = logging.getLogger(__name__)

MEGABYTE = 1024 * 1024
# How useful a cached file is, lower is more useful (msguide.offline.plan.usefulness).
UNREFERENCED = 9
STALE_INCOMING_SECONDS = 24 * 60 * 60


@dataclass(frozen=True, slots=True)
class CachedCopy:
    sha256: str
    size: int
    path: Path
    mime_type: str


@dataclass(frozen=True, slots=True)
class CacheUsage:
    """What the cache holds: verified files and leftover partial downloads, against the cap."""

    bytes: int
    files: int
    partial_bytes: int
    cap_bytes: int

    @property
    def free(self) -> int:
        return max(0, self.cap_bytes - self.bytes - self.partial_bytes)

    def describe(self) -> str:
        return (
            f"{self.files} document{'s' if self.files != 1 else ''} kept offline, "
            f"{megabytes(self.bytes)} of {megabytes(self.cap_bytes)} allowed"
        )


@dataclass(frozen=True, slots=True)
class CleanupReport:
    removed_files: int = 0
    freed_bytes: int = 0
    recovered: int = 0


def megabytes(size: int) -> str:
    if size < MEGABYTE:
        return f"{size / 1024:.0f} KB" if size else "0 MB"
    return f"{size / MEGABYTE:.1f} MB"


class OfflineCache:
    """The offline copies under `folder` (Locations.attachments), within `cap_bytes`."""

    def __init__(self, store: Store, folder: Path, cap_bytes: int) -> None:
        self.store = store
        self.folder = Path(folder)
        self.cap_bytes = cap_bytes

    # --- places -----------------------------------------------------------------------------

    def path_of(self, name: str) -> Path:
        return self.folder.joinpath(*name.split("/"))

    def partial_path(self, sha256: str) -> Path:
        if not is_sha256(sha256):
            raise ValueError(sha256)
        return self.folder / PARTIAL_FOLDER / f"{sha256}.part"

    def new_incoming_folder(self) -> Path:
        """A fresh folder inside the cache for files being checked (same volume: renames)."""
        import tempfile

        self._make_folder(self.folder)
        return Path(tempfile.mkdtemp(prefix=INCOMING_PREFIX, dir=self.folder))

    def _make_folder(self, folder: Path) -> None:
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise StorageError(
                f"cannot create the folder for offline documents {folder}: "
                f"{error.strerror or error}; check the disk and its permissions"
            ) from None

    # --- reading ----------------------------------------------------------------------------

    def held(self) -> dict[str, int]:
        """sha256 → size of every indexed file."""
        with self.store.read() as connection:
            rows = connection.exec_driver_sql("SELECT sha256, size FROM cached_files")
            return {row[0]: int(row[1]) for row in rows}

    def _names(self) -> set[str]:
        with self.store.read() as connection:
            return {r[0] for r in connection.exec_driver_sql("SELECT name FROM cached_files")}

    def usage(self) -> CacheUsage:
        held = self.held()
        partial = 0
        folder = self.folder / PARTIAL_FOLDER
        if folder.is_dir():
            for path in folder.iterdir():
                with contextlib.suppress(OSError):
                    partial += path.stat().st_size
        return CacheUsage(sum(held.values()), len(held), partial, self.cap_bytes)

    def lookup(self, sha256: str) -> CachedCopy | None:
        """The indexed copy, if its file is still there with the right size (not re-hashed)."""
        with self.store.read() as connection:
            row = connection.exec_driver_sql(
                "SELECT size, name, mime_type FROM cached_files WHERE sha256 = ?", (sha256,)
            ).first()
        if row is None or not is_cache_name(row[1]):
            return None
        path = self.path_of(row[1])
        try:
            if not inside(self.folder, path) or path.stat().st_size != row[0]:
                return None
        except OSError:
            return None
        return CachedCopy(sha256, int(row[0]), path, row[2])

    def verified_copy(self, sha256: str) -> CachedCopy:
        """The copy to open, after checking its hash again; a damaged one is removed.

        Raises `StorageError` with a sentence for the person when there is no good copy.
        """
        copy = self.lookup(sha256)
        if copy is None:
            self.forget([sha256])
            raise StorageError(
                "this document is not on this computer (any more); open the web page, or "
                "sync when online to download it again"
            )
        try:
            digest, size = hash_file(copy.path)
        except OSError as error:
            raise StorageError(
                f"the offline copy {copy.path} cannot be read ({error.strerror or error})"
            ) from None
        if digest != sha256 or size != copy.size:
            self.forget([sha256])
            raise StorageError(
                "the offline copy of this document was damaged, so it was removed; it is "
                "downloaded again at the next sync, or open the web page"
            )
        # Only a hint for which files to remove first: a read-only store still opens them.
        with contextlib.suppress(StorageError), self.store.write() as session:
            session.connection().exec_driver_sql(
                "UPDATE cached_files SET opened_at = ? WHERE sha256 = ?", (utc_now(), sha256)
            )
        return copy

    # --- adding -----------------------------------------------------------------------------

    def add(
        self,
        staged: Path,
        sha256: str,
        size: int | None,
        mime_type: str,
        *,
        origin: str,
        what: str = "the document",
    ) -> CachedCopy:
        """Check `staged` against `sha256` (and `size`), then move it into the cache.

        The staged file is consumed: moved into place, or deleted when it does not match
        (`FeedError`, a sentence saying what did not match). `what` names the file in messages.
        """
        moved = False
        try:
            name = cache_name(sha256, mime_type)
            digest, actual = hash_file(staged)
            if size is not None and actual != size:
                raise FeedError(
                    f"{what} has {actual:,} bytes, not the {size:,} the feed gives; "
                    "it was discarded"
                )
            if digest != sha256:
                raise FeedError(
                    f"{what} does not match the SHA-256 the feed gives (it may have been "
                    "changed or damaged on the way); it was discarded"
                )
            target = self.path_of(name)
            existing = self.lookup(sha256)
            if existing is not None:
                return existing
            self._make_folder(target.parent)
            fsync_file(staged)
            os.replace(staged, target)
            moved = True
            mark_downloaded(target, origin)
        except OSError as error:
            raise StorageError(
                f"cannot keep {what} offline ({error.strerror or error}); check the free space"
            ) from None
        finally:
            if not moved:
                with contextlib.suppress(OSError):
                    staged.unlink(missing_ok=True)
        with self.store.write() as session:
            session.connection().exec_driver_sql(
                "INSERT OR REPLACE INTO cached_files (sha256, size, name, mime_type, added_at) "
                "VALUES (?,?,?,?,?)",
                (sha256, actual, name, mime_type, utc_now()),
            )
        return CachedCopy(sha256, actual, target, mime_type)

    # --- removing ---------------------------------------------------------------------------

    def forget(self, hashes: Iterable[str]) -> int:
        """Remove these files and their rows (rows first); the bytes freed."""
        wanted = [h for h in hashes if is_sha256(h)]
        if not wanted:
            return 0
        names: list[tuple[str, int]] = []
        with self.store.write() as session:
            connection = session.connection()
            for sha256 in wanted:
                row = connection.exec_driver_sql(
                    "SELECT name, size FROM cached_files WHERE sha256 = ?", (sha256,)
                ).first()
                if row is not None:
                    names.append((row[0], int(row[1])))
                    connection.exec_driver_sql(
                        "DELETE FROM cached_files WHERE sha256 = ?", (sha256,)
                    )
        freed = 0
        for name, size in names:
            if is_cache_name(name) and self._remove(self.path_of(name)):
                freed += size
        return freed

    def _remove(self, path: Path) -> bool:
        try:
            path.unlink()
        except FileNotFoundError:
            return False
        except OSError as error:
            log.warning("could not remove %s: %s", path, error)
            return False
        return True

    def make_room(self, needed: int, rank: int, ranks: Mapping[str, int]) -> bool:
        """Free space for `needed` more bytes by removing files LESS useful than `rank`.

        Least useful first (`ranks`: sha256 → usefulness, lower is more useful; files not in
        it are unreferenced), then the largest, then the least recently opened. Equally or
        more useful files are never
        removed: the cap then stays full and the new file is reported instead.
        """
        usage = self.usage()
        if needed <= usage.free:
            return True
        held = self.held()
        with self.store.read() as connection:
            opened = {
                r[0]: r[1] or ""
                for r in connection.exec_driver_sql("SELECT sha256, opened_at FROM cached_files")
            }
        candidates = sorted(
            (h for h in held if ranks.get(h, UNREFERENCED) > rank),
            key=lambda h: (-ranks.get(h, UNREFERENCED), -held[h], opened.get(h, "")),
        )
        shortfall = needed - usage.free
        chosen: list[str] = []
        for sha256 in candidates:
            if shortfall <= 0:
                break
            chosen.append(sha256)
            shortfall -= held[sha256]
        if shortfall > 0:
            return False
        self.forget(chosen)
        return True

    def clean_up(self, referenced: Iterable[str]) -> CleanupReport:
        """Remove files no current item references, stray files, and rows without a file.

        A stray file an item still references (left by a crash before its row was written,
        or after the store was restored from a backup) is re-checked and kept if it verifies.
        """
        wanted = set(referenced)
        held = self.held()
        freed = self.forget([h for h in held if h not in wanted])
        removed = len([h for h in held if h not in wanted])
        missing = [h for h in held if h in wanted and self.lookup(h) is None]
        if missing:
            with self.store.write() as session:
                marks = ",".join("?" * len(missing))
                session.connection().exec_driver_sql(
                    f"DELETE FROM cached_files WHERE sha256 IN ({marks})", tuple(missing)
                )
        recovered = 0
        indexed = self._names()
        mime_types = self._mime_types(wanted)
        for path in self._stray_files(indexed):
            sha256 = path.stem.split(".")[0]
            if sha256 in wanted and path.parent.name == PARTIAL_FOLDER:
                continue  # a download to resume
            mime_type = mime_types.get(sha256)
            name = path.relative_to(self.folder).as_posix()
            if sha256 in wanted and mime_type is not None and is_cache_name(name):
                try:
                    self.add(path, sha256, None, mime_type, origin="", what=name)
                    recovered += 1
                    continue
                except (FeedError, StorageError) as error:
                    log.info("removed the stray file %s: %s", path, error)
            with contextlib.suppress(OSError):
                size = path.stat().st_size
                if self._remove(path):
                    freed += size
                    removed += 1
        return CleanupReport(removed, freed, recovered)

    def _mime_types(self, hashes: set[str]) -> dict[str, str]:
        out: dict[str, str] = {}
        with self.store.read() as connection:
            for row in connection.exec_driver_sql(
                "SELECT sha256, mime_type FROM attachments WHERE sha256 IS NOT NULL"
            ):
                if row[0] in hashes and extension_for(row[1]) is not None:
                    out.setdefault(row[0], row[1])
        return out

    def _stray_files(self, indexed: set[str]) -> list[Path]:
        """Files under the cache folder that no row names (links are never followed)."""
        if not self.folder.is_dir() or self.folder.is_symlink():
            return []
        stray: list[Path] = []
        for entry in sorted(self.folder.iterdir()):
            if entry.name.startswith(INCOMING_PREFIX):
                # A pack import's checking folder: one a day old was left by an import that
                # was interrupted (never presented), a newer one may be in use right now.
                with contextlib.suppress(OSError):
                    if time.time() - entry.stat().st_mtime > STALE_INCOMING_SECONDS:
                        _remove_tree(entry)
                continue
            if entry.is_symlink() or not entry.is_dir():
                stray.append(entry)
                continue
            for path in sorted(entry.iterdir()):
                if path.is_symlink() or not path.is_file():
                    _remove_tree(path)
                elif f"{entry.name}/{path.name}" not in indexed or entry.name == PARTIAL_FOLDER:
                    stray.append(path)
        return stray

    def clear(self) -> int:
        """Remove every offline copy and partial download ("Clear offline documents")."""
        held = self.held()
        with self.store.write() as session:
            session.connection().exec_driver_sql("DELETE FROM cached_files")
        freed = sum(held.values())
        if self.folder.is_dir() and not self.folder.is_symlink():
            for entry in self.folder.iterdir():
                _remove_tree(entry)
        return freed


def _remove_tree(path: Path) -> None:
    try:
        if path.is_symlink() or not path.is_dir():
            path.unlink()
        else:
            shutil.rmtree(path)
    except OSError as error:
        log.warning("could not remove %s: %s", path, error)
