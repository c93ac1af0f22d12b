"""Admin ▸ Export feed…: current content as a feed file, written atomically, that imports back."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from adminkit import feed_file
from PySide6.QtWidgets import QFileDialog, QInputDialog
from pytestqt.qtbot import QtBot

from feedmaker import newer_document
from msguide.atomic import write_atomically
from msguide.errors import StorageError
from msguide.feed.parse import parse
from msguide.importing import apply_import, prepare_import
from msguide.policy import Policy
from msguide.store.db import Store
from msguide.store.export import current_feed
from msguide.ui.admin import AdminTools

pytestmark = pytest.mark.usefixtures("with_test_source")


def test_export_round_trips_through_import(
    qtbot: QtBot, tools: AdminTools, tmp_path: Path, with_test_source: Path
) -> None:
    with Store.open(with_test_source) as store:
        prepared = prepare_import(
            store, feed_file(tmp_path, "newer.json", newer_document()), policy=Policy()
        )
        apply_import(store, prepared)
    out = tmp_path / "out" / "test-source.json"
    out.parent.mkdir()
    assert tools.exporter is not None
    with qtbot.waitSignal(tools.exporter.exported, timeout=10_000) as done:
        tools.exporter.export_to("test-source", out)
    assert done.args[0].path == out and done.args[0].sequence == 2
    assert sorted(p.name for p in out.parent.iterdir()) == ["test-source.json"]  # no temp left
    exported = parse(out.read_bytes())
    assert (exported.source.id, exported.sequence) == ("test-source", 2)
    # Into a fresh store, the file gives exactly the content it was exported from.
    with Store.open(tmp_path / "fresh.sqlite") as fresh, Store.open(with_test_source) as source:
        result = apply_import(fresh, prepare_import(fresh, out, policy=Policy()))
        assert result.applied and len(result.added) == 4
        assert current_feed(fresh, "test-source") == current_feed(source, "test-source")


def test_the_menu_asks_which_source_and_where(
    qtbot: QtBot, tools: AdminTools, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "chosen.json"
    suggested: list[str] = []

    def pick(_parent: object, _title: str, _label: str, items: list[str], *_a: object):  # type: ignore[no-untyped-def]
        assert items == [
            "Hampshire & Isle of Wight Modern Slavery Partnership (hiow-msp)",
            "Test source (test-source)",
        ]
        return items[1], True

    def save(_parent: object, _title: str, where: str, _filter: str) -> tuple[str, str]:
        suggested.append(where)
        return str(target), ""

    monkeypatch.setattr(QInputDialog, "getItem", pick)
    monkeypatch.setattr(QFileDialog, "getSaveFileName", save)
    assert tools.export_action is not None and tools.exporter is not None
    with qtbot.waitSignal(tools.exporter.exported, timeout=10_000):
        tools.export_action.trigger()
    assert Path(suggested[0]).name == "test-source-1.json"
    assert parse(target.read_bytes()).source.id == "test-source"
    assert "Exported test-source (sequence 1" in tools.window.statusBar().currentMessage()


def test_a_failed_export_says_so_and_leaves_the_old_file(
    qtbot: QtBot, tools: AdminTools, tmp_path: Path
) -> None:
    assert tools.exporter is not None
    with qtbot.waitSignal(tools.exporter.failed, timeout=10_000) as failed:
        tools.exporter.export_to("test-source", tmp_path / "no" / "such" / "folder.json")
    assert failed.args[0].startswith("The feed was not exported. Cannot write")


def test_write_atomically_replaces_whole_files_or_nothing(tmp_path: Path) -> None:
    tmp_path = tmp_path / "atomic"
    tmp_path.mkdir()
    path = tmp_path / "feed.json"
    write_atomically(path, b"old")
    write_atomically(path, b"new")
    assert path.read_bytes() == b"new"
    blocked = tmp_path / "a-folder"
    blocked.mkdir()
    with pytest.raises(StorageError, match="cannot write"):
        write_atomically(blocked, b"data")  # a folder cannot be replaced by a file
    assert blocked.is_dir()
    assert sorted(os.listdir(tmp_path)) == ["a-folder", "feed.json"]  # no temporary left
