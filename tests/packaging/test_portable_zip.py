"""The portable zip: the whole bundle plus a `portable` marker, reproducible, and it works."""

from __future__ import annotations

import os
import shutil
import stat
import zipfile
from pathlib import Path

import pytest
from frozen_app import isolated_env, load_script, run_frozen

portable = load_script("make_portable_zip")


@pytest.fixture
def dist(tmp_path: Path, bundle: Path) -> Path:
    """A folder laid out like PyInstaller's dist/msguide, with a stale marker to be ignored."""
    folder = tmp_path / "dist" / "msguide"
    shutil.copytree(bundle, folder / "_internal")
    program = folder / "msguide"
    program.write_bytes(b"#!/bin/sh\n")
    program.chmod(0o755)
    (folder / "portable").write_text("left over from a test run")
    lib = folder / "_internal" / "PySide6" / "Qt" / "lib" / "libQt6Core.so.6"
    lib.parent.mkdir(parents=True)
    lib.write_bytes(b"\x7fELF")
    if os.name != "nt":
        (folder / "_internal" / "libQt6Core.so.6").symlink_to("PySide6/Qt/lib/libQt6Core.so.6")
    return folder


def test_the_zip_holds_the_bundle_the_marker_and_modes(dist: Path, tmp_path: Path) -> None:
    output = tmp_path / "out" / "msguide-portable.zip"
    count = portable.make_portable_zip(dist, output)
    with zipfile.ZipFile(output) as archive:
        infos = {info.filename: info for info in archive.infolist()}
        names = [info.filename for info in archive.infolist()]
        assert len(names) == count == len(set(names))
        assert all(name.startswith("msguide/") for name in names)
        assert names.count("msguide/portable") == 1
        assert archive.read("msguide/portable").decode() == portable.MARKER_TEXT
        assert "msguide/_internal/data/seed.sqlite" in infos
        assert archive.testzip() is None
        assert stat.S_IMODE(infos["msguide/msguide"].external_attr >> 16) == 0o755
        if os.name != "nt":
            link = infos["msguide/_internal/libQt6Core.so.6"]
            assert stat.S_ISLNK(link.external_attr >> 16)
            assert archive.read(link) == b"PySide6/Qt/lib/libQt6Core.so.6"
    assert not list(output.parent.glob(".*.tmp"))


def test_the_same_bundle_gives_the_same_zip(dist: Path, tmp_path: Path) -> None:
    first, second = tmp_path / "first.zip", tmp_path / "second.zip"
    portable.make_portable_zip(dist, first)
    os.utime(dist / "_internal" / "data" / "seed.sqlite", (1_000_000_000, 1_000_000_000))
    portable.make_portable_zip(dist, second)
    assert first.read_bytes() == second.read_bytes()


def test_unzipped_it_keeps_its_data_beside_the_program(dist: Path, tmp_path: Path) -> None:
    output = tmp_path / "stick.zip"
    portable.make_portable_zip(dist, output)
    stick = tmp_path / "usb"
    with zipfile.ZipFile(output) as archive:
        archive.extractall(stick)
    app = stick / "msguide"
    env = isolated_env(tmp_path)
    del env["MSGUIDE_HOME"]
    done = run_frozen(app / "_internal", app / "msguide", ["--self-test"], env)
    assert done.returncode == 0, done.stdout + done.stderr
    assert f"data folder: {app / 'data'} (portable)" in done.stdout


def test_it_refuses_a_folder_without_a_program(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    with pytest.raises(SystemExit, match="holds no msguide program"):
        portable.make_portable_zip(tmp_path / "empty", tmp_path / "x.zip")


def test_it_refuses_to_write_the_zip_inside_the_bundle(dist: Path) -> None:
    with pytest.raises(SystemExit, match="would contain itself"):
        portable.make_portable_zip(dist, dist / "msguide.zip")
