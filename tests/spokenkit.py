"""What a screen reader is given for each widget a person can reach with Tab (in the widget tree;
what arrives over AT-SPI: tests/a11ykit.py)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QAccessible
from PySide6.QtWidgets import QComboBox, QWidget


def _in_a_combo_box(widget: QWidget) -> bool:
    # A combo box's pop-up list belongs to the combo box: it speaks for it.
    parent = widget.parentWidget()
    while parent is not None:
        if isinstance(parent, QComboBox):
            return True
        parent = parent.parentWidget()
    return False


def focusable(root: QWidget) -> list[QWidget]:
    """Every widget under `root` (shown or not yet) that takes keyboard focus by Tab."""
    return [
        w
        for w in [root, *root.findChildren(QWidget)]
        if w.focusPolicy() & Qt.FocusPolicy.TabFocus
        and not w.objectName().startswith("qt_")
        and not _in_a_combo_box(w)
        and type(w).__name__ != "FocusRing"  # msguide.ui.focus_ring: drawn, never focused
    ]


def unspoken(root: QWidget, *, descriptions: bool = True) -> list[str]:
    """Focusable widgets without an accessible name (or, with `descriptions`, description), as
    Qt gives them to assistive technology (a button's text and a tooltip count, as screen
    readers read them)."""
    missing = []
    for widget in focusable(root):
        interface = QAccessible.queryAccessibleInterface(widget)
        name = interface.text(QAccessible.Text.Name) if interface is not None else ""
        described = interface.text(QAccessible.Text.Description) if interface is not None else ""
        needed = [("name", name), ("description", described)][: 2 if descriptions else 1]
        lacks = [what for what, text in needed if not text]
        if lacks:
            label = widget.objectName() or f"{type(widget).__name__} {name or widget}"
            missing.append(f"{label}: no {' or '.join(lacks)}")
    return missing
