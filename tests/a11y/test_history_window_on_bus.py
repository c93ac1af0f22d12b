"""Admin ▸ History and rollback as a screen reader gets it over the AT-SPI bus (tests/a11ykit.py):
its labels are read by what they say, with what each is for as the description, as in the
main window (issue 13), never a caption in place of the text."""

from __future__ import annotations

from pathlib import Path

from a11ykit import AccessibilityBus, Node, subtree

CAPTIONS = {"About rolling back", "History status", "Source"}
HISTORY = "history = next(w for w in app.topLevelWidgets() if w.objectName() == 'historyWindow')\n"


def test_the_history_windows_labels_are_read_by_their_text(
    a11y_bus: AccessibilityBus, home: Path
) -> None:
    app = a11y_bus.launch(home)
    a11y_bus.display.key(app.window_id, "ctrl+shift+r")  # Admin ▸ History and rollback
    app.wait_until(
        "any(w.objectName() == 'historyWindow' and w.isVisible() for w in app.topLevelWidgets())"
    )
    app.wait_until(HISTORY.replace("\n", "; ") + "result = history.model.rowCount() > 0")
    shown = app.run(
        HISTORY + "result = {'help': history.help.text(), 'status': history.status.text()}"
    )
    assert shown["help"].startswith("Choose a revision and roll back to it.")

    def window(nodes: list[Node]) -> list[Node]:
        tops = [n for n in nodes if n.role == "dialog" and n.name == "History and rollback"]
        return subtree(nodes, tops[0]) if tops else []

    nodes = window(
        a11y_bus.wait_for(
            lambda ns: any(n.says() == shown["help"] for n in window(ns)),
            "the history window's help read as its text",
        )
    )
    labels = [n for n in nodes if n.role == "label" and "showing" in n.states]
    named = {n.name for n in labels}
    assert shown["help"] in named
    assert not CAPTIONS & named, named
    [help_node] = [n for n in labels if n.name == shown["help"]]
    assert help_node.description == "About rolling back"
    assert "Source:" in named  # the combo box's caption is read as it is shown
    if shown["status"]:
        [status] = [n for n in labels if n.name == shown["status"]]
        assert status.description == "History status"
