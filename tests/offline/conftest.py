"""Fixtures for offline tests: a local file server, signing keys, a seed built from this code."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from fileserver import FileServer

from msguide.feed.signature import KeyFiles, generate_keys

PROJECT = Path(__file__).resolve().parents[2]


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
def _seed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from msguide.store.seed import build_seed

    seed = tmp_path_factory.mktemp("bundled") / "seed.sqlite"
    build_seed(PROJECT / "data" / "seed-feed.json", seed)
    return seed


@pytest.fixture(autouse=True)
def _seed_of_this_schema(monkeypatch: pytest.MonkeyPatch, _seed: Path) -> None:
    """New homes start from a seed built by this code, whatever data/seed.sqlite holds."""
    from msguide import services

    monkeypatch.setattr(services, "bundled", lambda _relative: _seed)


@pytest.fixture
def server() -> Iterator[FileServer]:
    serving = FileServer()
    yield serving
    serving.close()


@pytest.fixture(scope="session")
def keys() -> KeyFiles:
    return generate_keys(None)
