"""End-to-end: the real window on the real seed, driven by objectName like a person would."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtGui import QAction, QFontDatabase, QKeySequence
from PySide6.QtWidgets import QApplication, QLabel, QListView, QTreeView
from pytestqt.qtbot import QtBot

from msguide.store.db import Store
from msguide.store.search import Filters, search
from msguide.ui.content import ContentService
from msguide.ui.main_window import MainWindow
from msguide.ui.sidebar import KeyRole
from windowkit import type_query

WindowFactory = Callable[[], tuple[MainWindow, ContentService]]


def result_ids(window: MainWindow) -> list[str]:
    return [h.id for h in window.results_model.hits]


def choose(qtbot: QtBot, window: MainWindow, key: str) -> None:
    sidebar = window.findChild(QTreeView, "sidebar")
    assert sidebar is not None
    index = window.sidebar_model.index_for_key(key)
    assert index.isValid(), key
    with qtbot.waitSignal(window.resultsShown, timeout=5000):
        sidebar.setCurrentIndex(index)


@pytest.fixture
def seed_store(home: Path, window: MainWindow):  # type: ignore[no-untyped-def]
    with Store.open(home / "data" / "msguide.sqlite", read_only=True) as store:
        yield store


def test_window_opens_on_the_seed_with_content(window: MainWindow) -> None:
    assert window.objectName() == "mainWindow"
    assert window.results_model.total > 40
    assert "Hampshire" in window.content_label.text()
    labels = [
        window.sidebar_model.index(r, 0).data() for r in range(window.sidebar_model.rowCount())
    ]
    assert labels.pop(0) == "What to do now"  # the pathways (tests/ui/test_pathways_window.py)
    assert labels[0].startswith("All (")
    assert labels[1].startswith("Favourites (")
    assert labels[2].startswith("Recently viewed (")
    assert labels[3].startswith("Contacts & helplines (")


def test_typing_a_query_shows_ranked_results(qtbot: QtBot, window: MainWindow) -> None:
    type_query(qtbot, window, "nrm adult")
    assert result_ids(window)[0] == "nrm-guidance-adult"
    assert "in All" in window.count_label.text()


def test_typed_results_are_painted_first_and_highlighted_after(
    qtbot: QtBot, window: MainWindow, seed_store: Store
) -> None:
    # Snippets cost up to a frame per keystroke, so the list is painted with each row's
    # summary and the highlighted snippets replace them once it is on screen.
    from msguide.store.search import MARK_START

    model = window.results_model
    painted: list[list[str]] = []
    window.resultsShown.connect(lambda: painted.append([h.snippet for h in model.hits]))
    with qtbot.waitSignal(model.snippetsShown, timeout=5000):
        window.search_field.setText("nrm adult")
    assert painted and painted[-1] and not any(MARK_START in s for s in painted[-1])
    with seed_store.read() as connection:
        expected = search(connection, "nrm adult", limit=len(model.hits))
    assert [h.rowid for h in model.hits] == [h.rowid for h in expected]
    assert [h.snippet for h in model.hits] == [h.snippet for h in expected]
    assert any(MARK_START in h.snippet for h in model.hits)


def test_typing_on_shows_the_last_page_narrowed_then_the_exact_ranking(
    qtbot: QtBot, window: MainWindow, seed_store: Store
) -> None:
    # A query that extends the shown one is first ranked among the shown page's rows (cheap),
    # then exactly; the list the person is left with is the exact ranking of every match.
    from msguide.store.search import find

    window.service.exact_below = 0  # the seed is small enough to rank exactly at once
    type_query(qtbot, window, "gui")
    arrived: list[tuple[bool, list[int], int]] = []
    model = window.results_model
    window.resultsShown.connect(
        lambda: arrived.append(
            (model.result.exact, [h.rowid for h in model.hits], model.total)
            if model.result is not None
            else (True, [], 0)
        )
    )
    shown_before = set(model.result.rowids if model.result else ())
    with qtbot.waitSignal(model.snippetsShown, timeout=5000):
        qtbot.keyClicks(window.search_field, "d")
    with seed_store.read() as connection:
        exact = find(connection, "guid")
    assert len(arrived) == 2
    (first_exact, first_rows, first_total), (last_exact, last_rows, last_total) = arrived
    assert not first_exact and set(first_rows) <= shown_before
    assert first_total == last_total == len(exact)
    assert last_exact and last_rows == [r for r, _ in exact][: len(last_rows)]
    assert model.result is not None and model.result.rowids == tuple(r for r, _ in exact[:100])


def test_a_first_key_shows_the_listed_rows_that_match_then_the_exact_ranking_and_count(
    qtbot: QtBot, window: MainWindow, seed_store: Store
) -> None:
    # The first key over the browsed list: its rows that match, in their listed order, with
    # every match counted; once typing pauses, the exact ranking, and the count said is exact.
    from msguide.store.search import count, find

    window.service.exact_below = 0  # the seed is small enough to rank exactly at once
    model = window.results_model
    listed = list(model.result.rowids if model.result else ())
    arrived: list[tuple[bool, list[int], int, str]] = []
    window.resultsShown.connect(
        lambda: arrived.append(
            (
                model.result is not None and model.result.exact,
                [h.rowid for h in model.hits],
                model.total,
                window.count_label.text(),
            )
        )
    )
    with qtbot.waitSignal(model.snippetsShown, timeout=5000):
        qtbot.keyClicks(window.search_field, "g")
    with seed_store.read() as connection:
        exact = [r for r, _ in find(connection, "g")]
        total = count(connection, "g")
    assert len(arrived) == 2 and 0 < total < len(listed)
    (first_exact, first_rows, first_total, _), (last_exact, last_rows, last_total, said) = arrived
    assert not first_exact and first_rows == [r for r in listed if r in set(exact)][:30]
    assert first_rows != exact[:30]  # (otherwise this would not show the narrowed page)
    assert first_total == last_total == total
    assert last_exact and last_rows == exact[: len(last_rows)]
    assert said.startswith(f"{total} results")
    assert window.results_view.accessibleDescription() == said


def test_a_key_over_a_list_of_few_matches_is_ranked_exactly_at_once(
    qtbot: QtBot, window: MainWindow, seed_store: Store
) -> None:
    from msguide.store.search import find

    model = window.results_model
    arrived: list[bool] = []
    window.resultsShown.connect(lambda: arrived.append(bool(model.result and model.result.exact)))
    with qtbot.waitSignal(model.snippetsShown, timeout=5000):
        qtbot.keyClicks(window.search_field, "g")
    with seed_store.read() as connection:
        exact = [r for r, _ in find(connection, "g")]
    assert arrived == [True]  # the seed's matches are far fewer than EXACT_BELOW
    assert [h.rowid for h in model.hits] == exact[: len(model.hits)]


def test_audience_shows_only_its_items_and_combines_with_search(
    qtbot: QtBot, window: MainWindow, seed_store: Store
) -> None:
    choose(qtbot, window, "audience:children")
    with seed_store.read() as connection:
        expected = {h.id for h in search(connection, "", Filters(audience="children"), limit=1000)}
    assert set(result_ids(window)) == expected
    assert window.results_model.total == len(expected) > 0
    type_query(qtbot, window, "guidance")
    with seed_store.read() as connection:
        within = {
            h.id for h in search(connection, "guidance", Filters(audience="children"), limit=1000)
        }
    assert set(result_ids(window)) == within
    assert within < expected


def test_selecting_a_result_shows_its_detail_as_plain_text(
    qtbot: QtBot, window: MainWindow
) -> None:
    type_query(qtbot, window, "ceraf")
    view = window.findChild(QListView, "resultsView")
    assert view is not None
    with qtbot.waitSignal(window.detailShown, timeout=5000):
        view.setCurrentIndex(window.results_model.index(0))
    hit = window.results_model.hit(0)
    assert hit is not None
    title = window.findChild(QLabel, "detailTitle")
    assert title is not None and title.text() == hit.title
    assert title.textFormat() == Qt.TextFormat.PlainText
    assert window.detail.summary.text()


def test_favourite_survives_a_restart(qtbot: QtBot, open_window: WindowFactory) -> None:
    window, service = open_window()
    type_query(qtbot, window, "rapid read")
    with qtbot.waitSignal(window.detailShown, timeout=5000):
        window.results_view.setCurrentIndex(window.results_model.index(0))
    chosen = window.detail.detail
    assert chosen is not None
    window.results_view.setFocus()
    with qtbot.waitSignal(service.userStateChanged, timeout=5000):
        qtbot.keyClick(window.results_view, Qt.Key.Key_D, Qt.KeyboardModifier.ControlModifier)
    assert window.detail.favourite_button.isChecked()
    window.close()
    service.close()

    again, _ = open_window()
    choose(qtbot, again, "favourites")
    assert result_ids(again) == [chosen.item.id]


def test_viewing_news_lowers_the_unread_count(qtbot: QtBot, window: MainWindow) -> None:
    qtbot.waitUntil(lambda: window.news.model.rowCount() > 0, timeout=5000)
    before = window.news.windowTitle()
    assert before.startswith("News (") and "unread" in before
    unread = int(before.split("(")[1].split()[0])
    view = window.findChild(QListView, "newsView")
    assert view is not None
    row = view.visualRect(window.news.model.index(0)).center()
    with qtbot.waitSignal(window.service.userStateChanged, timeout=5000):
        qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=row)
    qtbot.waitUntil(lambda: window.news.windowTitle() != before, timeout=5000)
    assert window.news.windowTitle() == f"News ({unread - 1} unread)"
    # The pane's title changed; View ▸ News pane keeps its name (Qt renamed it to the title).
    assert window.news_toggle.text() == "News &pane"
    dates = [h.date for h in window.news.model.hits]
    dated = [d for d in dates if d]
    # Newest first, and the news without a date after all dated news.
    assert dated and len(dated) < len(dates)  # the seed has both kinds: the check has teeth
    assert dates == sorted(dated, reverse=True) + [None] * (len(dates) - len(dated))


def test_keyboard_only_search_to_open(
    qtbot: QtBot, window: MainWindow, opened_links: list[str]
) -> None:
    window.activateWindow()
    qtbot.keyClick(window, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert QApplication.focusWidget() is window.search_field
    type_query(qtbot, window, "nrm adult")
    with qtbot.waitSignal(window.detailShown, timeout=5000):
        qtbot.keyClick(window.search_field, Qt.Key.Key_Down)
    assert QApplication.focusWidget() is window.results_view
    qtbot.keyClick(window.results_view, Qt.Key.Key_Return)
    assert opened_links == [
        "https://www.gov.uk/government/publications/support-for-victims-of-human-trafficking"
    ]


def test_escape_clears_the_search(qtbot: QtBot, window: MainWindow) -> None:
    type_query(qtbot, window, "helpline")
    with qtbot.waitSignal(window.resultsShown, timeout=5000):
        qtbot.keyClick(window.search_field, Qt.Key.Key_Escape)
    assert window.search_field.text() == ""


def test_contacts_are_one_keystroke_away_and_numbers_copy(qtbot: QtBot, window: MainWindow) -> None:
    with qtbot.waitSignal(window.detailShown, timeout=5000):
        qtbot.keyClick(window, Qt.Key.Key_F2)
    assert window.sidebar_key == "contacts"
    assert {h.kind for h in window.results_model.hits} == {"contact"}
    assert QApplication.focusWidget() is window.results_view
    detail = window.detail.detail
    assert detail is not None and detail.item.phone
    qtbot.mouseClick(window.detail.number_button, Qt.MouseButton.LeftButton)
    assert QApplication.clipboard().text() == detail.item.phone


def test_no_results_suggests_fewer_words_and_the_helpline(qtbot: QtBot, window: MainWindow) -> None:
    type_query(qtbot, window, "qqqzzz xxyyzz")
    assert window.results_stack.currentWidget() is window.empty_state
    text = window.empty_state.text()
    assert "Try fewer or shorter words" in text
    assert "08000 121 700" in text


def test_zoom_is_kept_across_restarts(qtbot: QtBot, open_window: WindowFactory) -> None:
    window, service = open_window()
    base = window.base_point_size
    qtbot.keyClick(window, Qt.Key.Key_Equal, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(window, Qt.Key.Key_Equal, Qt.KeyboardModifier.ControlModifier)
    assert window.zoom == 125
    assert QApplication.font().pointSizeF() == pytest.approx(base * 1.25)
    window.close()
    service.close()
    again, _ = open_window()
    assert again.zoom == 125
    qtbot.keyClick(again, Qt.Key.Key_0, Qt.KeyboardModifier.ControlModifier)
    assert again.zoom == 100


def test_a_zoom_left_by_the_test_before_does_not_reach_this_ones_window(window: MainWindow) -> None:
    # The test above ends with Qt's process-wide application font at 125% of the platform's
    # (its second window took the zoomed font as its base). tests/conftest.py puts the font
    # back after every test, so this window, like one in a new process, starts at the
    # platform's size: otherwise every later window test in this run measures bigger text.
    platform = QFontDatabase.systemFont(QFontDatabase.SystemFont.GeneralFont)
    assert window.base_point_size == pytest.approx(platform.pointSizeF())
    assert QApplication.font().pointSizeF() == pytest.approx(platform.pointSizeF())


def test_sidebar_choice_and_layout_are_restored(qtbot: QtBot, open_window: WindowFactory) -> None:
    window, service = open_window()
    choose(qtbot, window, "category:toolkits-assessment")
    window.resize(window.width(), 500)
    window.splitter.setSizes([150, 300, 300])
    QApplication.processEvents()  # let the platform window take the new size before saving
    window.close()
    service.close()
    again, _ = open_window()
    assert again.sidebar_key == "category:toolkits-assessment"
    assert again.sidebar.currentIndex().data(KeyRole) == "category:toolkits-assessment"
    assert again.size().height() == 500
    restored = again.splitter.sizes()
    # Within a pixel or two: the splitter shares out rounding when the window is laid out.
    assert abs(restored[0] - 150) <= 2
    assert abs(restored[1] - restored[2]) <= 2


def test_result_rows_speak_their_content(qtbot: QtBot, window: MainWindow) -> None:
    type_query(qtbot, window, "helpline")
    spoken = window.results_model.index(0).data(Qt.ItemDataRole.AccessibleTextRole)
    assert (
        isinstance(spoken, str)
        and "Contact" in spoken
        and window.results_model.hits[0].title in spoken
    )


def test_models_pass_the_qt_model_tester(qtmodeltester, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    qtmodeltester.check(window.sidebar_model)
    qtmodeltester.check(window.results_model)
    assert window.sidebar_model.parent(QModelIndex()) == QModelIndex()


def test_f1_lists_the_shortcuts(window: MainWindow) -> None:
    from msguide.ui.shortcuts import shortcut_lines

    lines = {what: keys for keys, what in shortcut_lines(window.actions())}
    assert "Ctrl+D" in lines["Toggle favourite"]
    assert "Ctrl+Shift+C" in lines["Copy link"]
    assert "F1" in lines["Keyboard shortcuts"]
    assert "Ctrl+Shift+H" in lines["Quick hide"]


def test_f1_lists_every_shortcut_the_window_answers_to(window: MainWindow) -> None:
    """Ctrl+Shift+N (View ▸ News pane) was missing: the pane's action is only in the menu."""
    from msguide.ui.shortcuts import shortcut_lines

    lines = shortcut_lines(window.shortcut_actions())
    listed = {key for keys, _ in lines for key in keys.split(" or ")}
    keys = {
        key.toString(QKeySequence.SequenceFormat.NativeText)
        for action in window.findChildren(QAction)
        for key in action.shortcuts()
    }
    assert "Ctrl+Shift+N" in keys
    assert sorted(key for key in keys if key not in listed) == []


def test_news_pane_choice_is_kept_across_restarts(qtbot: QtBot, open_window: WindowFactory) -> None:
    window, service = open_window()
    assert window.news.isVisible()
    qtbot.keyClick(
        window,
        Qt.Key.Key_N,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    assert not window.news.isVisible()
    window.close()
    service.close()
    again, _ = open_window()
    assert not again.news.isVisible()
    assert again.settings is not None and again.settings.get("ui.show_news") is False


def test_a_long_result_list_scrolls_past_the_first_page(
    qtbot: QtBot, home: Path, open_window: WindowFactory
) -> None:
    # 250 matches: the first page (100 ranked, 30 shown) comes at once; scrolling past it has
    # the rest ranked and loads rows until all 250 are listed.
    from feedmaker import feed_document, item, to_bytes
    from msguide.feed.parse import parse
    from msguide.paths import STORE_NAME
    from msguide.store.db import Store
    from msguide.store.importer import Provenance, import_feed

    items = [
        item(f"g{n}", f"Guidance note {n}", summary=f"Guidance number {n}.") for n in range(250)
    ]
    raw = to_bytes(feed_document(items=items))
    (home / "data").mkdir(parents=True)
    with Store.open(home / "data" / STORE_NAME) as store:
        import_feed(store, parse(raw), raw, Provenance(origin="test"))
    window, _service = open_window()
    model = window.results_model
    with qtbot.waitSignal(window.resultsShown, timeout=5000):
        window.search_field.setText("guidance")
    assert model.total == 250
    assert model.rowCount() < 100
    assert "250 results" in window.count_label.text()
    assert model.result is not None and len(model.result.rowids) == 100  # not ranked yet
    qtbot.wait(200)
    assert len(model.result.rowids) == 100  # nothing ranks the rest while nobody scrolls
    view = window.results_view

    def scrolled_to_the_end() -> bool:
        view.scrollToBottom()
        return model.rowCount() == 250

    qtbot.waitUntil(scrolled_to_the_end, timeout=10_000)
    assert model.result is not None and model.result.complete
    assert len({h.rowid for h in model.hits}) == 250


def test_zoom_scales_the_detail_title_and_the_news_pane_title(
    qtbot: QtBot, window: MainWindow
) -> None:
    from PySide6.QtGui import QFont

    with qtbot.waitSignal(window.detailShown, timeout=5000):
        window.results_view.setCurrentIndex(window.results_model.index(0))
    window.set_zoom(200, save=False)
    zoomed = QApplication.font().pointSizeF()
    assert zoomed == pytest.approx(window.base_point_size * 2)
    # The title is derived at once from the zoomed application font, not a stale widget font.
    assert window.detail.title.font().pointSizeF() == pytest.approx(zoomed * 1.35)
    # QDockWidget keeps its construction-time title font while its font equals the app's; the
    # pane's own font must differ (in style strategy only) and carry the zoomed size.
    news_font = window.news.font()
    assert news_font.pointSizeF() == pytest.approx(zoomed)
    assert news_font != QApplication.font("QDockWidget")
    assert news_font.styleStrategy() & QFont.StyleStrategy.PreferAntialias
    window.set_zoom(100, save=False)
    assert window.news.font().pointSizeF() == pytest.approx(window.base_point_size)


def test_ranking_the_rest_never_displaces_a_newer_search(
    qtbot: QtBot, open_window: WindowFactory
) -> None:
    window, service = open_window()
    shown = window.results_model.result
    assert shown is not None
    arrived: list[str] = []
    ranked: list[object] = []
    service.search("nrm", Filters(), lambda result: arrived.append(result.text))
    service.rank_rest(shown, ranked.append)  # the list scrolled while "nrm" was on its way
    qtbot.waitUntil(lambda: arrived == ["nrm"], timeout=5000)
    qtbot.wait(100)
    assert ranked == []
