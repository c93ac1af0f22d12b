"""Fixtures shared by tests that fetch from local servers (sync and offline): import them into a
conftest.py to use them there."""

from __future__ import annotations

from typing import Any

import pytest

from msguide.feed.signature import KeyFiles, generate_keys


@pytest.fixture(autouse=True)
def _qt_application(qapp: Any) -> Any:
    """A QApplication before anything in msguide.sync makes a QCoreApplication in-process."""
    return qapp


@pytest.fixture(autouse=True)
def _no_proxy_from_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("http_proxy", "https_proxy", "all_proxy", "no_proxy"):
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.upper(), raising=False)


@pytest.fixture(scope="session")
def keys() -> KeyFiles:
    return generate_keys(None)
