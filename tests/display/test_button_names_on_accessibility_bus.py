"""Every button a screen reader meets in the main window has a name in msguide's words, read over
AT-SPI from the real app (tests/a11ykit.py): the search field's clear button was unnamed, and
the news pane's close button was described as closing "the dock widget"."""

from __future__ import annotations

from pathlib import Path

from a11ykit import AccessibilityBus


def test_every_shown_button_is_named_in_plain_words(a11y_bus: AccessibilityBus, home: Path) -> None:
    app = a11y_bus.launch(home)
    display = a11y_bus.display
    display.key(app.window_id, "ctrl+f")
    display.type_text(app.window_id, "helpline")  # the clear button shows once there is text
    app.wait_until("window.results_model.total and window.search_field.text() == 'helpline'")
    nodes = a11y_bus.wait_for(
        lambda ns: any(n.role == "text" and n.text == "helpline" for n in ns), "the search field"
    )
    buttons = [n for n in nodes if n.role == "push button" and "showing" in n.states]
    assert len(buttons) > 5
    assert [n for n in buttons if not n.name.strip()] == []
    assert [n for n in buttons if "dock widget" in n.description] == []
    named = {n.name: n.description for n in buttons}
    assert named["Clear the search"] == "Clear the search (Escape)"
    assert named["Close the news pane"] == "View, News pane (Ctrl+Shift+N) shows it again"
