"""Edit ▸ Settings…: user settings, locks shown as locked (and winning), feeds by who set them."""

from __future__ import annotations

import tomllib
from collections.abc import Callable
from pathlib import Path

import pytest
from adminkit import write
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QCheckBox, QComboBox, QDoubleSpinBox, QLabel, QSpinBox, QWidget
from pytestqt.qtbot import QtBot

from msguide.settings import SETTINGS
from msguide.ui.admin import AdminTools
from msguide.ui.admin.settings_dialog import SettingsDialog, editor_name
from msguide.ui.admin.sources_model import SET_BY, URL
from msguide.ui.content import ContentService
from msguide.ui.main_window import MainWindow
from spokenkit import focusable, unspoken

WindowFactory = Callable[[], tuple[MainWindow, ContentService]]
KEY = "RWS6MefCRj6W9Q6WQcWyj27DzDNm4ljKI2OdW7xPTRQP0MaJ/E21aHN6"
LOCKING_POLICY = f"""
[[sources]]
id = "hiow-msp"
# Loopback, port 9 (discard): a sync the window may start never leaves this machine.
url = "https://127.0.0.1:9/msguide/feed.json"
keys = ["{KEY}"]
[sync]
interval_hours = 12
[locks]
settings = ["sync.interval_hours"]
"""


def open_settings(qtbot: QtBot, window: MainWindow) -> SettingsDialog:
    tools = window.findChild(AdminTools, "adminTools")
    assert tools is not None
    window.activateWindow()
    qtbot.keyClick(window, Qt.Key.Key_Comma, Qt.KeyboardModifier.ControlModifier)
    dialog = tools.settings_dialog
    assert dialog is not None and dialog.isVisible()
    return dialog


def saved_file(home: Path) -> dict[str, object]:
    return tomllib.loads((home / "config" / "settings.toml").read_text(encoding="utf-8"))


def test_a_policy_lock_wins_over_the_user_setting(
    qtbot: QtBot, home: Path, policy_path: Path, open_window: WindowFactory
) -> None:
    write(policy_path, LOCKING_POLICY)
    write(home / "config" / "settings.toml", "[sync]\ninterval_hours = 2.0\n")
    window, _ = open_window()
    assert window.settings is not None
    assert window.settings.get("sync.interval_hours") == 12.0  # the policy's, not the user's 2
    dialog = open_settings(qtbot, window)
    locked = dialog.findChild(QDoubleSpinBox, "setting_sync_interval_hours")
    assert locked is not None
    assert not locked.isEnabled()
    assert locked.value() == 12.0
    note = dialog.findChild(QLabel, "setting_sync_interval_hours_lock")
    assert note is not None and note.isVisible()
    assert note.text() == f"Locked by your IT policy ({policy_path})"
    assert locked.accessibleDescription() == note.text()
    assert dialog.policy_label.text() == f"IT policy in force: {policy_path}"
    # Saving keeps the user's file as it was for the locked setting, and the lock still wins.
    on_start = dialog.findChild(QCheckBox, "setting_sync_on_start")
    assert on_start is not None and on_start.isEnabled()
    on_start.setChecked(False)
    with qtbot.waitSignal(dialog.saved, timeout=5000):
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert saved_file(home)["sync"] == {"interval_hours": 2.0, "on_start": False}
    assert window.settings.get("sync.interval_hours") == 12.0


def test_every_setting_has_a_named_control_and_saving_applies_it(
    qtbot: QtBot, home: Path, window: MainWindow
) -> None:
    dialog = open_settings(qtbot, window)
    for setting in SETTINGS:
        editor = dialog.findChild(QWidget, editor_name(setting))
        assert editor is not None, setting.name
        assert editor.accessibleName() == setting.label
        assert editor.isEnabled()
        caption = dialog.findChild(QLabel, editor_name(setting) + "_label")
        assert caption is not None and caption.buddy() is editor
    assert dialog.policy_label.text() == "No IT policy applies on this computer."
    zoom = dialog.findChild(QSpinBox, "setting_ui_zoom_percent")
    attachments = dialog.findChild(QComboBox, "setting_offline_attachments")
    news = dialog.findChild(QCheckBox, "setting_ui_show_news")
    assert zoom is not None and attachments is not None and news is not None
    zoom.setValue(125)
    attachments.setCurrentIndex(attachments.findData("all"))
    news.setChecked(False)
    with qtbot.waitSignal(dialog.saved, timeout=5000):
        dialog.save_button.click()
    assert not dialog.isVisible()
    assert saved_file(home) == {
        "offline": {"attachments": "all"},
        "ui": {"show_news": False, "zoom_percent": 125},
    }
    assert window.zoom == 125
    assert not window.news.isVisible()
    assert window.statusBar().currentMessage() == "Settings saved."


def test_cancel_writes_nothing(qtbot: QtBot, home: Path, window: MainWindow) -> None:
    dialog = open_settings(qtbot, window)
    zoom = dialog.findChild(QSpinBox, "setting_ui_zoom_percent")
    assert zoom is not None
    zoom.setValue(200)
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert not dialog.isVisible()
    assert not (home / "config" / "settings.toml").exists()
    assert window.zoom == 100


def test_feeds_set_by_policy_are_read_only_and_the_users_own_are_editable(
    qtbot: QtBot, home: Path, policy_path: Path, open_window: WindowFactory
) -> None:
    write(policy_path, LOCKING_POLICY)
    window, _ = open_window()
    dialog = open_settings(qtbot, window)
    model = dialog.sources_model
    assert model.rowCount() == 1
    assert model.index(0, SET_BY).data() == "IT policy"
    assert not model.flags(model.index(0, URL)) & Qt.ItemFlag.ItemIsEditable
    dialog.sources_view.setCurrentIndex(model.index(0, 0))
    assert not dialog.remove_button.isEnabled()
    qtbot.mouseClick(dialog.add_button, Qt.MouseButton.LeftButton)
    assert model.rowCount() == 2 and model.index(1, SET_BY).data() == "You"
    assert model.flags(model.index(1, URL)) & Qt.ItemFlag.ItemIsEditable
    # An address that is not https is refused with a sentence, and nothing is written.
    assert model.setData(
        model.index(1, URL), "http://example.com/feed.json", Qt.ItemDataRole.EditRole
    )
    dialog.save_button.click()
    assert dialog.isVisible() and dialog.error.isVisible()
    assert "must start with https://" in dialog.error.text()
    assert not (home / "config" / "settings.toml").exists()
    model.setData(model.index(1, URL), "https://example.com/feed.json", Qt.ItemDataRole.EditRole)
    model.setData(model.index(1, 1), "mine", Qt.ItemDataRole.EditRole)
    with qtbot.waitSignal(dialog.saved, timeout=5000):
        dialog.save_button.click()
    assert saved_file(home)["sources"] == [
        {"id": "mine", "url": "https://example.com/feed.json", "keys": []}
    ]
    assert window.settings is not None
    assert [s.url for s in window.settings.sources()] == [
        "https://127.0.0.1:9/msguide/feed.json",
        "https://example.com/feed.json",
    ]


def test_a_locked_feed_list_cannot_be_changed(
    qtbot: QtBot, policy_path: Path, open_window: WindowFactory
) -> None:
    write(policy_path, LOCKING_POLICY.replace('["sync.interval_hours"]', '["sources"]'))
    window, _ = open_window()
    dialog = open_settings(qtbot, window)
    assert not dialog.add_button.isEnabled()
    assert not dialog.remove_button.isEnabled()
    assert (
        dialog.sources_note.text()
        == f"The list of feeds is locked by your IT policy ({policy_path})."
    )


def test_every_named_widget_in_the_dialog_is_named_for_screen_readers(
    qtbot: QtBot, policy_path: Path, open_window: WindowFactory
) -> None:
    write(policy_path, LOCKING_POLICY)
    window, _ = open_window()
    dialog = open_settings(qtbot, window)
    assert focusable(dialog)  # not vacuous
    # Admin windows: names for every widget Tab reaches (descriptions: the main window).
    assert unspoken(dialog, descriptions=False) == [], "\n".join(unspoken(dialog))


@pytest.mark.parametrize("key", ["not-a-key", "RWQ"])
def test_a_bad_signing_key_is_refused_in_words(
    qtbot: QtBot, home: Path, window: MainWindow, key: str
) -> None:
    dialog = open_settings(qtbot, window)
    model = dialog.sources_model
    row = model.add_source()
    model.setData(model.index(row, URL), "https://example.com/f.json", Qt.ItemDataRole.EditRole)
    model.setData(model.index(row, 2), key, Qt.ItemDataRole.EditRole)
    dialog.save_button.click()
    assert "is not a minisign public key" in dialog.error.text()
    assert not (home / "config" / "settings.toml").exists()


def test_settings_show_and_clear_the_documents_kept_offline(
    qtbot: QtBot, window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    import hashlib

    from PySide6.QtWidgets import QMessageBox, QPushButton

    controller = window.offline_ui.controller
    assert controller is not None
    body = b"%PDF-1.7 a document kept offline"
    staged = controller.where.data / "staged.pdf"
    staged.write_bytes(body)
    cache = controller._cache()
    cache.add(staged, hashlib.sha256(body).hexdigest(), len(body), "application/pdf", origin="t")

    dialog = open_settings(qtbot, window)
    usage = dialog.findChild(QLabel, "offlineUsage")
    assert usage is not None
    qtbot.waitUntil(lambda: usage.text().startswith("1 document kept offline"), timeout=5000)
    button = dialog.findChild(QPushButton, "clearOfflineButton")
    assert button is not None and button.accessibleName() == "Clear offline documents"

    asked: list[str] = []

    def answer(*args: object, **_kwargs: object) -> QMessageBox.StandardButton:
        asked.append(str(args[2]))
        return QMessageBox.StandardButton.Yes

    monkeypatch.setattr(QMessageBox, "question", answer)
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert asked and "Remove every document" in asked[0]
    qtbot.waitUntil(lambda: usage.text().startswith("0 documents kept offline"), timeout=5000)
    assert cache.usage().files == 0
