"""F6 and Shift+F6 pressed as real keys (XTEST) in msguide on a real X display reach the start
card and a pathway in the details area, and leave them shown."""

from __future__ import annotations

from pathlib import Path

from displaykit import MsguideApp, RealDisplay

STATE = (
    "focused = QtWidgets.QApplication.focusWidget()\n"
    "ui = window.pathway_ui\n"
    "result = {'focus': focused.objectName() if focused else None,\n"
    "          'start card': window.detail.start_card.isVisible(),\n"
    "          'pathway': ui.stack.currentWidget() is ui.view and ui.view.isVisible()}"
)


def stops(display: RealDisplay, app: MsguideApp, key: str, times: int) -> list[str]:
    """Press `key` `times` times; the focused widget's name after each press."""
    names = []
    for _ in range(times):
        before = app.run(STATE)["focus"]
        display.key(app.window_id, key)
        app.wait_until(f"QtWidgets.QApplication.focusWidget().objectName() != {before!r}")
        names.append(app.run(STATE)["focus"])
    return names


def test_f6_reaches_the_start_card_and_a_pathway_with_real_keys(
    real_display: RealDisplay, home: Path
) -> None:
    app = real_display.launch(home)
    assert app.run(STATE) == {"focus": "searchField", "start card": True, "pathway": False}
    assert stops(real_display, app, "F6", 5) == [
        "sidebar",
        "resultsView",
        "startHeading",
        "newsView",
        "searchField",
    ]
    assert stops(real_display, app, "shift+F6", 2) == ["newsView", "startHeading"]
    assert app.run(STATE)["start card"]

    real_display.key(app.window_id, "ctrl+6")  # Go ▸ What to do now
    app.wait_until("QtWidgets.QApplication.focusWidget() is window.pathway_ui.view.step_text")
    assert stops(real_display, app, "shift+F6", 5) == [
        "resultsView",
        "sidebar",
        "searchField",
        "newsView",
        "pathwayStepText",
    ]
    assert app.run(STATE)["pathway"]


def test_f6_reaches_the_expiry_notice_and_the_spelling_suggestion_with_real_keys(
    real_display: RealDisplay, home: Path
) -> None:
    """An expired feed's notice, then a misspelt search's "Did you mean" bar: F6 and Shift+F6
    stop at each, in the order they are on screen, and Tab goes from the notice's text to its
    Dismiss button."""
    app = real_display.launch(home, env={"MSGUIDE_FAKE_NOW": "2028-01-01T00:00:00Z"})
    app.wait_until("window.notice.isVisible()")
    assert app.run(STATE)["focus"] == "searchField"
    assert stops(real_display, app, "F6", 2) == ["noticeBar", "sidebar"]
    assert stops(real_display, app, "shift+F6", 1) == ["noticeBar"]
    assert stops(real_display, app, "Tab", 1) == ["noticeClose"]

    real_display.key(app.window_id, "ctrl+f")
    real_display.type_text(app.window_id, "trafiking")
    app.wait_until("window.practice.spelling.bar.isVisible()")
    assert stops(real_display, app, "F6", 3) == ["noticeBar", "spellingButton", "sidebar"]
    assert stops(real_display, app, "shift+F6", 3) == ["spellingButton", "noticeBar", "searchField"]

    real_display.key(app.window_id, "F6", "Tab", "space")  # Dismiss
    app.wait_until("not window.notice_area.isVisible()")
    real_display.key(app.window_id, "ctrl+f")
    assert stops(real_display, app, "F6", 2) == ["spellingButton", "sidebar"]
