"""One msguide per data folder: a second start hands over and exits; a crash never blocks."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from adminkit import PYTHON, python_env
from PySide6.QtCore import QDir
from PySide6.QtNetwork import QLocalServer
from pytestqt.qtbot import QtBot

from msguide.paths import locations
from msguide.ui.instance import Claim, SingleInstance, bring_forward, server_name
from msguide.ui.main_window import MainWindow

HAND_OVER_SECONDS = 3.0
LISTENING = "listening for other starts"
READY = "content opened"
ASKED = "another start of msguide asked for this window"


@pytest.fixture
def instance(home: Path) -> Iterator[SingleInstance]:
    """This test process as the running msguide of the `home` data folder."""
    claimed = SingleInstance(server_name(locations().data))
    assert claimed.claim() is Claim.PRIMARY
    yield claimed
    claimed.close()  # also when the test failed: no socket file is left in the temp folder


def start_msguide(env: dict[str, str]) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [PYTHON, "-m", "msguide"], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )


def log_text(home: Path) -> str:
    path = home / "logs" / "msguide.log"
    return path.read_text(encoding="utf-8") if path.exists() else ""


@pytest.mark.qt_log_ignore("This plugin does not support raise")
def test_a_second_start_brings_the_window_forward_and_exits_quickly(
    qtbot: QtBot, window: MainWindow, instance: SingleInstance
) -> None:
    instance.raiseRequested.connect(lambda: bring_forward(window))
    window.showMinimized()
    started = time.monotonic()
    with qtbot.waitSignal(instance.raiseRequested, timeout=15_000):
        second = start_msguide(python_env())
    qtbot.waitUntil(lambda: second.poll() is not None, timeout=15_000)
    elapsed = time.monotonic() - started
    _out, err = second.communicate()
    assert second.returncode == 0, err.decode()
    assert elapsed < HAND_OVER_SECONDS, f"the second start took {elapsed:.2f} s"
    assert not window.isMinimized()


def test_two_data_folders_are_independent(tmp_path: Path) -> None:
    one = server_name(tmp_path / "one" / "data")
    assert one == server_name(tmp_path / "one" / "data")
    assert one != server_name(tmp_path / "two" / "data")
    assert len(one) < 40  # Unix socket paths are short


def test_a_client_that_says_something_else_is_ignored(
    qtbot: QtBot, instance: SingleInstance
) -> None:
    from PySide6.QtNetwork import QLocalSocket

    socket = QLocalSocket()
    socket.connectToServer(instance.name)
    assert socket.waitForConnected(2000)
    with qtbot.assertNotEmitted(instance.raiseRequested, wait=300):
        socket.write(b"delete everything\n")
        socket.flush()
        qtbot.waitUntil(
            lambda: socket.state() == QLocalSocket.LocalSocketState.UnconnectedState,
            timeout=5000,
        )


@pytest.mark.skipif(sys.platform == "win32", reason="named pipes leave nothing behind")
def test_processes_hand_over_and_a_crash_never_blocks_the_next_start(
    qtbot: QtBot, home: Path, tmp_path: Path
) -> None:
    temp = tmp_path / "tmp"  # where Qt puts the socket file: this test's own
    temp.mkdir()
    env = python_env(TMPDIR=str(temp))
    first = start_msguide(env)
    try:
        qtbot.waitUntil(lambda: READY in log_text(home), timeout=30_000)
        started = time.monotonic()
        second = subprocess.run(
            [PYTHON, "-m", "msguide"], env=env, capture_output=True, timeout=30, check=False
        )
        elapsed = time.monotonic() - started
        assert second.returncode == 0, second.stderr.decode()
        assert elapsed < HAND_OVER_SECONDS, f"the second start took {elapsed:.2f} s"
        qtbot.waitUntil(lambda: ASKED in log_text(home), timeout=10_000)
    finally:
        first.kill()  # a crash: nothing is cleaned up
        first.communicate()
    socket = temp / server_name(home / "data")
    assert socket.exists()  # the stale socket a crash leaves behind
    third = start_msguide(env)
    try:
        qtbot.waitUntil(lambda: log_text(home).count(READY) == 2, timeout=30_000)
        assert log_text(home).count(LISTENING) == 2  # it runs, and answers later starts
        assert third.poll() is None
    finally:
        third.kill()
        third.communicate()


@pytest.mark.skipif(sys.platform == "win32", reason="named pipes leave nothing behind")
def test_a_stale_socket_file_or_worse_never_blocks_a_start(home: Path) -> None:
    name = server_name(locations().data)
    path = Path(QDir.tempPath()) / name
    stale = socket.socket(socket.AF_UNIX)
    stale.bind(str(path))
    stale.close()  # a socket file nobody listens on: what a crash leaves behind
    try:
        started = time.monotonic()
        instance = SingleInstance(name)
        assert instance.claim() is Claim.PRIMARY
        assert time.monotonic() - started < 1.5
        instance.close()
        path.unlink(missing_ok=True)
        path.mkdir()  # something that cannot be replaced or removed: start anyway
        blocked = SingleInstance(name)
        assert blocked.claim() is Claim.PRIMARY
        assert blocked.server is None  # no hand-over for this run, but it runs
    finally:
        if path.is_dir():
            path.rmdir()
        path.unlink(missing_ok=True)


def test_a_stale_server_name_is_reclaimed_in_process(home: Path) -> None:
    name = server_name(locations().data)
    squatter = QLocalServer()
    assert squatter.listen(name)
    # A server nobody answers on (it never reads): the hand-over gets no reply.
    instance = SingleInstance(name)
    assert instance.hand_over(connect_ms=500, reply_ms=300) is Claim.NO_REPLY
    squatter.close()
    assert instance.claim() is Claim.PRIMARY
    instance.close()
    assert os.environ["MSGUIDE_HOME"] == str(home)
