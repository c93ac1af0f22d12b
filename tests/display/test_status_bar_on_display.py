"""The status bar on a 1366x768 laptop screen, at 100% and at 150% scaling, with an expired feed
(its longest state): every text is shown whole or in its compact form, never cut with "…"; the
warning that the content may be out of date is on screen; a message (show_message) has room to
be seen, and cut with "…" where it is too long; and a screen reader still reads the whole
content line over the accessibility bus."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from a11ykit import AccessibilityBus
from displaykit import RealDisplay

AFTER_EXPIRY = {"MSGUIDE_FAKE_NOW": "2028-01-01T00:00:00Z"}  # the bundled feed expires in 2027
CASES = {"100%": None, "150% scale": 1.5}
MESSAGE = "Removed “Modern Slavery & Exploitation Helpline” from Favourites."

# What each text of the status bar paints, and what the label holds.
SHOWN = """
from msguide.ui.elided_label import ElidedLabel
bar = window.statusBar()
result = [
    {"name": w.objectName(), "text": w.text(), "shown": w.shown_text(), "tip": w.toolTip()}
    for w in bar.findChildren(ElidedLabel) if w.isVisible()
]
"""

# Qt paints a message left of the first permanent widget shown (QStatusBarPrivate::messageRect:
# from x 6 to that widget's x - 2); the widgets shown beside a message are the permanent ones.
MESSAGE_ROOM = f"""
window.show_message({MESSAGE!r})
QtWidgets.QApplication.processEvents()
bar = window.statusBar()
shown = [w for w in bar.findChildren(QtWidgets.QWidget)
         if w.isVisible() and w.parentWidget() is bar and w.width() > 0
         and not isinstance(w, QtWidgets.QSizeGrip)]
right = min((w.x() for w in shown), default=bar.width() - 12) - 2
result = {{"room": right - 6, "needs": bar.fontMetrics().horizontalAdvance({MESSAGE!r}),
          "message": bar.currentMessage()}}
"""
LONG = (
    "Added “Modern slavery: how to identify and support victims (statutory guidance for "
    "England and Wales)” to Favourites."
)
LONG_MESSAGE = f"""
window.show_message({LONG!r})
QtWidgets.QApplication.processEvents()
bar = window.statusBar()
shown = bar.shown_message()
result = {{"message": bar.currentMessage(), "shown": shown, "tip": bar.toolTip(),
          "width": bar.fontMetrics().horizontalAdvance(shown), "room": bar.message_rect().width()}}
"""


def status_texts(app: Any) -> list[dict[str, str]]:
    app.wait_until("'may be out of date' in window.content_label.text()")
    return list(app.run(SHOWN))


@pytest.mark.parametrize("case", list(CASES))
def test_the_status_bar_shows_its_texts_and_the_expiry_warning(
    real_display: RealDisplay, home: Path, case: str
) -> None:
    app = real_display.launch(home, scale=CASES[case], env=AFTER_EXPIRY)
    texts = status_texts(app)
    names = {t["name"] for t in texts}
    assert {"resultCount", "contentStatus", "syncStatus"} <= names
    for text in texts:
        assert not text["shown"].endswith("…"), text
        if text["shown"] != text["text"]:  # the compact form: the whole line in the tooltip
            assert text["tip"] == text["text"], text
    content = next(t for t in texts if t["name"] == "contentStatus")
    assert "may be out of date" in content["shown"].lower()
    assert "Hampshire & Isle of Wight" in content["text"]

    room = app.run(MESSAGE_ROOM)
    assert room["message"] == MESSAGE
    assert room["room"] >= room["needs"], room

    # A message longer than its room is cut with "…" (it was clipped mid-letter, against the
    # update status), the whole of it in the tooltip; one that fits is painted whole.
    shown = app.run(LONG_MESSAGE)
    assert shown["message"] == LONG
    if case == "100%":
        assert shown["shown"] == LONG and shown["tip"] == "", shown
    else:
        assert shown["shown"].endswith("…") and shown["width"] <= shown["room"], shown
        assert shown["tip"] == LONG


def test_a_screen_reader_reads_the_whole_content_line_when_its_compact_form_is_shown(
    a11y_bus: AccessibilityBus, home: Path
) -> None:
    app = a11y_bus.launch(home, QT_SCALE_FACTOR="1.5", **AFTER_EXPIRY)
    content = next(t for t in status_texts(app) if t["name"] == "contentStatus")
    # The compact form is on screen at 150%, warning first.
    assert content["shown"].startswith("May be out of date: published")
    nodes = a11y_bus.wait_for(
        lambda ns: any(n.name == content["text"] for n in ns), "the whole content line"
    )
    line = next(n for n in nodes if n.name == content["text"])
    assert line.role == "label" and line.description == "Content loaded"
