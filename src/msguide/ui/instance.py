"""One msguide per data folder: a second start asks the running one to come forward, then exits.

Two writers on one store would only queue on SQLite's lock, but two windows confuse people and
double every sync. The running app listens on a local socket (a named pipe on Windows, a socket
file in the temp folder elsewhere) whose name comes from the data folder and the account, so
two MSGUIDE_HOMEs, or two people on one computer, never meet. The protocol is one line each
way: "raise\\n" → "ok\\n".

A crash leaves a socket file behind on Linux/macOS. Nobody answers on it, so it is stale:
listening replaces it (Qt does so for sockets restricted to the user); if listening fails all
the same, `claim()` checks once more that no other msguide started meanwhile, removes the
server name and listens again; if that fails too msguide starts anyway, without the hand-over:
this feature never blocks a start.
"""

from __future__ import annotations

import binascii
import enum
import getpass
import logging
import os
import sys
from pathlib import Path

from PySide6.QtCore import QElapsedTimer, QObject, QTimer, Signal
from PySide6.QtNetwork import QLocalServer, QLocalSocket
from PySide6.QtWidgets import QWidget

log = logging.getLogger(__name__)

REQUEST_RAISE = b"raise\n"
REPLY_OK = b"ok\n"
MAX_LINE = 64
CONNECT_MS = 500
REPLY_MS = 3000
IDLE_CLIENT_MS = 5000


class Claim(enum.Enum):
    PRIMARY = "primary"  # this process is the running msguide now
    HANDED_OVER = "handed over"  # another one came forward: exit
    NO_REPLY = "no reply"  # another one is there but did not answer: exit, and say so


def server_name(data_folder: Path) -> str:
    """The socket's name for this data folder and account (short: Unix paths are limited)."""
    try:
        user = getpass.getuser()
    except (KeyError, OSError):  # no name for this uid (containers)
        user = str(os.getuid()) if hasattr(os, "getuid") else ""
    folder = os.path.normcase(str(Path(data_folder).resolve()))
    # Two CRCs, not hashlib: OpenSSL would load before the first paint. This only has to tell
    # apart one account's data folders on one machine.
    key = f"{user}\0{folder}".encode()
    digest = f"{binascii.crc32(key):08x}{binascii.crc32(key[::-1]):08x}"
    return f"msguide-{digest}"


class SingleInstance(QObject):
    """Call `claim()` once at start. When it returns PRIMARY, keep this object alive for the
    life of the app; `raiseRequested` is emitted (on the GUI thread) whenever another start
    asks for the window."""

    raiseRequested = Signal()

    def __init__(self, name: str, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.name = name
        self.server: QLocalServer | None = None

    def claim(self) -> Claim:
        first = self.hand_over()
        if first is not None:
            return first
        if self._listen():
            return Claim.PRIMARY
        # Someone may have started between our connect and listen: ask once more.
        again = self.hand_over()
        if again is not None:
            return again
        # A stale socket from a crash: nobody answered on it, so it is safe to remove.
        log.info("removing a stale single-instance socket %s", self.name)
        QLocalServer.removeServer(self.name)
        if not self._listen():
            log.warning(
                "cannot listen for other starts on %s; starting anyway (a second start will "
                "open a second window)",
                self.name,
            )
        return Claim.PRIMARY

    def hand_over(self, connect_ms: int = CONNECT_MS, reply_ms: int = REPLY_MS) -> Claim | None:
        """Ask a running msguide to come forward. None when there is none."""
        socket = QLocalSocket()
        socket.connectToServer(self.name)
        if not socket.waitForConnected(connect_ms):
            return None
        _allow_foreground_switch()
        socket.write(REQUEST_RAISE)
        socket.flush()
        clock = QElapsedTimer()
        clock.start()
        reply = b""
        while not reply.endswith(b"\n") and len(reply) <= MAX_LINE:
            left = reply_ms - clock.elapsed()
            if left <= 0 or not socket.waitForReadyRead(int(left)):
                break
            reply += bytes(socket.readAll().data())
        socket.abort()
        if reply == REPLY_OK:
            log.info("handed over to the running msguide")
            return Claim.HANDED_OVER
        log.warning("a running msguide did not answer (%r)", reply[:MAX_LINE])
        return Claim.NO_REPLY

    def _listen(self) -> bool:
        server = QLocalServer(self)
        # Only this account may connect (socket file mode / pipe ACL).
        server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)
        if not server.listen(self.name):
            log.info("cannot listen on %s yet: %s", self.name, server.errorString())
            server.deleteLater()
            return False
        server.newConnection.connect(self._accept)
        self.server = server
        log.info("listening for other starts on %s", self.name)
        return True

    def _accept(self) -> None:
        server = self.server
        while server is not None and server.hasPendingConnections():
            socket = server.nextPendingConnection()
            # A client that says nothing is dropped; the timer dies with the socket.
            idle = QTimer(socket)
            idle.setSingleShot(True)
            idle.timeout.connect(lambda s=socket: s.abort())
            idle.start(IDLE_CLIENT_MS)
            socket.readyRead.connect(lambda s=socket: self._read(s))
            socket.disconnected.connect(lambda s=socket: s.deleteLater())
            if socket.bytesAvailable():
                self._read(socket)

    def _read(self, socket: QLocalSocket) -> None:
        if not socket.canReadLine():
            if socket.bytesAvailable() > MAX_LINE:
                socket.abort()
            return
        line = bytes(socket.readLine(MAX_LINE + 1).data())
        if line != REQUEST_RAISE:
            log.warning("ignored an unknown request on the single-instance socket")
            socket.abort()
            return
        log.info("another start of msguide asked for this window")
        socket.write(REPLY_OK)
        socket.flush()
        socket.disconnectFromServer()
        self.raiseRequested.emit()

    def close(self) -> None:
        if self.server is not None:
            self.server.close()
            self.server = None


def bring_forward(window: QWidget) -> None:
    """Show the window in front, restored if it was minimised (e.g. by quick hide)."""
    if window.isMinimized():
        window.showNormal()
    window.show()
    window.raise_()
    window.activateWindow()


def _allow_foreground_switch() -> None:
    # Windows lets only the foreground process bring a window forward; this new process was
    # just started by the person, so it may pass that right on (ASFW_ANY).
    if sys.platform == "win32":
        import ctypes

        ctypes.windll.user32.AllowSetForegroundWindow(-1)
