"""The bundled content as a store, and the relevance set's hit rates in the run's summary."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from msguide.store.db import Store
from msguide.store.seed import build_seed

PROJECT = Path(__file__).resolve().parents[2]

# Filled by test_relevance: printed at the end of every run that includes it.
RATES: dict[str, str] = {}


@pytest.fixture(scope="module")
def seed_store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    """A store built now from data/seed-feed.json (not the committed seed.sqlite)."""
    path = tmp_path_factory.mktemp("seed") / "seed.sqlite"
    build_seed(PROJECT / "data" / "seed-feed.json", path)
    store = Store.open(path, read_only=True)
    yield store
    store.close()


@pytest.fixture
def relevance_rates() -> dict[str, str]:
    """Lines for the run's summary (a test puts its hit rates here)."""
    return RATES


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    for line in RATES.values():
        terminalreporter.write_line(line)
