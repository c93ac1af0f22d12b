"""F6 and Shift+F6: move the keyboard focus from one part of the window to the next.

Each part (search, the notices, sidebar, results, details, news) registers itself with the
area it covers and a callable that says where the focus goes in it *now*: the details area
holds the item, the start card or a pathway, and only the part itself knows which is shown.
The cycle asks the parts, never walks Qt's focus chain: that chain also holds widgets a
pathway step has just scheduled for deletion.

A part whose target is None or hidden (the news pane, a notice that is not shown) is skipped.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QWidget

FocusTarget = Callable[[], QWidget | None]


@dataclass(frozen=True)
class Pane:
    area: QWidget  # focus on it or anywhere inside it counts as being in this part
    target: FocusTarget  # where F6 puts the focus in this part; None: skip it


def first_focusable(widgets: list[QWidget]) -> QWidget | None:
    """The first of `widgets` that is shown, enabled and takes the keyboard focus."""
    return next(
        (
            w
            for w in widgets
            if w.isVisible() and w.isEnabled() and w.focusPolicy() & Qt.FocusPolicy.TabFocus
        ),
        None,
    )


class PaneCycle:
    """The window's parts in reading order. Registering a name again replaces that part in
    place (the pathways swap the detail view for the area that holds both)."""

    def __init__(self) -> None:
        self._panes: dict[str, Pane] = {}

    def register(
        self, name: str, area: QWidget, target: FocusTarget, *, before: str | None = None
    ) -> None:
        """`before`: the part this one comes before on screen, for a part added after the
        window's own (the spelling suggestion sits above the panes); else it goes last."""
        pane = Pane(area, target)
        if before is None or name in self._panes or before not in self._panes:
            self._panes[name] = pane
            return
        parts = list(self._panes.items())
        at = [key for key, _ in parts].index(before)
        self._panes = dict([*parts[:at], (name, pane), *parts[at:]])

    def current(self) -> str | None:
        """The part that holds the keyboard focus, if any."""
        focused = QApplication.focusWidget()
        if focused is None:
            return None
        return next(
            (
                name
                for name, pane in self._panes.items()
                if focused is pane.area or pane.area.isAncestorOf(focused)
            ),
            None,
        )

    def move(self, step: int) -> QWidget | None:
        """Focus the next (step 1) or previous (step -1) part that can take it; returns the
        widget focused, or None when no part could take it."""
        names = list(self._panes)
        current = self.current()
        start = names.index(current) if current is not None else (-1 if step > 0 else 0)
        for offset in range(1, len(names) + 1):
            pane = self._panes[names[(start + step * offset) % len(names)]]
            target = pane.target()
            if target is not None and target.isVisible() and target.isEnabled():
                target.setFocus(Qt.FocusReason.TabFocusReason)
                return target
        return None
