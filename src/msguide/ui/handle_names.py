"""Names a screen reader can use for the window's resize handles.

Qt gives a splitter's handles and the status bar's size grip the "grip" role and no name, so
AT-SPI shows unnamed "unknown" objects, which Orca reads as nothing. Qt cannot hide a widget
from the accessibility bus, so each says what it resizes; they move with a mouse only (the
panes are sized for the text size by msguide.ui.pane_sizes), and their descriptions say so.
"""

from __future__ import annotations

from PySide6.QtWidgets import QSizeGrip, QSplitter, QStatusBar

PANE_NAMES = ("the sidebar", "the results", "the details")
DRAG = "Drag with the mouse to give one of the two panes more room"


def name_splitter_handles(splitter: QSplitter, panes: tuple[str, ...] = PANE_NAMES) -> None:
    """Handle i lies between panes i-1 and i (handle 0 is hidden by QSplitter)."""
    for index in range(1, splitter.count()):
        handle = splitter.handle(index)
        handle.setAccessibleName(f"Resize {panes[index - 1]} and {panes[index]}")
        handle.setAccessibleDescription(DRAG)


def name_size_grip(bar: QStatusBar) -> None:
    for grip in bar.findChildren(QSizeGrip):
        grip.setAccessibleName("Resize the window")
        grip.setAccessibleDescription("Drag with the mouse to change the window's size")
