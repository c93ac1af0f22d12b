"""Where a store file physically lives: local disk or a network share."""

from __future__ import annotations

import os
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
        target = os.path.realpath(path if path.exists() else path.parent)
        best, kind = "", ""
        with open("/proc/self/mounts", encoding="utf-8") as mounts:
            for line in mounts:
                parts = line.split()
                if len(parts) >= 3:
                    point = parts[1].replace("\\040", " ")
                    if (target == point or target.startswith(point.rstrip("/") + "/")) and len(
                        point
                    ) >= len(best):
                        best, kind = point, parts[2]
        return kind
    except OSError:
        return ""
