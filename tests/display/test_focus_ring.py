"""The focus ring as X shows it: a screenshot of the real screen (not a widget grab) has the
palette's highlight colour along the focused widget's edge, 2 px deep."""

from __future__ import annotations

import contextlib
from pathlib import Path

from PySide6.QtGui import QColor, QImage

from displaykit import RealDisplay, Rect, wait_for

WHERE_AND_COLOUR = """
widget = app.focusWidget()
corner = widget.mapToGlobal(QtCore.QPoint(0, 0))
colour = widget.palette().color(QtGui.QPalette.ColorRole.Highlight)
result = [widget.objectName(), corner.x(), corner.y(), widget.width(), widget.height(),
          [colour.red(), colour.green(), colour.blue()]]
"""


def test_the_focused_widget_has_a_two_pixel_highlight_outline_on_screen(
    real_display: RealDisplay, home: Path, tmp_path: Path
) -> None:
    app = real_display.launch(home)
    real_display.key(app.window_id, "F2")  # a contact: the detail pane fills
    app.wait_until("window.detail.detail is not None")
    # Tab from the results into the detail pane's text: its title line.
    real_display.key(app.window_id, "Tab", "Tab")
    name = app.wait_until("app.focusWidget().objectName() == 'detailTitle' and 'detailTitle'")
    assert name == "detailTitle"
    _, x, y, width, height, rgb = app.run(WHERE_AND_COLOUR)
    highlight = QColor(*rgb).rgb()
    edge = [
        (px, py)
        for depth in range(2)
        for px, py in ((depth, height // 2), (width - 1 - depth, height // 2), (width // 2, depth))
    ]

    missing: list[tuple[int, int]] = []

    def ring_drawn() -> bool:
        shot = real_display.screenshot(tmp_path / "focus.png", Rect(x, y, width, height))
        image = QImage(str(shot))
        missing[:] = [(px, py) for px, py in edge if QColor(image.pixel(px, py)).rgb() != highlight]
        return not missing

    # Focus moves before the repaint reaches the X server: look again until the ring is drawn
    # (a busy machine paints late), and fail with the points that never were.
    with contextlib.suppress(TimeoutError):
        wait_for(ring_drawn, "the focus ring on screen", 10)
    assert missing == [], f"not the highlight colour at {missing}"
