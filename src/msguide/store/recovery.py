"""Start-up: check the user's store and open it; repair a damaged one; fall back to read-only.

`start_store` is what `services.open_user_store` runs. In order:

- The data folder or the store file cannot be written: open read-only (the store, else the
  newest good backup, else the bundled seed), so the app still shows content, and say so.
- No store yet: copy the bundled seed there (first start).
- Otherwise run `PRAGMA quick_check` (about 0.2 s for a 100k-item store). A damaged store is
  moved aside into ``damaged/`` beside it (never deleted; its -wal/-shm/-journal go with it),
  the newest backup that passes the same check is restored (else the seed), and the person's
  own state (favourites, read marks, recently viewed) is copied back from the damaged file
  where it can still be read, else from a backup. One sentence says what happened.
"""

from __future__ import annotations

import logging
import os
import shutil
import sqlite3
import tempfile
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal

from msguide.errors import StorageError
from msguide.store import backup
from msguide.store.db import (
    BUSY_TIMEOUT_MS,
    FTS_DDL,
    Store,
    describe_sqlite_error,
    identify,
    is_damage,
    lenient_text,
    sqlite_uri_path,
)
from msguide.store.searchindex import REBUILT, THOROUGH_AT_START_ITEMS, index_problem, rebuild_index
from msguide.store.seed import install_seed
from msguide.store.userstate import RECENT_LIMIT

log = logging.getLogger(__name__)

DAMAGED_FOLDER = "damaged"
# SQLite's companions of a database file. They belong to that file only: a -wal left beside
# a restored store would be replayed into it and corrupt it, so they always move together.
SIDE_FILES = ("-wal", "-shm", "-journal")
USER_TABLES: dict[str, tuple[str, str, str]] = {
    "favourites": ("source_id", "item_id", "created_at"),
    "read_marks": ("source_id", "item_id", "read_at"),
    "recent_views": ("source_id", "item_id", "viewed_at"),
    "keep_offline": ("source_id", "item_id", "created_at"),
}

FOREIGN = "it is another program's database, not an msguide store"
NOT_UTF8 = "its schema is damaged (SQLite's report quotes a name that is not UTF-8 text)"

UserRows = list[tuple[str, str, str]]
# How a check connects: "rw" may finish a crashed transaction (replay a -wal, roll back a hot
# journal), which is right for the store msguide is about to open for writing.
Mode = Literal["rw", "ro", "immutable"]


@dataclass
class StartedStore:
    """An open store, and what had to be done to open it (to be said once to the person)."""

    store: Store
    notices: list[str] = field(default_factory=list)
    seeded: bool = False


def start_store(path: Path, *, backups: Path, seed: Path, read_only: bool = False) -> StartedStore:
    """Open the store at `path`, repairing or falling back as the module describes.

    Raises `StorageError` only when there is nothing at all that can be shown.
    """
    if read_only or not can_write(path):
        return _start_read_only(path, backups, seed, asked=read_only)
    if not path.exists():
        return _start_fresh(path, backups, seed)
    problem = check_store(path)
    if problem is not None:
        return _repair(path, backups, seed, problem)
    notices = [REBUILT] if _rebuild_damaged_index(path) else []
    return StartedStore(_open_writable(path, backups), notices)


def _rebuild_damaged_index(path: Path) -> bool:
    """Check the search index (fully where that is cheap) and rebuild it if it is damaged."""
    try:
        connection = _connect(path, "rw")
        try:
            items = int(connection.execute("SELECT count(*) FROM items").fetchone()[0])
            thorough = items <= THOROUGH_AT_START_ITEMS
            # FTS5's integrity-check takes the write lock: never wait for another msguide's
            # import for it; without the lock, read every term instead.
            connection.execute("PRAGMA busy_timeout = 0")
            try:
                problem = index_problem(connection, thorough=thorough, writable=True)
            except sqlite3.OperationalError:
                problem = index_problem(connection, thorough=thorough, writable=False)
        finally:
            connection.close()
        if problem is None:
            return False
        log.warning("the search index of %s is damaged (%s); rebuilding it", path, problem)
        rebuild_index(path, FTS_DDL)
    except (sqlite3.Error, UnicodeDecodeError) as error:  # a message quoting damaged bytes
        # Busy or failing: the store itself passed its check, so start; a search that meets
        # the damage tries again (Store.read).
        log.warning("could not check or rebuild the search index of %s: %s", path, error)
        return False
    return True


def can_write(path: Path) -> bool:
    """Whether msguide may change the store at `path`: its folder and the file itself."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError:
        return False
    return can_write_folder(path.parent) and (not path.exists() or os.access(path, os.W_OK))


def can_write_folder(folder: Path) -> bool:
    # A real probe: on Windows os.access ignores folder permissions (ACLs).
    try:
        handle, probe = tempfile.mkstemp(dir=folder, prefix=".msguide-write-test-")
        os.close(handle)
        os.unlink(probe)
    except OSError:
        return False
    return True


def check_store(path: Path, *, mode: Mode = "rw") -> str | None:
    """Why the store at `path` is damaged, in SQLite's words; None when it passes the check.

    Raises `StorageError` when the file cannot be checked for another reason (locked, not
    readable): that is not damage, and the file must be left where it is.
    """
    if path.is_dir():
        return "it is a folder, not a store file"
    try:
        wal = Path(f"{path}-wal")
        # Empty is damage, unless everything still sits in the -wal (never checkpointed).
        if path.stat().st_size == 0 and not (wal.exists() and wal.stat().st_size > 0):
            return "the file is empty"
    except OSError as error:
        raise StorageError(f"cannot read {path}: {error.strerror or error}") from None
    try:
        connection = _connect(path, mode)
        try:
            rows = connection.execute("PRAGMA quick_check").fetchall()
            identity = identify(connection) if rows == [("ok",)] else None
        finally:
            connection.close()
    except sqlite3.Error as error:
        if is_damage(error):
            return str(error)
        raise StorageError(describe_sqlite_error(error)) from None
    except UnicodeDecodeError:
        # SQLite's own error quoted a damaged name, and Python could not decode its message.
        return NOT_UTF8
    if rows != [("ok",)]:
        return "; ".join(str(r[0]) for r in rows[:3])
    if identity == "empty":
        return "it holds no msguide tables"
    if identity == "foreign":
        return FOREIGN
    return None


def set_aside(path: Path) -> Path:
    """Move the store and its side files into ``damaged/``; returns the store's new path."""
    folder = path.parent / DAMAGED_FOLDER
    folder.mkdir(exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y-%m-%dT%H-%M-%SZ")
    target = folder / f"{path.stem}-{stamp}{path.suffix}"
    number = 1
    while any(Path(f"{target}{s}").exists() for s in ("", *SIDE_FILES)):
        target = folder / f"{path.stem}-{stamp}-{number}{path.suffix}"
        number += 1
    # Side files first: if this is interrupted, no -wal is left to meet a restored store.
    for side in SIDE_FILES:
        companion = Path(f"{path}{side}")
        if companion.exists():
            os.replace(companion, f"{target}{side}")
    if path.exists():
        os.replace(path, target)
    return target


def read_user_state(path: Path) -> dict[str, tuple[UserRows, bool]]:
    """What can be read of each user-state table: (rows, read completely)."""
    found: dict[str, tuple[UserRows, bool]] = {t: ([], False) for t in USER_TABLES}
    try:
        # Plain read-only, not immutable: changes still in the file's -wal count too.
        connection = _connect(path, "ro")
    except (sqlite3.Error, UnicodeDecodeError):
        return found
    # UnicodeDecodeError: SQLite's message about a damaged schema name may not be UTF-8.
    try:
        for table, columns in USER_TABLES.items():
            rows: UserRows = []
            complete = False
            try:
                # Row by row: what was read before a damaged page stops the scan is kept.
                for row in connection.execute(f"SELECT {', '.join(columns)} FROM {table}"):
                    if all(isinstance(value, str) for value in row):
                        rows.append((row[0], row[1], row[2]))
                complete = True
            except (sqlite3.Error, UnicodeDecodeError):  # a damaged schema's message, too
                pass
            found[table] = (rows, complete)
    finally:
        connection.close()
    return found


# --- the three ways to start ------------------------------------------------------------------


def _open_writable(path: Path, backups: Path) -> Store:
    store = Store.open(path)
    store.backup_folder = backups
    return store


def _start_fresh(path: Path, backups: Path, seed: Path) -> StartedStore:
    if any(Path(f"{path}{side}").exists() for side in SIDE_FILES):
        # The store was deleted by hand but its -wal stayed: it must not meet the seed.
        set_aside(path)
    notices: list[str] = []
    seeded = False
    if seed.exists():
        seeded = install_seed(seed, path)
    else:
        notices.append(
            f"The bundled content ({seed}) is missing, so msguide starts empty; "
            "sync or import a feed, or reinstall msguide."
        )
    return StartedStore(_open_writable(path, backups), notices, seeded)


def _repair(path: Path, backups: Path, seed: Path, problem: str) -> StartedStore:
    log.warning("the store %s is damaged (%s); restoring it", path, problem)
    try:
        aside = set_aside(path)
    except OSError as error:
        # Another program holds the file open (Windows refuses to move it): show a copy.
        log.warning("could not move the damaged store %s aside: %s", path, error)
        return _show_copy_read_only(
            path,
            backups,
            seed,
            why=f"msguide found its content store damaged but could not set it aside ({path})",
            advice="close every msguide window and start it again to repair it",
        )
    restored = _restore(path, backups, seed)
    store = _open_writable(path, backups)
    try:
        state = _recover_user_state(
            store, aside, backups, restored_from_backup=restored not in (None, seed)
        )
    except BaseException:
        store.close()
        raise
    where = f"set aside in {aside.parent}"
    if restored is None:
        return StartedStore(
            store,
            [
                f"msguide found its content store damaged, {where}, and had no backup or "
                f"bundled content to put back, so it starts empty ({state}); sync or import "
                "a feed to fill it."
            ],
        )
    if restored == seed:
        what = "the bundled content"
    else:
        what = f"the backup from {backup.made_at(restored)}"
    # Plainly: what is shown now may be older than what the person last saw.
    back = "so your content went back to an earlier revision (sync to get the latest updates)"
    found = f"msguide found its content store damaged, {where}, and restored {what}"
    return StartedStore(
        store,
        [f"{found}, {back}; {state}."],
        seeded=restored == seed,
    )


def _restore(path: Path, backups: Path, seed: Path) -> Path | None:
    """Put the newest good backup (else the seed) at `path`; returns what was used."""
    for candidate in backup.backups(backups):
        try:
            if check_store(candidate, mode="ro") is not None:
                continue
            _copy_into_place(candidate, path)
        except (StorageError, OSError) as error:
            log.warning("could not restore the backup %s: %s", candidate, error)
            continue
        return candidate
    if seed.exists() and install_seed(seed, path):
        return seed
    return None


def _copy_into_place(source: Path, path: Path) -> None:
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".restore-", suffix=".sqlite")
    os.close(handle)
    try:
        shutil.copyfile(source, temporary)
        with open(temporary, "rb+") as copied:
            os.fsync(copied.fileno())
        os.replace(temporary, path)
    finally:
        if os.path.exists(temporary):
            os.unlink(temporary)


def _recover_user_state(
    store: Store, aside: Path, backups: Path, *, restored_from_backup: bool
) -> str:
    """Copy favourites, read marks and recent views back; returns how it went, in words."""
    damaged = read_user_state(aside)
    fallback: dict[str, UserRows] = {}
    if not restored_from_backup:
        # The restored store holds no state of its own: take the newest backup that reads.
        for table, (_rows, complete) in damaged.items():
            if not complete:
                fallback[table] = _newest_readable(backups, table)
    with store.write() as session:
        connection = session.connection()
        for table, columns in USER_TABLES.items():
            rows, complete = damaged[table]
            if complete:
                # The damaged file read in full is the truth, removals included.
                connection.exec_driver_sql(f"DELETE FROM {table}")
            rows = fallback.get(table, []) + rows
            if rows:
                connection.exec_driver_sql(
                    f"INSERT INTO {table} ({', '.join(columns)}) VALUES (?,?,?) "
                    f"ON CONFLICT (source_id, item_id) DO UPDATE SET {columns[2]} = "
                    f"max({columns[2]}, excluded.{columns[2]})",
                    rows,
                )
        connection.exec_driver_sql(
            "DELETE FROM recent_views WHERE rowid NOT IN (SELECT rowid FROM recent_views "
            "ORDER BY viewed_at DESC LIMIT ?)",
            (RECENT_LIMIT,),
        )
    if all(complete for _rows, complete in damaged.values()):
        return "your favourites and reading history were kept"
    if any(rows for rows, _complete in damaged.values()) or any(fallback.values()):
        return "your favourites and reading history were recovered as far as they could be read"
    if restored_from_backup:
        return "your favourites and reading history are as they were at that backup"
    return "your favourites and reading history could not be recovered"


def _newest_readable(backups: Path, table: str) -> UserRows:
    for candidate in backup.backups(backups):
        rows, complete = read_user_state(candidate)[table]
        if complete:
            return rows
    return []


def _start_read_only(path: Path, backups: Path, seed: Path, *, asked: bool) -> StartedStore:
    folder = path.parent
    if asked:
        why, advice = "msguide", ""
    else:
        why = f"msguide cannot write to its data folder ({folder})"
        advice = "ask IT to let you write there to get updates and keep favourites"
    if path.exists():
        mode = read_only_mode(path)
        try:
            problem = check_store(path, mode=mode)
        except StorageError as error:
            problem = error.message
        if problem is None:
            store = Store.open(path, read_only=True, immutable=mode == "immutable")
            notices = [] if asked else [f"{why}, so it shows your content read-only; {advice}."]
            return StartedStore(store, notices)
        why = (
            f"{why} found its content store damaged" if asked else f"{why} and its store is damaged"
        )
    elif asked:
        why = "msguide has no content store yet"
    return _show_copy_read_only(path, backups, seed, why=why, advice=advice)


def _show_copy_read_only(
    path: Path, backups: Path, seed: Path, *, why: str, advice: str
) -> StartedStore:
    """Open the newest good backup, else the seed, read-only, in place of the store."""
    tail = f"; {advice}." if advice else "."
    for candidate in backup.backups(backups):
        try:
            if check_store(candidate, mode="immutable") is not None:
                continue
            store = Store.open(candidate, read_only=True, immutable=True)
        except StorageError:
            continue
        shown = f"the backup from {backup.made_at(candidate)}"
        return StartedStore(store, [f"{why}, so it shows {shown} read-only{tail}"])
    if seed.exists():
        store = Store.open(seed, read_only=True, immutable=True)
        return StartedStore(store, [f"{why}, so it shows the bundled content read-only{tail}"])
    raise StorageError(
        f"{why} and there is no backup or bundled content to show instead ({path}); "
        "reinstall msguide or ask IT for help"
    )


def read_only_mode(path: Path) -> Mode:
    """How to read a store msguide may not write.

    Plain read-only needs a -shm file for a WAL store; where none exists and none can be made
    (a folder that cannot be written), `immutable` is the only way in (committed changes still
    in a -wal are then not seen).
    """
    if can_write_folder(path.parent):
        return "ro"
    if Path(f"{path}-wal").exists() and Path(f"{path}-shm").exists():
        return "ro"
    return "immutable"


def _connect(path: Path, mode: Mode) -> sqlite3.Connection:
    """A plain connection for checks; "ro" and "immutable" never change the database file."""
    timeout = BUSY_TIMEOUT_MS / 1000
    if mode == "rw":
        connection = sqlite3.connect(path, timeout=timeout)
    else:
        flags = "mode=ro&immutable=1" if mode == "immutable" else "mode=ro"
        uri = f"file:{sqlite_uri_path(path)}?{flags}"
        connection = sqlite3.connect(uri, uri=True, timeout=timeout)
    # A damaged file's text (even quick_check's report, which quotes damaged names) may not
    # be UTF-8: it is read as U+FFFD, so the check reports damage instead of failing itself.
    connection.text_factory = lenient_text
    return connection
