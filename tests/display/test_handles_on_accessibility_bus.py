"""The splitter's handles and the status bar's size grip reach a screen reader with names that
say what they resize (read over AT-SPI from the real app, tests/a11ykit.py): they were unnamed
"unknown" objects, which Orca reads as nothing at all."""

from __future__ import annotations

from pathlib import Path

from a11ykit import AccessibilityBus


def test_resize_handles_are_named_on_the_bus(a11y_bus: AccessibilityBus, home: Path) -> None:
    app = a11y_bus.launch(home)
    app.wait_until("window.furnished")
    nodes = a11y_bus.wait_for(
        lambda ns: any(n.name == "Browse" for n in ns), "the sidebar on the bus"
    )
    shown = [n for n in nodes if "showing" in n.states]
    unnamed = [(n.role, n.description) for n in shown if n.role == "unknown" and not n.says()]
    assert unnamed == []
    names = {n.name: n.description for n in shown}
    assert "Resize the sidebar and the results" in names
    assert "Resize the results and the details" in names
    assert "Resize the window" in names
    # No keyboard way to move them (text size and the pane sizer share the width): said so.
    assert names["Resize the sidebar and the results"].startswith("Drag")
