"""`[admin] tools = false`: no menu item, shortcut, drop or CLI command reaches import/rollback."""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pytest
from adminkit import drag_enter, feed_file, write
from PySide6.QtCore import QMimeData, Qt, QUrl
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QApplication, QDialog, QMenu
from pytestqt.qtbot import QtBot

from feedmaker import newer_document
from msguide.ui.admin import AdminTools
from msguide.ui.admin.tools import EXPORT_SHORTCUT, HISTORY_SHORTCUT, IMPORT_SHORTCUT
from msguide.ui.content import ContentService
from msguide.ui.main_window import MainWindow

WindowFactory = Callable[[], tuple[MainWindow, ContentService]]
ADMIN_ACTIONS = ("importAction", "exportAction", "historyAction")


def all_menu_texts(window: MainWindow) -> list[str]:
    texts = []
    for menu in window.menuBar().findChildren(QMenu):
        texts += [a.text().replace("&", "") for a in menu.actions()]
    return texts


def visible_dialogs() -> list[QDialog]:
    return [w for w in QApplication.topLevelWidgets() if isinstance(w, QDialog) and w.isVisible()]


def shortcuts(window: MainWindow) -> list[str]:
    return [
        key.toString(QKeySequence.SequenceFormat.PortableText)
        for action in window.actions()
        for key in action.shortcuts()
    ]


@pytest.fixture
def hidden(policy_path: Path, open_window: WindowFactory) -> MainWindow:
    write(policy_path, "[admin]\ntools = false\n")
    return open_window()[0]


def test_hidden_admin_tools_are_in_no_menu_and_have_no_shortcut(
    qtbot: QtBot, hidden: MainWindow, tmp_path: Path
) -> None:
    tools = hidden.findChild(AdminTools, "adminTools")
    assert tools is not None
    for name in ADMIN_ACTIONS:
        assert hidden.findChild(QAction, name) is None
    texts = all_menu_texts(hidden)
    # Moving one's own favourites is not an admin tool (File > Export/Import favourites…).
    admin_texts = [t for t in texts if "favourites" not in t]
    assert not [t for t in admin_texts if "Import" in t or "Export" in t or "History" in t]
    titles = [a.text().replace("&", "") for a in hidden.menuBar().actions()]
    assert "Admin" not in titles and hidden.findChild(QMenu, "adminMenu") is None
    assert "Settings…" in texts and "Diagnostics…" in texts  # not admin tools
    bound = shortcuts(hidden)
    for key in (IMPORT_SHORTCUT, EXPORT_SHORTCUT, HISTORY_SHORTCUT):
        assert key not in bound
    hidden.activateWindow()
    qtbot.keyClick(hidden, Qt.Key.Key_O, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(hidden, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier)
    modifiers = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
    qtbot.keyClick(hidden, Qt.Key.Key_R, modifiers)
    assert visible_dialogs() == []
    assert (tools.import_dialog, tools.history_window) == (None, None)
    # Nor does dropping a feed file on the window, or calling the entry points directly.
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(feed_file(tmp_path, "f.json", newer_document())))])
    enter = drag_enter(mime)
    QApplication.sendEvent(hidden, enter)
    assert not enter.isAccepted()
    assert tools.open_import(tmp_path / "f.json") is None
    assert tools.open_history() is None


def test_shown_admin_tools_are_in_their_own_admin_menu_with_their_shortcuts(
    window: MainWindow,
) -> None:
    admin = window.menuBar().findChild(QMenu, "adminMenu")
    assert admin is not None
    titles = [a.text().replace("&", "") for a in window.menuBar().actions()]
    assert titles[-2:] == ["Admin", "Help"]
    for name in ADMIN_ACTIONS:
        action = window.findChild(QAction, name)
        assert action is not None and action in admin.actions()
        assert action not in window.file_menu.actions()  # not in every worker's File menu
        assert action in window.actions()  # reachable with the menu bar hidden, listed by F1
    assert window.offline_ui.pack_action in admin.actions()
    bound = shortcuts(window)
    for key in (IMPORT_SHORTCUT, EXPORT_SHORTCUT, HISTORY_SHORTCUT, "Ctrl+,"):
        assert key in bound
    texts = [a.text() for a in window.file_menu.actions() if not a.isSeparator()]
    assert "&Import feed…" not in texts and texts[-1] == "&Quit"


def test_no_two_actions_share_a_shortcut(window: MainWindow) -> None:
    repeated = [key for key, count in Counter(shortcuts(window)).items() if count > 1]
    assert repeated == []


def test_a_broken_policy_hides_admin_tools_and_says_why(
    qtbot: QtBot, policy_path: Path, open_window: WindowFactory
) -> None:
    write(policy_path, "[admin\ntools = true\n")
    window, _ = open_window()
    assert window.findChild(QAction, "importAction") is None
    assert window.notice.isVisible()
    text = window.notice.text()
    assert str(policy_path) in text and "is not valid TOML" in text
    assert "safe defaults" in text and "admin tools hidden" in text


def test_the_cli_refuses_import_and_rollback_when_hidden(
    cli, policy_path: Path, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    write(policy_path, "[admin]\ntools = false\n")
    feed = feed_file(tmp_path, "f.json", newer_document())
    imported = cli("import", str(feed))
    assert imported.code == 2
    assert imported.err.startswith("msguide: importing feeds is turned off by your IT policy")
    assert str(policy_path) in imported.err
    rolled = cli("rollback", "hiow-msp", "1")
    assert rolled.code == 2 and "rolling back content is turned off" in rolled.err
    as_json = cli("import", str(feed), "--json")
    assert as_json.code == 2 and '"code": "usage"' in as_json.out
    assert cli("history").code == 0  # reading the history is not an admin tool
    write(policy_path, "[admin]\ntools = true\n")
    assert cli("import", str(feed), "--dry-run").code == 0


def test_a_policy_typo_is_a_broken_policy_in_the_window_and_the_log(
    qtbot: QtBot,
    policy_path: Path,
    open_window: WindowFactory,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """[[source]] for [[sources]] used to be ignored silently, pinned key and all (issue 14);
    the key quoted in the notice is shown visibly, never as a raw escape."""
    write(policy_path, '[["source\\u001b]0;owned\\u0007"]]\nid = "x"\n')
    with caplog.at_level(logging.WARNING, logger="msguide"):
        window, _ = open_window()
        assert window.findChild(QAction, "importAction") is None
        qtbot.waitUntil(lambda: window.notice.isVisible(), timeout=5000)
    text = window.notice.text()
    assert 'the table or key "source\u241b]0;owned\u2407" is not one msguide knows' in text
    assert "safe defaults" in text and "\x1b" not in text
    logged = [r.getMessage() for r in caplog.records if "IT policy problem" in r.getMessage()]
    assert logged and '"source\u241b]0;owned\u2407"' in logged[0]
