"""Issue 13: on a 1366x768 laptop screen with a 40 px taskbar (usable 1366x728), at 100%, at
150% scaling and at 200% text, msguide opens inside the usable area, guidance gets the height
(at least five results and the detail, the news pane a strip below), and nothing is clipped."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from displaykit import MsguideApp, RealDisplay, Rect

MIN_ROWS = 5

CASES = {
    "100%": {},
    "150% scale": {"scale": 1.5},
    "200% text": {"settings": {"ui.zoom_percent": 200}},
}

# Rows of the result list that are wholly visible, and facts about what the window shows.
FACTS = """
from msguide.ui.pane_sizes import row_height
view = window.results_view
def inside(widget):
    top_left = widget.mapTo(window, QtCore.QPoint(0, 0))
    box = QtCore.QRect(top_left, widget.size())
    return window.rect().contains(box)
result = {
    "rows": view.viewport().height() // row_height(view),
    "results_height": window.results_stack.height(),
    "news_height": window.news.height() if window.news.isVisible() else 0,
    "detail": [window.detail.width(), window.detail.height()],
    "window": [window.width(), window.height()],
    "minimum": [window.minimumSizeHint().width(), window.minimumSizeHint().height()],
    "inside": {w.objectName(): inside(w) for w in (
        window.search_field, window.sidebar, window.results_stack, window.detail,
        window.statusBar(), window.menuBar(), window.count_label)},
    "search_field": [window.search_field.width(), window.search_field.minimumSizeHint().width()],
}
"""


def facts(app: MsguideApp) -> dict[str, Any]:
    return dict(app.run(FACTS))


@pytest.mark.parametrize("case", list(CASES))
def test_the_first_start_fits_the_screen_and_puts_guidance_first(
    real_display: RealDisplay, home: Path, case: str
) -> None:
    app = real_display.launch(home, **CASES[case])
    usable = real_display.workarea()
    assert usable == Rect(0, 0, 1366, 728)
    frame = app.frame()
    assert usable.contains(frame), f"{frame} is not inside {usable}"
    if case != "100%":  # larger text or scaling: the window uses the screen's width
        assert frame.width >= usable.width - 40
    seen = facts(app)
    width, height = seen["window"]
    assert width >= seen["minimum"][0] and height >= seen["minimum"][1]  # nothing squeezed
    assert all(seen["inside"].values()), seen["inside"]
    assert seen["rows"] >= MIN_ROWS
    assert seen["results_height"] > seen["news_height"]
    detail_width, detail_height = seen["detail"]
    assert detail_width >= 200 and detail_height >= seen["results_height"] * 0.9
    field_width, field_minimum = seen["search_field"]
    assert field_width >= field_minimum


def test_the_minimum_size_fits_a_laptop_at_150_percent_and_at_200_percent_text(
    real_display: RealDisplay, home: Path, tmp_path: Path
) -> None:
    scaled = real_display.launch(home, scale=1.5)
    available = scaled.ready["available"]
    minimum = scaled.run(
        "result = [window.minimumSizeHint().width(), window.minimumSizeHint().height()]"
    )
    assert minimum[0] <= available[2] and minimum[1] <= available[3] - 40  # room for a title
    scaled.close()
    zoomed = real_display.launch(tmp_path / "zoomed", settings={"ui.zoom_percent": 200})
    minimum = zoomed.run(
        "result = [window.minimumSizeHint().width(), window.minimumSizeHint().height()]"
    )
    assert minimum[0] <= 1366 and minimum[1] <= 728 - 40


def test_the_news_pane_is_a_strip_again_when_shown_again(
    real_display: RealDisplay, home: Path
) -> None:
    app = real_display.launch(home)
    before = facts(app)
    assert 0 < before["news_height"] < before["results_height"]
    app.run("window.news_toggle.trigger()")
    app.wait_until("not window.news.isVisible()")
    app.run("window.news_toggle.trigger()")
    app.wait_until("window.news.isVisible() and window.news.height() > 0")
    app.run("QtWidgets.QApplication.processEvents()")
    after = facts(app)
    assert after["rows"] >= MIN_ROWS
    assert after["news_height"] <= before["news_height"] + 2


def test_a_restored_layout_with_a_huge_news_pane_or_thin_panes_is_put_right(
    real_display: RealDisplay, home: Path
) -> None:
    app = real_display.launch(home)
    app.run(
        "window.resizeDocks([window.news], [560], QtCore.Qt.Orientation.Vertical)\n"
        "window.splitter.setSizes([1, 1, 2000])"
    )
    app.wait_until("window.news.height() > 400")
    app.close()  # saves the layout as it is
    again = real_display.launch(home)
    seen = facts(again)
    assert seen["rows"] >= MIN_ROWS and seen["news_height"] < seen["results_height"]
    sizes = again.run("result = window.splitter.sizes()")
    assert min(sizes) >= 150, sizes


def test_a_size_saved_on_a_big_monitor_is_brought_onto_the_laptop_screen(
    real_display: RealDisplay, home: Path
) -> None:
    app = real_display.launch(home)
    # As if undocked: the window was on a second 2560x1440 monitor to the right.
    app.run("window.setGeometry(1500, 200, 2400, 1300)")
    app.close()
    again = real_display.launch(home)
    assert real_display.workarea().contains(again.frame()), again.frame()
