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
