"""A pathway as a screen reader gets it: over the AT-SPI accessibility bus, from the real app.

The test starts its own D-Bus session (the AT-SPI bus is started from it on demand), runs
msguide on a real X display with Qt's accessibility bridge on, presses real keys, and reads
the app's accessible tree with pyatspi in the system Python (Debian's python3-pyatspi), as
Orca does. The focused object must be the step's text, and every choice button's accessible
name must be its visible text.
"""

from __future__ import annotations

import contextlib
import json
import os
import select
import shutil
import signal
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from displaykit import RealDisplay

SYSTEM_PYTHON = "/usr/bin/python3"

PROBE = r"""
import json, sys, time
import pyatspi

def nodes(node, depth=0):
    yield node
    if depth < 60:
        for child in node:
            if child is not None:
                yield from nodes(child, depth + 1)

deadline = time.time() + 20
while True:
    apps = [a for a in pyatspi.Registry.getDesktop(0) if a is not None and a.name == "msguide"]
    if apps or time.time() > deadline:
        break
    time.sleep(0.3)
found = {"focused": [], "view": None, "buttons": []}
for app in apps:
    for node in nodes(app):
        state = node.getState()
        if state.contains(pyatspi.STATE_FOCUSED):
            found["focused"].append({"role": node.getRoleName(), "name": node.name})
        # The pathway view (Qt exposes a scroll area as a filler), not the Go menu's item.
        if node.name == "What to do now" and node.getRoleName() == "filler":
            found["view"] = node.getRoleName()
            found["buttons"] = [
                n.name for n in nodes(node)
                if n.getRoleName() == "push button" and n.getState().contains(pyatspi.STATE_SHOWING)
            ]
print(json.dumps(found))
"""


def _missing() -> list[str]:
    missing = [tool for tool in ("dbus-daemon",) if shutil.which(tool) is None]
    probe = (
        subprocess.run([SYSTEM_PYTHON, "-c", "import pyatspi"], capture_output=True, check=False)
        if os.path.exists(SYSTEM_PYTHON)
        else None
    )
    if probe is None or probe.returncode != 0:
        missing.append("python3-pyatspi (for /usr/bin/python3)")
    if not any(
        Path(folder, "at-spi-bus-launcher").exists()
        for folder in ("/usr/libexec", "/usr/lib/at-spi2-core", "/usr/lib/at-spi2")
    ):
        missing.append("at-spi2-core")
    return missing


@pytest.fixture
def session_bus() -> Iterator[str]:
    """A private D-Bus session; the AT-SPI bus and registry it starts end with it."""
    missing = _missing()
    if missing:
        message = f"the accessibility-bus test needs {', '.join(missing)} (see .ci/run)"
        if os.environ.get("MSGUIDE_REQUIRE_DISPLAY") == "1":
            pytest.fail(message)
        pytest.skip(message)
    read_end, write_end = os.pipe()
    try:
        daemon = subprocess.Popen(
            ["dbus-daemon", "--session", "--nofork", f"--print-address={write_end}"],
            pass_fds=(write_end,),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,  # its own process group: the services it starts join it
        )
    finally:
        os.close(write_end)
    try:
        ready, _, _ = select.select([read_end], [], [], 20)
        address = os.read(read_end, 4096).decode().strip() if ready else ""
        assert address, "dbus-daemon gave no address"
        yield address
    finally:
        os.close(read_end)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(daemon.pid, signal.SIGTERM)  # the daemon and the services it started
        daemon.wait(timeout=10)


def _probe(display: RealDisplay, address: str) -> dict[str, object]:
    env = display.env(DBUS_SESSION_BUS_ADDRESS=address)
    done = subprocess.run(
        [SYSTEM_PYTHON, "-c", PROBE], capture_output=True, text=True, env=env, timeout=60
    )
    assert done.returncode == 0, done.stderr
    found: dict[str, object] = json.loads(done.stdout.strip().splitlines()[-1])
    return found


def test_step_text_and_choices_are_read_out_over_at_spi(
    real_display: RealDisplay, session_bus: str, home: Path
) -> None:
    accessible = {"DBUS_SESSION_BUS_ADDRESS": session_bus, "QT_LINUX_ACCESSIBILITY_ALWAYS_ON": "1"}
    app = real_display.launch(home, env=accessible)
    real_display.key(app.window_id, "ctrl+6")
    app.wait_until("window.pathway_ui.view.stored is not None")
    real_display.key(app.window_id, "2")  # not in immediate danger
    app.wait_until("window.pathway_ui.view.step.id == 'role'")
    shown = app.run(
        "view = window.pathway_ui.view\n"
        "result = {'text': view.step_text.text(),\n"
        "          'choices': [b.shown_text for b in view.choice_buttons]}"
    )
    assert shown["choices"] == [
        "1. Yes: I work for a first responder organisation",
        "2. No, or I am not sure",
        "3. I need advice before deciding",
    ]

    found = _probe(real_display, session_bus)
    # The step's text has the focus, so it is what is read out. (The sidebar's current entry
    # also reports "focused" over AT-SPI, as Qt's item views do for their current cell.)
    assert {"role": "label", "name": shown["text"]} in found["focused"]
    assert found["view"] == "filler"
    buttons = found["buttons"]
    assert isinstance(buttons, list)
    assert [name for name in buttons if name[:1].isdigit()] == shown["choices"]
    assert "Back" in buttons and "Start again" in buttons
