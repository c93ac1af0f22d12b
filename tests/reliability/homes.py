"""Helpers for tests about the user's home: a lived-in store, folders that cannot be written."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from storecheck import Content, revision

from feedmaker import feed_document, item, to_bytes
from msguide.paths import Locations
from msguide.store.db import sqlite_uri_path

OLD, NEW = revision(30, 1), revision(30, 2)


# .ci/run sets this: a read-only test that cannot make anything read-only fails, not skips.
REQUIRE_READ_ONLY = "MSGUIDE_REQUIRE_READ_ONLY"


@contextmanager
def unwritable(*paths: Path) -> Iterator[None]:
    """Make folders and files unwritable for this process, even when it runs as root.

    chmod does not stop root, so as root the immutable attribute is used (chattr +i, which
    root cannot write through either) or, where the file system has no such attribute (an
    overlay in a container), a read-only bind mount of the path over itself. When neither
    works the test is skipped, never passed blindly, and fails under MSGUIDE_REQUIRE_READ_ONLY.
    """
    as_root = hasattr(os, "geteuid") and os.geteuid() == 0
    undo: list[Callable[[], None]] = []
    try:
        for path in paths:
            if as_root:
                undo.append(root_read_only(path))
            else:
                mode = path.stat().st_mode
                path.chmod(0o555 if path.is_dir() else 0o444)
                undo.append(lambda path=path, mode=mode: path.chmod(mode))  # type: ignore[misc]
        yield
    finally:
        for step in reversed(undo):
            step()


def root_read_only(path: Path) -> Callable[[], None]:
    """Make `path` read-only for root; returns how to undo it."""
    tried = []
    if shutil.which("chattr") is not None:
        done = subprocess.run(["chattr", "+i", str(path)], capture_output=True, check=False)
        if done.returncode == 0:
            return lambda: subprocess.run(["chattr", "-i", str(path)], check=True)
        tried.append(f"chattr +i: {done.stderr.decode().strip()}")
    if shutil.which("mount") is not None:
        bound = subprocess.run(
            ["mount", "--bind", str(path), str(path)], capture_output=True, check=False
        )
        if bound.returncode == 0:
            remounted = subprocess.run(
                ["mount", "-o", "remount,ro,bind", str(path)], capture_output=True, check=False
            )
            if remounted.returncode == 0:
                return lambda: subprocess.run(["umount", str(path)], check=True)
            subprocess.run(["umount", str(path)], check=True)
            tried.append(f"read-only bind mount: {remounted.stderr.decode().strip()}")
        else:
            tried.append(f"bind mount: {bound.stderr.decode().strip()}")
    reason = "running as root, and nothing here makes a path read-only for root: " + (
        "; ".join(tried) or "neither chattr nor mount is installed"
    )
    if os.environ.get(REQUIRE_READ_ONLY) == "1":
        pytest.fail(f"{REQUIRE_READ_ONLY}=1 and {reason}")
    pytest.skip(reason)


@dataclass(frozen=True)
class LivedIn:
    """A user's home after some use: the seed, two imports, favourites and reading history.

    Backups: [0] is the state before NEW (the seed plus OLD, favourites a and b), [1] the
    state before OLD (the seed alone). Favourite c, a read mark and a view came after both.
    """

    where: Locations
    seed: Path
    seed_content: Content
    old_content: Content
    new_content: Content

    @property
    def store(self) -> Path:
        return self.where.store


SEED_RAW = to_bytes(
    feed_document(
        source_id="seed-source", items=[item("seed-1", "Seed guidance"), item("seed-2", "Seed")]
    )
)


def favourites(path: Path) -> set[tuple[str, str]]:
    connection = sqlite3.connect(f"file:{sqlite_uri_path(path)}?mode=ro", uri=True)
    try:
        return set(connection.execute("SELECT source_id, item_id FROM favourites"))
    finally:
        connection.close()


# --- ways a store file gets damaged -------------------------------------------------------


def page_size(path: Path) -> int:
    with path.open("rb") as handle:
        handle.seek(16)
        size = int.from_bytes(handle.read(2), "big")
    return 65536 if size == 1 else size


def garbage_over_page_2(path: Path) -> None:
    size = page_size(path)
    with path.open("r+b") as handle:
        handle.seek(size)
        handle.write(bytes((n * 37 + 11) % 256 for n in range(size)))


def truncated_to_half(path: Path) -> None:
    os.truncate(path, path.stat().st_size // 2 // page_size(path) * page_size(path) + 100)


def truncated_to_nothing(path: Path) -> None:
    os.truncate(path, 0)


def not_a_database(path: Path) -> None:
    path.write_text("<html>this is what a broken sync tool left behind</html>\n" * 200)


def header_overwritten(path: Path) -> None:
    with path.open("r+b") as handle:
        handle.write(b"\x00" * 100)


def quick_check_text_not_utf8(path: Path) -> None:
    """A damaged schema whose name bytes are not UTF-8, so quick_check's own report is not
    either (the random-damage property test found such a store on a fresh clone)."""
    connection = sqlite3.connect(path, isolation_level=None)
    try:
        connection.execute("CREATE TABLE damage_zzqq(a NOT NULL)")
        connection.execute("INSERT INTO damage_zzqq VALUES (1)")
        connection.execute("PRAGMA writable_schema = ON")
        connection.execute(
            "UPDATE sqlite_master SET sql = 'CREATE TABLE damage_zzqq(a NOT NULL, zzqr NOT NULL)' "
            "WHERE name = 'damage_zzqq'"
        )
        connection.execute("PRAGMA writable_schema = OFF")
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        connection.close()
    path.write_bytes(path.read_bytes().replace(b"zzqr", b"z\xff\xfeq"))


def another_programs_database(path: Path) -> None:
    """A sync tool put someone else's SQLite file there; it even has a table called items."""
    path.unlink()
    for side in ("-wal", "-shm"):
        Path(f"{path}{side}").unlink(missing_ok=True)
    connection = sqlite3.connect(path)
    connection.execute("CREATE TABLE items(name TEXT, price REAL)")
    connection.execute("INSERT INTO items VALUES ('tea', 1.5)")
    connection.commit()
    connection.close()


def a_folder_in_its_place(path: Path) -> None:
    """A folder where the store file belongs (a sync tool or a mistaken copy made it)."""
    path.unlink()
    for side in ("-wal", "-shm"):
        Path(f"{path}{side}").unlink(missing_ok=True)
    path.mkdir()
    (path / "note.txt").write_text("not a store")


def schema_error_not_utf8(path: Path) -> None:
    """A damaged schema entry whose name is not UTF-8: SQLite's error message quotes it, and
    Python's sqlite3 raised UnicodeDecodeError instead of an error (found by the random-damage
    property test with one byte 0x80 written into the store)."""
    connection = sqlite3.connect(path, isolation_level=None)
    try:
        connection.execute("CREATE TABLE damage_zzqq(a)")
        connection.execute("PRAGMA writable_schema = ON")
        connection.execute(
            "UPDATE sqlite_master SET sql = 'CREATE TABLE damage_zzqq(a' WHERE name = 'damage_zzqq'"
        )
        connection.execute("PRAGMA writable_schema = OFF")
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        connection.close()
    path.write_bytes(path.read_bytes().replace(b"damage_zzqq", b"damage_\x80zqq"))


Damage = Callable[[Path], None]
UNREADABLE: list[Damage] = [
    truncated_to_nothing,
    not_a_database,
    header_overwritten,
    another_programs_database,
]


def one_sentence(notices: list[str]) -> str:
    [notice] = notices
    assert notice.endswith(".") and ". " not in notice and "\n" not in notice
    return notice
