"""Helpers for the admin tests: feed files, store contents, child Python processes."""

from __future__ import annotations

import os
import sys
import warnings
from pathlib import Path
from typing import Any

from PySide6.QtCore import QMimeData, QPoint, Qt
from PySide6.QtGui import QDragEnterEvent

from feedmaker import to_bytes
from msguide.store.db import Store
from msguide.store.history import history

PROJECT = Path(__file__).resolve().parents[2]
PYTHON = sys.executable


def write(path: Path, data: bytes | str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(data, str):
        path.write_text(data, encoding="utf-8")
    else:
        path.write_bytes(data)
    return path


def feed_file(folder: Path, name: str, document: dict[str, Any]) -> Path:
    return write(folder / name, to_bytes(document))


def current_sequence(store_path: Path, source: str) -> int | None:
    with Store.open(store_path, read_only=True) as store:
        return next((r.sequence for r in history(store, source) if r.current), None)


def item_ids(store_path: Path, source: str) -> list[str]:
    with Store.open(store_path, read_only=True) as store, store.read() as connection:
        return [
            row[0]
            for row in connection.exec_driver_sql(
                "SELECT item_id FROM items WHERE source_id = ? ORDER BY position", (source,)
            )
        ]


def python_env(**extra: str) -> dict[str, str]:
    """This test's environment for a child Python running msguide from this checkout."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(
        p for p in (str(PROJECT / "src"), env.get("PYTHONPATH")) if p
    )
    env["QT_QPA_PLATFORM"] = "offscreen"
    env.update(extra)
    return env


def drag_enter(mime: QMimeData) -> QDragEnterEvent:
    """A drag entering a widget at (20, 20), as a file manager sends it."""
    with warnings.catch_warnings():
        # The QPoint overload is deprecated, but the QPointF one is not always offered.
        warnings.simplefilter("ignore", DeprecationWarning)
        return QDragEnterEvent(
            QPoint(20, 20),
            Qt.DropAction.CopyAction,
            mime,
            Qt.MouseButton.LeftButton,
            Qt.KeyboardModifier.NoModifier,
        )
