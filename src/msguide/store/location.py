"""Where a store file physically lives: local disk or a network share."""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path

_NETWORK_FILESYSTEMS = frozenset(
    {
        "nfs",
        "nfs4",
        "cifs",
        "smb",
        "smb2",
        "smb3",
        "smbfs",
        "sshfs",
        "fuse.sshfs",
        "9p",
        "afs",
        "ncpfs",
        "fuse.rclone",
        "davfs",
        "fuse.davfs2",
        "glusterfs",
        "ceph",
    }
)

# Tests set this to pretend the data folder is on a share (checklist item 17).
FAKE_REMOTE_ENV = "MSGUIDE_FAKE_REMOTE_STORE"


def is_network_path(path: Path) -> bool:
    """True when `path` is on a network file system, where SQLite's WAL mode is unsafe."""
    return network_reason(path) is not None


def network_reason(path: Path) -> str | None:
    """Why `path` counts as a network location, in words; None for a local disk."""
    if os.environ.get(FAKE_REMOTE_ENV) == "1":
        return f"{FAKE_REMOTE_ENV}=1 says to treat it as a network share"
    text = str(path)
    if text.startswith(("\\\\", "//")):
        return "it is on a network share (UNC path)"
    if sys.platform == "win32":
        return "it is on a network drive" if _windows_drive_is_remote(path) else None
    kind = _mount_type(path)
    return network_kind_reason(kind)


def network_kind_reason(kind: str) -> str | None:
    """Why a file system of type `kind` (as a mount table names it) counts as a share."""
    return f"it is on a network file system ({kind})" if kind in _NETWORK_FILESYSTEMS else None


def journal_choice(path: Path) -> tuple[str, str]:
    """The journal mode msguide uses for a store at `path`, and why (for diagnostics)."""
    reason = network_reason(path)
    if reason is not None:
        return "DELETE", (
            f"rollback journal because {reason}: SQLite's write-ahead log needs shared memory "
            "that network file systems do not provide (sqlite.org/wal.html)"
        )
    return "WAL", "write-ahead log because the store is on a local disk: reading never waits"


def _windows_drive_is_remote(path: Path) -> bool:  # pragma: no cover - Windows only
    import ctypes

    drive = os.path.splitdrive(os.path.abspath(path))[0]
    if not drive:
        return False
    drive_remote = 4
    kernel32 = ctypes.windll.kernel32  # type: ignore[attr-defined,unused-ignore]
    return bool(kernel32.GetDriveTypeW(drive + "\\") == drive_remote)


def _mount_type(path: Path) -> str:
    try:
        with open("/proc/self/mounts", encoding="utf-8", errors="replace") as mounts:
            return mount_type(path, mounts.read())
    except OSError:
        return ""


_OCTAL_ESCAPE = re.compile(r"\\([0-7]{3})")


def mount_type(path: Path, mounts: str) -> str:
    """The file system type of the mount that holds `path`, from the text of a mount table.

    `mounts` is in /proc/self/mounts (fstab) format: the longest mount point containing the
    resolved path wins, and the kernel's octal escapes (`\\040` for a space) are undone. The
    path need not exist yet (a first start): its folders decide, symbolic links resolved.
    """
    target = os.path.realpath(path)
    best, kind = "", ""
    for line in mounts.splitlines():
        parts = line.split()
        if len(parts) < 3:
            continue
        point = _OCTAL_ESCAPE.sub(lambda m: chr(int(m.group(1), 8)), parts[1])
        inside = target == point or target.startswith(point.rstrip("/") + "/")
        if inside and len(point) >= len(best):
            best, kind = point, parts[2]
    return kind
