"""Admin ▸ Import feed…: the preview lists exactly what changes; Cancel changes nothing."""

from __future__ import annotations

from pathlib import Path

import pytest
from adminkit import current_sequence, drag_enter, feed_file, item_ids
from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDropEvent
from PySide6.QtWidgets import QApplication, QFileDialog, QMenu, QPushButton
from pytestqt.qtbot import QtBot

from feedmaker import feed_document, item, newer_document, to_bytes
from msguide.feed.signature import generate_keys, sign
from msguide.store.db import Store
from msguide.store.history import history
from msguide.ui.admin import AdminTools
from msguide.ui.admin.import_dialog import ImportDialog
from msguide.ui.main_window import MainWindow
from spokenkit import focusable, unspoken

pytestmark = pytest.mark.usefixtures("with_test_source")


def preview(qtbot: QtBot, tools: AdminTools, path: Path) -> ImportDialog:
    dialog = tools.open_import(path)
    assert dialog is not None
    with qtbot.waitSignal(dialog.previewShown, timeout=10_000):
        pass
    return dialog


def revisions(store_path: Path) -> list[tuple[str, int, bool]]:
    with Store.open(store_path, read_only=True) as store:
        return [(r.source, r.sequence, r.current) for r in history(store)]


def test_preview_lists_exactly_the_added_changed_and_removed_items(
    qtbot: QtBot, tools: AdminTools, tmp_path: Path
) -> None:
    dialog = preview(qtbot, tools, feed_file(tmp_path, "newer.json", newer_document()))
    model = dialog.changes_model
    assert model.titles("added") == ["Duty to Notify"]
    assert model.titles("changed") == ["National referral mechanism guidance: adult"]
    assert model.titles("removed") == ["Child exploitation risk assessment framework"]
    assert model.rowCount() == 3
    texts = [model.index(r).data() for r in range(3)]
    assert texts == [
        "+ Added: Duty to Notify",
        "~ Changed: National referral mechanism guidance: adult (summary)",
        "− Removed: Child exploitation risk assessment framework",
    ]
    assert dialog.source_label.text() == "Test source (test-source)"
    assert dialog.sequence_label.text() == "2 (this computer has 1)"
    assert dialog.published_label.text() == "1 April 2025"
    assert dialog.signature_label.text().startswith("Unsigned")
    assert dialog.items_label.text() == "4"
    assert dialog.summary.text() == "Importing makes 3 changes: 1 added, 1 changed, 1 removed."
    assert dialog.import_button.isEnabled()
    assert not dialog.force_box.isVisible()


def test_cancel_changes_nothing(
    qtbot: QtBot, tools: AdminTools, window: MainWindow, tmp_path: Path, with_test_source: Path
) -> None:
    before = (revisions(with_test_source), item_ids(with_test_source, "test-source"))
    bytes_before = with_test_source.read_bytes()
    dialog = preview(qtbot, tools, feed_file(tmp_path, "newer.json", newer_document()))
    qtbot.mouseClick(dialog.cancel_button, Qt.MouseButton.LeftButton)
    assert not dialog.isVisible()
    assert window.service.writes.wait(5000)
    assert (revisions(with_test_source), item_ids(with_test_source, "test-source")) == before
    # Not a byte of content changed (WAL mode: committed changes would reach the file later,
    # so also compare the revision list above, read through SQLite).
    assert with_test_source.read_bytes() == bytes_before


def test_import_applies_and_the_window_refreshes(
    qtbot: QtBot, tools: AdminTools, window: MainWindow, tmp_path: Path, with_test_source: Path
) -> None:
    dialog = preview(qtbot, tools, feed_file(tmp_path, "newer.json", newer_document()))
    with (
        qtbot.waitSignal(dialog.importFinished, timeout=10_000) as finished,
        qtbot.waitSignal(window.resultsShown, timeout=10_000),
    ):
        qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    result = finished.args[0]
    assert (result.sequence, result.applied) == (2, True)
    assert [c.id for c in result.added] == ["duty-to-notify"]
    assert not dialog.isVisible()
    assert current_sequence(with_test_source, "test-source") == 2
    assert item_ids(with_test_source, "test-source") == [
        "nrm-adult",
        "stats-2024",
        "helpline",
        "duty-to-notify",
    ]
    assert "now at sequence 2" in window.statusBar().currentMessage()
    qtbot.waitUntil(lambda: "Duty to Notify" in [h.title for h in window.results_model.hits])


def test_an_older_feed_needs_the_force_option_and_a_warning(
    qtbot: QtBot, tools: AdminTools, tmp_path: Path, with_test_source: Path
) -> None:
    dialog = preview(qtbot, tools, feed_file(tmp_path, "five.json", feed_document(sequence=5)))
    with qtbot.waitSignal(dialog.importFinished, timeout=10_000):
        dialog.import_button.click()
    older = feed_document(sequence=3, items=[item("only", "The only item")])
    dialog = preview(qtbot, tools, feed_file(tmp_path, "three.json", older))
    assert dialog.force_box.isVisible() and dialog.warning.isVisible()
    assert "older than sequence 5" in dialog.warning.text()
    assert not dialog.import_button.isEnabled()
    assert dialog.changes_model.titles("added") == ["The only item"]
    dialog.run_import()  # refused while the box is not ticked
    assert current_sequence(with_test_source, "test-source") == 5
    dialog.force_box.setChecked(True)
    assert dialog.import_button.isEnabled()
    assert dialog.import_button.text() == "&Import older feed"
    with qtbot.waitSignal(dialog.importFinished, timeout=10_000):
        dialog.import_button.click()
    assert current_sequence(with_test_source, "test-source") == 3
    assert item_ids(with_test_source, "test-source") == ["only"]


def test_the_same_sequence_with_other_content_cannot_be_imported(
    qtbot: QtBot, tools: AdminTools, tmp_path: Path
) -> None:
    changed = feed_document(sequence=1, title="Another title")
    dialog = preview(qtbot, tools, feed_file(tmp_path, "clash.json", changed))
    assert dialog.error.isVisible()
    assert "already imported with different content" in dialog.error.text()
    assert not dialog.import_button.isEnabled()
    assert not dialog.force_box.isVisible()


def test_an_identical_feed_says_there_is_nothing_to_import(
    qtbot: QtBot, tools: AdminTools, tmp_path: Path
) -> None:
    dialog = preview(qtbot, tools, feed_file(tmp_path, "same.json", feed_document()))
    assert dialog.status.text() == "Nothing to import: already up to date."
    assert not dialog.import_button.isEnabled()


def test_errors_are_located_and_in_plain_words(
    qtbot: QtBot, tools: AdminTools, tmp_path: Path
) -> None:
    bad = newer_document()
    bad["items"][1]["url"] = "javascript:alert(1)"
    dialog = preview(qtbot, tools, feed_file(tmp_path, "bad.json", bad))
    text = dialog.error.text()
    assert dialog.status.text() == "This feed cannot be imported."
    assert "is not an allowed link" in text
    assert "Where in the feed: items[1].url" in text
    assert "Ask the publisher for a corrected feed file" in text
    assert not dialog.import_button.isEnabled()
    dialog = preview(qtbot, tools, tmp_path / "missing.json")
    assert "There is no file" in dialog.error.text()


def test_signatures_are_shown_and_enforced(
    qtbot: QtBot, tools: AdminTools, window: MainWindow, tmp_path: Path
) -> None:
    keys = generate_keys(None)
    good = feed_file(tmp_path, "signed.json", newer_document())
    good.with_name("signed.json.minisig").write_bytes(sign(good.read_bytes(), keys.secret, None))
    # The policy pins the key: a signed feed passes, an unsigned one is refused.
    from msguide.policy import Policy, SourcePolicy

    tools.policy = Policy(
        sources=(
            SourcePolicy(
                url="https://example.org/f.json", id="test-source", keys=(keys.public_base64,)
            ),
        )
    )
    tools.import_dialog = None
    dialog = preview(qtbot, tools, good)
    assert dialog.signature_label.text() == (
        f"Signed by key {keys.key_id}, trusted by your IT policy"
    )
    assert dialog.import_button.isEnabled()
    dialog.reject()
    unsigned = feed_file(tmp_path, "unsigned.json", newer_document())
    dialog = preview(qtbot, tools, unsigned)
    assert dialog.signature_label.text().startswith("Refused: The feed is not signed")
    assert "key your IT policy trusts" in dialog.error.text()
    assert not dialog.import_button.isEnabled()
    assert dialog.source_label.text() == "Test source (test-source)"  # still says what it is


def test_dropping_a_json_file_on_the_window_opens_its_preview(
    qtbot: QtBot, tools: AdminTools, window: MainWindow, tmp_path: Path
) -> None:
    path = feed_file(tmp_path, "dropped.json", newer_document())
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(path))])
    buttons, keys = Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
    enter = drag_enter(mime)
    QApplication.sendEvent(window, enter)
    assert enter.isAccepted()
    other = QMimeData()
    other.setUrls([QUrl.fromLocalFile(str(tmp_path / "notes.txt"))])
    refused = drag_enter(other)
    QApplication.sendEvent(window, refused)
    assert not refused.isAccepted()
    # A drop on the search field (which takes text drops) imports too, and types nothing.
    drop = QDropEvent(QPointF(5, 5), Qt.DropAction.CopyAction, mime, buttons, keys)
    QApplication.sendEvent(window.search_field, drop)
    qtbot.waitUntil(lambda: tools.import_dialog is not None, timeout=5000)
    dialog = tools.import_dialog
    assert dialog is not None
    qtbot.waitUntil(lambda: dialog.prepared is not None, timeout=10_000)
    assert dialog.path == path and dialog.isVisible()
    assert dialog.changes_model.titles("added") == ["Duty to Notify"]
    assert window.search_field.text() == ""


def test_the_menu_and_shortcut_open_a_file_chooser(
    qtbot: QtBot, tools: AdminTools, window: MainWindow, tmp_path: Path, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    path = feed_file(tmp_path, "chosen.json", newer_document())
    asked: list[str] = []

    def choose(*args: object) -> tuple[str, str]:
        asked.append(str(args[1]))
        return str(path), ""

    monkeypatch.setattr(QFileDialog, "getOpenFileName", choose)
    assert tools.import_action is not None
    admin = window.menuBar().findChild(QMenu, "adminMenu")
    assert admin is not None and tools.import_action in admin.actions()
    window.activateWindow()
    qtbot.keyClick(window, Qt.Key.Key_O, Qt.KeyboardModifier.ControlModifier)
    assert asked == ["Import feed"]
    dialog = tools.import_dialog
    assert dialog is not None
    qtbot.waitUntil(lambda: dialog.prepared is not None, timeout=10_000)
    assert dialog.changes_model.rowCount() == 3


def test_every_named_widget_in_the_dialog_is_named_for_screen_readers(
    qtbot: QtBot, tools: AdminTools, tmp_path: Path
) -> None:
    dialog = preview(qtbot, tools, feed_file(tmp_path, "newer.json", newer_document()))
    assert focusable(dialog)  # not vacuous
    # Admin windows: names for every widget Tab reaches (descriptions: the main window).
    assert unspoken(dialog, descriptions=False) == [], "\n".join(unspoken(dialog))
    for label in (dialog.source_label, dialog.summary, dialog.error, dialog.warning):
        assert label.textFormat() == Qt.TextFormat.PlainText
    buttons = {b.objectName() for b in dialog.findChildren(QPushButton)}
    assert {"importButton", "importCancelButton"} <= buttons


def test_feed_text_is_never_rich_text(qtbot: QtBot, tools: AdminTools, tmp_path: Path) -> None:
    hostile = newer_document()
    hostile["items"].append(item("html", "<b>Bold</b> <img src=file:///etc/passwd>"))
    hostile["_msguide"]["source"]["name"] = "<i>Source</i>"
    dialog = preview(qtbot, tools, feed_file(tmp_path, "hostile.json", hostile))
    assert dialog.source_label.text() == "<i>Source</i> (test-source)"
    assert dialog.source_label.textFormat() == Qt.TextFormat.PlainText
    texts = [dialog.changes_model.index(r).data() for r in range(dialog.changes_model.rowCount())]
    assert "+ Added: <b>Bold</b> <img src=file:///etc/passwd>" in texts


def test_the_feed_bytes_imported_are_the_ones_previewed(
    qtbot: QtBot, tools: AdminTools, tmp_path: Path, with_test_source: Path
) -> None:
    path = feed_file(tmp_path, "newer.json", newer_document())
    dialog = preview(qtbot, tools, path)
    path.write_bytes(to_bytes(feed_document(sequence=9)))  # changed after the preview
    with qtbot.waitSignal(dialog.importFinished, timeout=10_000):
        dialog.import_button.click()
    assert current_sequence(with_test_source, "test-source") == 2


def test_escape_cannot_abandon_an_import_being_applied(
    qtbot: QtBot, tools: AdminTools, tmp_path: Path, with_test_source: Path
) -> None:
    dialog = preview(qtbot, tools, feed_file(tmp_path, "newer.json", newer_document()))
    with qtbot.waitSignal(dialog.importFinished, timeout=10_000):
        dialog.run_import()
        qtbot.keyClick(dialog, Qt.Key.Key_Escape)  # the result cannot have arrived yet
        assert dialog.isVisible() and not dialog.cancel_button.isEnabled()
    assert not dialog.isVisible()
    assert current_sequence(with_test_source, "test-source") == 2
