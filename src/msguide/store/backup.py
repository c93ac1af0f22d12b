"""Backups of the store: a consistent copy before every content change, the newest few kept.

`importer.import_feed` and `importer.rollback` call `backup_before_change` inside their write
transaction, after deciding that content will change and before changing it. Holding the write
lock makes the copy exactly the state the change replaces: a WAL store's files are copied as
they are (no commit can come meanwhile; see `_copy_files`), any other store with SQLite's
online backup API, which reads one consistent snapshot while other readers carry on. A backup
is one self-contained file (rollback journal, no -wal) named ``msguide-<UTC time>.sqlite``, so
the newest sorts last.
Start-up repair (`store.recovery`) restores the newest backup that passes the integrity check.
"""

from __future__ import annotations

import logging
import os
import re
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

from msguide.store.db import BUSY_TIMEOUT_MS, Store

log = logging.getLogger(__name__)

KEEP_BACKUPS = 5
PREFIX = "msguide-"
SUFFIX = ".sqlite"
PARTIAL_SUFFIX = ".partial"
# SQLite's lock bytes start at 1 GiB ("pending byte"): on Windows the store's own connections
# lock them, so a file that reaches them cannot be read as a file; SQLite copies it instead.
LOCK_BYTE_OFFSET = 0x40000000
# A second backup within the clock's resolution (coarse on Windows) gets a -N suffix.
_NAME = re.compile(r"msguide-(\d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2}\.\d{6}Z)(?:-(\d+))?\.sqlite")


def backup_before_change(store: Store, *, keep: int | None = KEEP_BACKUPS) -> Path | None:
    """Keep a copy of `store` in its backup folder, if it has one; never stops the change.

    A failed backup (full disk, folder not writable) is logged and the change goes ahead: the
    change itself is still all-or-nothing, and refusing it would leave the person on old
    content. Returns the new backup's path, or None. With `keep=None` older backups are not
    pruned yet: a change that may still be refused (a feed read while it is applied) calls
    `settle_backup` when it knows.
    """
    folder = store.backup_folder
    if folder is None:
        return None
    try:
        return make_backup(store.path, folder, keep=keep, wal_locked=store.journal_mode == "WAL")
    except (OSError, sqlite3.Error) as error:
        log.warning("could not back up %s into %s: %s", store.path, folder, error)
        return None


def settle_backup(store: Store, made: Path | None, *, applied: bool) -> None:
    """After a change backed up with `keep=None`: prune if it applied, else take the backup
    back, so a refused feed leaves the backups exactly as they were."""
    if made is None or store.backup_folder is None:
        return
    try:
        if applied:
            prune(store.backup_folder)
        else:
            made.unlink(missing_ok=True)
    except OSError as error:
        log.warning("could not tidy the backups in %s: %s", store.backup_folder, error)


def make_backup(
    path: Path, folder: Path, *, keep: int | None = KEEP_BACKUPS, wal_locked: bool = False
) -> Path:
    """Copy the store at `path` into `folder`; keep the newest `keep`.

    `wal_locked`: the store is in WAL mode and the caller holds its write lock (as
    `backup_before_change` does), so its files may be copied as they are, three times faster
    than SQLite's backup API copies its pages.
    """
    folder.mkdir(parents=True, exist_ok=True)
    target = _new_name(folder)
    partial = target.with_name(target.name + PARTIAL_SUFFIX)
    try:
        if not (wal_locked and _copied_as_files(path, partial)):
            _copy(path, partial)
        partial.replace(target)
    finally:
        _remove_with_side_files(partial)
    if keep is not None:
        prune(folder, keep)
    return target


def backups(folder: Path) -> list[Path]:
    """Finished backups in `folder`, newest first."""
    if not folder.is_dir():
        return []
    found = [p for p in folder.iterdir() if _NAME.fullmatch(p.name) and p.is_file()]
    return sorted(found, key=_order, reverse=True)


def _order(backup: Path) -> tuple[str, int]:
    match = _NAME.fullmatch(backup.name)
    assert match is not None
    return match.group(1), int(match.group(2) or 0)


def made_at(backup: Path) -> str:
    """When a backup was made, for people: ``2025-04-01 09:00 UTC``."""
    match = _NAME.fullmatch(backup.name)
    if match is None:
        return backup.name
    stamp = datetime.strptime(match.group(1), "%Y-%m-%dT%H-%M-%S.%fZ")
    return stamp.strftime("%Y-%m-%d %H:%M UTC")


def prune(folder: Path, keep: int = KEEP_BACKUPS) -> None:
    """Delete all but the newest `keep` backups, and copies a crash left half-written."""
    for old in backups(folder)[keep:]:
        old.unlink(missing_ok=True)
    # Only one backup is written at a time (under the store's write lock), so any other
    # partial file (or its -wal, -shm or -journal) is debris from a process that was killed.
    for debris in folder.glob(f"{PREFIX}*{SUFFIX}{PARTIAL_SUFFIX}*"):
        debris.unlink(missing_ok=True)


def _new_name(folder: Path) -> Path:
    stamp = datetime.now(UTC).strftime("%Y-%m-%dT%H-%M-%S.%fZ")
    target = folder / f"{PREFIX}{stamp}{SUFFIX}"
    number = 1
    while target.exists():
        target = folder / f"{PREFIX}{stamp}-{number}{SUFFIX}"
        number += 1
    return target


_SIDE_FILES = ("-wal", "-shm", "-journal")
# The system's own cp (never one found on PATH).
_CP = ("/bin/cp", "/usr/bin/cp")


def _remove_with_side_files(path: Path) -> None:
    for name in (str(path), *(f"{path}{side}" for side in _SIDE_FILES)):
        Path(name).unlink(missing_ok=True)


def _copied_as_files(path: Path, target: Path) -> bool:
    """`_copy_files`, or False (nothing left at `target`) where it cannot be used."""
    if os.name != "posix":
        # Untested elsewhere (on Windows the store's own connections lock its bytes at 1 GiB
        # and up, which a plain read of a larger file would meet): SQLite copies it there.
        return False
    try:
        if path.stat().st_size >= LOCK_BYTE_OFFSET:
            return False
        _copy_files(path, target)
    except (OSError, sqlite3.Error) as error:
        log.info("copying %s as files failed (%s); copying it with SQLite instead", path, error)
        _remove_with_side_files(target)
        return False
    return True


def _copy_files(path: Path, target: Path) -> None:
    """Copy a WAL store's main file, then its -wal, and fold the copied WAL into the copy.

    Only while the caller holds the store's write lock: nothing can commit meanwhile, and the
    WAL cannot start over or be removed (only a writer restarts it; only the last connection
    removes it), so the copied WAL holds every frame committed since the main file last took
    them all in. A checkpoint run meanwhile by another connection writes into the main file
    only pages whose committed versions are in that WAL, which SQLite reads over the main file:
    the copy opens as exactly the committed state, as the store itself would after a crash.
    Frames of an older WAL generation left in the file fail SQLite's salt check and are
    ignored, as they are there.
    """
    _copy_in_another_process(path, target)
    wal = Path(f"{path}-wal")
    if wal.exists():  # else the main file holds everything
        _copy_in_another_process(wal, Path(f"{target}-wal"))
    destination = sqlite3.connect(target, isolation_level=None)
    try:
        destination.execute("PRAGMA synchronous = OFF")  # as in _copy: no fsync of its own
        # Moves the copied WAL's frames into the file: one plain file, no -wal or -shm.
        mode = destination.execute("PRAGMA journal_mode = DELETE").fetchone()[0]
    finally:
        destination.close()
    if str(mode).lower() != "delete" or any(
        Path(f"{target}{side}").exists() for side in _SIDE_FILES
    ):
        raise sqlite3.OperationalError(f"the copy kept journal mode {mode}")


def _copy_in_another_process(source: Path, target: Path) -> None:
    """`cp source target`. Not in this process: closing any file descriptor this process has
    on the store would drop every POSIX lock SQLite holds on it here, and another process
    could then take the store for unused mid-import (sqlite.org/howtocorrupt.html, 2.2)."""
    import subprocess  # here: loading it would slow every start of the command line

    program = next((p for p in _CP if os.path.exists(p)), None)
    if program is None:
        raise OSError("there is no cp program")
    try:
        done = subprocess.run(
            [program, "--", str(source), str(target)], capture_output=True, check=False
        )
    except subprocess.SubprocessError as error:
        raise OSError(f"cp could not run: {error}") from error
    if done.returncode != 0:
        reason = done.stderr.decode("utf-8", "replace").strip()
        raise OSError(f"cp exited with status {done.returncode}: {reason}")


def _copy(path: Path, target: Path) -> None:
    source = sqlite3.connect(path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None)
    try:
        destination = sqlite3.connect(target, isolation_level=None)
        try:
            # No fsync of its own: a backup cut short by power loss fails the check at
            # start-up and is skipped, and flushing 100 MB here would hold the write lock.
            destination.execute("PRAGMA synchronous = OFF")
            # pages=-1: one step, so the copy is one snapshot even while others read.
            source.backup(destination, pages=-1)
            # The copy inherits WAL mode from the store; a backup must be one plain file.
            destination.execute("PRAGMA journal_mode = DELETE")
        finally:
            destination.close()
    finally:
        source.close()
