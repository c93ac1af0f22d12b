"""The Linux accessibility bus for tests: what a screen reader (Orca) receives from msguide.

`AccessibilityBus` starts a private D-Bus session bus and at-spi2-core's bus launcher on it (the
launcher starts the accessibility bus and, on demand, the registry), for one RealDisplay
(tests/displaykit.py). `launch()` runs the real msguide there with Qt's AT-SPI bridge on
(QT_LINUX_ACCESSIBILITY_ALWAYS_ON=1); `tree()` reads the application's accessible tree through
pyatspi, in a subprocess of the system Python (Debian's python3-pyatspi; tests/a11y_reader.py).

Fixture: `a11y_bus` (function scope, with `real_display`). Without the tools the tests skip,
except where MSGUIDE_REQUIRE_DISPLAY=1 (CI, .ci/run): there they fail.
"""

from __future__ import annotations

import json
import os
import select
import shutil
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from displaykit import MsguideApp, RealDisplay, _stop, require_tools

HERE = Path(__file__).resolve().parent
SYSTEM_PYTHON = "/usr/bin/python3"
BUS_LAUNCHERS = ("/usr/libexec/at-spi-bus-launcher", "/usr/lib/at-spi2-core/at-spi-bus-launcher")
APP_NAME = "msguide"
READ_TIMEOUT = 60.0
# A recording ends when the test's mark is heard (`Listening.heard`); this only bounds a failure.
LISTEN_AT_MOST = 45.0
MARK = "msguide tests: end of the recording"
PROBE = "msguide tests: is anyone listening"
# Nothing waits to be announced: no label's settle timer (msguide.ui.announce) is running.
NOTHING_PENDING = (
    "not any(t.isActive() for t in window.findChildren(QtCore.QTimer, 'announceTimer'))"
)


def _bus_launcher() -> str | None:
    return next((p for p in BUS_LAUNCHERS if os.access(p, os.X_OK)), None)


def missing_tools() -> list[str]:
    missing = []
    if shutil.which("dbus-daemon") is None:
        missing.append("dbus-daemon (dbus)")
    if _bus_launcher() is None:
        missing.append("at-spi-bus-launcher (at-spi2-core)")
    probe = (
        subprocess.run([SYSTEM_PYTHON, "-c", "import pyatspi"], capture_output=True, check=False)
        if os.access(SYSTEM_PYTHON, os.X_OK)
        else None
    )
    if probe is None or probe.returncode != 0:
        missing.append("pyatspi for /usr/bin/python3 (python3-pyatspi)")
    return missing


def require_accessibility_bus() -> None:
    require_tools(missing_tools(), "accessibility-bus")


@dataclass(frozen=True)
class Node:
    """One accessible object as AT-SPI gives it to a screen reader."""

    depth: int
    role: str
    name: str
    description: str
    text: str | None
    states: tuple[str, ...]

    def says(self) -> str:
        """What a screen reader reads for this object: its name, else its text."""
        return self.name or (self.text or "")


def subtree(nodes: list[Node], top: Node) -> list[Node]:
    """`top` and everything under it (`tree()` lists the tree depth first)."""
    start = nodes.index(top)
    end = next((n for n in range(start + 1, len(nodes)) if nodes[n].depth <= top.depth), len(nodes))
    return nodes[start:end]


class AccessibilityBus:
    """A session bus with the accessibility bus on it, for one display."""

    def __init__(self, display: RealDisplay, workdir: Path) -> None:
        self.display = display
        self.workdir = workdir
        self.processes: list[subprocess.Popen[Any]] = []
        self.address = ""

    def __enter__(self) -> AccessibilityBus:
        try:
            self._start_session_bus()
            self._start_bus_launcher()
        except BaseException:
            self.close()
            raise
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def close(self) -> None:
        for process in reversed(self.processes):
            _stop(process)
            if process.stdout is not None:
                process.stdout.close()
        self.processes.clear()

    def env(self, **extra: str) -> dict[str, str]:
        return self.display.env(DBUS_SESSION_BUS_ADDRESS=self.address, **extra)

    def _start_session_bus(self) -> None:
        bus = subprocess.Popen(
            ["dbus-daemon", "--session", "--nofork", "--print-address=1"],
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
            env=self.display.env(),
            start_new_session=True,
        )
        self.processes.append(bus)
        assert bus.stdout is not None
        ready, _, _ = select.select([bus.stdout], [], [], 30)
        self.address = bus.stdout.readline().strip() if ready else ""
        if not self.address:
            raise RuntimeError("dbus-daemon gave no session bus address")

    def _start_bus_launcher(self) -> None:
        launcher = _bus_launcher()
        assert launcher is not None
        with open(self.workdir / "at-spi-bus-launcher.log", "wb") as log:
            self.processes.append(
                subprocess.Popen(
                    [launcher, "--launch-immediately"],
                    stdout=log,
                    stderr=subprocess.STDOUT,
                    env=self.env(),
                    start_new_session=True,
                )
            )

    def launch(self, home: Path, **env: str) -> MsguideApp:
        """The real msguide on the display, talking to this accessibility bus."""
        extra = {
            "DBUS_SESSION_BUS_ADDRESS": self.address,
            "QT_LINUX_ACCESSIBILITY_ALWAYS_ON": "1",
            "QT_ACCESSIBILITY": "1",
            **env,
        }
        return self.display.launch(home, env=extra)

    def tree(self) -> list[Node]:
        """msguide's accessible tree as pyatspi reads it from the bus (empty if not there)."""
        done = subprocess.run(
            [SYSTEM_PYTHON, str(HERE / "a11y_reader.py"), APP_NAME],
            capture_output=True,
            text=True,
            env=self.env(),
            timeout=READ_TIMEOUT,
            check=False,
        )
        if done.returncode != 0:
            raise RuntimeError(f"the AT-SPI reader failed: {done.stderr[-2000:]}")
        answer = json.loads(done.stdout)
        return [
            Node(n["depth"], n["role"], n["name"], n["description"], n["text"], tuple(n["states"]))
            for n in answer["nodes"]
        ]

    def listen(self, app: MsguideApp, seconds: float = LISTEN_AT_MOST) -> Listening:
        """Start recording what `app` announces and renames, until `Listening.heard` ends it
        (or at most `seconds`); returns once the app's events reach the recording."""
        process = subprocess.Popen(
            [
                SYSTEM_PYTHON,
                str(HERE / "a11y_reader.py"),
                APP_NAME,
                "--listen",
                str(seconds),
                "--until",
                MARK,
                "--probe",
                PROBE,
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=self.env(),
        )
        assert process.stderr is not None
        ready, _, _ = select.select([process.stderr], [], [], READ_TIMEOUT)
        line = process.stderr.readline() if ready else ""
        if "listening" not in line:
            _stop(process)
            raise RuntimeError(f"the AT-SPI listener did not start: {line}")
        self._until_heard(app, process)
        return Listening(process)

    def _until_heard(self, app: MsguideApp, process: subprocess.Popen[str]) -> None:
        """Qt sends an event only once it knows someone listens for it, and it learns of a new
        listener from the registry asynchronously: an announcement made at once could be
        dropped (1 run in 25 here, on a busy machine). The app announces PROBE until the
        listener says it hears it."""
        assert process.stderr is not None
        said = ""
        deadline = time.monotonic() + READ_TIMEOUT
        while "hearing" not in said:
            if time.monotonic() > deadline or process.poll() is not None:
                _stop(process)
                raise RuntimeError(f"the listener never heard the app: {said[-2000:]}")
            app.run(f"from msguide.ui.announce import announce\nannounce(window, {PROBE!r})")
            ready, _, _ = select.select([process.stderr], [], [], 0.2)
            if ready:
                said += os.read(process.stderr.fileno(), 4096).decode(errors="replace")

    def wait_for(self, wanted: Any, what: str, timeout: float = 30.0) -> list[Node]:
        """Read the tree until `wanted(nodes)` is true; returns that tree."""
        deadline = time.monotonic() + timeout
        nodes: list[Node] = []
        while time.monotonic() < deadline:
            nodes = self.tree()
            if wanted(nodes):
                return nodes
            time.sleep(0.3)
        spoken = "\n".join(f"{'  ' * n.depth}{n.role}: {n.says()[:80]!r}" for n in nodes)
        raise AssertionError(f"the accessibility bus never showed {what}; it had:\n{spoken}")


class Listening:
    """A running AT-SPI event listener; `heard(app)` ends it and returns what it heard:
    (event type, text) pairs, announcements and accessible-name changes."""

    def __init__(self, process: subprocess.Popen[str]) -> None:
        self.process = process

    def heard(self, app: MsguideApp) -> list[tuple[str, str]]:
        """Everything `app` sent up to now. Not a fixed time, which a busy machine outruns:
        once nothing waits to be announced in the app (call this after what the test waits
        for has happened there), the app announces MARK, and the listener stops on hearing
        it; D-Bus delivers one sender's messages in order, so all earlier events are in."""
        app.wait_until(NOTHING_PENDING)
        app.run(f"from msguide.ui.announce import announce\nannounce(window, {MARK!r})")
        out, err = self.process.communicate(timeout=READ_TIMEOUT)
        if self.process.returncode != 0:
            raise RuntimeError(f"the AT-SPI listener failed: {err[-2000:]}")
        events = [(e["type"], e["text"]) for e in json.loads(out)["events"]]
        marks = [n for n, (kind, text) in enumerate(events) if text == MARK]
        assert marks, f"the mark never arrived in {LISTEN_AT_MOST:.0f} s: {events}"
        return events[: marks[0]]


@pytest.fixture
def a11y_bus(real_display: RealDisplay, tmp_path: Path) -> Iterator[AccessibilityBus]:
    """A session and accessibility bus on the real display (see AccessibilityBus)."""
    require_accessibility_bus()
    workdir = tmp_path / "a11y"
    workdir.mkdir()
    with AccessibilityBus(real_display, workdir) as bus:
        yield bus
