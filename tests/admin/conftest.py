"""Admin fixtures: the real window on the real seed (plus a test source), policies, feed files."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from adminkit import feed_file

from feedmaker import feed_document
from msguide.importing import import_file
from msguide.policy import Policy
from msguide.services import open_user_store
from msguide.ui.admin import AdminTools
from msguide.ui.main_window import MainWindow
from windowkit import WindowFactory, open_window, window

__all__ = ["WindowFactory", "open_window", "window"]


@pytest.fixture
def policy_path(home: Path) -> Path:
    """The policy file the `home` fixture points MSGUIDE_POLICY at (absent until written)."""
    return Path(os.environ["MSGUIDE_POLICY"])


@pytest.fixture
def with_test_source(home: Path, tmp_path: Path) -> Path:
    """The user's store: the bundled seed plus "test-source" at sequence 1 (4 items)."""
    base = feed_file(tmp_path / "feeds", "base.json", feed_document())
    opened = open_user_store()
    try:
        import_file(opened.store, base, policy=Policy())
    finally:
        opened.store.close()
    return home / "data" / "msguide.sqlite"


@pytest.fixture
def tools(window: MainWindow) -> AdminTools:
    found = window.findChild(AdminTools, "adminTools")
    assert found is not None
    return found
