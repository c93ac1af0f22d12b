"""Accessibility in the widget tree: every focusable widget is named and shows a focus ring
anyone can see; labels are named by what they show; Tab follows the window top-left to
bottom-right. (What a screen reader receives over AT-SPI: tests/a11y/.)"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QAccessible, QColor, QPalette
from PySide6.QtWidgets import QApplication, QLabel, QMenu, QWidget
from pytestqt.qtbot import QtBot

from msguide.ui.focus_ring import RING_WIDTH, FocusRing
from msguide.ui.main_window import MainWindow
from windowkit import type_query


def spoken_name(widget: QWidget) -> str:
    interface = QAccessible.queryAccessibleInterface(widget)
    return interface.text(QAccessible.Text.Name) if interface is not None else ""


def focusable(window: MainWindow) -> list[QWidget]:
    return [
        w
        for w in window.findChildren(QWidget)
        if w.isVisible()
        and w.focusPolicy() != Qt.FocusPolicy.NoFocus
        and not isinstance(w, FocusRing)
    ]


def show_the_helpline(qtbot: QtBot, window: MainWindow) -> None:
    window.activateWindow()
    type_query(qtbot, window, "helpline")
    with qtbot.waitSignal(window.detailShown, timeout=5000):
        qtbot.keyClick(window.search_field, Qt.Key.Key_Down)
    detail = window.detail.detail
    assert detail is not None and detail.item.phone


def tab_chain(qtbot: QtBot, window: MainWindow) -> list[QWidget]:
    window.search_field.setFocus(Qt.FocusReason.TabFocusReason)
    chain: list[QWidget] = []
    for _ in range(80):
        widget = QApplication.focusWidget()
        assert widget is not None
        if chain and widget is chain[0]:
            break
        chain.append(widget)
        qtbot.keyClick(widget, Qt.Key.Key_Tab)
    return chain


def test_every_focusable_widget_has_an_accessible_name(qtbot: QtBot, window: MainWindow) -> None:
    show_the_helpline(qtbot, window)
    widgets = focusable(window)
    assert len(widgets) > 10
    unnamed = [
        f"{type(w).__name__} {w.objectName()!r}" for w in widgets if not spoken_name(w).strip()
    ]
    assert unnamed == []


def test_labels_are_named_by_what_they_show(qtbot: QtBot, window: MainWindow) -> None:
    show_the_helpline(qtbot, window)
    shown = [x for x in window.findChildren(QLabel) if x.isVisible() and x.text().strip()]
    assert window.detail.contact in shown and window.count_label in shown
    wrong = {x.objectName(): spoken_name(x) for x in shown if x.text() not in spoken_name(x)}
    assert wrong == {}
    assert spoken_name(window.detail.contact).startswith("Phone: 08000 121 700")


def test_every_focusable_widget_shows_a_two_pixel_ring_in_the_highlight_colour(
    qtbot: QtBot, window: MainWindow
) -> None:
    show_the_helpline(qtbot, window)
    for widget in focusable(window):
        widget.setFocus(Qt.FocusReason.TabFocusReason)
        QApplication.processEvents()
        rings = [r for r in widget.findChildren(FocusRing) if r.isVisible()]
        assert len(rings) == 1, widget.objectName() or type(widget).__name__
        assert rings[0].geometry() == widget.rect()
        image = widget.grab().toImage()
        highlight = widget.palette().color(QPalette.ColorRole.Highlight).rgb()
        ratio = image.width() / max(widget.width(), 1)
        for offset in range(2):
            for x, y in ((offset, widget.height() // 2), (widget.width() // 2, offset)):
                pixel = QColor(image.pixel(int(x * ratio), int(y * ratio))).rgb()
                assert pixel == highlight, (widget.objectName() or type(widget).__name__, x, y)


def test_tab_follows_the_window_from_top_left_to_bottom_right(
    qtbot: QtBot, window: MainWindow
) -> None:
    show_the_helpline(qtbot, window)
    chain = tab_chain(qtbot, window)
    regions = [window.search_bar, window.sidebar, window.results_stack, window.detail, window.news]

    def place(widget: QWidget) -> tuple[int, int, int]:
        region = next(n for n, r in enumerate(regions) if r is widget or r.isAncestorOf(widget))
        corner = widget.mapTo(window, widget.rect().topLeft())
        return region, corner.y(), corner.x()

    places = [place(w) for w in chain]
    names = [w.objectName() for w in chain]
    assert places == sorted(places), names
    # The detail text is on the way: title, contact (with the number), full text.
    for name in ("detailTitle", "detailContact", "copyNumberButton", "newsView"):
        assert name in names


def _labels_that_take_focus(window: MainWindow) -> list[QLabel]:
    return [
        label
        for label in window.findChildren(QLabel)
        if label.isVisible()
        and label.text().strip()
        and label.focusPolicy() & Qt.FocusPolicy.TabFocus
    ]


def _text_room(label: QLabel) -> list[int]:
    """How far the label draws its text from each edge (left, top, right, bottom)."""
    text = label.contentsRect().adjusted(
        label.margin(), label.margin(), -label.margin(), -label.margin()
    )
    outer = label.rect()
    return [
        text.left() - outer.left(),
        text.top() - outer.top(),
        outer.right() - text.right(),
        outer.bottom() - text.bottom(),
    ]


def test_a_focused_labels_ring_leaves_its_text_clear(qtbot: QtBot, window: MainWindow) -> None:
    """The ring is drawn inside the focused widget: a label whose text starts at its edge had
    its first letter and its descenders under the ring ("Link" read as "ink")."""
    checked: dict[str, list[int]] = {}
    for show in ("start card", "helpline", "pathway"):
        if show == "helpline":
            show_the_helpline(qtbot, window)
        elif show == "pathway":
            window.search_field.setFocus()
            qtbot.keyClick(window.search_field, Qt.Key.Key_6, Qt.KeyboardModifier.ControlModifier)
            qtbot.waitUntil(
                lambda: QApplication.focusWidget().objectName() == "pathwayStepText",
                timeout=5000,
            )
        for label in _labels_that_take_focus(window):
            checked[label.objectName()] = _text_room(label)
    for name in ("startHowTo", "detailTitle", "detailLink", "pathwayStepText"):
        assert name in checked
    crowded = {name: room for name, room in checked.items() if min(room) < RING_WIDTH + 1}
    assert crowded == {}


def test_tab_reaches_check_for_updates_the_notice_and_the_spelling_suggestion_in_order(
    qtbot: QtBot, window: MainWindow
) -> None:
    """Across the top of the window: the search bar's three controls (a tool bar's own
    buttons take no focus, so Check for updates was skipped), then the notice's text and its
    Dismiss, then the "Did you mean" button (it was outside the window's reading order)."""
    window.activateWindow()
    qtbot.waitUntil(window.sync_ui.action.isEnabled, timeout=5000)
    window.show_notice("Your IT team has set this computer's settings.")
    spelling = window.practice.spelling
    with qtbot.waitSignal(spelling.shown, timeout=5000, check_params_cb=lambda s: s != ""):
        type_query(qtbot, window, "trafiking")
    names = [w.objectName() for w in tab_chain(qtbot, window)]
    assert names[:7] == [
        "searchField",
        "quickHideButton",
        "syncButton",
        "noticeBar",
        "noticeClose",
        "spellingButton",
        "sidebar",
    ]


def _access_key(text: str) -> str | None:
    """The letter after a single "&" (Alt+letter in a menu), if any."""
    plain = text.replace("&&", "")
    at = plain.find("&")
    return plain[at + 1].lower() if 0 <= at < len(plain) - 1 else None


def test_every_menu_item_has_an_access_key_of_its_own(window: MainWindow) -> None:
    """In a menu, a letter two items share only moves between them (View had Normal size and
    News pane on N, Edit Search and Settings on S), and an item with none cannot be reached by
    a letter at all (Go ▸ Previous pane, File ▸ Save contacts & helplines as PDF)."""
    menus = {"menu bar": window.menuBar().actions()}
    for entry in window.menuBar().actions():
        menu = entry.menu()
        assert isinstance(menu, QMenu)
        menus[entry.text()] = menu.actions()
    problems = {}
    for name, actions in menus.items():
        texts = [a.text() for a in actions if not a.isSeparator() and a.isVisible()]
        keys = [_access_key(t) for t in texts]
        shared = [t for t, k in zip(texts, keys, strict=True) if k is None or keys.count(k) > 1]
        if shared:
            problems[name] = shared
    assert len(menus) >= 6
    assert problems == {}
