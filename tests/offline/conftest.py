"""Fixtures for offline tests: a local file server, signing keys, a seed built from this code."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from fileserver import FileServer

from networkkit import _no_proxy_from_environment, _qt_application, keys
from windowkit import opened_links

__all__ = ["_no_proxy_from_environment", "_qt_application", "keys", "opened_links"]

PROJECT = Path(__file__).resolve().parents[2]


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
