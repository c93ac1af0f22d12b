"""File ▸ Export favourites… / Import favourites… in the window."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from PySide6.QtWidgets import QFileDialog, QMessageBox
from pytestqt.qtbot import QtBot

from msguide.ui.main_window import MainWindow
from msguide.ui.practice import PracticeTools


def _file(window: MainWindow):  # type: ignore[no-untyped-def]
    tools = window.findChild(PracticeTools, "practiceTools")
    assert tools is not None
    return tools.favourites_file


def _favourites_label(window: MainWindow) -> str:
    return str(window.sidebar_model.index_for_key("favourites").data())


def test_the_file_menu_exports_and_imports_favourites(
    qtbot: QtBot, window: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    favourites = _file(window)
    entries = [a.text() for a in window.file_menu.actions()]
    assert "&Export favourites…" in entries and "I&mport favourites…" in entries
    carried = tmp_path / "carried.json"
    carried.write_text(
        json.dumps(
            {
                "msguide_favourites": 1,
                "favourites": [
                    {"source": "hiow-msp", "id": "glaa"},
                    {"source": "elsewhere", "id": "gone"},
                ],
            }
        ),
        "utf-8",
    )
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *_a: (str(carried), ""))
    with qtbot.waitSignal(favourites.done, timeout=5000) as done:
        favourites.import_action.trigger()
    assert "1 not in the current content" in done.args[0]
    box = window.findChild(QMessageBox, "favouritesImported")
    assert box is not None and "gone (elsewhere)" in box.detailedText()
    box.close()
    qtbot.waitUntil(lambda: _favourites_label(window) == "Favourites (1)")

    saved = tmp_path / "saved.json"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *_a: (str(saved), ""))
    with qtbot.waitSignal(favourites.done, timeout=5000):
        favourites.export_action.trigger()
    ids = {e["id"] for e in json.loads(saved.read_text("utf-8"))["favourites"]}
    assert ids == {"glaa", "gone"}


def test_a_damaged_file_is_explained_and_changes_nothing(
    qtbot: QtBot, window: MainWindow, tmp_path: Path
) -> None:
    damaged = tmp_path / "damaged.json"
    damaged.write_bytes(b'{"msguide_favourites": 1, "favourites": [{"source": 5}]}')
    favourites = _file(window)
    with qtbot.waitSignal(favourites.failed, timeout=5000) as failed:
        favourites.import_from(damaged)
    assert failed.args[0].startswith("The favourites were not imported: Favourite 1")
    assert _favourites_label(window) == "Favourites (0)"
