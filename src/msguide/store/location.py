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
    if os.environ.get(FAKE_REMOTE_ENV) == "1":
        return True
    text = str(path)
    if text.startswith(("\\\\", "//")):
        return True
    if sys.platform == "win32":
        return _windows_drive_is_remote(path)
    return _mount_type(path) in _NETWORK_FILESYSTEMS


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
