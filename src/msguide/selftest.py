"""`msguide --self-test`: check that an installation can start, and write nothing anywhere."""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from msguide import __version__
from msguide.errors import ExitCode
from msguide.paths import bundled, is_frozen, locations

if TYPE_CHECKING:  # Qt loads only when a check needs it
    from PySide6.QtGui import QWindow
    from PySide6.QtWidgets import QWidget

# What build_installer.spec must ship; the spec reads this list too, so the two cannot drift.
REQUIRED_FILES = (
    "data/seed.sqlite",
    "data/seed-feed.json",
    "assets/msguide.svg",
    "assets/msguide-256.png",
)
SEED = "data/seed.sqlite"
ICON = "assets/msguide.svg"
QUERY = "nrm adult"
WINDOW_TIMEOUT_S = 5.0
REINSTALL = "reinstall msguide, or send this output to your IT team"


@dataclass(frozen=True, slots=True)
class Check:
    name: str
    ok: bool
    detail: str

    def line(self) -> str:
        return f"{'ok  ' if self.ok else 'FAIL'}  {self.name}: {self.detail}"


def check_files() -> Check:
    missing = [name for name in REQUIRED_FILES if not bundled(name).is_file()]
    if missing:
        return Check(
            "bundled files",
            False,
            f"missing {', '.join(missing)} (looked in {bundled('.').resolve()}); {REINSTALL}",
        )
    return Check("bundled files", True, ", ".join(REQUIRED_FILES))


def check_content() -> Check:
    from msguide.errors import MsguideError
    from msguide.store.db import Store
    from msguide.store.search import search

    seed = bundled(SEED)
    try:
        # Read-only: the bundled seed may sit in Program Files, and a self-test changes nothing.
        with Store.open(seed, read_only=True) as store, store.read() as connection:
            items = connection.exec_driver_sql("SELECT COUNT(*) FROM items").scalar_one()
            found = search(connection, QUERY, limit=5)
    except MsguideError as error:
        return Check("bundled content", False, f"{seed} cannot be read: {error}; {REINSTALL}")
    if not found:
        return Check(
            "bundled content", False, f'searching {seed} for "{QUERY}" found nothing; {REINSTALL}'
        )
    return Check("bundled content", True, f'{items} items; "{QUERY}" finds {found[0].title!r}')


def check_own_store() -> Check:
    """The person's own store, when there is one: read without changing a byte (immutable)."""
    import sqlite3

    from msguide.errors import MsguideError
    from msguide.store.db import lenient_text, sqlite_uri_path
    from msguide.store.recovery import check_store
    from msguide.store.searchindex import index_problem

    path = locations().store
    if not path.exists():
        return Check("your store", True, f"none yet ({path} is made on first start)")
    repair = "start msguide once to repair it (it keeps a copy of the damaged file)"
    try:
        problem = check_store(path, mode="immutable")
    except MsguideError as error:
        return Check("your store", False, f"{path} cannot be checked: {error}")
    if problem is not None:
        return Check("your store", False, f"{path} is damaged ({problem}); {repair}")
    connection = sqlite3.connect(f"file:{sqlite_uri_path(path)}?mode=ro&immutable=1", uri=True)
    connection.text_factory = lenient_text
    try:
        items = int(connection.execute("SELECT COUNT(*) FROM items").fetchone()[0])
        index = index_problem(connection, thorough=True, writable=False)
    finally:
        connection.close()
    if index is not None:
        return Check(
            "your store", False, f"{path}: its search index is damaged ({index}); {repair}"
        )
    return Check("your store", True, f"{path}: {items} items, search index sound")


def _platform_plugin_present(platforms: str) -> bool:
    """Whether Qt's plugin for one of `platforms` ("xcb", "wayland;xcb") is installed: without
    one, creating the application aborts the whole process."""
    from PySide6.QtCore import QLibraryInfo

    folder = Path(QLibraryInfo.path(QLibraryInfo.LibraryPath.PluginsPath)) / "platforms"
    names = [entry.name.lower() for entry in folder.iterdir()] if folder.is_dir() else []
    return any(
        name.startswith((f"libq{platform}.", f"q{platform}."))
        for platform in (part.split(":", 1)[0].strip() for part in platforms.split(";"))
        for name in names
    )


@contextmanager
def _offscreen_unless_chosen() -> Iterator[str]:
    """Draw offscreen unless the person chose a platform: the self-test must run headless."""
    chosen = os.environ.get("QT_QPA_PLATFORM")
    if not chosen:
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
    try:
        yield os.environ["QT_QPA_PLATFORM"]
    finally:
        if not chosen:
            os.environ.pop("QT_QPA_PLATFORM", None)


@contextmanager
def _quiet_offscreen_notice() -> Iterator[None]:
    """Drop the offscreen plugin's "does not support propagateSizeHints()" notice; keep the rest."""
    from PySide6.QtCore import QMessageLogContext, QtMsgType, qInstallMessageHandler

    def handler(_kind: QtMsgType, _context: QMessageLogContext, message: str) -> None:
        if "propagateSizeHints" not in message:
            print(f"Qt: {message}", file=sys.stderr)

    previous = qInstallMessageHandler(handler)
    try:
        yield
    finally:
        qInstallMessageHandler(previous)


def check_window() -> Check:
    with _quiet_offscreen_notice():
        return _show_window()


def _show_window() -> Check:
    from PySide6.QtWidgets import QApplication, QLabel

    with _offscreen_unless_chosen() as platform:
        if QApplication.instance() is None and not _platform_plugin_present(platform):
            return Check(
                "window",
                False,
                f"Qt's {platform!r} platform plugin is missing, so no window can open; {REINSTALL}",
            )
        app = QApplication.instance() or QApplication(sys.argv[:1])
    label = QLabel("msguide self-test")
    label.show()
    deadline = time.monotonic() + WINDOW_TIMEOUT_S
    # A real display exposes the window asynchronously; offscreen does it at once.
    while not _exposed(label) and time.monotonic() < deadline:
        app.processEvents()
    shown = label.isVisible() and _exposed(label)
    label.close()
    label.deleteLater()
    app.processEvents()
    name = QApplication.platformName()
    if not shown:
        return Check("window", False, f"Qt could not show a window on the {name!r} platform")
    return Check("window", True, f"created and shown on the {name!r} platform")


def _exposed(widget: QWidget) -> bool:
    handle: QWindow | None = widget.windowHandle()  # None until Qt has made a native window
    return handle is not None and handle.isExposed()


def check_icons() -> Check:
    from PySide6.QtGui import QGuiApplication, QIcon, QImageReader

    if QGuiApplication.instance() is None:  # drawing needs one; the window check says why not
        return Check("icons", False, "not checked, because Qt could not start")
    formats = {bytes(f.data()).decode() for f in QImageReader.supportedImageFormats()}
    if "svg" not in formats:
        return Check("icons", False, f"Qt's SVG image support is missing; {REINSTALL}")
    pixmap = QIcon(str(bundled(ICON))).pixmap(32, 32)
    if pixmap.isNull():
        return Check("icons", False, f"{ICON} cannot be drawn; {REINSTALL}")
    return Check("icons", True, f"{ICON} draws at 32 px")


def check_tls() -> Check:
    from PySide6.QtNetwork import QSslSocket

    if not QSslSocket.supportsSsl():
        return Check(
            "TLS",
            False,
            "Qt has no working TLS backend, so feeds cannot be fetched over https "
            f"(backends found: {', '.join(QSslSocket.availableBackends()) or 'none'}); {REINSTALL}",
        )
    return Check(
        "TLS", True, f"{QSslSocket.activeBackend()} ({QSslSocket.sslLibraryVersionString()})"
    )


def check_app_code() -> Check:
    try:
        import msguide.ui.app  # noqa: F401  (loading it proves every module the window needs is here)
    except ImportError as error:
        return Check("desktop app", False, f"its code cannot be loaded ({error}); {REINSTALL}")
    return Check("desktop app", True, "msguide.ui.app loads")


def check_practice_tools() -> Check:
    """The spelling suggestion (rapidfuzz) and printing (QtPrintSupport) load only when used:
    prove here that the bundle ships them."""
    try:
        from PySide6 import QtPrintSupport  # noqa: F401
        from rapidfuzz.distance import OSA
    except ImportError as error:
        return Check("spelling and printing", False, f"cannot be loaded ({error}); {REINSTALL}")
    edits = OSA.distance("trafiking", "trafficking")
    return Check("spelling and printing", True, f'"trafiking" is {edits} edits from "trafficking"')


CHECKS: tuple[Callable[[], Check], ...] = (
    check_files,
    check_content,
    check_own_store,
    check_window,
    check_icons,
    check_tls,
    check_app_code,
    check_practice_tools,
)


def _run(check: Callable[[], Check]) -> Check:
    try:
        return check()
    except Exception as error:  # a self-test reports every failure; it never ends in a traceback
        name = check.__name__.removeprefix("check_").replace("_", " ")
        return Check(name, False, f"unexpected {type(error).__name__}: {error}; {REINSTALL}")


def run_self_test() -> int:
    """Print one line per check; 0 if all pass, 1 (with what is missing) otherwise."""
    try:
        from PySide6 import __version__ as pyside_version
    except ImportError:  # each Qt check then says what is missing
        pyside_version = "missing"
    build = "frozen" if is_frozen() else "from source"
    print(
        f"msguide {__version__} self-test ({build}, Python {sys.version.split()[0]}, "
        f"PySide6 {pyside_version})",
        flush=True,
    )
    results = []
    for check in CHECKS:
        result = _run(check)
        results.append(result)
        print(result.line(), flush=True)  # line by line: a Qt abort must not hide earlier lines
    where = locations()
    print(f"info  data folder: {where.data}{' (portable)' if where.portable else ''}")
    failed = [r for r in results if not r.ok]
    if failed:
        print(f"Self-test failed: {len(failed)} of {len(results)} checks did not pass.")
        return ExitCode.FAILURE
    print(f"Self-test passed: {len(results)} checks.")
    return ExitCode.OK
