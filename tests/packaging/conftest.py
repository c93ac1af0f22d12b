"""Packaging fixtures: a fake frozen bundle on disk, and msguide run as if frozen from it."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from frozen_app import PROJECT, Frozen, isolated_env, run_frozen

from feedmaker import feed_bytes
from msguide.store.seed import build_seed


@pytest.fixture
def bundle(tmp_path: Path) -> Path:
    """A folder laid out like dist/msguide/_internal: seed, seed feed and icons."""
    folder = tmp_path / "bundle"
    feed = folder / "data" / "seed-feed.json"
    feed.parent.mkdir(parents=True)
    feed.write_bytes(feed_bytes())
    build_seed(feed, folder / "data" / "seed.sqlite")
    shutil.copytree(PROJECT / "assets", folder / "assets")
    return folder


@pytest.fixture
def frozen(bundle: Path, tmp_path: Path) -> Frozen:
    """Run `msguide ARGS…` in a fresh process that looks frozen, with files from `bundle`."""

    def run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
        environment = env if env is not None else isolated_env(tmp_path)
        return run_frozen(bundle, bundle.parent / "msguide", list(args), environment)

    return run
