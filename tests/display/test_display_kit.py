"""The real-display kit itself: a laptop-sized screen with a taskbar, and msguide on it."""

from __future__ import annotations

from pathlib import Path

from displaykit import SCREEN, TASKBAR_HEIGHT, RealDisplay, Rect


def test_the_display_is_a_laptop_screen_with_a_taskbar(real_display: RealDisplay) -> None:
    assert real_display.workarea() == Rect(0, 0, SCREEN[0], SCREEN[1] - TASKBAR_HEIGHT)


def test_msguide_opens_on_the_display_and_qt_sees_the_usable_area(
    real_display: RealDisplay, home: Path, tmp_path: Path
) -> None:
    app = real_display.launch(home)
    assert app.ready["available"] == [0, 0, 1366, 728]
    frame = app.frame()
    assert frame.width > 0 and frame.height > 0
    assert app.run("result = window.windowTitle()").startswith("msguide")
    shot = real_display.screenshot(tmp_path / "screen.png")
    assert shot.read_bytes().startswith(b"\x89PNG")
