""" "Did you mean …" under the search field: a better spelling for a query that finds little.

F7 (the usual spelling key) searches for the suggestion; so does Enter in the search field
when the query found nothing. The suggestion comes from the store's own words
(msguide.store.suggest), on a worker, and is dropped if the person has typed on meanwhile.
"""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING

from PySide6 import QtCore
from PySide6.QtCore import QEvent, QObject, Signal
from PySide6.QtGui import QAction, QKeyEvent, QKeySequence
from PySide6.QtWidgets import QHBoxLayout, QPushButton, QVBoxLayout, QWidget

from msguide.store.suggest import FEW_MATCHES
from msguide.ui.pane_cycle import first_focusable
from msguide.ui.widgets import plain_label

if TYPE_CHECKING:
    from msguide.ui.main_window import MainWindow

ACCEPT_KEY = "F7"


class SpellingSuggestion(QObject):
    """Shows a suggestion after each search that finds little. `shown(text)` is emitted
    whenever the suggestion changes ("" when none is shown)."""

    shown = Signal(str)

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.suggested: str | None = None
        self.bar = QWidget()
        self.bar.setObjectName("spellingBar")
        self.bar.setAccessibleName("Spelling suggestion")
        row = QHBoxLayout(self.bar)
        row.setContentsMargins(6, 0, 6, 0)
        # Named by its text (what it says), as every label that shows content is.
        self.label = plain_label("spellingLabel", selectable=False)
        self.label.setAccessibleDescription("Spelling suggestion")
        self.button = QPushButton()
        self.button.setObjectName("spellingButton")
        self.button.setAccessibleName("Search for the suggested spelling")
        row.addWidget(self.label, 1)
        row.addWidget(self.button)
        self.bar.hide()
        central = window.centralWidget()
        layout = central.layout() if central is not None else None
        if isinstance(layout, QVBoxLayout):
            layout.insertWidget(1, self.bar)  # under the notice row, above the panes
        # F6 reaches it there while it is shown: its button says what it would search for.
        window.panes.register(
            "spelling", self.bar, lambda: first_focusable([self.button]), before="sidebar"
        )
        self.action = QAction("Use the suggested &spelling", window)
        self.action.setShortcut(QKeySequence(ACCEPT_KEY))
        self.action.setStatusTip("Search for the spelling msguide suggests")
        self.action.setEnabled(False)
        self.action.triggered.connect(self.accept)
        window.addAction(self.action)
        self.button.clicked.connect(self.accept)
        window.resultsShown.connect(self._results_shown)
        window.search_field.installEventFilter(self)

    def _results_shown(self) -> None:
        text = self.window.search_field.text()
        found = self.window.results_model.total
        if found > FEW_MATCHES or not text.strip():
            self._show(None)
            return
        filters = self.window.current_filters()
        self.window.service.suggest(text, filters, found, partial(self._arrived, text))

    def _arrived(self, text: str, suggested: str | None) -> None:
        if text != self.window.search_field.text():
            return
        self._show(suggested)
        if suggested is not None:
            # The status line (and the list's description) is what a screen reader hears
            # after a search: the suggestion belongs there too.
            count = self.window.count_label
            count.setText(f"{count.text()}. Did you mean “{suggested}”? Press {ACCEPT_KEY}.")
            self.window.results_view.setAccessibleDescription(count.text())

    def _show(self, suggested: str | None) -> None:
        if suggested == self.suggested:
            return
        self.suggested = suggested
        self.action.setEnabled(suggested is not None)
        if suggested is None:
            self.bar.hide()
        else:
            self.label.setText(f"Did you mean “{suggested}”? Press {ACCEPT_KEY} to search for it.")
            self.button.setText(f"Search for “{suggested}”")
            self.button.setAccessibleName(f"Search for {suggested}")
            self.bar.show()
        self.shown.emit(suggested or "")

    def accept(self) -> None:
        if self.suggested is not None:
            self.window.search_field.setText(self.suggested)
            self.window.search_field.setFocus(QtCore.Qt.FocusReason.ShortcutFocusReason)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (
            event.type() == QEvent.Type.KeyPress
            and self.suggested is not None
            and self.window.results_model.rowCount() == 0
        ):
            assert isinstance(event, QKeyEvent)
            if event.key() in (QtCore.Qt.Key.Key_Return, QtCore.Qt.Key.Key_Enter):
                self.accept()
                return True
        return super().eventFilter(watched, event)
