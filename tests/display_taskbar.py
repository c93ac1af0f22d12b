"""A stand-in taskbar for the test display: a dark strip along the bottom of the screen that
reserves its height with _NET_WM_STRUT_PARTIAL, so the window manager's usable area (and Qt's
QScreen.availableGeometry) excludes it, as on a laptop with a taskbar.

Run by tests/displaykit.py as `python display_taskbar.py HEIGHT` on the test display. Qt makes
the X window (unmapped) and xprop marks it as a dock before it is mapped: openbox reads the
window type when it starts managing a window.
"""

from __future__ import annotations

import subprocess
import sys

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication, QWidget


def main() -> int:
    height = int(sys.argv[1])
    app = QApplication(sys.argv[:1])
    strip = QWidget(None, Qt.WindowType.FramelessWindowHint)
    palette = strip.palette()
    palette.setColor(QPalette.ColorRole.Window, QColor("#2b2f36"))
    strip.setPalette(palette)
    strip.setAutoFillBackground(True)
    screen = app.primaryScreen().geometry()
    strip.setGeometry(0, screen.height() - height, screen.width(), height)
    window_id = str(int(strip.winId()))
    for name, kind, value in (
        ("_NET_WM_WINDOW_TYPE", "32a", "_NET_WM_WINDOW_TYPE_DOCK"),
        # left, right, top, bottom, then start/end pairs: the bottom edge spans the screen.
        (
            "_NET_WM_STRUT_PARTIAL",
            "32c",
            f"0,0,0,{height},0,0,0,0,0,0,0,{screen.width() - 1}",
        ),
        ("_NET_WM_STRUT", "32c", f"0,0,0,{height}"),
    ):
        command = ["xprop", "-id", window_id, "-f", name, kind, "-set", name, value]
        subprocess.run(command, check=True)
    strip.show()
    print("ready", flush=True)
    return app.exec()


if __name__ == "__main__":
    sys.exit(main())
