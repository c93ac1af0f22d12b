"""On a real 1366x768 display, at 100% and at 150% scaling: an unbreakable web address in an
item's full text wraps in the detail pane, which never scrolls sideways."""

from __future__ import annotations

from pathlib import Path

import pytest

from displaykit import RealDisplay

ADDRESS = "https://www.example.org/download?file=" + "A1b2C3d4E5f6" * 12
SHOW = f"""
from dataclasses import replace
shown = window.detail.detail
text = "Read the guidance at {ADDRESS} before you refer."
window.detail.show_detail(replace(shown, item=replace(shown.item, content_text=text)))
"""
MEASURE = """
content = window.detail.content
widths = []
block = content.document().begin()
while block.isValid():
    layout = block.layout()
    widths += [layout.lineAt(n).naturalTextWidth() for n in range(layout.lineCount())]
    block = block.next()
result = {'lines': len(widths), 'widest': max(widths), 'room': content.viewport().width(),
          'fits': content.height() >= content.heightForWidth(content.width())}
"""


@pytest.mark.parametrize("scale", [None, 1.5])
def test_an_unbreakable_address_wraps_in_the_detail_pane(
    real_display: RealDisplay, home: Path, scale: float | None
) -> None:
    app = real_display.launch(home, scale=scale)
    real_display.key(app.window_id, "ctrl+f", "Down")  # the first result, in the detail pane
    app.wait_until("window.detail.detail is not None")
    app.run(SHOW)
    app.wait_until(
        "window.detail.content.height() >= "
        "window.detail.content.heightForWidth(window.detail.content.width())"
    )
    assert app.run("result = window.detail.horizontalScrollBar().maximum()") == 0  # sideways
    measured = app.run(MEASURE)
    assert measured["lines"] >= 3 and measured["widest"] <= measured["room"]
    assert measured["fits"]
