"""A real X display for tests that must see the window as a person does (issue 13).

`RealDisplay` starts Xvfb (a free display number from -displayfd) at 1366x768x24, the openbox
window manager, and a 40 px taskbar that reserves its strip (tests/display_taskbar.py), so the
usable area is 1366x728 as on a laptop. `RealDisplay.launch()` runs the real msguide app on it
as a subprocess (tests/display_driver.py) with its own environment (QT_SCALE_FACTOR, settings
such as a 200% text size), and `MsguideApp.run()` runs code inside it for what X cannot see.

What X sees comes from X: `frame()` is the window's frame as the window manager placed it
(client geometry from xwininfo plus _NET_FRAME_EXTENTS), `workarea()` the usable area openbox
publishes (_NET_WORKAREA), `screenshot()` the root window through ImageMagick's `import`.

Fixtures: `real_display` (function scope). Without the tools the tests skip, except where
MSGUIDE_REQUIRE_DISPLAY=1 (CI sets it in .ci/run): there they fail.
"""

from __future__ import annotations

import json
import os
import re
import select
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

HERE = Path(__file__).resolve().parent
SCREEN = (1366, 768)
TASKBAR_HEIGHT = 40
# Debian packages: xvfb, openbox, xdotool, imagemagick, x11-utils (xprop, xwininfo).
TOOLS = ("Xvfb", "openbox", "xdotool", "import", "xprop", "xwininfo")
START_TIMEOUT = 60.0


def missing_tools() -> list[str]:
    return [tool for tool in TOOLS if shutil.which(tool) is None]


def require_tools(missing: list[str], tests: str) -> None:
    """Skip a test whose tools are missing, or fail it where the display is required (CI)."""
    if not missing:
        return
    message = f"the {tests} tests need {', '.join(missing)} (see .ci/run)"
    if os.environ.get("MSGUIDE_REQUIRE_DISPLAY") == "1":
        pytest.fail(message)
    pytest.skip(message)


def require_display() -> None:
    require_tools(missing_tools(), "real-display")


@dataclass(frozen=True)
class Rect:
    x: int
    y: int
    width: int
    height: int

    @property
    def right(self) -> int:
        return self.x + self.width

    @property
    def bottom(self) -> int:
        return self.y + self.height

    def contains(self, other: Rect) -> bool:
        return (
            other.x >= self.x
            and other.y >= self.y
            and other.right <= self.right
            and other.bottom <= self.bottom
        )


def wait_for(condition: Any, what: str, timeout: float = START_TIMEOUT) -> Any:
    """`condition()` once it is true; fails the test after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise TimeoutError(f"timed out waiting for {what}")
        time.sleep(0.05)


def _stop(process: subprocess.Popen[Any]) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)


class RealDisplay:
    """Xvfb + openbox + a taskbar strip. Use as a context manager (or the fixture)."""

    def __init__(self, workdir: Path, taskbar: int = TASKBAR_HEIGHT) -> None:
        self.workdir = workdir
        self.taskbar = taskbar
        self.processes: list[subprocess.Popen[Any]] = []
        self.apps: list[MsguideApp] = []
        self.name = ""
        self.display_pipe: int | None = None

    # --- lifecycle ------------------------------------------------------------------------

    def __enter__(self) -> RealDisplay:
        try:
            self._start_server()
            self._start_window_manager()
            self._start_taskbar()
        except BaseException:
            self.close()
            raise
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def close(self) -> None:
        for app in reversed(self.apps):
            app.close()
        for process in reversed(self.processes):
            _stop(process)
        self.processes.clear()
        if self.display_pipe is not None:
            os.close(self.display_pipe)
            self.display_pipe = None

    def _spawn(self, args: list[str], log: str, **kwargs: Any) -> subprocess.Popen[Any]:
        with open(self.workdir / log, "wb") as output:
            process = subprocess.Popen(
                args, stdout=output, stderr=subprocess.STDOUT, start_new_session=True, **kwargs
            )
        self.processes.append(process)
        return process

    def _start_server(self) -> None:
        # The read end stays open while the server runs: Xvfb may write its number more
        # than once, and a write to a closed pipe is fatal to it.
        read_end, write_end = os.pipe()
        self.display_pipe = read_end
        width, height = SCREEN
        try:
            command = ["Xvfb", "-displayfd", str(write_end), "-screen", "0"]
            command += [f"{width}x{height}x24", "-nolisten", "tcp", "-noreset"]
            server = self._spawn(
                command,
                "xvfb.log",
                pass_fds=(write_end,),
            )
        finally:
            os.close(write_end)
        number = ""
        deadline = time.monotonic() + START_TIMEOUT
        while not number.endswith("\n") and time.monotonic() < deadline:
            ready, _, _ = select.select([read_end], [], [], 0.5)
            chunk = os.read(read_end, 64).decode() if ready else ""
            if ready and not chunk:
                break
            number += chunk
        number = number.strip()
        if not number.isdigit():
            log = (self.workdir / "xvfb.log").read_text(errors="replace")
            raise RuntimeError(f"Xvfb did not start (exit {server.poll()}): {log}")
        self.name = f":{number}"

    def _start_window_manager(self) -> None:
        # Openbox's own default configuration, whatever the user running the tests has.
        config = self.workdir / "xdg-config"
        config.mkdir(exist_ok=True)
        self._spawn(
            ["openbox", "--sm-disable"],
            "openbox.log",
            env=self.env(XDG_CONFIG_HOME=str(config)),
        )
        wait_for(
            lambda: "window id" in self.xprop_root("_NET_SUPPORTING_WM_CHECK"),
            "openbox to manage the display",
        )

    def _start_taskbar(self) -> None:
        if not self.taskbar:
            return
        self._spawn(
            [sys.executable, str(HERE / "display_taskbar.py"), str(self.taskbar)],
            "taskbar.log",
            env=self.env(QT_QPA_PLATFORM="xcb"),
        )
        usable = SCREEN[1] - self.taskbar
        wait_for(
            lambda: self.workarea().height == usable, f"the taskbar to reserve {self.taskbar} px"
        )

    # --- what X sees ----------------------------------------------------------------------

    def env(self, **extra: str) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("QT_")}
        env.update(DISPLAY=self.name, **extra)
        return env

    def x(self, *args: str) -> str:
        done = subprocess.run(
            list(args), capture_output=True, text=True, env=self.env(), timeout=30, check=False
        )
        if done.returncode != 0:
            raise RuntimeError(f"{' '.join(args)} failed: {done.stderr.strip()}")
        return done.stdout

    def xprop_root(self, prop: str) -> str:
        try:
            return self.x("xprop", "-root", prop)
        except RuntimeError:
            return ""

    def workarea(self) -> Rect:
        """The usable area the window manager publishes for the current desktop."""
        numbers = [int(n) for n in re.findall(r"\d+", self.xprop_root("_NET_WORKAREA"))]
        return Rect(*numbers[:4]) if len(numbers) >= 4 else Rect(0, 0, 0, 0)

    def frame(self, window_id: int) -> Rect:
        """The window's outer frame (title bar and borders included), in screen pixels."""
        info = self.x("xwininfo", "-id", str(window_id))

        def field(name: str) -> int:
            found = re.search(rf"{name}:\s+(-?\d+)", info)
            assert found, f"xwininfo gave no {name}: {info}"
            return int(found.group(1))

        extents = self.x("xprop", "-id", str(window_id), "_NET_FRAME_EXTENTS")
        left, right, top, bottom = ([int(n) for n in re.findall(r"\d+", extents)] + [0] * 4)[:4]
        return Rect(
            field("Absolute upper-left X") - left,
            field("Absolute upper-left Y") - top,
            field("Width") + left + right,
            field("Height") + top + bottom,
        )

    def is_viewable(self, window_id: int) -> bool:
        return "IsViewable" in self.x("xwininfo", "-id", str(window_id))

    def screenshot(self, path: Path, crop: Rect | None = None) -> Path:
        """The screen as a person sees it (the root window), optionally cut to `crop`."""
        args = ["import", "-window", "root"]
        if crop is not None:
            args += ["-crop", f"{crop.width}x{crop.height}+{crop.x}+{crop.y}", "+repage"]
        self.x(*args, str(path))
        return path

    def key(self, window_id: int, *keys: str) -> None:
        """Real key presses (XTEST) into the window, after making it the active window."""
        self.x("xdotool", "windowactivate", "--sync", str(window_id), "key", "--delay", "40", *keys)

    def type_text(self, window_id: int, text: str) -> None:
        self.x("xdotool", "windowactivate", "--sync", str(window_id), "type", "--delay", "20", text)

    # --- the app --------------------------------------------------------------------------

    def launch(
        self,
        home: Path,
        *,
        scale: float | None = None,
        settings: dict[str, Any] | None = None,
        env: dict[str, str] | None = None,
    ) -> MsguideApp:
        """Start msguide on this display with its data in `home` and wait until it has
        settled and its window is on screen."""
        extra = {
            "QT_QPA_PLATFORM": "xcb",
            "MSGUIDE_HOME": str(home),
            "MSGUIDE_POLICY": str(home.parent / "no-policy.toml"),
            "MSGUIDE_TEST_SETTINGS": json.dumps(settings or {}),
        }
        if scale is not None:
            extra["QT_SCALE_FACTOR"] = str(scale)
        extra.update(env or {})
        app = MsguideApp(self, extra, self.workdir / f"app-{len(self.apps)}.log")
        self.apps.append(app)
        app.start()
        return app


class MsguideApp:
    """The msguide app running as a subprocess on a RealDisplay (see tests/display_driver.py)."""

    def __init__(self, display: RealDisplay, env: dict[str, str], log: Path) -> None:
        self.display = display
        self.env = display.env(**env)
        self.log = log
        self.process: subprocess.Popen[str] | None = None
        self.ready: dict[str, Any] = {}

    def start(self) -> None:
        self.stderr = open(self.log, "w")  # noqa: SIM115 - closed in close()
        self.process = subprocess.Popen(
            [sys.executable, str(HERE / "display_driver.py")],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self.stderr,
            text=True,
            env=self.env,
            start_new_session=True,
        )
        line = self._answer()
        assert line.startswith("ready "), line
        self.ready = json.loads(line.removeprefix("ready "))
        wait_for(lambda: self.display.is_viewable(self.window_id), "the window to be mapped", 20)

    @property
    def window_id(self) -> int:
        return int(self.ready["win_id"])

    def _answer(self, timeout: float = START_TIMEOUT) -> str:
        assert self.process is not None and self.process.stdout is not None
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            ready, _, _ = select.select([self.process.stdout], [], [], 0.2)
            if not ready:
                if self.process.poll() is not None:
                    break
                continue
            line = self.process.stdout.readline()
            if not line:
                break
            if line.startswith("@@"):
                return line[2:].rstrip("\n")
        raise RuntimeError(f"msguide gave no answer; its log:\n{self.log.read_text()[-3000:]}")

    def run(self, code: str) -> Any:
        """Run Python code in the app (GUI thread); returns what it assigns to `result`."""
        assert self.process is not None and self.process.stdin is not None
        self.process.stdin.write(json.dumps({"exec": code}) + "\n")
        self.process.stdin.flush()
        answer = json.loads(self._answer())
        if not answer["ok"]:
            raise AssertionError(f"in the app: {answer['error']}")
        return answer["result"]

    def wait_until(self, expression: str, timeout: float = 10.0) -> Any:
        """Poll a Python expression in the app until it is truthy; returns its value."""
        return wait_for(lambda: self.run(f"result = {expression}"), expression, timeout)

    def layout(self) -> dict[str, Any]:
        return dict(self.run("result = layout()"))

    def frame(self) -> Rect:
        return self.display.frame(self.window_id)

    def close(self) -> None:
        if self.process is not None:
            if self.process.stdin is not None and self.process.poll() is None:
                try:
                    self.process.stdin.close()  # the driver quits the app when stdin closes
                    self.process.wait(timeout=10)
                except (OSError, subprocess.TimeoutExpired):
                    pass
            _stop(self.process)
            if self.process.stdout is not None:
                self.process.stdout.close()
            self.process = None
            self.stderr.close()


@pytest.fixture
def real_display(tmp_path: Path) -> Iterator[RealDisplay]:
    """A 1366x768 X display with openbox and a 40 px taskbar (usable 1366x728)."""
    require_display()
    workdir = tmp_path / "display"
    workdir.mkdir()
    with RealDisplay(workdir) as display:
        yield display
