"""Issue 13: before anything is chosen, the detail pane says what msguide is, how to find
things, and the numbers to call now, taken from the content's pinned contacts."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLabel, QPushButton, QWidget
from pytestqt.qtbot import QtBot

from feedmaker import feed_document, item, to_bytes
from msguide.store.db import Store
from msguide.ui.main_window import MainWindow
from windowkit import WindowFactory


def card_text(window: MainWindow) -> str:
    card = window.detail.start_card
    return "\n".join(label.text() for label in card.findChildren(QLabel) if label.isVisibleTo(card))


def pinned_numbers(home: Path) -> set[str]:
    store = Store.open(home / "data" / "msguide.sqlite", read_only=True)
    with store, store.read() as connection:
        rows = connection.exec_driver_sql(
            "SELECT phone FROM items WHERE kind = 'contact' AND pinned AND phone != ''"
        )
        return {row[0] for row in rows}


def test_the_empty_detail_pane_is_a_start_card_with_the_pinned_numbers(
    window: MainWindow, home: Path
) -> None:
    assert window.detail.start_card.isVisible()
    text = card_text(window)
    assert "msguide keeps guidance" in text and "Ctrl+F" in text and "F2" in text
    numbers = pinned_numbers(home)
    assert {"08000 121 700", "999"} <= numbers  # the seed pins the helpline and 999
    for number in numbers:
        assert f"Phone: {number}" in text
    assert "Modern Slavery & Exploitation Helpline" in text  # each number names its item


def test_the_numbers_come_from_the_content_not_the_code(
    cli, open_window: WindowFactory, home: Path, tmp_path: Path, qtbot: QtBot
) -> None:  # type: ignore[no-untyped-def]
    crisis = item(
        "crisis",
        "Test crisis line",
        kind="contact",
        phone="0100 000 111",
        hours="Weekdays",
        pinned=True,
        categories=[],
    )
    quiet = item("quiet", "Unpinned line", kind="contact", phone="0100 000 222", categories=[])
    feed = tmp_path / "feed.json"
    feed.write_bytes(to_bytes(feed_document(items=[crisis, quiet])))
    assert cli("import", str(feed)).code == 0
    window, _service = open_window()
    text = card_text(window)
    assert "Test crisis line\nPhone: 0100 000 111 (Weekdays)" in text
    assert "0100 000 222" not in text  # not pinned: not on the card
    # Its Details button shows the item the number comes from.
    card = window.detail.start_card
    buttons = [
        b for b in card.findChildren(QPushButton) if "Test crisis line" in b.accessibleName()
    ]
    assert len(buttons) == 1
    with qtbot.waitSignal(window.detailShown, timeout=5000):
        buttons[0].click()
    assert window.detail.detail is not None
    assert window.detail.detail.item.title == "Test crisis line"
    assert not card.isVisible()


def test_tab_reads_the_start_card_top_to_bottom_between_the_results_and_the_news(
    qtbot: QtBot, window: MainWindow
) -> None:
    window.activateWindow()
    window.search_field.setFocus(Qt.FocusReason.TabFocusReason)
    chain: list[QWidget] = []
    for _ in range(80):
        widget = QApplication.focusWidget()
        assert widget is not None
        if chain and widget is chain[0]:
            break
        chain.append(widget)
        qtbot.keyClick(widget, Qt.Key.Key_Tab)
    card = window.detail.start_card
    on_card = [w for w in chain if card.isAncestorOf(w)]
    names = [w.objectName() for w in on_card]
    assert "startContactDetails0" in names and "startHowTo" in names
    tops = [w.mapTo(card, w.rect().topLeft()).y() for w in on_card]
    assert tops == sorted(tops), names
    first, last = chain.index(on_card[0]), chain.index(on_card[-1])
    assert chain.index(window.results_view) < first and last < chain.index(window.news.view)
