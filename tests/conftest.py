"""Shared fixtures: an isolated MSGUIDE_HOME, stores on real SQLite files, the CLI in-process."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, settings

# Before any QApplication exists (pytest-qt creates it lazily).
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.pop("MSGUIDE_FAKE_NOW", None)

sys.path.insert(0, str(Path(__file__).parent))

from msguide.store.db import Store

PROJECT = Path(__file__).resolve().parents[1]

# Property tests check what holds for any input, not how fast: on a busy machine (CI, two test
# runs sharing two cores) any one example may be paused past Hypothesis's 200 ms deadline, or
# its data drawn slower than the too_slow health check expects, and the run fails for that.
# Speed targets live in benchmarks/. Each run still draws new examples.
settings.register_profile(
    "msguide", deadline=None, suppress_health_check=[HealthCheck.too_slow], print_blob=True
)
settings.load_profile("msguide")


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh MSGUIDE_HOME with no IT policy (the machine's own is never read)."""
    folder = tmp_path / "home"
    monkeypatch.setenv("MSGUIDE_HOME", str(folder))
    monkeypatch.setenv("MSGUIDE_POLICY", str(tmp_path / "no-policy.toml"))
    return folder


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    opened = Store.open(tmp_path / "store.sqlite")
    yield opened
    opened.close()


# Qt's application font is process-wide and a window's zoom sets it (the settings dialog,
# Ctrl+=): without this, a test that zooms leaves every later window in the process at the
# bigger text size, and layout tests then measure a different window than they do alone.
_STARTING_FONT: list[Any] = []


@pytest.fixture(scope="session")
def qapp(qapp: object) -> object:
    """pytest-qt's application; the font it starts with is kept to put back after each test."""
    from PySide6.QtGui import QFont
    from PySide6.QtWidgets import QApplication

    _STARTING_FONT.append(QFont(QApplication.font()))
    return qapp


@pytest.fixture(autouse=True)
def _application_font_put_back() -> Iterator[None]:
    yield
    if _STARTING_FONT:
        from PySide6.QtWidgets import QApplication

        if QApplication.font() != _STARTING_FONT[0]:
            QApplication.setFont(_STARTING_FONT[0])


@dataclass
class CliResult:
    code: int
    out: str
    err: str


@pytest.fixture
def cli(home: Path, capsys: pytest.CaptureFixture[str], qapp: object):  # type: ignore[no-untyped-def]
    """Run `msguide ARGS…` in this process against the isolated home. The QApplication comes
    first: `msguide sync` would otherwise make a QCoreApplication, which later widget tests in
    the same process cannot use."""
    from msguide.cli import main

    def run(*args: str) -> CliResult:
        code = main(list(args))
        captured = capsys.readouterr()
        return CliResult(code, captured.out, captured.err)

    return run


# The real X display (Xvfb + openbox + taskbar) for tests that look at the window as people do,
# and the accessibility bus (D-Bus, at-spi2-core, pyatspi) on it: what screen readers get.
from a11ykit import a11y_bus  # noqa: E402
from displaykit import real_display  # noqa: E402

__all__ = ["a11y_bus", "real_display"]


# CI: a guarantee whose test cannot run here fails the run instead of being skipped.
from ci_skips import pytest_runtest_makereport  # noqa: E402

__all__ += ["pytest_runtest_makereport"]
