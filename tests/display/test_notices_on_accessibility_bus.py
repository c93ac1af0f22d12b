"""The notice area as a screen reader gets it over AT-SPI (tests/a11ykit.py): F6 (a real key)
puts the focus on the expiry notice's text, so its words are what is read out, not only its
Dismiss button; and the "Did you mean" bar's label is named by what it says."""

from __future__ import annotations

from pathlib import Path

from a11ykit import AccessibilityBus

AFTER_EXPIRY = {"MSGUIDE_FAKE_NOW": "2028-01-01T00:00:00Z"}  # the bundled feed expires in 2027


def test_f6_brings_a_screen_reader_to_the_notice_and_labels_read_their_text(
    a11y_bus: AccessibilityBus, home: Path
) -> None:
    app = a11y_bus.launch(home, **AFTER_EXPIRY)
    display = a11y_bus.display
    notice = app.wait_until("window.notice.isVisible() and window.notice.text()")
    display.key(app.window_id, "F6")
    app.wait_until("QtWidgets.QApplication.focusWidget() is window.notice")
    nodes = a11y_bus.wait_for(
        lambda ns: any(n.name == notice and "focused" in n.states for n in ns),
        "the notice's text, focused",
    )
    line = next(n for n in nodes if n.name == notice)
    assert line.role == "label" and line.description == "Notice"
    dismiss = [n for n in nodes if n.name == "Dismiss notice" and "showing" in n.states]
    assert [n.role for n in dismiss] == ["push button"]

    display.key(app.window_id, "ctrl+f")
    display.type_text(app.window_id, "trafiking")
    said = app.wait_until(
        "window.practice.spelling.bar.isVisible() and window.practice.spelling.label.text()"
    )
    assert said == "Did you mean “trafficking”? Press F7 to search for it."
    nodes = a11y_bus.wait_for(lambda ns: any(n.name == said for n in ns), "the spelling label")
    label = next(n for n in nodes if n.name == said)
    assert label.role == "label" and label.description == "Spelling suggestion"
