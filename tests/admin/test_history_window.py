"""Admin ▸ History and rollback: roll back to a revision (confirmed), and roll forward again."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest
from adminkit import current_sequence, feed_file, item_ids
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from feedmaker import newer_document
from msguide.importing import import_file
from msguide.policy import Policy
from msguide.store.db import Store
from msguide.ui import announce
from msguide.ui.admin import AdminTools
from msguide.ui.admin.history import HistoryWindow, RevisionRole
from msguide.ui.main_window import MainWindow
from spokenkit import focusable, unspoken

BASE_IDS = ["nrm-adult", "ceraf", "stats-2024", "helpline"]
NEWER_IDS = ["nrm-adult", "stats-2024", "helpline", "duty-to-notify"]


@pytest.fixture
def two_revisions(with_test_source: Path, tmp_path: Path) -> Path:
    """test-source at sequence 2, with sequence 1 kept in the history."""
    with Store.open(with_test_source) as store:
        import_file(store, feed_file(tmp_path, "newer.json", newer_document()), policy=Policy())
    return with_test_source


def open_history(qtbot: QtBot, tools: AdminTools) -> HistoryWindow:
    history = tools.open_history()
    assert history is not None
    with qtbot.waitSignal(history.loaded, timeout=10_000):
        pass
    return history


def choose(history: HistoryWindow, source: str, sequence: int) -> None:
    history.source_box.setCurrentIndex(history.source_box.findData(source))
    row = history.model.row_of(sequence)
    assert row >= 0
    history.table.setCurrentIndex(history.model.index(row, 0))


@dataclass
class Asked:
    title: str
    text: str
    details: str
    default: str


def answer(qtbot: QtBot, history: HistoryWindow, confirm: bool) -> Asked:
    """Wait for the confirmation, note what it asks, and click its button (it then closes)."""
    qtbot.waitUntil(lambda: history.confirm_box is not None, timeout=10_000)
    box = history.confirm_box
    assert box is not None and box.isVisible()
    default = box.defaultButton()
    asked = Asked(
        box.windowTitle(),
        box.text(),
        box.informativeText(),
        default.objectName() if default is not None else "",
    )
    name = "rollbackConfirmButton" if confirm else "rollbackCancelButton"
    button = next(b for b in box.buttons() if b.objectName() == name)
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    return asked


def test_revisions_are_listed_per_source_newest_first(
    qtbot: QtBot, tools: AdminTools, two_revisions: Path, qtmodeltester
) -> None:  # type: ignore[no-untyped-def]
    history = open_history(qtbot, tools)
    sources = [history.source_box.itemData(n) for n in range(history.source_box.count())]
    assert sources == ["hiow-msp", "test-source"]
    choose(history, "test-source", 2)
    model = history.model
    rows = [model.index(r, 0).data(RevisionRole) for r in range(model.rowCount())]
    assert [(r.sequence, r.current, r.item_count) for r in rows] == [(2, True, 4), (1, False, 4)]
    assert model.index(0, 1).data() == "Current"
    assert model.index(0, 5).data() == "+1 ~1 −1"
    assert model.index(0, 5).data(Qt.ItemDataRole.AccessibleTextRole) == (
        "1 added, 1 changed, 1 removed"
    )
    assert model.index(0, 6).data() == "Unsigned"
    assert model.index(0, 7).data().endswith("newer.json")
    assert model.headerData(0, Qt.Orientation.Horizontal, Qt.ItemDataRole.DisplayRole) == (
        "Sequence"
    )
    qtmodeltester.check(model)
    assert not history.roll_button.isEnabled()  # the current revision is chosen


def test_roll_back_then_roll_forward(
    qtbot: QtBot, tools: AdminTools, window: MainWindow, two_revisions: Path
) -> None:
    history = open_history(qtbot, tools)
    choose(history, "test-source", 1)
    assert history.roll_button.isEnabled()
    assert history.roll_button.text() == "&Roll back to 1…"
    qtbot.mouseClick(history.roll_button, Qt.MouseButton.LeftButton)
    with (
        qtbot.waitSignal(history.rolledBack, timeout=10_000) as rolled,
        qtbot.waitSignal(history.loaded, timeout=10_000),
        qtbot.waitSignal(window.resultsShown, timeout=10_000),
    ):
        box = answer(qtbot, history, confirm=True)
    assert box.title == "Roll back?"
    assert "Roll back Test source to sequence 1" in box.text
    assert "adds 1, changes 1 and removes 1 items" in box.details
    assert "rolling forward to sequence 2" in box.details
    assert rolled.args[0].sequence == 1
    assert current_sequence(two_revisions, "test-source") == 1
    assert item_ids(two_revisions, "test-source") == BASE_IDS
    assert history.model.current() is not None and history.model.current().sequence == 1

    # Undo: roll forward to the newer revision.
    choose(history, "test-source", 2)
    assert history.roll_button.text() == "&Roll forward to 2…"
    qtbot.mouseClick(history.roll_button, Qt.MouseButton.LeftButton)
    with qtbot.waitSignal(history.rolledBack, timeout=10_000):
        box = answer(qtbot, history, confirm=True)
    assert box.title == "Roll forward?"
    assert current_sequence(two_revisions, "test-source") == 2
    assert item_ids(two_revisions, "test-source") == NEWER_IDS


def test_declining_the_confirmation_changes_nothing(
    qtbot: QtBot, tools: AdminTools, window: MainWindow, two_revisions: Path
) -> None:
    history = open_history(qtbot, tools)
    choose(history, "test-source", 1)
    qtbot.mouseClick(history.roll_button, Qt.MouseButton.LeftButton)
    box = answer(qtbot, history, confirm=False)
    assert box.default == "rollbackCancelButton"  # changing content is never the default
    assert window.service.writes.wait(5000)
    assert current_sequence(two_revisions, "test-source") == 2
    assert history.roll_button.isEnabled()


def test_history_is_reachable_by_keyboard_and_named(
    qtbot: QtBot, tools: AdminTools, window: MainWindow, two_revisions: Path
) -> None:
    window.activateWindow()
    qtbot.keyClick(
        window,
        Qt.Key.Key_R,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    history = tools.history_window
    assert history is not None and history.isVisible()
    qtbot.waitUntil(lambda: history.model.rowCount() > 0, timeout=10_000)
    assert focusable(history)  # not vacuous
    # Admin windows: names for every widget Tab reaches (descriptions: the main window).
    assert unspoken(history, descriptions=False) == [], "\n".join(unspoken(history))
    assert history.table.focusPolicy() & Qt.FocusPolicy.TabFocus


def test_the_status_line_is_announced(
    qtbot: QtBot,
    tools: AdminTools,
    window: MainWindow,
    two_revisions: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A rollback's outcome appears in a label the person is not on (the focus is back in the
    table): a screen reader hears it only if it is announced, as the main window's are."""
    spoken: list[tuple[object, str]] = []
    monkeypatch.setattr(announce, "announce", lambda w, text, **_: spoken.append((w, text)))
    history = open_history(qtbot, tools)
    choose(history, "test-source", 1)
    qtbot.mouseClick(history.roll_button, Qt.MouseButton.LeftButton)
    with qtbot.waitSignal(history.rolledBack, timeout=10_000):
        answer(qtbot, history, confirm=True)
    done = "test-source is now at sequence 1: 1 added, 1 changed, 1 removed."
    assert history.status.text() == done
    qtbot.waitUntil(lambda: (history.status, done) in spoken, timeout=5000)
