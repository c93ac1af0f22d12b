"""A pathway in the detail pane, one step at a time: its text, its choices, what it cites.

Keyboard: 1-9 pick a choice, Enter presses the focused button, Backspace (or Alt+Left) goes
back a step, Alt+B and Alt+S are Back and Start again. After each step the focus moves to the
step's text, so a screen reader reads it out; every button's accessible name is its visible
text. Everything shown comes from the store: it works with no network.
"""

from __future__ import annotations

from itertools import pairwise

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QFont, QKeyEvent, QPalette
from PySide6.QtWidgets import (
    QApplication,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLayout,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from msguide.feed.model import PathwayStep
from msguide.store.pathways import CitedItem, StoredPathway
from msguide.ui.widgets import plain_label

TRAIL_SEPARATOR = " › "


def _button(text: str, name: str) -> QPushButton:
    """A button showing `text` exactly (feed text: "&" is not a mnemonic), named the same."""
    button = QPushButton(text.replace("&", "&&"))
    button.setObjectName(name)
    button.setAccessibleName(text)
    button.setAutoDefault(True)  # Enter presses it when focused, as Space does
    return button


class WrappingButton(QPushButton):
    """A push button whose text wraps onto more lines instead of widening the pane (long
    choices and titles, large text sizes). Its accessible name is that text, as shown."""

    def __init__(self, text: str, name: str) -> None:
        super().__init__()
        self.setObjectName(name)
        self.setAccessibleName(text)
        self.setAutoDefault(True)
        self.label = plain_label(f"{name}Text", selectable=False)
        self.label.setText(text)
        self.label.setForegroundRole(QPalette.ColorRole.ButtonText)
        self.label.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(10, 5, 10, 5)
        layout.addWidget(self.label)

    @property
    def shown_text(self) -> str:
        return self.label.text()

    def sizeHint(self) -> QSize:
        layout = self.layout()
        return layout.sizeHint() if layout is not None else super().sizeHint()

    def minimumSizeHint(self) -> QSize:
        layout = self.layout()
        return layout.minimumSize() if layout is not None else super().minimumSizeHint()


def _show_text(label: QLabel, text: str, name_when_empty: str) -> None:
    """Set a label's text; its accessible name is that text (a name of its own when empty)."""
    label.setText(text)
    label.setAccessibleName(text or name_when_empty)


def _clear(layout: QLayout) -> None:
    while layout.count():
        entry = layout.takeAt(0)
        widget = entry.widget() if entry is not None else None
        if widget is not None:
            # Out of the focus chain now, not when deleted later: the new step's tab order is
            # set straight after, and a chain still holding the old buttons loses it.
            widget.hide()
            widget.setParent(None)
            widget.deleteLater()
        elif entry is not None and entry.layout() is not None:
            inner = entry.layout()
            assert inner is not None
            _clear(inner)
            inner.deleteLater()


class PathwayView(QScrollArea):
    """Shows a `StoredPathway`. Emits `itemRequested(rowid)` for a cited item's link and
    `copyNumberRequested(phone, title)` for a contact's Copy number; `stepShown` after each step."""

    itemRequested = Signal(int)
    copyNumberRequested = Signal(str, str)
    stepShown = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("pathwayView")
        self.setAccessibleName("What to do now")
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.stored: StoredPathway | None = None
        # The steps taken: (step id, the words of the choice that led there; "" for the start).
        self.trail: list[tuple[str, str]] = []
        self.choice_buttons: list[QPushButton] = []
        self.cite_buttons: list[QPushButton] = []

        body = QWidget()
        layout = QVBoxLayout(body)
        layout.setContentsMargins(12, 12, 12, 12)
        layout.setSpacing(8)
        self.title = plain_label("pathwayTitle")
        self.summary = plain_label("pathwaySummary")
        self.trail_label = plain_label("pathwayTrail")
        self.step_text = plain_label("pathwayStepText")
        self.step_text.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.end_note = plain_label("pathwayEndNote", selectable=False)
        self.end_note.setText("This is the end of the pathway.")
        self.choices = QVBoxLayout()
        self.cites_heading = plain_label("pathwayCitesHeading", selectable=False)
        self.cites_heading.setText("This step rests on:")
        self.cites = QVBoxLayout()

        self.back_button = QPushButton("&Back")
        self.back_button.setObjectName("pathwayBackButton")
        self.back_button.setAccessibleName("Back")
        self.back_button.setToolTip("Go back one step (Backspace)")
        self.restart_button = QPushButton("&Start again")
        self.restart_button.setObjectName("pathwayRestartButton")
        self.restart_button.setAccessibleName("Start again")
        self.restart_button.setToolTip("Go back to the first step")
        for button in (self.back_button, self.restart_button):
            button.setAutoDefault(True)
        moves = QHBoxLayout()
        moves.addWidget(self.back_button)
        moves.addWidget(self.restart_button)
        moves.addStretch(1)

        for widget in (self.title, self.summary, self.trail_label, self.step_text, self.end_note):
            layout.addWidget(widget)
        layout.addLayout(self.choices)
        layout.addLayout(moves)
        layout.addWidget(self.cites_heading)
        layout.addLayout(self.cites)
        layout.addStretch(1)
        self.setWidget(body)

        self.back_button.clicked.connect(self.back)
        self.restart_button.clicked.connect(self.start_again)
        self.apply_fonts()
        self.show_pathway(None)

    def apply_fonts(self, _font: QFont | None = None) -> None:
        """Sizes from the application font, which zoom changes (connected to fontChanged)."""
        font = QFont(QApplication.font())
        font.setPointSizeF(font.pointSizeF() * 1.35)
        font.setBold(True)
        self.title.setFont(font)
        step_font = QFont(QApplication.font())
        step_font.setPointSizeF(step_font.pointSizeF() * 1.15)
        self.step_text.setFont(step_font)

    # --- what is shown --------------------------------------------------------------------

    @property
    def step(self) -> PathwayStep | None:
        if self.stored is None or not self.trail:
            return None
        return self.stored.pathway.step(self.trail[-1][0])

    def show_pathway(self, stored: StoredPathway | None) -> None:
        """Show `stored` from its first step (None: nothing)."""
        self.stored = stored
        self.trail = [] if stored is None else [(stored.pathway.start.id, "")]
        _show_text(self.title, "" if stored is None else stored.pathway.title, "Pathway")
        _show_text(self.summary, "" if stored is None else stored.pathway.summary, "Summary")
        self.summary.setVisible(bool(self.summary.text()))
        self._render()

    def choose(self, number: int) -> bool:
        """Take the step's choice `number` (from 1); False if there is no such choice."""
        step = self.step
        if step is None or not 1 <= number <= len(step.choices):
            return False
        choice = step.choices[number - 1]
        self.trail.append((choice.next, choice.label))
        self._moved()
        return True

    def back(self) -> None:
        if len(self.trail) > 1:
            self.trail.pop()
            self._moved()

    def start_again(self) -> None:
        if self.stored is not None:
            self.trail = self.trail[:1]
            self._moved()

    def _moved(self) -> None:
        """A new step: shown, and its text focused so that it is read out."""
        self._render()
        self.focus_step()

    def show_step(self) -> None:
        """Show the last step of `trail` (after the trail was set from outside)."""
        self._render()

    def focus_step(self) -> None:
        self.step_text.setFocus(Qt.FocusReason.OtherFocusReason)

    def _render(self) -> None:
        step = self.step
        _clear(self.choices)
        _clear(self.cites)
        self.choice_buttons = []
        self.cite_buttons = []
        if step is None or self.stored is None:
            _show_text(self.trail_label, "", "Your path")
            _show_text(self.step_text, "", "Step")
            self.end_note.hide()
            self.cites_heading.hide()
            return
        trail = TRAIL_SEPARATOR.join(label or "Start" for _id, label in self.trail)
        _show_text(self.trail_label, f"Your path: {trail}", "Your path")
        _show_text(self.step_text, step.text, "Step")
        for number, choice in enumerate(step.choices, 1):
            button = WrappingButton(f"{number}. {choice.label}", "pathwayChoice")
            button.setToolTip(f"Press {number}")
            button.clicked.connect(lambda _checked=False, n=number: self.choose(n))
            self.choices.addWidget(button)
            button.show()  # now, not queued: hidden buttons are left out of the tab order
            self.choice_buttons.append(button)
        self.end_note.setVisible(step.is_end)
        self.back_button.setEnabled(len(self.trail) > 1)
        self.restart_button.setEnabled(len(self.trail) > 1)
        self.cite_buttons = []
        for cited_id in step.cites:
            for widget in self._cite_widgets(cited_id, self.stored.cited.get(cited_id)):
                self.cites.addWidget(widget)
                widget.show()
        self.cites_heading.setVisible(bool(step.cites))
        self._order_tab_focus()
        self.verticalScrollBar().setValue(0)
        self.stepShown.emit()

    def _cite_widgets(self, cited_id: str, item: CitedItem | None) -> list[QWidget]:
        """An item the step cites: its title as a button that shows it in the details pane;
        for a contact, its number and hours, and Copy number."""
        if item is None:
            missing = plain_label("pathwayCiteMissing")
            missing.setText(f"{cited_id}: not in the current content")
            return [missing]
        link = WrappingButton(item.title, "pathwayCiteLink")
        link.setToolTip("Show this item in the details pane")
        link.setAccessibleDescription("Shows this item in the details pane")
        rowid = item.rowid
        link.clicked.connect(lambda _checked=False: self.itemRequested.emit(rowid))
        self.cite_buttons.append(link)
        if not item.phone:
            return [link]
        hours = f", {item.hours}" if item.hours else ""
        phone = plain_label("pathwayCitePhone")
        phone.setText(f"Phone {item.phone}{hours}")
        copy = _button(f"Copy number {item.phone}", "pathwayCopyNumber")
        copy.setToolTip(f"Copy {item.title}'s phone number")
        number, title = item.phone, item.title
        emit = self.copyNumberRequested.emit
        copy.clicked.connect(lambda _checked=False: emit(number, title))
        self.cite_buttons.append(copy)
        contact = QWidget()
        contact.setObjectName("pathwayCiteContact")
        row = QHBoxLayout(contact)
        row.setContentsMargins(12, 0, 0, 4)
        row.addWidget(phone, 1)
        row.addWidget(copy, 0, Qt.AlignmentFlag.AlignTop)
        return [link, contact]

    def _order_tab_focus(self) -> None:
        """Tab goes step text → choices → Back, Start again → cited items, as they are read."""
        chain: list[QWidget] = [self.step_text, *self.choice_buttons]
        chain += [self.back_button, self.restart_button, *self.cite_buttons]
        for first, second in pairwise(chain):
            QWidget.setTabOrder(first, second)

    # --- keyboard -------------------------------------------------------------------------

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        modifiers = event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
        if Qt.Key.Key_1 <= key <= Qt.Key.Key_9 and modifiers == Qt.KeyboardModifier.NoModifier:
            if self.choose(key - Qt.Key.Key_0):
                return
        elif key == Qt.Key.Key_Backspace or (
            key in (Qt.Key.Key_Left, Qt.Key.Key_B) and modifiers == Qt.KeyboardModifier.AltModifier
        ):
            self.back()
            return
        elif key == Qt.Key.Key_S and modifiers == Qt.KeyboardModifier.AltModifier:
            # Also the button's mnemonic; handled here too where a platform has no mnemonics.
            self.start_again()
            return
        super().keyPressEvent(event)
