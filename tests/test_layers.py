"""Layers depend only downward: the feed, store and CLI paths never load Qt widgets."""

from __future__ import annotations

import subprocess
import sys

import pytest

CHECK = """
import sys
import {modules}
forbidden = {forbidden!r}
print(",".join(sorted(m for m in sys.modules
                      if any(m == f or m.startswith(f + ".") for f in forbidden))))
"""


@pytest.mark.parametrize(
    ("modules", "forbidden"),
    [
        ("msguide.feed, msguide.feed.signature", ["PySide6", "sqlalchemy", "msguide.store"]),
        (
            "msguide.store.db, msguide.store.importer, msguide.store.search, msguide.store.export",
            ["PySide6", "msguide.ui", "msguide.sync"],
        ),
        ("msguide.cli, msguide.importing, msguide.policy", ["PySide6"]),
    ],
)
def test_lower_layers_do_not_import_upper_ones(modules: str, forbidden: list[str]) -> None:
    code = CHECK.format(modules=modules, forbidden=forbidden)
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "", f"{modules} loaded {done.stdout.strip()}"
