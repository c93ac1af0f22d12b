"""benchmarks/bundle.py: counts the bundle's files (not its links) and says when there is none."""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path
from types import ModuleType

import pytest
from frozen_app import PROJECT


def load_benchmark() -> ModuleType:
    path = PROJECT / "benchmarks" / "bundle.py"
    spec = importlib.util.spec_from_file_location("msguide_bundle_benchmark", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


bench = load_benchmark()


def test_files_are_listed_largest_first_and_links_are_not_counted(tmp_path: Path) -> None:
    (tmp_path / "_internal" / "lib").mkdir(parents=True)
    (tmp_path / "msguide").write_bytes(b"x" * 10)
    (tmp_path / "_internal" / "lib" / "libQt6Core.so.6").write_bytes(b"x" * 300)
    (tmp_path / "_internal" / "base_library.zip").write_bytes(b"x" * 20)
    if os.name != "nt":
        (tmp_path / "_internal" / "libQt6Core.so.6").symlink_to("lib/libQt6Core.so.6")
    assert bench.bundle_files(tmp_path) == [
        (300, "_internal/lib/libQt6Core.so.6"),
        (20, "_internal/base_library.zip"),
        (10, "msguide"),
    ]


def test_without_a_bundle_it_says_how_to_build_one(tmp_path: Path) -> None:
    with pytest.raises(SystemExit, match="build it with `pyinstaller"):
        bench.main(["--dist", str(tmp_path / "dist" / "msguide")])
