"""Runs the real msguide app (msguide.ui.app.run, as `msguide-gui` does) and lets a test look
inside it: tests/displaykit.py starts this file as a subprocess on a real X display.

Protocol (stdout lines starting with "@@"; everything else on stdout/stderr is the app's own):
- `@@ready {json}` once the window has settled after start-up (first results painted, deferred
  start-up work run), with the window's layout (see `layout()`).
- Each stdin line is JSON `{"exec": "python code"}`: the code runs on the GUI thread with
  `window`, `app`, `layout`, `QtCore`, `QtGui`, `QtWidgets` in scope; whatever it assigns to
  `result` comes back as `@@{"ok": true, "result": ...}` (JSON), an exception as
  `@@{"ok": false, "error": "traceback"}`.

MSGUIDE_TEST_SETTINGS (JSON object) is written to the user's settings before the app starts,
as a person would have set them (for example {"ui.zoom_percent": 200}).
"""

from __future__ import annotations

import json
import os
import sys
import traceback
from typing import Any

from PySide6 import QtCore, QtGui, QtWidgets
from PySide6.QtCore import QSocketNotifier, QTimer
from PySide6.QtWidgets import QApplication, QWidget

from msguide.ui import app as msguide_app
from msguide.ui.main_window import MainWindow


def send(line: str) -> None:
    sys.stdout.write(f"@@{line}\n")
    sys.stdout.flush()


def rect(widget: QWidget) -> list[int]:
    """The widget's rectangle in global logical coordinates."""
    top_left = widget.mapToGlobal(QtCore.QPoint(0, 0))
    return [top_left.x(), top_left.y(), widget.width(), widget.height()]


def layout(window: MainWindow) -> dict[str, Any]:
    """What a geometry test needs: the window, its screen, and every named visible widget."""
    screen = window.screen()
    available = screen.availableGeometry()
    frame = window.frameGeometry()
    widgets = {
        child.objectName(): {"rect": rect(child), "visible": child.isVisible()}
        for child in window.findChildren(QWidget)
        if child.objectName() and not child.objectName().startswith("qt_")
    }
    return {
        "win_id": int(window.winId()),
        "title": window.windowTitle(),
        "frame": [frame.x(), frame.y(), frame.width(), frame.height()],
        "geometry": rect(window),
        "minimum": [window.minimumSizeHint().width(), window.minimumSizeHint().height()],
        "available": [available.x(), available.y(), available.width(), available.height()],
        "device_pixel_ratio": screen.devicePixelRatio(),
        "zoom": window.zoom,
        "widgets": widgets,
    }


class Driver:
    def __init__(self, app: QApplication) -> None:
        self.app = app
        self.window: MainWindow | None = None
        self.buffer = b""
        self.notifier = QSocketNotifier(sys.stdin.fileno(), QSocketNotifier.Type.Read)
        self.notifier.activated.connect(self._read)

    def find_window(self) -> None:
        windows = [w for w in self.app.topLevelWidgets() if isinstance(w, MainWindow)]
        if not windows:
            QTimer.singleShot(20, self.find_window)
            return
        self.window = windows[0]
        if self.window.settled:
            self._settled()
        else:
            self.window.startupSettled.connect(self._settled)

    def _settled(self) -> None:
        # A moment for the window manager to place and frame the window.
        QTimer.singleShot(300, lambda: send("ready " + json.dumps(layout(self._window()))))

    def _window(self) -> MainWindow:
        assert self.window is not None
        return self.window

    def _read(self) -> None:
        chunk = os.read(sys.stdin.fileno(), 65536)
        if not chunk:  # the test went away: end the app too
            self.notifier.setEnabled(False)
            self.app.quit()
            return
        self.buffer += chunk
        while b"\n" in self.buffer:
            line, self.buffer = self.buffer.split(b"\n", 1)
            if line.strip():
                self._run(json.loads(line)["exec"])

    def _run(self, code: str) -> None:
        scope: dict[str, Any] = {
            "window": self.window,
            "app": self.app,
            "layout": lambda: layout(self._window()),
            "QtCore": QtCore,
            "QtGui": QtGui,
            "QtWidgets": QtWidgets,
            "result": None,
        }
        try:
            exec(code, scope)  # test code only: this file is never part of the app
            send(json.dumps({"ok": True, "result": scope["result"]}))
        except Exception:
            send(json.dumps({"ok": False, "error": traceback.format_exc()}))


def apply_settings() -> None:
    wanted = json.loads(os.environ.get("MSGUIDE_TEST_SETTINGS", "{}"))
    if wanted:
        settings = msguide_app.load_settings()
        for name, value in wanted.items():
            settings.set(name, value)
        settings.save()


def main() -> int:
    apply_settings()
    app = msguide_app.application(["msguide"])
    driver = Driver(app)
    QTimer.singleShot(0, driver.find_window)  # runs once run() below has built the window
    return msguide_app.run(["msguide"])


if __name__ == "__main__":
    sys.exit(main())
