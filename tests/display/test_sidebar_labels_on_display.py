"""Every sidebar label shows whole on a 1366x768 laptop screen, at 100% and 200% text and at a
150% screen scale, with the results and details still wide enough to use (ui/pane_sizes.py):
at 200% text the sidebar kept 312 pixels and cut "Contacts & helplines (…" and a dozen more."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from displaykit import RealDisplay

# In the app: each label's room as the view lays it out, against what its words need there.
MEASURE = """
from PySide6.QtGui import QFontMetrics
sidebar, model = window.sidebar, window.sidebar_model
style = sidebar.style()
margin = 2 * (style.pixelMetric(style.PixelMetric.PM_FocusFrameHMargin, None, sidebar) + 1)
def walk(parent):
    for row in range(model.rowCount(parent)):
        index = model.index(row, 0, parent)
        yield index
        yield from walk(index)
cut = []
for index in walk(QtCore.QModelIndex()):
    rect = sidebar.visualRect(index)
    font = model.data(index, QtCore.Qt.ItemDataRole.FontRole) or sidebar.font()
    text = model.data(index)
    room = min(rect.width(), sidebar.viewport().width() - rect.x()) - margin
    need = QFontMetrics(font).boundingRect(
        QtCore.QRect(0, 0, room, 100000), QtCore.Qt.TextFlag.TextWordWrap, text
    )
    if need.width() > room or need.height() > rect.height():
        cut.append((text, room, rect.height(), need.width(), need.height()))
average = QFontMetrics(QtWidgets.QApplication.font()).averageCharWidth()
result = {
    "cut": cut,
    "rows": model.rowCount(),
    "chars": [size // average for size in window.splitter.sizes()],
}
"""


@pytest.mark.parametrize(
    "start",
    [{}, {"settings": {"ui.zoom_percent": 200}}, {"scale": 1.5}],
    ids=["text-100", "text-200", "scale-150"],
)
def test_sidebar_labels_show_whole(
    real_display: RealDisplay, home: Path, start: dict[str, Any]
) -> None:
    app = real_display.launch(home, **start)
    app.wait_until("window.furnished and window.sidebar_model.rowCount() > 5")
    app.run("QtWidgets.QApplication.processEvents()")
    seen = app.run(MEASURE)
    assert seen["cut"] == []
    _sidebar, results, details = seen["chars"]
    assert results >= 24 and details >= 28, seen["chars"]  # pane_sizes.FIRST_CHARS


def test_labels_stay_whole_when_the_text_grows(real_display: RealDisplay, home: Path) -> None:
    app = real_display.launch(home)
    app.wait_until("window.furnished and window.sidebar_model.rowCount() > 5")
    for _ in range(5):  # 100% -> 200% in the View menu's five steps, as a person does it
        real_display.key(app.window_id, "ctrl+equal")
    app.wait_until("window.zoom == 200")
    app.run("QtWidgets.QApplication.processEvents()")
    assert app.run(MEASURE)["cut"] == []
