"""A pathway walked with real key presses (XTEST) in msguide on a real X display."""

from __future__ import annotations

from pathlib import Path

from displaykit import RealDisplay

STATE = (
    "view = window.pathway_ui.view\n"
    "focused = QtWidgets.QApplication.focusWidget()\n"
    "result = {'pathway': view.stored.pathway.id if view.stored else None,\n"
    "          'step': view.step.id if view.step else None,\n"
    "          'end': bool(view.step and view.step.is_end),\n"
    "          'focus': focused.objectName() if focused else None,\n"
    "          'spoken': focused.accessibleName() if focused else None,\n"
    "          'text': view.step_text.text(),\n"
    "          'shown': view.isVisible()}"
)


def test_a_pathway_is_walked_by_real_keys_to_its_end_steps(
    real_display: RealDisplay, home: Path
) -> None:
    app = real_display.launch(home)
    window = app.window_id
    real_display.key(window, "ctrl+6")  # Go ▸ What to do now: the first pathway
    app.wait_until("window.pathway_ui.view.stored is not None")
    app.wait_until("QtWidgets.QApplication.focusWidget() is window.pathway_ui.view.step_text")

    # An adult who does not consent: No danger, first responder, adult, no consent, next.
    for key, step in (("2", "role"), ("1", "age"), ("2", "consent"), ("2", "notify")):
        real_display.key(window, key)
        app.wait_until(f"window.pathway_ui.view.step.id == {step!r}")
        assert app.run(STATE)["focus"] == "pathwayStepText"
    real_display.key(window, "Tab", "Return")  # the focused first choice: Next
    app.wait_until("window.pathway_ui.view.step.id == 'local'")
    state = app.run(STATE)
    assert state["end"] and state["shown"]
    assert state["focus"] == "pathwayStepText"
    assert state["spoken"] == state["text"]  # the step is read out as it is shown
    assert state["text"].startswith("Follow the local guidance")

    real_display.key(window, "alt+s")  # Start again, by its mnemonic
    app.wait_until("window.pathway_ui.view.step.id == 'start'")
    real_display.key(window, "1")
    app.wait_until("window.pathway_ui.view.step.id == 'danger'")
    assert app.run(STATE)["text"].startswith("Call 999 now.")
    real_display.key(window, "BackSpace")
    app.wait_until("window.pathway_ui.view.step.id == 'start'")
