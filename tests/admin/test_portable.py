"""Portable mode (a `portable` marker beside the program, or MSGUIDE_HOME): everything msguide
writes stays in its folder. The user's home, XDG folders and temp folder stay empty."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from adminkit import PYTHON, feed_file, python_env

from feedmaker import feed_document
from msguide.paths import PORTABLE_MARKER

# The app as it starts for real (msguide.ui.app.run), closing itself once content is shown.
GUI = """
from PySide6.QtCore import QTimer
import msguide.ui.app as app
from msguide.ui.main_window import MainWindow
real = MainWindow.furnish
def furnish(window, service, *rest):
    real(window, service, *rest)
    service.ready.connect(lambda _opened: QTimer.singleShot(0, window.close))
MainWindow.furnish = furnish
raise SystemExit(app.run(["msguide"]))
"""
CLI = """
from msguide.cli import main
raise SystemExit(main({args!r}))
"""
# What PyInstaller's bootloader does: the program is `executable`, beside the marker.
FROZEN = "import sys\nsys.frozen = True\nsys.executable = {executable!r}\n"


def run_python(code: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [PYTHON, "-c", code], env=env, capture_output=True, text=True, timeout=60, check=False
    )


def files_under(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*"))


@pytest.mark.parametrize("mode", ["portable marker", "MSGUIDE_HOME"])
def test_nothing_is_written_outside_the_apps_folder(tmp_path: Path, mode: str) -> None:
    app = tmp_path / "usb-stick" / "msguide"
    app.mkdir(parents=True)
    outside = tmp_path / "outside"
    user_dirs = {
        name: outside / name.lower()
        for name in (
            "HOME",
            "XDG_CONFIG_HOME",
            "XDG_DATA_HOME",
            "XDG_CACHE_HOME",
            "XDG_STATE_HOME",
            "XDG_RUNTIME_DIR",
            "TMPDIR",
        )
    }
    for folder in user_dirs.values():
        folder.mkdir(parents=True, mode=0o700)
    env = python_env(**{name: str(path) for name, path in user_dirs.items()})
    env.pop("MSGUIDE_HOME", None)
    env["MSGUIDE_POLICY"] = str(app / "no-policy.toml")  # none: read-only anyway
    prefix = ""
    if mode == "portable marker":
        (app / PORTABLE_MARKER).write_text("")
        prefix = FROZEN.format(executable=str(app / "msguide"))
        home = app
    else:
        home = app / "home"
        env["MSGUIDE_HOME"] = str(home)
    feed = feed_file(tmp_path / "input", "feed.json", feed_document())

    imported = run_python(prefix + CLI.format(args=["import", str(feed)]), env)
    assert imported.returncode == 0, imported.stderr
    assert "test-source now at sequence 1" in imported.stdout
    shown = run_python(prefix + GUI, env)
    assert shown.returncode == 0, shown.stderr

    assert {name: files_under(path) for name, path in user_dirs.items()} == {
        name: [] for name in user_dirs
    }
    inside = files_under(home)
    for expected in (
        "data/msguide.sqlite",
        "data/backups",
        "config/ui-state.ini",
        "logs/msguide.log",
    ):
        assert expected in inside, inside
    log = (home / "logs" / "msguide.log").read_text(encoding="utf-8")
    assert "msguide import" in log and "msguide desktop" in log and "content opened" in log
