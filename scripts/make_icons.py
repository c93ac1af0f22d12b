"""Render assets/msguide.svg to the PNGs Linux uses and the .ico Windows uses, reproducibly.

    python scripts/make_icons.py [--svg assets/msguide.svg] [--output assets]

Renders with QtSvg (part of PySide6-Essentials), so no imaging library is needed; the .ico is
written here as PNG-in-ICO entries (Windows Vista and later read them at every size). Run it
again after editing the SVG and commit the results: same SVG and Qt, same bytes.
"""

from __future__ import annotations

import argparse
import os
import struct
import sys
from collections.abc import Sequence
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[1]
PNG_SIZES = (16, 24, 32, 48, 64, 128, 256)  # the hicolor icon theme's usual sizes
ICO_SIZES = (16, 24, 32, 48, 64, 256)  # what Explorer, the taskbar and installers ask for
ICO_HEADER = struct.Struct("<HHH")  # reserved, type (1 = icon), number of images
ICO_ENTRY = struct.Struct(
    "<BBBBHHII"
)  # width, height, colours, reserved, planes, bpp, size, offset


def render_png(svg: Path, size: int) -> bytes:
    """The SVG drawn on a transparent square of `size` pixels, as PNG bytes."""
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice, Qt
    from PySide6.QtGui import QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    renderer = QSvgRenderer(str(svg))
    if not renderer.isValid():
        raise SystemExit(f"{svg} is not an SVG that Qt can draw; check it in a browser first.")
    image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    renderer.render(painter)
    painter.end()
    # PNG stores straight (not premultiplied) alpha.
    image = image.convertToFormat(QImage.Format.Format_ARGB32)
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    if not image.save(buffer, "PNG"):
        raise SystemExit("Qt could not write a PNG; is its imageformats support installed?")
    buffer.close()
    return bytes(data.data())


def ico_bytes(images: Sequence[tuple[int, bytes]]) -> bytes:
    """An .ico file holding each (size, PNG bytes) image; 256 is written as 0, as ICO requires."""
    offset = ICO_HEADER.size + ICO_ENTRY.size * len(images)
    entries = []
    for size, png in images:
        if not 1 <= size <= 256:
            raise ValueError(f"an icon image must be 1 to 256 pixels wide, not {size}")
        side = size % 256
        entries.append(ICO_ENTRY.pack(side, side, 0, 0, 1, 32, len(png), offset))
        offset += len(png)
    return (
        ICO_HEADER.pack(0, 1, len(images)) + b"".join(entries) + b"".join(png for _, png in images)
    )


def make_icons(svg: Path, output: Path) -> list[Path]:
    """Write msguide-SIZE.png for every PNG size and msguide.ico; return the files written."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtGui import QGuiApplication

    _app = QGuiApplication.instance() or QGuiApplication(sys.argv[:1])
    output.mkdir(parents=True, exist_ok=True)
    rendered = {size: render_png(svg, size) for size in sorted({*PNG_SIZES, *ICO_SIZES})}
    written = []
    for size in PNG_SIZES:
        path = output / f"msguide-{size}.png"
        path.write_bytes(rendered[size])
        written.append(path)
    ico = output / "msguide.ico"
    ico.write_bytes(ico_bytes([(size, rendered[size]) for size in ICO_SIZES]))
    written.append(ico)
    return written


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--svg", type=Path, default=PROJECT / "assets" / "msguide.svg")
    parser.add_argument("--output", type=Path, default=PROJECT / "assets")
    args = parser.parse_args(argv)
    for path in make_icons(args.svg, args.output):
        print(f"wrote {path} ({path.stat().st_size:,} bytes)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
