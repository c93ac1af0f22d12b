"""Favourites whose item has left the content are shown under the Favourites list: greyed (but
readable), as "No longer in the content: <title>", each with Remove, by keyboard and to a
screen reader."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAccessible, QPalette
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from msguide.store.favourites import list_favourites
from msguide.ui.gone_favourites import LEAST_CONTRAST, contrast
from windowkit import WindowFactory, type_query

SEED = json.loads((Path(__file__).resolve().parents[2] / "data" / "seed-feed.json").read_text())


def _uncited_resource(feed: dict[str, Any]) -> dict[str, Any]:
    """An item no pathway cites and no contact list pins: the content can drop it."""
    text = json.dumps(feed["_msguide"].get("pathways", []))
    return next(
        item
        for item in feed["items"]
        if item["_msguide"]["kind"] == "resource" and f'"{item["id"]}"' not in text
    )


def _spoken(widget: QWidget) -> str:
    interface = QAccessible.queryAccessibleInterface(widget)
    assert interface is not None
    return interface.text(QAccessible.Text.Name)


def test_a_favourite_whose_item_has_gone_is_shown_greyed_with_remove(
    qtbot: QtBot,
    open_window: WindowFactory,
    cli: Any,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Before the window opens, as on a laptop: two favourites, then content without one.
    dropped = _uncited_resource(SEED)
    carried = tmp_path / "favourites.json"
    carried.write_text(
        json.dumps(
            {
                "msguide_favourites": 1,
                "favourites": [
                    {"source": "hiow-msp", "id": dropped["id"]},
                    {"source": "elsewhere", "id": "never-seen"},  # no stored feed holds it
                ],
            }
        ),
        "utf-8",
    )
    assert cli("favourites", "import", str(carried)).code == 0
    newer = json.loads(json.dumps(SEED))
    newer["_msguide"]["sequence"] = SEED["_msguide"]["sequence"] + 1
    newer["items"] = [i for i in newer["items"] if i["id"] != dropped["id"]]
    path = tmp_path / "newer.json"
    path.write_text(json.dumps(newer), "utf-8")
    assert cli("import", str(path)).code == 0
    window, service = open_window()
    store = service.store
    assert store is not None

    panel = window.gone_favourites
    with qtbot.waitSignal(window.resultsShown, timeout=5000):
        window.go_actions[1].trigger()  # Go ▸ Favourites (Ctrl+2)
    qtbot.waitUntil(lambda: len(panel.labels) == 2, timeout=5000)
    # The list is empty: the text that says why has the focus (a hidden list cannot take it).
    assert QApplication.focusWidget() is window.empty_state
    assert panel.isVisible()
    texts = [label.text() for label in panel.labels]
    assert texts == [  # in the order they were added (the same second: by source)
        "No longer in the content: never-seen",  # no title anywhere: its id
        f"No longer in the content: {dropped['title']}",  # the title its item last had
    ]
    assert [_spoken(label) for label in panel.labels] == texts
    assert [_spoken(button) for button in panel.buttons] == [
        "Remove “never-seen” from favourites",
        f"Remove “{dropped['title']}” from favourites",
    ]
    # Nothing else is a favourite: the list is empty and says why.
    assert window.results_stack.currentWidget() is window.empty_state
    assert "None of your favourites is in the current content" in window.empty_state.text()

    # Greyed, but with at least WCAG AA contrast.
    label = panel.labels[1]
    palette = label.palette()
    shown = palette.color(QPalette.ColorRole.WindowText)
    background = palette.color(QPalette.ColorRole.Window)
    assert shown != window.palette().color(QPalette.ColorRole.WindowText)
    assert contrast(shown, background) >= LEAST_CONTRAST

    # Typing in Favourites does not read the stored feeds again for every key.
    loads: list[object] = []
    load = service.gone_favourites
    monkeypatch.setattr(service, "gone_favourites", lambda done: (loads.append(1), load(done)))
    type_query(qtbot, window, "zz")
    assert loads == [] and len(panel.labels) == 2
    with qtbot.waitSignal(window.resultsShown, timeout=5000):
        window.search_field.clear()
    assert window.empty_state.text().startswith("None of your favourites is in the current")
    window.empty_state.setFocus(Qt.FocusReason.ShortcutFocusReason)

    # By keyboard: Tab from the empty list reaches each line, then its Remove; Space removes.
    stops = []
    for _ in range(4):
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
        stops.append(QApplication.focusWidget())
    assert stops == [panel.labels[0], panel.buttons[0], panel.labels[1], panel.buttons[1]]
    window.gone_favourites.buttons[0].setFocus(Qt.FocusReason.TabFocusReason)
    qtbot.keyClick(panel.buttons[0], Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: len(panel.labels) == 1, timeout=5000)
    assert panel.labels[0].text() == f"No longer in the content: {dropped['title']}"
    assert QApplication.focusWidget() is panel.labels[0]  # the focus stays in the list
    assert [(f.source, f.id) for f in list_favourites(store)] == [("hiow-msp", dropped["id"])]

    # Another view: the panel goes.
    window.choose_sidebar("all")
    qtbot.waitUntil(lambda: not panel.isVisible(), timeout=5000)
