"""'What to do now' in the window: every bundled pathway walked by keyboard to every end step."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAccessible
from PySide6.QtWidgets import QApplication, QPushButton, QWidget
from pytestqt.qtbot import QtBot

from msguide.feed.model import Pathway
from msguide.feed.parse import parse
from msguide.ui.main_window import MainWindow
from msguide.ui.pathway_view import PathwayView, WrappingButton
from msguide.ui.sidebar import PathwayRole

SEED_FEED = Path(__file__).resolve().parents[2] / "data" / "seed-feed.json"
PATHWAYS: dict[str, Pathway] = {p.id: p for p in parse(SEED_FEED.read_bytes()).pathways}


def walks(pathway: Pathway) -> Iterator[tuple[int, ...]]:
    """Every way through `pathway`: the choice numbers (from 1) from the start to an end."""
    waiting: list[tuple[str, tuple[int, ...]]] = [(pathway.start.id, ())]
    while waiting:
        step_id, numbers = waiting.pop()
        step = pathway.step(step_id)
        assert step is not None
        if step.is_end:
            yield numbers
        for number, choice in enumerate(step.choices, 1):
            waiting.append((choice.next, (*numbers, number)))


def view_of(window: MainWindow) -> PathwayView:
    view = window.findChild(PathwayView, "pathwayView")
    assert view is not None
    return view


def press(
    qtbot: QtBot, key: Qt.Key, modifier: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier
) -> None:
    """A key as a person presses it: to whatever has the keyboard focus."""
    focused = QApplication.focusWidget()
    assert focused is not None, "nothing has the keyboard focus"
    qtbot.keyClick(focused, key, modifier)


def open_by_keyboard(qtbot: QtBot, window: MainWindow, pathway_id: str) -> PathwayView:
    """In the sidebar: Home, Down to the pathway's entry, Enter."""
    view = view_of(window)
    window.sidebar.setFocus(Qt.FocusReason.TabFocusReason)
    press(qtbot, Qt.Key.Key_Home)
    for _ in range(10):
        chosen = window.sidebar.currentIndex().data(PathwayRole)
        if chosen is not None and chosen[1] == pathway_id:
            break
        press(qtbot, Qt.Key.Key_Down)
    with qtbot.waitSignal(view.stepShown, timeout=5000, raising=False):
        press(qtbot, Qt.Key.Key_Return)
    qtbot.waitUntil(
        lambda: view.stored is not None and view.stored.pathway.id == pathway_id, timeout=5000
    )
    qtbot.waitUntil(lambda: QApplication.focusWidget() is view.step_text, timeout=5000)
    return view


def test_what_to_do_now_heads_the_sidebar(window: MainWindow) -> None:
    model = window.sidebar_model
    heading = model.index(0, 0)
    assert heading.data() == "What to do now"
    assert not heading.flags() & Qt.ItemFlag.ItemIsSelectable
    titles = [model.index(r, 0, heading).data() for r in range(model.rowCount(heading))]
    assert titles == ["An adult may be a victim", "A child may be a victim", "I need advice now"]
    first = model.index(0, 0, heading)
    assert first.flags() & Qt.ItemFlag.ItemIsSelectable
    assert first.data(Qt.ItemDataRole.AccessibleTextRole) == "An adult may be a victim"


@pytest.mark.parametrize("pathway_id", sorted(PATHWAYS))
def test_each_pathway_is_walked_by_keyboard_to_every_end_step(
    qtbot: QtBot, window: MainWindow, pathway_id: str
) -> None:
    pathway = PATHWAYS[pathway_id]
    view = open_by_keyboard(qtbot, window, pathway_id)
    ends_reached: set[str] = set()
    for numbers in walks(pathway):
        assert view.step is not None and view.step.id == pathway.start.id
        for number in numbers:
            press(qtbot, Qt.Key(Qt.Key.Key_0 + number))
            assert QApplication.focusWidget() is view.step_text
            assert view.step_text.text() == view.step.text  # type: ignore[union-attr]
        step = view.step
        assert step is not None and step.is_end
        assert view.end_note.isVisible() and not view.choice_buttons
        assert view.trail_label.text().count(" › ") == len(numbers)
        ends_reached.add(step.id)
        if numbers:  # Start again: its mnemonic clicks the button after a short animation
            press(qtbot, Qt.Key.Key_S, Qt.KeyboardModifier.AltModifier)
            qtbot.waitUntil(lambda: len(view.trail) == 1, timeout=2000)
    assert ends_reached == {s.id for s in pathway.steps if s.is_end}


def test_enter_tab_backspace_and_back_work_by_keyboard(qtbot: QtBot, window: MainWindow) -> None:
    view = open_by_keyboard(qtbot, window, "adult-may-be-victim")
    press(qtbot, Qt.Key.Key_Tab)  # step text -> the first choice
    assert QApplication.focusWidget() is view.choice_buttons[0]
    press(qtbot, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is view.choice_buttons[1]  # "No"
    press(qtbot, Qt.Key.Key_Return)
    assert view.step is not None and view.step.id == "role"
    press(qtbot, Qt.Key.Key_Backspace)
    assert view.step.id == "start"  # type: ignore[union-attr]
    press(qtbot, Qt.Key.Key_2)
    press(qtbot, Qt.Key.Key_1)
    assert view.step.id == "age"  # type: ignore[union-attr]
    assert view.trail_label.text() == (
        "Your path: Start › No › Yes: I work for a first responder organisation"
    )
    press(qtbot, Qt.Key.Key_B, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: view.step.id == "role", timeout=2000)  # type: ignore[union-attr]
    press(qtbot, Qt.Key.Key_9)  # no ninth choice: nothing happens
    assert view.step.id == "role"  # type: ignore[union-attr]


def test_a_cited_item_opens_in_the_detail_pane_and_leads_back(
    qtbot: QtBot, window: MainWindow
) -> None:
    view = open_by_keyboard(qtbot, window, "adult-may-be-victim")
    press(qtbot, Qt.Key.Key_2)
    press(qtbot, Qt.Key.Key_1)
    press(qtbot, Qt.Key.Key_2)
    assert view.step is not None and view.step.id == "consent"
    link = view.findChild(WrappingButton, "pathwayCiteLink")
    assert link is not None
    assert link.shown_text.startswith("National referral mechanism (NRM) guidance: adult")
    link.setFocus()
    with qtbot.waitSignal(window.detailShown, timeout=5000):
        press(qtbot, Qt.Key.Key_Return)
    assert window.detail.detail is not None
    assert window.detail.detail.item.id == "nrm-guidance-adult"
    assert window.detail.isVisible() and not view.isVisible()
    back = window.findChild(QPushButton, "pathwayReturnButton")
    assert back is not None and back.isVisible()
    press(qtbot, Qt.Key.Key_P, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(view.isVisible, timeout=2000)
    assert view.step.id == "consent"  # type: ignore[union-attr]
    assert QApplication.focusWidget() is view.step_text
    # Choosing a result in the list (a click) shows its detail in place of the pathway.
    row = window.results_view.visualRect(window.results_model.index(0)).center()
    with qtbot.waitSignal(window.detailShown, timeout=5000):
        qtbot.mouseClick(window.results_view.viewport(), Qt.MouseButton.LeftButton, pos=row)
    assert window.detail.isVisible() and not back.isVisible()


def test_copy_number_copies_a_cited_contacts_number(qtbot: QtBot, window: MainWindow) -> None:
    view = open_by_keyboard(qtbot, window, "advice-now")
    press(qtbot, Qt.Key.Key_1)  # someone is in immediate danger
    copy = view.findChild(QPushButton, "pathwayCopyNumber")
    assert copy is not None and copy.text() == "Copy number 999"
    copy.setFocus()
    press(qtbot, Qt.Key.Key_Return)
    assert QApplication.clipboard().text() == "999"
    assert "Copied 999" in window.statusBar().currentMessage()


def _accessible_name(widget: QWidget) -> str:
    interface = QAccessible.queryAccessibleInterface(widget)
    assert interface is not None
    return str(interface.text(QAccessible.Text.Name))


def test_step_text_and_choices_are_read_out_by_their_visible_text(
    qtbot: QtBot, window: MainWindow
) -> None:
    view = open_by_keyboard(qtbot, window, "child-may-be-victim")
    press(qtbot, Qt.Key.Key_2)
    press(qtbot, Qt.Key.Key_1)  # the area question: four choices
    assert _accessible_name(view.step_text) == view.step.text  # type: ignore[union-attr]
    names = [_accessible_name(b) for b in view.choice_buttons]
    assert names == ["1. Hampshire", "2. Portsmouth", "3. Southampton", "4. Isle of Wight"]
    assert names == [b.shown_text for b in view.choice_buttons]  # type: ignore[attr-defined]
    for button in view.findChildren(QPushButton):
        if not button.isVisible():
            continue
        if isinstance(button, WrappingButton):
            shown = button.shown_text
        else:  # a mnemonic's "&" is not shown; "&&" shows one "&"
            shown = button.text().replace("&&", "\0").replace("&", "").replace("\0", "&")
        assert _accessible_name(button) == shown


def test_go_menu_opens_the_first_pathway_and_quick_hide_clears_it(
    qtbot: QtBot, window: MainWindow
) -> None:
    view = view_of(window)
    window.search_field.setFocus()
    with qtbot.waitSignal(view.stepShown, timeout=5000):
        press(qtbot, Qt.Key.Key_6, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is view.step_text, timeout=5000)
    assert view.stored is not None and view.stored.pathway.id == "adult-may-be-victim"
    press(qtbot, Qt.Key.Key_2)
    window.hide_action.trigger()
    assert view.stored is None and view.trail == []
    assert view.step_text.text() == "" and view.trail_label.text() == ""


def test_new_content_reloads_the_pathway_and_keeps_the_walk(
    qtbot: QtBot, window: MainWindow
) -> None:
    view = open_by_keyboard(qtbot, window, "child-may-be-victim")
    press(qtbot, Qt.Key.Key_2)
    press(qtbot, Qt.Key.Key_1)
    before = view.stored
    with qtbot.waitSignal(view.stepShown, timeout=5000):
        window.service.contentChanged.emit()  # as after a sync or an import
    assert view.stored is not before  # read again from the store
    assert view.step is not None and view.step.id == "area"
    assert [step_id for step_id, _ in view.trail] == ["start", "always", "area"]


def test_actions_act_on_the_cited_item_shown_and_on_nothing_behind_a_pathway(
    qtbot: QtBot, window: MainWindow
) -> None:
    # A result is highlighted first: it must not stay the target once a pathway covers it.
    window.results_view.setFocus(Qt.FocusReason.TabFocusReason)
    qtbot.waitUntil(lambda: window.current_item.target() is not None, timeout=5000)
    view = open_by_keyboard(qtbot, window, "adult-may-be-victim")
    QApplication.clipboard().clear()
    press(
        qtbot, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
    )
    assert QApplication.clipboard().text() == ""  # nothing is shown to copy
    assert window.results_view.selectionModel().selectedIndexes() == []
    press(qtbot, Qt.Key.Key_2)
    press(qtbot, Qt.Key.Key_1)
    press(qtbot, Qt.Key.Key_2)
    link = view.findChild(WrappingButton, "pathwayCiteLink")
    assert link is not None
    link.setFocus()
    with qtbot.waitSignal(window.detailShown, timeout=5000):
        press(qtbot, Qt.Key.Key_Return)
    detail = window.detail.detail
    assert detail is not None and detail.item.id == "nrm-guidance-adult" and detail.item.url
    press(
        qtbot, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
    )
    assert QApplication.clipboard().text() == detail.item.url
