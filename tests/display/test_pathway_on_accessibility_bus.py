"""A pathway as a screen reader gets it: over the AT-SPI accessibility bus, from the real app
(tests/a11ykit.py: a private session bus and at-spi2-core's bus launcher, the app on a real X
display with Qt's accessibility bridge on, the tree read with pyatspi in the system Python, as
Orca reads it). Real keys walk a step; the focused object must be the step's text, and every
choice button's accessible name must be its visible text."""

from __future__ import annotations

from pathlib import Path

from a11ykit import AccessibilityBus, Node, subtree


def pathway_view(nodes: list[Node]) -> Node | None:
    # The pathway view (Qt exposes a scroll area as a filler), not the Go menu's item.
    return next((n for n in nodes if n.name == "What to do now" and n.role == "filler"), None)


def test_step_text_and_choices_are_read_out_over_at_spi(
    a11y_bus: AccessibilityBus, home: Path
) -> None:
    app = a11y_bus.launch(home)
    display = a11y_bus.display
    display.key(app.window_id, "ctrl+6")
    app.wait_until("window.pathway_ui.view.stored is not None")
    display.key(app.window_id, "2")  # not in immediate danger
    app.wait_until("window.pathway_ui.view.step.id == 'role'")
    shown = app.run(
        "view = window.pathway_ui.view\n"
        "result = {'text': view.step_text.text(),\n"
        "          'choices': [b.shown_text for b in view.choice_buttons]}"
    )
    assert shown["choices"] == [
        "1. Yes: I work for a first responder organisation",
        "2. No, or I am not sure",
        "3. I need advice before deciding",
    ]

    nodes = a11y_bus.wait_for(
        lambda ns: (
            (view := pathway_view(ns)) is not None
            and any(n.name.startswith("1. Yes") for n in subtree(ns, view))
        ),
        "the pathway view with the step's choices",
    )
    # The step's text has the focus, so it is what is read out. (The sidebar's current entry
    # also reports "focused" over AT-SPI, as Qt's item views do for their current cell.)
    focused = [(n.role, n.name) for n in nodes if "focused" in n.states]
    assert ("label", shown["text"]) in focused
    view = pathway_view(nodes)
    assert view is not None and view.role == "filler"
    buttons = [
        n.name for n in subtree(nodes, view) if n.role == "push button" and "showing" in n.states
    ]
    assert [name for name in buttons if name[:1].isdigit()] == shown["choices"]
    assert "Back" in buttons and "Start again" in buttons
