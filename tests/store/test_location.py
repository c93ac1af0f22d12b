"""Network-share detection from real mount tables: the parser msguide runs, not the test hook.

`mount_type` reads the text of /proc/self/mounts; these tables are what the kernel writes for
each kind of share. MSGUIDE_FAKE_REMOTE_STORE stays for the integration tests only.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from msguide.store.location import mount_type, network_kind_reason

LOCAL = "/dev/sda1 / ext4 rw,relatime 0 0\ntmpfs /tmp tmpfs rw,nosuid,nodev 0 0\n"


def table(point: str, kind: str, source: str = "server:/export") -> str:
    return LOCAL + f"{source} {point} {kind} rw,relatime 0 0\n"


@pytest.mark.parametrize(
    ("kind", "source"),
    [
        ("nfs4", "fileserver:/home"),
        ("nfs", "fileserver:/home"),
        ("cifs", "//fileserver/users"),
        ("smb3", "//fileserver/users"),
        ("fuse.sshfs", "worker@fileserver:"),
        ("9p", "drvfs"),  # WSL's view of a Windows drive
    ],
)
def test_a_store_on_a_share_is_detected_by_its_file_system(
    tmp_path: Path, kind: str, source: str
) -> None:
    share = os.path.realpath(tmp_path)
    found = mount_type(tmp_path / "msguide" / "msguide.sqlite", table(share, kind, source))
    assert found == kind
    assert network_kind_reason(found) == f"it is on a network file system ({kind})"


@pytest.mark.parametrize("kind", ["ext4", "tmpfs", "btrfs", "xfs", "overlay", "fuse.portal"])
def test_a_store_on_a_local_file_system_is_not_a_share(tmp_path: Path, kind: str) -> None:
    found = mount_type(tmp_path / "msguide.sqlite", table(os.path.realpath(tmp_path), kind))
    assert found == kind
    assert network_kind_reason(found) is None


def test_the_longest_mount_point_that_holds_the_path_decides() -> None:
    mounts = (
        "/dev/sdb1 /home/worker/local ext4 rw 0 0\n"  # listed first: order must not decide
        "/dev/sda1 / ext4 rw 0 0\n"
        "fileserver:/home /home nfs4 rw 0 0\n"
        "/dev/sdc1 /home/worker/local-other xfs rw 0 0\n"  # a longer name, not a parent
    )
    assert mount_type(Path("/home/worker/local/msguide.sqlite"), mounts) == "ext4"
    assert mount_type(Path("/home/worker/localfile"), mounts) == "nfs4"  # not /home/worker/local
    assert mount_type(Path("/home/other/msguide.sqlite"), mounts) == "nfs4"
    assert mount_type(Path("/home"), mounts) == "nfs4"
    assert mount_type(Path("/var/lib/msguide.sqlite"), mounts) == "ext4"


def test_a_later_mount_on_the_same_point_hides_the_earlier_one() -> None:
    mounts = "/dev/sda1 / ext4 rw 0 0\n/dev/sdb1 /srv ext4 rw 0 0\n//nas/srv /srv cifs rw 0 0\n"
    assert mount_type(Path("/srv/msguide.sqlite"), mounts) == "cifs"


def test_a_space_in_a_mount_point_is_read_from_its_octal_escape() -> None:
    # The kernel writes a space as \040 (and a tab as \011, a backslash as \134).
    mounts = (
        "/dev/sda1 / ext4 rw 0 0\n"
        "//nas/team /mnt/Team\\040Share cifs rw 0 0\n"
        "//nas/odd /mnt/back\\134slash\\011tab smb3 rw 0 0\n"
    )
    assert mount_type(Path("/mnt/Team Share/msguide/msguide.sqlite"), mounts) == "cifs"
    assert mount_type(Path("/mnt/Team/msguide.sqlite"), mounts) == "ext4"
    assert mount_type(Path("/mnt/back\\slash\ttab/msguide.sqlite"), mounts) == "smb3"


def test_a_path_that_does_not_exist_yet_is_judged_by_the_folders_above_it(
    tmp_path: Path,
) -> None:
    share = os.path.realpath(tmp_path / "share")
    missing = tmp_path / "share" / "not" / "made" / "yet" / "msguide.sqlite"
    assert not missing.parent.exists()
    assert mount_type(missing, table(share, "nfs4")) == "nfs4"


def test_a_symbolic_link_to_a_share_is_followed(tmp_path: Path) -> None:
    share = tmp_path / "share"
    share.mkdir()
    (tmp_path / "link").symlink_to(share)
    mounts = table(os.path.realpath(share), "cifs")
    assert mount_type(tmp_path / "link" / "msguide.sqlite", mounts) == "cifs"


def test_a_damaged_mount_table_reads_as_local() -> None:
    assert mount_type(Path("/srv/msguide.sqlite"), "garbage\n\n/dev/sda1\n") == ""
    assert network_kind_reason("") is None
