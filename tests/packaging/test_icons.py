"""The app icon: rendered reproducibly from the SVG, and an .ico Windows and Qt can read."""

from __future__ import annotations

import struct
import subprocess
import sys
from pathlib import Path

import pytest
from frozen_app import PROJECT, load_script
from PySide6.QtGui import QImage, QImageReader
from PySide6.QtWidgets import QApplication

ASSETS = PROJECT / "assets"
icons = load_script("make_icons")


def render(output: Path) -> None:
    # A fresh process: the script makes its own QGuiApplication, which must not be this one.
    subprocess.run(
        [sys.executable, str(PROJECT / "scripts" / "make_icons.py"), "--output", str(output)],
        check=True,
        capture_output=True,
        timeout=60,
    )


def pixels(path: Path) -> tuple[int, int, bytes]:
    image = QImage(str(path)).convertToFormat(QImage.Format.Format_ARGB32)
    return image.width(), image.height(), bytes(image.constBits())


def test_rendering_is_reproducible_and_the_committed_files_are_current(
    tmp_path: Path, qapp: QApplication
) -> None:
    render(tmp_path / "a")
    render(tmp_path / "b")
    names = sorted(p.name for p in (tmp_path / "a").iterdir())
    assert names == sorted(p.name for p in ASSETS.iterdir() if p.suffix in (".png", ".ico"))
    for name in names:
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()
    for size in icons.PNG_SIZES:
        name = f"msguide-{size}.png"
        width, height, fresh = pixels(tmp_path / "a" / name)
        assert (width, height) == (size, size)
        committed = pixels(ASSETS / name)
        assert committed[:2] == (size, size)
        # Another Qt release may anti-alias a little differently; a changed SVG differs a lot.
        worst = max(abs(x - y) for x, y in zip(fresh, committed[2], strict=True))
        assert worst <= 24, f"{name} is out of date: run scripts/make_icons.py and commit it"


def test_the_ico_holds_a_png_for_every_size_windows_asks_for(qapp: QApplication) -> None:
    data = (ASSETS / "msguide.ico").read_bytes()
    reserved, kind, count = struct.unpack_from("<HHH", data)
    assert (reserved, kind, count) == (0, 1, len(icons.ICO_SIZES))
    end = 6 + 16 * count
    for index, size in enumerate(icons.ICO_SIZES):
        width, height, _, _, planes, bits, length, offset = struct.unpack_from(
            "<BBBBHHII", data, 6 + 16 * index
        )
        assert (width or 256, height or 256, planes, bits) == (size, size, 1, 32)
        assert offset == end and data[offset : offset + 8] == b"\x89PNG\r\n\x1a\n"
        end += length
    assert end == len(data)
    reader = QImageReader(str(ASSETS / "msguide.ico"))
    assert reader.imageCount() == count
    read = []
    for index in range(count):
        reader.jumpToImage(index)
        image = reader.read()
        read.append(image.width())
    assert read == list(icons.ICO_SIZES)


def test_ico_sizes_outside_what_the_format_can_say_are_refused() -> None:
    assert icons.ico_bytes([(256, b"png")])[6] == 0  # 256 is written as 0
    with pytest.raises(ValueError, match="1 to 256"):
        icons.ico_bytes([(512, b"png")])
